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
#include <utility>
#include <vector>

#include "core/layers.hpp"
#include "core/objective.hpp"
#include "core/status.hpp"

namespace latent {

// The layers a person chooses: input -> hidden... -> latent -> hidden reversed... -> input, dense, one activation.
// Whether the code is sampled (a variational autoencoder) is not a choice of its own: it follows the training
// objective's variant (TrainConfig::architecture() joins the two), so it is stored once, there.
struct ModelShape {
  static constexpr int kMinLatent = 2;
  static constexpr int kMaxLatent = 256;
  static constexpr int kMaxHiddenLayers = 6;
  static constexpr int kMaxWidth = 4096;
  static constexpr int kMaxInput = 1 << 16;

  int input = 784;
  std::vector<int> hidden;  // encoder widths between input and latent; the decoder mirrors them
  int latent = 32;
  Activation activation = Activation::ReLU;  // every layer but the output layer (sigmoid)

  std::string hidden_list() const;  // "128,64", or "" for none
  bool operator==(const ModelShape&) const = default;
};

// A model as it is built and stored: its shape, and whether it is variational. A variational autoencoder's
// encoder ends in the code's mean and log-variance (2 * latent rows, no activation), and the decoder reads a
// latent-sized code (objective.hpp). A weights file states both.
struct Architecture : ModelShape {
  bool variational = false;

  Architecture() = default;
  Architecture(ModelShape shape, bool is_variational) : ModelShape(std::move(shape)), variational(is_variational) {}

  Status validate() const;
  std::vector<int> widths() const;  // {input, hidden..., latent, hidden reversed..., input}
  // Each dense layer's (in, out), encoder first: as widths(), but a variational encoder's last layer has
  // 2 * latent outputs.
  struct LayerShape {
    int in = 0;
    int out = 0;
  };
  std::vector<LayerShape> layer_shapes() const;
  std::uint64_t parameter_count() const;  // weights and biases of every layer, from the shape alone
  int encoder_layer_count() const { return static_cast<int>(hidden.size()) + 1; }
  int layer_count() const { return 2 * encoder_layer_count(); }
  std::string describe() const;       // "784-128-64-32-64-128-784 relu", "784-512-2-512-784 relu vae"
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

// "encoder.0.weight", "decoder.1.bias", ...: the names in the weights file (docs/weights-format.md).
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
  // A variational model's code is the mean (no sampling).
  void encode(const T* x, int count, T* code);
  void decode(const T* code, int count, T* y);
  void reconstruct(const T* x, int count, T* y, T* code = nullptr);

  // Mean loss of reconstructing x (forward only), over all count * input elements.
  T loss(const T* x, int count, Loss loss);
  // Each image's reconstruction loss, the mean over its pixels, from the output logits by the same loss function
  // training uses (loss_forward): `input` (input, count) fed forward, `target` what it should reconstruct (they may
  // be the same pointer), one loss per image into `losses`. `code` and `y`, if given, get the codes (a VAE's mean)
  // and the reconstructions. The one per-image loss: the explorer's test digits and the drawing both use it.
  void image_losses(const T* input, const T* target, int count, Loss loss, T* losses, T* code = nullptr, T* y = nullptr);
  // The same from `input` against `target` (the denoiser's noisy and clean images), adding into `sums` the
  // per-image terms summed over the images: the reconstruction loss (mean over pixels), sum |code| and the KL
  // term (variational models, from the code's mean and log-variance), and the number of near-zero code units.
  struct Sums {
    double reconstruction = 0;
    double l1 = 0;
    double kl = 0;
    double near_zero = 0;
    Sums& operator+=(const Sums& o) {
      reconstruction += o.reconstruction;
      l1 += o.l1;
      kl += o.kl;
      near_zero += o.near_zero;
      return *this;
    }
  };
  void evaluate(const T* input, const T* target, int count, Loss loss, Sums& sums);

  // Forward and backward on one batch: returns the batch loss and leaves dL/dparameters in gradients().
  T compute_gradients(const T* x, int count, Loss loss);
  // The same for an objective (objective.hpp): `input` is fed forward, `target` is what it should reconstruct
  // (they may be the same pointer), `eps` (latent, count) is the variational model's noise (else unused). The
  // return value is the objective; `terms`, if given, gets its parts: the mean per-pixel reconstruction loss,
  // the mean per-image sum |code| and the mean per-image KL term.
  struct Terms {
    T reconstruction = 0;
    T l1 = 0;
    T kl = 0;
  };
  T compute_gradients(const T* input, const T* target, int count, Loss loss, const Objective& objective,
                      const T* eps, Terms* terms = nullptr);

 private:
  static constexpr int kInferenceChunk = 256;

  void reserve(int count);  // grows the workspace to `count` columns; never shrinks
  MatrixMap<T> act(int l, int count);
  MatrixMap<T> input_of(int l, int count);  // act(l), but the sampled code z for a variational decoder's first layer
  MatRef<T> mean_code(int count);           // the code (its mean, for a variational model)
  void set_code_from_mean(int count);       // variational: z = mu
  ConstWeightRef<T> weight(int l) const;
  ConstVecRef<T> bias(int l) const;
  void forward(int first, int end, int count);  // act(first) is set; runs layers [first, end)
  int chunk_for(int count);

  Architecture arch_;
  std::vector<int> widths_;
  std::vector<DenseLayout> layers_;
  AlignedVector<T> params_;
  AlignedVector<T> grads_;

  // Workspace: act(l) for l = 0..L (act(0) the input, act(L) the output logits; a variational act(enc) holds
  // mu over log-variance), z (variational), probs, the target, two gradient buffers.
  int capacity_ = 0;
  AlignedVector<T> work_;
  std::vector<int> act_rows_;
  std::vector<std::size_t> act_offset_;  // per unit of capacity
  std::size_t z_offset_ = 0, probs_offset_ = 0, grad_a_offset_ = 0, grad_b_offset_ = 0, per_column_ = 0;
};

using Autoencoder = BasicAutoencoder<float>;

extern template class BasicAutoencoder<float>;
extern template class BasicAutoencoder<double>;

}  // namespace latent
