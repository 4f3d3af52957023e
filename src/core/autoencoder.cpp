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

std::string Architecture::describe() const {
  std::string text;
  for (int w : widths()) {
    if (!text.empty()) text += '-';
    text += std::to_string(w);
  }
  return text + " " + to_string(activation);
}

std::string Architecture::hidden_list() const {
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
  for (std::size_t l = 0; l + 1 < widths_.size(); ++l) {
    DenseLayout d;
    d.in = widths_[l];
    d.out = widths_[l + 1];
    d.weight = offset;
    d.bias = offset + static_cast<std::size_t>(d.in) * static_cast<std::size_t>(d.out);
    offset = d.bias + static_cast<std::size_t>(d.out);
    layers_.push_back(d);
  }
  params_.assign(offset, T(0));
  grads_.assign(offset, T(0));

  std::size_t per_column = 0;
  for (int w : widths_) {
    act_offset_.push_back(per_column);
    per_column += static_cast<std::size_t>(w);
  }
  const auto widest = static_cast<std::size_t>(*std::max_element(widths_.begin(), widths_.end()));
  probs_offset_ = per_column;
  grad_a_offset_ = probs_offset_ + static_cast<std::size_t>(arch_.input);
  grad_b_offset_ = grad_a_offset_ + widest;
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
  work_.assign((grad_b_offset_ + (grad_b_offset_ - grad_a_offset_)) * static_cast<std::size_t>(capacity_), T(0));
}

template <class T> int BasicAutoencoder<T>::chunk_for(int count) {
  const int chunk = std::max(1, std::min(count, std::max(capacity_, kInferenceChunk)));
  reserve(chunk);
  return chunk;
}

template <class T> MatrixMap<T> BasicAutoencoder<T>::act(int l, int count) {
  return MatrixMap<T>(work_.data() + act_offset_[static_cast<std::size_t>(l)] * capacity_, widths_[l], count);
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
  for (int l = first; l < end; ++l) {
    MatrixMap<T> out = act(l + 1, count);
    dense_forward<T>(out, act(l, count), weight(l), bias(l));
    if (l < last) activation_forward<T>(arch_.activation, out);  // the output layer stays as logits
  }
}

template <class T> void BasicAutoencoder<T>::encode(const T* x, int count, T* code) {
  const int enc = arch_.encoder_layer_count();
  for (int start = 0, chunk = chunk_for(count); start < count; start += chunk) {
    const int n = std::min(chunk, count - start);
    act(0, n) = ConstMatrixMap<T>(x + static_cast<std::size_t>(start) * arch_.input, arch_.input, n);
    forward(0, enc, n);
    MatrixMap<T>(code + static_cast<std::size_t>(start) * arch_.latent, arch_.latent, n) = act(enc, n);
  }
}

template <class T> void BasicAutoencoder<T>::decode(const T* code, int count, T* y) {
  const int enc = arch_.encoder_layer_count();
  const int layers = arch_.layer_count();
  for (int start = 0, chunk = chunk_for(count); start < count; start += chunk) {
    const int n = std::min(chunk, count - start);
    act(enc, n) = ConstMatrixMap<T>(code + static_cast<std::size_t>(start) * arch_.latent, arch_.latent, n);
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
    forward(0, layers, n);
    if (code != nullptr) MatrixMap<T>(code + offset * arch_.latent, arch_.latent, n) = act(enc, n);
    MatrixMap<T> out(y + offset * arch_.input, arch_.input, n);
    out = act(layers, n);
    activation_forward<T>(Activation::Sigmoid, out);
  }
}

template <class T> T BasicAutoencoder<T>::loss(const T* x, int count, Loss loss) {
  const int layers = arch_.layer_count();
  double total = 0;
  for (int start = 0, chunk = chunk_for(count); start < count; start += chunk) {
    const int n = std::min(chunk, count - start);
    act(0, n) = ConstMatrixMap<T>(x + static_cast<std::size_t>(start) * arch_.input, arch_.input, n);
    forward(0, layers, n);
    MatrixMap<T> probs(work_.data() + probs_offset_ * capacity_, arch_.input, n);
    total += static_cast<double>(loss_forward<T>(loss, probs, act(layers, n), act(0, n))) * n;
  }
  return count > 0 ? static_cast<T>(total / count) : T(0);
}

template <class T> T BasicAutoencoder<T>::compute_gradients(const T* x, int count, Loss loss) {
  reserve(count);
  const int layers = arch_.layer_count();
  act(0, count) = ConstMatrixMap<T>(x, arch_.input, count);
  forward(0, layers, count);

  MatrixMap<T> probs(work_.data() + probs_offset_ * capacity_, arch_.input, count);
  const T value = loss_forward<T>(loss, probs, act(layers, count), act(0, count));

  // dz: dL/d(pre-activation) of the layer being differentiated; da: dL/d(its input). Two buffers, swapped.
  T* dz_data = work_.data() + grad_a_offset_ * capacity_;
  T* da_data = work_.data() + grad_b_offset_ * capacity_;
  loss_backward<T>(loss, MatrixMap<T>(dz_data, arch_.input, count), probs, act(0, count));
  for (int l = layers - 1; l >= 0; --l) {
    const DenseLayout& d = layers_[static_cast<std::size_t>(l)];
    MatrixMap<T> dz(dz_data, d.out, count);
    MatrixMap<T> da(da_data, d.in, l > 0 ? count : 0);
    dense_backward<T>(da, RowMatrixMap<T>(grads_.data() + d.weight, d.out, d.in),
                      VectorMap<T>(grads_.data() + d.bias, d.out), dz, act(l, count), weight(l));
    if (l > 0) {
      activation_backward<T>(arch_.activation, da, act(l, count));  // act(l) = f(z of layer l - 1)
      std::swap(dz_data, da_data);
    }
  }
  return value;
}

template class BasicAutoencoder<float>;
template class BasicAutoencoder<double>;

}  // namespace latent
