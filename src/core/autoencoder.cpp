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

Status Architecture::validate() const {
  if (input < 1 || input > kMaxInput) {
    return Status::error("input size " + std::to_string(input) + " is out of range (1 to " +
                         std::to_string(kMaxInput) + ")");
  }
  if (latent < kMinLatent || latent > kMaxLatent) {
    return Status::error("latent size " + std::to_string(latent) + " is out of range (" +
                         std::to_string(kMinLatent) + " to " + std::to_string(kMaxLatent) + ")");
  }
  if (hidden.size() > static_cast<std::size_t>(kMaxHiddenLayers)) {
    return Status::error(std::to_string(hidden.size()) + " hidden layers is too many (at most " +
                         std::to_string(kMaxHiddenLayers) + ")");
  }
  for (int w : hidden) {
    if (w < 1 || w > kMaxWidth) {
      return Status::error("hidden layer width " + std::to_string(w) + " is out of range (1 to " +
                           std::to_string(kMaxWidth) + ")");
    }
  }
  return Status::ok();
}

std::vector<int> Architecture::widths() const {
  std::vector<int> w{input};
  w.insert(w.end(), hidden.begin(), hidden.end());
  w.push_back(latent);
  w.insert(w.end(), hidden.rbegin(), hidden.rend());
  w.push_back(input);
  return w;
}

std::vector<Architecture::LayerShape> Architecture::layer_shapes() const {
  const std::vector<int> w = widths();
  std::vector<LayerShape> shapes;
  for (std::size_t l = 0; l + 1 < w.size(); ++l) shapes.push_back({w[l], w[l + 1]});
  if (variational) shapes[static_cast<std::size_t>(encoder_layer_count() - 1)].out = 2 * latent;
  return shapes;
}

std::uint64_t Architecture::parameter_count() const {
  std::uint64_t n = 0;
  for (const LayerShape& d : layer_shapes()) n += static_cast<std::uint64_t>(d.in) * d.out + d.out;
  return n;
}

std::string Architecture::describe() const {
  std::string text;
  for (int w : widths()) {
    if (!text.empty()) text += '-';
    text += std::to_string(w);
  }
  return text + " " + to_string(activation) + (variational ? " vae" : "");
}

std::string ModelShape::hidden_list() const {
  std::string text;
  for (int w : hidden) {
    if (!text.empty()) text += ',';
    text += std::to_string(w);
  }
  return text;
}

Status parse_hidden_list(std::string_view text, std::vector<int>& widths) {
  std::vector<int> parsed;
  const auto bad = [&] {
    return Status::error("hidden layers: expected comma-separated widths like 128,64, got " + quote_text(text));
  };
  std::size_t start = 0;
  while (!text.empty() && start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view token = text.substr(start, comma - start);
    int value = 0;
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
    if (token.empty() || ec != std::errc() || end != token.data() + token.size()) return bad();
    if (value < 1 || value > Architecture::kMaxWidth) {
      return Status::error("hidden layer width " + std::string(token) + " is out of range (1 to " +
                           std::to_string(Architecture::kMaxWidth) + ")");
    }
    parsed.push_back(value);
    start = comma + 1;
  }
  widths = std::move(parsed);
  return Status::ok();
}

std::string tensor_name(const Architecture& arch, int layer, bool bias) {
  const int enc = arch.encoder_layer_count();
  const std::string base = layer < enc ? "encoder." + std::to_string(layer) : "decoder." + std::to_string(layer - enc);
  return base + (bias ? ".bias" : ".weight");
}

// ---------------------------------------------------------------------------------------------------------
// BasicAutoencoder
// ---------------------------------------------------------------------------------------------------------

