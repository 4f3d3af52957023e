// Autoencoder: input -> [hidden...] -> latent -> [hidden reversed...] -> input, dense layers, a sigmoid on the
// output. The seed model is 784 -> 32 (ReLU) -> 784 (sigmoid), the Keras autoencoder.
//
// Parameters live in one arena: per layer, the weight (out, in) row-major, then the bias (out); encoder layers
// first. That is the safetensors file's order and byte layout, and PyTorch's Linear layout. Activations live
// in a workspace sized for the largest batch seen, so once a batch of a given size has run, steps of that size
// or smaller allocate nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/layers.hpp"
#include "core/status.hpp"

namespace latent {

struct Architecture {
  static constexpr int kMinLatent = 2;
  static constexpr int kMaxLatent = 256;
  static constexpr int kMaxHiddenLayers = 6;
  static constexpr int kMaxWidth = 4096;
  static constexpr int kMaxInput = 1 << 16;

  int input = 784;
  std::vector<int> hidden;  // encoder widths between input and latent; the decoder mirrors them
  int latent = 32;
  Activation activation = Activation::ReLU;  // every layer but the output layer (sigmoid)

  Status validate() const;
  std::vector<int> widths() const;  // {input, hidden..., latent, hidden reversed..., input}
  int encoder_layer_count() const { return static_cast<int>(hidden.size()) + 1; }
  int layer_count() const { return 2 * encoder_layer_count(); }
  std::string describe() const;       // "784-128-64-32-64-128-784 relu"
  std::string hidden_list() const;    // "128,64", or "" for none
  bool operator==(const Architecture&) const = default;
};

// Parses "128,64" (or "" for no hidden layers) into widths; rejects anything else with a message.
Status parse_hidden_list(std::string_view text, std::vector<int>& widths);

// Where one dense layer's tensors sit in the parameter arena (offsets in elements).
struct DenseLayout {
  int in = 0;
  int out = 0;
  std::size_t weight = 0;
  std::size_t bias = 0;
};

// "encoder.0.weight", "decoder.1.bias", ...: the names in the weights file (docs in README).
std::string tensor_name(const Architecture& arch, int layer, bool bias);

template <class T> class BasicAutoencoder {
 public:
  explicit BasicAutoencoder(const Architecture& arch);  // arch must validate(); parameters start at zero

  const Architecture& architecture() const { return arch_; }
  const std::vector<DenseLayout>& layers() const { return layers_; }
  std::span<T> parameters() { return params_; }
  std::span<const T> parameters() const { return params_; }
  std::span<const T> gradients() const { return grads_; }
  std::span<T> gradients() { return grads_; }

  // Glorot-uniform weights (U(-r, r), r = sqrt(6 / (in + out))), zero biases: Keras' defaults.
  void initialize(std::uint64_t seed);

  // Inference, any count: x (input, count) -> code (latent, count); code -> y = sigmoid(...) (input, count).
  void encode(const T* x, int count, T* code);
  void decode(const T* code, int count, T* y);
  void reconstruct(const T* x, int count, T* y, T* code = nullptr);

  // Mean loss of reconstructing x (forward only), over all count * input elements.
  T loss(const T* x, int count, Loss loss);

  // Forward and backward on one batch: returns the batch loss and leaves dL/dparameters in gradients().
  T compute_gradients(const T* x, int count, Loss loss);

 private:
  static constexpr int kInferenceChunk = 256;

  void reserve(int count);  // grows the workspace to `count` columns; never shrinks
  MatrixMap<T> act(int l, int count);
  ConstWeightRef<T> weight(int l) const;
  ConstVecRef<T> bias(int l) const;
  void forward(int first, int end, int count);  // act(first) is set; runs layers [first, end)
  int chunk_for(int count);

  Architecture arch_;
  std::vector<int> widths_;
  std::vector<DenseLayout> layers_;
  AlignedVector<T> params_;
  AlignedVector<T> grads_;

  // Workspace: act(l) for l = 0..L (act(0) the input, act(L) the output logits), probs, two gradient buffers.
  int capacity_ = 0;
  AlignedVector<T> work_;
  std::vector<std::size_t> act_offset_;  // per unit of capacity
  std::size_t probs_offset_ = 0, grad_a_offset_ = 0, grad_b_offset_ = 0;
};

using Autoencoder = BasicAutoencoder<float>;

extern template class BasicAutoencoder<float>;
extern template class BasicAutoencoder<double>;

}  // namespace latent
