// Autoencoder: construction, initialisation, inference and the forward/backward pass over the layer stack.
#include "core/autoencoder.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/rng.hpp"

namespace latent {

// ---------------------------------------------------------------------------------------------------------
// Architecture
// ---------------------------------------------------------------------------------------------------------

const char* to_string(ModelKind kind) { return kind == ModelKind::Conv ? "conv" : "dense"; }

namespace {

// The side of a square image of `pixels` pixels, or 0 when it is not a square.
int square_side(int pixels) {
  int side = static_cast<int>(std::lround(std::sqrt(static_cast<double>(std::max(pixels, 0)))));
  return side * side == pixels ? side : 0;
}

// The pooled maps' shape: the image after every encoder block.
ImageShape pooled_shape(const ModelShape& shape) {
  const int side = square_side(shape.input);
  ImageShape s{1, side, side};
  for (int c : shape.channels) s = pool_output(conv_output(s, c, ModelShape::kKernel, Padding::Same));
  return s;
}

// Which decoder blocks' convolutions are 'valid' (shrinking the maps by 2), so that after the upsamplings the
// decoder comes back to the image's side: a 'valid' convolution in block j (of n) takes 2 * 2^(n - j) off the
// final side. Chosen from the first block on, largest first. Empty when no choice lands on the side.
std::vector<bool> valid_blocks(const ModelShape& shape) {
  const int n = static_cast<int>(shape.channels.size());
  const int side = square_side(shape.input);
  long excess = static_cast<long>(pooled_shape(shape).height) * (1L << n) - side;
  std::vector<bool> valid(static_cast<std::size_t>(n), false);
  for (int j = 0; j < n; ++j) {
    const long cut = 2L << (n - j);
    if (excess >= cut) {
      valid[static_cast<std::size_t>(j)] = true;
      excess -= cut;
    }
  }
  return excess == 0 ? valid : std::vector<bool>{};
}

Status validate_dense(const Architecture& a) {
  if (a.latent < ModelShape::kMinLatent || a.latent > ModelShape::kMaxLatent) {
    return Status::error("latent size " + std::to_string(a.latent) + " is out of range (" +
                         std::to_string(ModelShape::kMinLatent) + " to " + std::to_string(ModelShape::kMaxLatent) + ")");
  }
  if (a.hidden.size() > static_cast<std::size_t>(ModelShape::kMaxHiddenLayers)) {
    return Status::error(std::to_string(a.hidden.size()) + " hidden layers is too many (at most " +
                         std::to_string(ModelShape::kMaxHiddenLayers) + ")");
  }
  for (int w : a.hidden) {
    if (w < 1 || w > ModelShape::kMaxWidth) {
      return Status::error("hidden layer width " + std::to_string(w) + " is out of range (1 to " +
                           std::to_string(ModelShape::kMaxWidth) + ")");
    }
  }
  return Status::ok();
}

Status validate_conv(const Architecture& a) {
  const int side = square_side(a.input);
  if (side < 4) {
    return Status::error("the convolutional model needs square images of at least 4 x 4; " + std::to_string(a.input) +
                         " pixels is not one");
  }
  const auto blocks = static_cast<int>(a.channels.size());
  if (blocks < 1 || blocks > ModelShape::kMaxConvBlocks) {
    return Status::error("channels: " + std::to_string(blocks) + " blocks; the convolutional model takes 1 to " +
                         std::to_string(ModelShape::kMaxConvBlocks));
  }
  for (int c : a.channels) {
    if (c < 1 || c > ModelShape::kMaxChannels) {
      return Status::error("channels: " + std::to_string(c) + " is out of range (1 to " +
                           std::to_string(ModelShape::kMaxChannels) + ")");
    }
  }
  if (pooled_shape(a).size() > ModelShape::kMaxCode) {
    return Status::error("channels " + a.channel_list() + " give a code of " + std::to_string(pooled_shape(a).size()) +
                         " numbers; at most " + std::to_string(ModelShape::kMaxCode) + " (fewer channels in the last block, or a bottleneck)");
  }
  if (valid_blocks(a).empty()) {
    return Status::error("channels " + a.channel_list() + ": the decoder cannot come back to " + std::to_string(side) +
                         " x " + std::to_string(side) + " from " + std::to_string(pooled_shape(a).height) + " x " +
                         std::to_string(pooled_shape(a).width) + "; try fewer blocks");
  }
  if (a.bottleneck < 0 || a.bottleneck > ModelShape::kMaxLatent) {
    return Status::error("bottleneck " + std::to_string(a.bottleneck) + " is out of range (0 for none, or 1 to " +
                         std::to_string(ModelShape::kMaxLatent) + ")");
  }
  if (a.variational && a.bottleneck == 0) {
    return Status::error("a variational convolutional model needs a bottleneck (its code is a dense layer's mean and variance)");
  }
  return Status::ok();
}

// Adds a layer with parameters, placing its weight and bias after those already placed.
void add_layer(std::vector<LayerLayout>& layers, std::size_t& offset, LayerLayout layer) {
  if (layer.kind == LayerKind::Dense) {
    layer.weight_count = static_cast<std::size_t>(layer.in.size()) * static_cast<std::size_t>(layer.out.size());
  } else if (layer.kind == LayerKind::Conv) {
    layer.weight_count = static_cast<std::size_t>(layer.in.channels) * layer.out.channels * layer.kernel * layer.kernel;
  }
  if (layer.weight_count > 0) {
    layer.weight = offset;
    layer.bias = offset + layer.weight_count;
    offset = layer.bias + static_cast<std::size_t>(layer.out.channels);
  }
  layers.push_back(layer);
}

ImageShape flat(int n) { return {n, 1, 1}; }

// A dense layer's output is a column of `out` numbers: {out, 1, 1}, so its bias has out.channels entries.
LayerLayout dense(int in, int out, Activation activation) {
  LayerLayout d;
  d.kind = LayerKind::Dense;
  d.in = flat(in);
  d.out = flat(out);
  d.activation = activation;
  return d;
}

std::vector<LayerLayout> dense_layers(const Architecture& a) {
  std::vector<int> w{a.input};
  w.insert(w.end(), a.hidden.begin(), a.hidden.end());
  w.push_back(a.latent);
  w.insert(w.end(), a.hidden.rbegin(), a.hidden.rend());
  w.push_back(a.input);
  const std::size_t code = a.hidden.size();  // the code layer's index
  std::vector<LayerLayout> layers;
  std::size_t offset = 0;
  for (std::size_t l = 0; l + 1 < w.size(); ++l) {
    const bool last = l + 2 == w.size();
    const bool variational_code = a.variational && l == code;
    add_layer(layers, offset,
              dense(w[l], variational_code ? 2 * w[l + 1] : w[l + 1], last || variational_code ? Activation::Linear : a.activation));
  }
  return layers;
}

LayerLayout shape_layer(LayerKind kind, ImageShape in, ImageShape out) {
  LayerLayout l;
  l.kind = kind;
  l.in = in;
  l.out = out;
  return l;
}

LayerLayout conv(ImageShape in, int channels, Padding padding, Activation activation) {
  LayerLayout l = shape_layer(LayerKind::Conv, in, conv_output(in, channels, ModelShape::kKernel, padding));
  l.kernel = ModelShape::kKernel;
  l.padding = padding;
  l.activation = activation;
  return l;
}

void conv_encoder(const Architecture& a, std::vector<LayerLayout>& layers, std::size_t& offset) {
  const int side = square_side(a.input);
  ImageShape s{1, side, side};
  for (int c : a.channels) {
    add_layer(layers, offset, conv(s, c, Padding::Same, a.activation));
    s = layers.back().out;
    add_layer(layers, offset, shape_layer(LayerKind::Pool, s, pool_output(s)));
    s = layers.back().out;
  }
  add_layer(layers, offset, shape_layer(LayerKind::Flatten, s, flat(s.size())));
  if (a.bottleneck > 0) {
    add_layer(layers, offset, dense(s.size(), a.variational ? 2 * a.bottleneck : a.bottleneck, Activation::Linear));
  }
}

void conv_decoder(const Architecture& a, std::vector<LayerLayout>& layers, std::size_t& offset) {
  ImageShape s = pooled_shape(a);
  if (a.bottleneck > 0) add_layer(layers, offset, dense(a.bottleneck, s.size(), a.activation));
  add_layer(layers, offset, shape_layer(LayerKind::Reshape, flat(s.size()), s));
  const std::vector<bool> valid = valid_blocks(a);
  for (std::size_t j = 0; j < a.channels.size(); ++j) {
    const int c = a.channels[a.channels.size() - 1 - j];
    add_layer(layers, offset, conv(s, c, valid[j] ? Padding::Valid : Padding::Same, a.activation));
    s = layers.back().out;
    add_layer(layers, offset, shape_layer(LayerKind::Upsample, s, upsample_output(s)));
    s = layers.back().out;
  }
  add_layer(layers, offset, conv(s, 1, Padding::Same, Activation::Linear));
}

}  // namespace

int ModelShape::code_size() const {
  if (!convolutional()) return latent;
  return bottleneck > 0 ? bottleneck : pooled_shape(*this).size();
}

Status Architecture::validate() const {
  if (input < 1 || input > kMaxInput) {
    return Status::error("input size " + std::to_string(input) + " is out of range (1 to " +
                         std::to_string(kMaxInput) + ")");
  }
  return convolutional() ? validate_conv(*this) : validate_dense(*this);
}

std::vector<LayerLayout> Architecture::layers() const {
  if (!convolutional()) return dense_layers(*this);
  std::vector<LayerLayout> layers;
  std::size_t offset = 0;
  conv_encoder(*this, layers, offset);
  conv_decoder(*this, layers, offset);
  return layers;
}

int Architecture::encoder_layer_count() const {
  if (!convolutional()) return static_cast<int>(hidden.size()) + 1;
  return 2 * static_cast<int>(channels.size()) + 1 + (bottleneck > 0 ? 1 : 0);
}

std::uint64_t Architecture::parameter_count() const {
  std::uint64_t n = 0;
  for (const LayerLayout& l : layers()) n += l.parameter_count();
  return n;
}

double Architecture::forward_flops() const {
  double flops = 0;
  for (const LayerLayout& l : layers()) flops += l.forward_flops();
  return flops;
}

double LayerLayout::forward_flops() const {
  if (kind == LayerKind::Dense) return 2.0 * in.size() * out.size();
  if (kind == LayerKind::Conv) return 2.0 * static_cast<double>(weight_count) * out.pixels();
  return 0;
}

std::string Architecture::describe() const {
  if (convolutional()) {
    return "conv " + channel_list() + (bottleneck > 0 ? " bottleneck " + std::to_string(bottleneck) : "") + " " +
           to_string(activation) + (variational ? " vae" : "");
  }
  std::string text = std::to_string(input);
  for (int w : hidden) text += '-' + std::to_string(w);
  text += '-' + std::to_string(latent);
  for (auto w = hidden.rbegin(); w != hidden.rend(); ++w) text += '-' + std::to_string(*w);
  text += '-' + std::to_string(input);
  return text + " " + to_string(activation) + (variational ? " vae" : "");
}

namespace {
std::string list_text(const std::vector<int>& values) {
  std::string text;
  for (int w : values) {
    if (!text.empty()) text += ',';
    text += std::to_string(w);
  }
  return text;
}
}  // namespace

std::string ModelShape::hidden_list() const { return list_text(hidden); }
std::string ModelShape::channel_list() const { return list_text(channels); }

namespace {
// Comma-separated whole numbers, each in [1, max]. Text of another form is refused as "<form>, got '<text>'", a
// number out of range as "<what> <n> is out of range (1 to <max>)".
Status parse_int_list(std::string_view text, int max, const char* form, const char* what, std::vector<int>& out) {
  std::vector<int> parsed;
  std::size_t start = 0;
  while (!text.empty() && start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view token = text.substr(start, comma - start);
    int value = 0;
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
    if (token.empty() || ec != std::errc() || end != token.data() + token.size()) {
      return Status::error(std::string(form) + ", got " + quote_text(text));
    }
    if (value < 1 || value > max) {
      return Status::error(std::string(what) + " " + std::string(token) + " is out of range (1 to " + std::to_string(max) + ")");
    }
    parsed.push_back(value);
    start = comma + 1;
  }
  out = std::move(parsed);
  return Status::ok();
}

constexpr const char* kChannelForm = "channels: expected comma-separated numbers like 16,8,8";
}  // namespace

Status parse_hidden_list(std::string_view text, std::vector<int>& widths) {
  return parse_int_list(text, Architecture::kMaxWidth, "hidden layers: expected comma-separated widths like 128,64",
                        "hidden layer width", widths);
}

Status parse_channel_list(std::string_view text, std::vector<int>& channels) {
  std::vector<int> parsed;
  if (Status s = parse_int_list(text, ModelShape::kMaxChannels, kChannelForm, "channels", parsed); !s) return s;
  if (parsed.empty()) return Status::error(std::string(kChannelForm) + ", got ''");
  channels = std::move(parsed);
  return Status::ok();
}

std::string tensor_name(const Architecture& arch, int layer, bool bias) {
  const std::vector<LayerLayout> layers = arch.layers();
  const int enc = arch.encoder_layer_count();
  int index = 0, in_encoder = 0;
  for (int l = 0; l < static_cast<int>(layers.size()); ++l) {
    if (!layers[static_cast<std::size_t>(l)].has_parameters()) continue;
    if (index == layer) {
      const bool encoder = l < enc;
      return std::string(encoder ? "encoder." : "decoder.") + std::to_string(encoder ? index : index - in_encoder) +
             (bias ? ".bias" : ".weight");
    }
    ++index;
    if (l < enc) ++in_encoder;
  }
  return "?";
}

namespace {
std::uint64_t conv_scratch_for(const LayerLayout& l, std::uint64_t capacity) {
  if (l.kind != LayerKind::Conv) return 0;
  const int images = static_cast<int>(std::min<std::uint64_t>(capacity, 1u << 20));
  return conv_layer_scratch(l.in, l.out.channels, l.kernel, l.padding, images);
}
}  // namespace

std::uint64_t workspace_scalars(const Architecture& arch, std::uint64_t capacity) {
  const std::vector<LayerLayout> layers = arch.layers();
  std::uint64_t per_image = 0, widest = 0, scratch = 0;
  per_image += static_cast<std::uint64_t>(layers.front().in_size());  // the input, then every layer's output
  for (const LayerLayout& l : layers) {
    per_image += static_cast<std::uint64_t>(l.out_size());
    widest = std::max<std::uint64_t>(widest, static_cast<std::uint64_t>(std::max(l.in_size(), l.out_size())));
    scratch = std::max(scratch, conv_scratch_for(l, capacity));
  }
  per_image += arch.variational ? static_cast<std::uint64_t>(arch.code_size()) : 0;  // z
  per_image += static_cast<std::uint64_t>(arch.input) + 2 * widest;                  // probs, two gradients
  return per_image * capacity + scratch;
}

// ---------------------------------------------------------------------------------------------------------
// BasicAutoencoder
// ---------------------------------------------------------------------------------------------------------

template <class T>
BasicAutoencoder<T>::BasicAutoencoder(const Architecture& arch)
    : arch_(arch), layers_(arch.layers()), code_(arch.code_size()) {
  const std::size_t params = static_cast<std::size_t>(arch_.parameter_count());
  params_.assign(params, T(0));
  grads_.assign(params, T(0));

  // act(l) holds layer l - 1's output: for a variational model's code layer, 2 * code rows (mu over log-variance),
  // which the decoder's first layer does not read (it reads the sample z).
  act_rows_.push_back(layers_.front().in_size());
  for (const LayerLayout& l : layers_) act_rows_.push_back(l.out_size());
  std::size_t per_column = 0;
  for (int w : act_rows_) {
    act_offset_.push_back(per_column);
    per_column += static_cast<std::size_t>(w);
  }
  std::size_t widest = 0;
  for (const LayerLayout& l : layers_) widest = std::max<std::size_t>(widest, static_cast<std::size_t>(std::max(l.in_size(), l.out_size())));
  z_offset_ = per_column;
  probs_offset_ = z_offset_ + static_cast<std::size_t>(arch_.variational ? code_ : 0);
  grad_a_offset_ = probs_offset_ + static_cast<std::size_t>(arch_.input);
  grad_b_offset_ = grad_a_offset_ + widest;
  per_column_ = grad_b_offset_ + widest;
}

// Glorot-uniform: U(-r, r), r = sqrt(6 / (fan_in + fan_out)); a convolution's fans count its kernel's taps (Keras).
template <class T> void BasicAutoencoder<T>::initialize(std::uint64_t seed) {
  Rng rng(seed);
  for (const LayerLayout& l : layers_) {
    if (!l.has_parameters()) continue;
    const int taps = l.kind == LayerKind::Conv ? l.kernel * l.kernel : 1;
    const double fans = static_cast<double>(l.in.channels * taps + l.out.channels * taps);
    const double limit = std::sqrt(6.0 / fans);
    T* w = params_.data() + l.weight;
    for (std::size_t i = 0; i < l.weight_count; ++i) {
      w[i] = static_cast<T>((2.0 * static_cast<double>(rng.uniform01()) - 1.0) * limit);
    }
    std::fill_n(params_.data() + l.bias, l.out.channels, T(0));
  }
}

template <class T> void BasicAutoencoder<T>::reserve(int count) {
  if (count <= capacity_) return;
  capacity_ = count;
  const auto total = static_cast<std::size_t>(workspace_scalars(arch_, static_cast<std::uint64_t>(capacity_)));
  work_.assign(total, T(0));
  scratch_ = work_.data() + per_column_ * static_cast<std::size_t>(capacity_);
}

template <class T> int BasicAutoencoder<T>::chunk_for(int count) {
  const int chunk = std::max(1, std::min(count, std::max(capacity_, kInferenceChunk)));
  reserve(chunk);
  return chunk;
}

template <class T> MatrixMap<T> BasicAutoencoder<T>::act(int l, int count) {
  return MatrixMap<T>(act_data(l), act_rows_[static_cast<std::size_t>(l)], count);
}

template <class T> MatrixMap<T> BasicAutoencoder<T>::input_of(int l, int count) {
  if (arch_.variational && l == arch_.encoder_layer_count()) {
    return MatrixMap<T>(work_.data() + z_offset_ * capacity_, code_, count);
  }
  return act(l, count);
}

template <class T> MatRef<T> BasicAutoencoder<T>::mean_code(int count) {
  // act(enc) is (code, count) or, variational, (2 code, count) with mu in its top rows: a strided block.
  return act(arch_.encoder_layer_count(), count).topRows(code_);
}

template <class T> void BasicAutoencoder<T>::set_code_from_mean(int count) {
  if (arch_.variational) input_of(arch_.encoder_layer_count(), count) = mean_code(count);
}

template <class T> ConstWeightRef<T> BasicAutoencoder<T>::weight(int l) const {
  const LayerLayout& d = layers_[static_cast<std::size_t>(l)];
  return ConstRowMatrixMap<T>(params_.data() + d.weight, d.out_size(), d.in_size());
}

template <class T> ConstVecRef<T> BasicAutoencoder<T>::bias(int l) const {
  const LayerLayout& d = layers_[static_cast<std::size_t>(l)];
  return ConstVectorMap<T>(params_.data() + d.bias, d.out.channels);
}

template <class T> void BasicAutoencoder<T>::layer_forward(int l, int count) {
  const LayerLayout& d = layers_[static_cast<std::size_t>(l)];
  T* out = act_data(l + 1);
  const T* in = input_of(l, count).data();
  switch (d.kind) {
    case LayerKind::Dense:
      dense_forward<T>(act(l + 1, count), input_of(l, count), weight(l), bias(l));
      break;
    case LayerKind::Conv:
      conv2d_forward<T>(out, in, params_.data() + d.weight, params_.data() + d.bias, d.in, d.out.channels, d.kernel,
                        d.padding, count, scratch_);
      break;
    case LayerKind::Pool: maxpool_forward<T>(out, in, d.in, count); break;
    case LayerKind::Upsample: upsample_forward<T>(out, in, d.in, count); break;
    case LayerKind::Flatten: images_to_columns<T>(out, in, d.in, count); break;
    case LayerKind::Reshape: columns_to_images<T>(out, in, d.out, count); break;
  }
  if (d.activation != Activation::Linear) activation_forward<T>(d.activation, act(l + 1, count));
}

template <class T> void BasicAutoencoder<T>::forward(int first, int end, int count) {
  for (int l = first; l < end; ++l) layer_forward(l, count);
}

template <class T>
void BasicAutoencoder<T>::layer_backward(int l, int count, const T* dz, T* da, bool input_grad) {
  const LayerLayout& d = layers_[static_cast<std::size_t>(l)];
  const T* in = input_of(l, count).data();
  switch (d.kind) {
    case LayerKind::Dense:
      dense_backward<T>(MatrixMap<T>(da, d.in_size(), input_grad ? count : 0),
                        RowMatrixMap<T>(grads_.data() + d.weight, d.out_size(), d.in_size()),
                        VectorMap<T>(grads_.data() + d.bias, d.out_size()),
                        ConstMatrixMap<T>(dz, d.out_size(), count), input_of(l, count), weight(l));
      break;
    case LayerKind::Conv:
      std::fill_n(grads_.data() + d.weight, d.weight_count + static_cast<std::size_t>(d.out.channels), T(0));
      conv2d_backward<T>(input_grad ? da : nullptr, grads_.data() + d.weight, grads_.data() + d.bias, dz, in,
                         params_.data() + d.weight, d.in, d.out.channels, d.kernel, d.padding, count, scratch_);
      break;
    case LayerKind::Pool: maxpool_backward<T>(da, dz, in, act_data(l + 1), d.in, count); break;
    case LayerKind::Upsample: upsample_backward<T>(da, dz, d.in, count); break;
    case LayerKind::Flatten: columns_to_images<T>(da, dz, d.in, count); break;
    case LayerKind::Reshape: images_to_columns<T>(da, dz, d.out, count); break;
  }
}

template <class T> void BasicAutoencoder<T>::encode(const T* x, int count, T* code) {
  const int enc = arch_.encoder_layer_count();
  for (int start = 0, chunk = chunk_for(count); start < count; start += chunk) {
    const int n = std::min(chunk, count - start);
    act(0, n) = ConstMatrixMap<T>(x + static_cast<std::size_t>(start) * arch_.input, arch_.input, n);
    forward(0, enc, n);
    MatrixMap<T>(code + static_cast<std::size_t>(start) * code_, code_, n) = mean_code(n);
  }
}

template <class T> void BasicAutoencoder<T>::decode(const T* code, int count, T* y) {
  const int enc = arch_.encoder_layer_count();
  const int layers = static_cast<int>(layers_.size());
  for (int start = 0, chunk = chunk_for(count); start < count; start += chunk) {
    const int n = std::min(chunk, count - start);
    input_of(enc, n) = ConstMatrixMap<T>(code + static_cast<std::size_t>(start) * code_, code_, n);
    forward(enc, layers, n);
    MatrixMap<T> out(y + static_cast<std::size_t>(start) * arch_.input, arch_.input, n);
    out = act(layers, n);
    activation_forward<T>(Activation::Sigmoid, out);
  }
}

template <class T> void BasicAutoencoder<T>::reconstruct(const T* x, int count, T* y, T* code) {
  const int enc = arch_.encoder_layer_count();
  const int layers = static_cast<int>(layers_.size());
  for (int start = 0, chunk = chunk_for(count); start < count; start += chunk) {
    const int n = std::min(chunk, count - start);
    const auto offset = static_cast<std::size_t>(start);
    act(0, n) = ConstMatrixMap<T>(x + offset * arch_.input, arch_.input, n);
    forward(0, enc, n);
    set_code_from_mean(n);
    forward(enc, layers, n);
    if (code != nullptr) MatrixMap<T>(code + offset * code_, code_, n) = mean_code(n);
    MatrixMap<T> out(y + offset * arch_.input, arch_.input, n);
    out = act(layers, n);
    activation_forward<T>(Activation::Sigmoid, out);
  }
}

template <class T> std::vector<std::vector<T>> BasicAutoencoder<T>::layer_outputs(const T* x) {
  chunk_for(1);
  const int enc = arch_.encoder_layer_count();
  act(0, 1) = ConstMatrixMap<T>(x, arch_.input, 1);
  forward(0, enc, 1);
  set_code_from_mean(1);
  forward(enc, static_cast<int>(layers_.size()), 1);
  std::vector<std::vector<T>> outputs(layers_.size());
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    const T* out = act_data(static_cast<int>(l) + 1);  // one image: a dense layer's units, or maps one after another
    outputs[l].assign(out, out + act_rows_[l + 1]);
  }
  MatrixMap<T> last(outputs.back().data(), arch_.input, 1);
  activation_forward<T>(Activation::Sigmoid, last);
  return outputs;
}