template <class T>
BasicAutoencoder<T>::BasicAutoencoder(const Architecture& arch) : arch_(arch), widths_(arch.widths()) {
  std::size_t offset = 0;
  for (const Architecture::LayerShape& shape : arch_.layer_shapes()) {
    DenseLayout d;
    d.in = shape.in;
    d.out = shape.out;
    d.weight = offset;
    d.bias = offset + static_cast<std::size_t>(d.in) * static_cast<std::size_t>(d.out);
    offset = d.bias + static_cast<std::size_t>(d.out);
    layers_.push_back(d);
  }
  params_.assign(offset, T(0));
  grads_.assign(offset, T(0));

  act_rows_ = widths_;
  if (arch_.variational) act_rows_[static_cast<std::size_t>(arch_.encoder_layer_count())] = 2 * arch_.latent;
  std::size_t per_column = 0;
  for (int w : act_rows_) {
    act_offset_.push_back(per_column);
    per_column += static_cast<std::size_t>(w);
  }
  const auto widest = static_cast<std::size_t>(*std::max_element(act_rows_.begin(), act_rows_.end()));
  z_offset_ = per_column;
  probs_offset_ = z_offset_ + static_cast<std::size_t>(arch_.variational ? arch_.latent : 0);
  grad_a_offset_ = probs_offset_ + static_cast<std::size_t>(arch_.input);
  grad_b_offset_ = grad_a_offset_ + widest;
  per_column_ = grad_b_offset_ + widest;
}

template <class T> void BasicAutoencoder<T>::initialize(std::uint64_t seed) {
  Rng rng(seed);
  for (const DenseLayout& d : layers_) {
    const double limit = std::sqrt(6.0 / static_cast<double>(d.in + d.out));
    T* w = params_.data() + d.weight;
    for (std::size_t i = 0, n = static_cast<std::size_t>(d.in) * d.out; i < n; ++i) {
      w[i] = static_cast<T>((2.0 * static_cast<double>(rng.uniform01()) - 1.0) * limit);
    }
    std::fill_n(params_.data() + d.bias, d.out, T(0));
  }
}

template <class T> void BasicAutoencoder<T>::reserve(int count) {
  if (count <= capacity_) return;
  capacity_ = count;
  work_.assign(per_column_ * static_cast<std::size_t>(capacity_), T(0));
}

template <class T> int BasicAutoencoder<T>::chunk_for(int count) {
  const int chunk = std::max(1, std::min(count, std::max(capacity_, kInferenceChunk)));
  reserve(chunk);
  return chunk;
}

template <class T> MatrixMap<T> BasicAutoencoder<T>::act(int l, int count) {
  const auto i = static_cast<std::size_t>(l);
  return MatrixMap<T>(work_.data() + act_offset_[i] * capacity_, act_rows_[i], count);
}

template <class T> MatrixMap<T> BasicAutoencoder<T>::input_of(int l, int count) {
  if (arch_.variational && l == arch_.encoder_layer_count()) {
    return MatrixMap<T>(work_.data() + z_offset_ * capacity_, arch_.latent, count);
  }
  return act(l, count);
}

template <class T> MatRef<T> BasicAutoencoder<T>::mean_code(int count) {
  // act(enc) is (latent, count) or, variational, (2 latent, count) with mu in its top rows: a strided block.
  return act(arch_.encoder_layer_count(), count).topRows(arch_.latent);
}

template <class T> void BasicAutoencoder<T>::set_code_from_mean(int count) {
  if (arch_.variational) input_of(arch_.encoder_layer_count(), count) = mean_code(count);
}

template <class T> ConstWeightRef<T> BasicAutoencoder<T>::weight(int l) const {
  const DenseLayout& d = layers_[static_cast<std::size_t>(l)];
  return ConstRowMatrixMap<T>(params_.data() + d.weight, d.out, d.in);
}

template <class T> ConstVecRef<T> BasicAutoencoder<T>::bias(int l) const {
  const DenseLayout& d = layers_[static_cast<std::size_t>(l)];
  return ConstVectorMap<T>(params_.data() + d.bias, d.out);
}

template <class T> void BasicAutoencoder<T>::forward(int first, int end, int count) {
  const int last = arch_.layer_count() - 1;
  const int code_layer = arch_.encoder_layer_count() - 1;
  for (int l = first; l < end; ++l) {
    MatrixMap<T> out = act(l + 1, count);
    dense_forward<T>(out, input_of(l, count), weight(l), bias(l));
    // The output layer stays as logits; a variational code layer (mu, log-variance) stays linear.
    if (l < last && !(arch_.variational && l == code_layer)) activation_forward<T>(arch_.activation, out);
  }
}