template <class T> std::vector<typename BasicAutoencoder<T>::FeatureMaps> BasicAutoencoder<T>::feature_maps(const T* x) {
  std::vector<FeatureMaps> maps;
  if (!arch_.convolutional()) return maps;
  std::vector<std::vector<T>> outputs = layer_outputs(x);
  const auto code_pool = static_cast<std::size_t>(arch_.encoder_layer_count() - 2);  // ..., pool, flatten: the code's maps
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    const bool code = arch_.bottleneck == 0 && l == code_pool;
    if (layers_[l].kind == LayerKind::Conv || code) maps.push_back({layers_[l].out, std::move(outputs[l]), code});
  }
  return maps;
}

template <class T> T BasicAutoencoder<T>::loss(const T* x, int count, Loss loss) {
  Sums sums;
  evaluate(x, x, count, loss, sums);
  return count > 0 ? static_cast<T>(sums.reconstruction / count) : T(0);
}

template <class T>
void BasicAutoencoder<T>::image_losses(const T* input, const T* target, int count, Loss loss, T* losses, T* code, T* y) {
  const int enc = arch_.encoder_layer_count();
  const int layers = static_cast<int>(layers_.size());
  const auto in = static_cast<std::size_t>(arch_.input);
  for (int start = 0, chunk = chunk_for(count); start < count; start += chunk) {
    const int n = std::min(chunk, count - start);
    const auto first = static_cast<std::size_t>(start);
    act(0, n) = ConstMatrixMap<T>(input + first * in, arch_.input, n);
    forward(0, enc, n);
    set_code_from_mean(n);
    if (code != nullptr) MatrixMap<T>(code + first * code_, code_, n) = mean_code(n);
    forward(enc, layers, n);
    MatrixMap<T> probs(work_.data() + probs_offset_ * capacity_, arch_.input, n);
    const MatrixMap<T> logits = act(layers, n);
    for (int j = 0; j < n; ++j) {  // one column (image) at a time: the loss's own mean over that image's pixels
      const ConstMatrixMap<T> t(target + (first + static_cast<std::size_t>(j)) * in, arch_.input, 1);
      losses[start + j] = loss_forward<T>(loss, probs.col(j), logits.col(j), t);
    }
    if (y != nullptr) MatrixMap<T>(y + first * in, arch_.input, n) = probs;
  }
}

namespace {
// KL(N(mu, e^lv) || N(0, 1)) summed over the code, for each column of h = [mu; lv] (2 latent, count).
template <class T> T kl_sum(const ConstMatRef<T>& mu, const ConstMatRef<T>& lv) {
  return T(-0.5) * (T(1) + lv.array() - mu.array().square() - lv.array().exp()).sum();
}
}  // namespace

template <class T> void BasicAutoencoder<T>::evaluate(const T* input, const T* target, int count, Loss loss, Sums& sums) {
  const int enc = arch_.encoder_layer_count();
  const int layers = static_cast<int>(layers_.size());
  const int latent = code_;
  for (int start = 0, chunk = chunk_for(count); start < count; start += chunk) {
    const int n = std::min(chunk, count - start);
    const auto offset = static_cast<std::size_t>(start) * arch_.input;
    act(0, n) = ConstMatrixMap<T>(input + offset, arch_.input, n);
    forward(0, enc, n);
    set_code_from_mean(n);
    const MatRef<T> code = mean_code(n);
    sums.l1 += static_cast<double>(code.array().abs().sum());
    sums.near_zero += static_cast<double>((code.array().abs() < T(Objective::kNearZero)).count());
    if (arch_.variational) {
      const MatrixMap<T> h = act(enc, n);
      sums.kl += static_cast<double>(kl_sum<T>(h.topRows(latent), h.bottomRows(latent)));
    }
    forward(enc, layers, n);
    MatrixMap<T> probs(work_.data() + probs_offset_ * capacity_, arch_.input, n);
    const ConstMatrixMap<T> t(target + offset, arch_.input, n);
    sums.reconstruction += static_cast<double>(loss_forward<T>(loss, probs, act(layers, n), t)) * n;
  }
}