template <class T> void BasicAutoencoder<T>::encode(const T* x, int count, T* code) {
  const int enc = arch_.encoder_layer_count();
  for (int start = 0, chunk = chunk_for(count); start < count; start += chunk) {
    const int n = std::min(chunk, count - start);
    act(0, n) = ConstMatrixMap<T>(x + static_cast<std::size_t>(start) * arch_.input, arch_.input, n);
    forward(0, enc, n);
    MatrixMap<T>(code + static_cast<std::size_t>(start) * arch_.latent, arch_.latent, n) = mean_code(n);
  }
}

template <class T> void BasicAutoencoder<T>::decode(const T* code, int count, T* y) {
  const int enc = arch_.encoder_layer_count();
  const int layers = arch_.layer_count();
  for (int start = 0, chunk = chunk_for(count); start < count; start += chunk) {
    const int n = std::min(chunk, count - start);
    input_of(enc, n) = ConstMatrixMap<T>(code + static_cast<std::size_t>(start) * arch_.latent, arch_.latent, n);
    forward(enc, layers, n);
    MatrixMap<T> out(y + static_cast<std::size_t>(start) * arch_.input, arch_.input, n);
    out = act(layers, n);
    activation_forward<T>(Activation::Sigmoid, out);
  }
}

template <class T> void BasicAutoencoder<T>::reconstruct(const T* x, int count, T* y, T* code) {
  const int enc = arch_.encoder_layer_count();
  const int layers = arch_.layer_count();
  for (int start = 0, chunk = chunk_for(count); start < count; start += chunk) {
    const int n = std::min(chunk, count - start);
    const auto offset = static_cast<std::size_t>(start);
    act(0, n) = ConstMatrixMap<T>(x + offset * arch_.input, arch_.input, n);
    forward(0, enc, n);
    set_code_from_mean(n);
    forward(enc, layers, n);
    if (code != nullptr) MatrixMap<T>(code + offset * arch_.latent, arch_.latent, n) = mean_code(n);
    MatrixMap<T> out(y + offset * arch_.input, arch_.input, n);
    out = act(layers, n);
    activation_forward<T>(Activation::Sigmoid, out);
  }
}

template <class T> T BasicAutoencoder<T>::loss(const T* x, int count, Loss loss) {
  Sums sums;
  evaluate(x, x, count, loss, sums);
  return count > 0 ? static_cast<T>(sums.reconstruction / count) : T(0);
}

template <class T>
void BasicAutoencoder<T>::image_losses(const T* input, const T* target, int count, Loss loss, T* losses, T* code, T* y) {
  const int enc = arch_.encoder_layer_count();
  const int layers = arch_.layer_count();
  const auto in = static_cast<std::size_t>(arch_.input);
  for (int start = 0, chunk = chunk_for(count); start < count; start += chunk) {
    const int n = std::min(chunk, count - start);
    const auto first = static_cast<std::size_t>(start);
    act(0, n) = ConstMatrixMap<T>(input + first * in, arch_.input, n);
    forward(0, enc, n);
    set_code_from_mean(n);
    if (code != nullptr) MatrixMap<T>(code + first * arch_.latent, arch_.latent, n) = mean_code(n);
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
  const int layers = arch_.layer_count();
  const int latent = arch_.latent;
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
  const int layers = arch_.layer_count();
  const int latent = arch_.latent;
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
    const DenseLayout& d = layers_[static_cast<std::size_t>(l)];
    MatrixMap<T> dz(dz_data, d.out, count);
    MatrixMap<T> da(da_data, d.in, l > 0 ? count : 0);
    dense_backward<T>(da, RowMatrixMap<T>(grads_.data() + d.weight, d.out, d.in),
                      VectorMap<T>(grads_.data() + d.bias, d.out), dz, input_of(l, count), weight(l));
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
    activation_backward<T>(arch_.activation, da, act(l, count));  // act(l) = f(z of layer l - 1)
    std::swap(dz_data, da_data);
  }
  return value;
}

template class BasicAutoencoder<float>;
template class BasicAutoencoder<double>;

}  // namespace latent