template <class T> T BasicAutoencoder<T>::compute_gradients(const T* x, int count, Loss loss) {
  return compute_gradients(x, x, count, loss, Objective{}, nullptr);
}

template <class T>
T BasicAutoencoder<T>::compute_gradients(const T* input, const T* target, int count, Loss loss,
                                         const Objective& objective, const T* eps, Terms* terms) {
  reserve(count);
  const int enc = arch_.encoder_layer_count();
  const int layers = static_cast<int>(layers_.size());
  const int latent = code_;
  const bool variational = arch_.variational;
  const T batch = static_cast<T>(count);
  act(0, count) = ConstMatrixMap<T>(input, arch_.input, count);
  forward(0, enc, count);

  Terms t;
  if (variational) {
    // z = mu + exp(lv / 2) eps: the reparameterisation trick.
    const MatrixMap<T> h = act(enc, count);
    const ConstMatrixMap<T> e(eps, latent, count);
    input_of(enc, count).array() = h.topRows(latent).array() + (h.bottomRows(latent).array() * T(0.5)).exp() * e.array();
    t.kl = kl_sum<T>(h.topRows(latent), h.bottomRows(latent)) / batch;
  }
  t.l1 = mean_code(count).array().abs().sum() / batch;
  forward(enc, layers, count);

  MatrixMap<T> probs(work_.data() + probs_offset_ * capacity_, arch_.input, count);
  const ConstMatrixMap<T> target_map(target, arch_.input, count);
  t.reconstruction = loss_forward<T>(loss, probs, act(layers, count), target_map);
  // Per image, a VAE sums its loss over the pixels: the mean over pixels times their number.
  const T pixel_scale = variational ? static_cast<T>(arch_.input) : T(1);
  T value = t.reconstruction * pixel_scale;
  if (objective.sparse()) value += static_cast<T>(objective.sparsity) * t.l1;
  if (variational) value += static_cast<T>(objective.beta) * t.kl;
  if (terms != nullptr) *terms = t;

  // dz: dL/d(pre-activation) of the layer being differentiated; da: dL/d(its input). Two buffers, swapped.
  T* dz_data = work_.data() + grad_a_offset_ * capacity_;
  T* da_data = work_.data() + grad_b_offset_ * capacity_;
  loss_backward<T>(loss, MatrixMap<T>(dz_data, arch_.input, count), probs, target_map);
  if (variational) MatrixMap<T>(dz_data, arch_.input, count) *= pixel_scale;
  for (int l = layers - 1; l >= 0; --l) {
    const LayerLayout& d = layers_[static_cast<std::size_t>(l)];
    layer_backward(l, count, dz_data, da_data, l > 0);
    MatrixMap<T> da(da_data, d.in_size(), l > 0 ? count : 0);
    if (l == 0) break;
    if (variational && l == enc) {
      // da = dL/dz. Into dL/dh for h = [mu; lv], with the KL term's own gradient (beta / B per image):
      //   dmu = dz + beta mu / B          dlv = dz eps exp(lv / 2) / 2 + beta (exp(lv) - 1) / (2 B)
      // written over dz's buffer (consumed), which is the next layer's dz: no swap.
      const MatrixMap<T> h = act(enc, count);
      const ConstMatrixMap<T> e(eps, latent, count);
      MatrixMap<T> dh(dz_data, 2 * latent, count);
      const T kl_scale = static_cast<T>(objective.beta) / batch;
      const auto mu = h.topRows(latent).array();
      const auto lv = h.bottomRows(latent).array();
      dh.bottomRows(latent).array() = da.array() * e.array() * (lv * T(0.5)).exp() * T(0.5) +
                                      kl_scale * T(0.5) * (lv.exp() - T(1));
      dh.topRows(latent).array() = da.array() + kl_scale * mu;
      continue;
    }
    if (objective.sparse() && l == enc) {
      // d(sparsity * sum |code| / B)/d code = sparsity sign(code) / B (0 at 0).
      const T scale = static_cast<T>(objective.sparsity) / batch;
      const auto a = act(enc, count).array();
      da.array() += scale * ((a > T(0)).template cast<T>() - (a < T(0)).template cast<T>());
    }
    const Activation before = layers_[static_cast<std::size_t>(l - 1)].activation;
    if (before != Activation::Linear) activation_backward<T>(before, da, act(l, count));  // act(l) = f(z of layer l - 1)
    std::swap(dz_data, da_data);
  }
  return value;
}

template class BasicAutoencoder<float>;
template class BasicAutoencoder<double>;

}  // namespace latent
