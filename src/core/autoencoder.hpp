// Autoencoder: input -> encoder -> code -> decoder -> input, dense or convolutional (ModelShape), a sigmoid on the
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

#include "core/conv_layers.hpp"
#include "core/layers.hpp"
#include "core/objective.hpp"
#include "core/status.hpp"

namespace latent {

// The layers a person chooses. Two families:
//   - dense: input -> hidden... -> latent -> hidden reversed... -> input, one activation;
//   - convolutional (the Keras article's model): per block of `channels`, a 3x3 convolution ('same') and a 2x2 max
//     pool (ceil: 7 -> 4); the pooled maps, flattened, are the code, or an optional dense bottleneck of N numbers
//     reads them; the decoder mirrors the blocks with convolutions and 2x upsampling ('valid' convolutions where the
//     sizes must shrink to come back to the image's size: 4 -> 8 -> 16 -> 14 -> 28), then a 3x3 convolution to one
//     channel of logits.
// Whether the code is sampled (a variational autoencoder) is not a choice of its own: it follows the training
// objective's variant (TrainConfig::architecture() joins the two), so it is stored once, there.
enum class ModelKind { Dense, Conv };
const char* to_string(ModelKind kind);  // "dense", "conv"

struct ModelShape {
  static constexpr int kMinLatent = 2;
  static constexpr int kMaxLatent = 1024;  // wider than the 784 pixels: the identity trap can be tried
  static constexpr int kMaxHiddenLayers = 6;
  static constexpr int kMaxWidth = 4096;
  static constexpr int kMaxInput = 1 << 16;
  static constexpr int kMaxConvBlocks = 4;
  static constexpr int kMaxChannels = 256;
  static constexpr int kMaxCode = 4096;  // a convolutional code without a bottleneck (channels x rows x columns)
  static constexpr int kKernel = 3;

  ModelKind kind = ModelKind::Dense;
  int input = 784;
  std::vector<int> hidden;  // dense: encoder widths between input and latent; the decoder mirrors them
  int latent = 32;          // dense: the code's size
  std::vector<int> channels{16, 8, 8};  // conv: filters per encoder block; the decoder mirrors them
  int bottleneck = 0;                   // conv: 0, or the size of a dense code between the encoder and decoder
  Activation activation = Activation::ReLU;  // every layer but the output layer (sigmoid) and a code layer

  bool convolutional() const { return kind == ModelKind::Conv; }
  int code_size() const;  // the numbers per image in the code: dense latent, conv bottleneck or the pooled maps
  std::string hidden_list() const;  // "128,64", or "" for none
  std::string channel_list() const;  // "16,8,8"
  bool operator==(const ModelShape&) const = default;
};

// One layer as the model runs it: its kind, the shapes it reads and writes (a dense layer's are {n, 1, 1}), its
// activation (Linear for none), and, for dense and convolutional layers, where its weight and bias sit in the
// parameter arena (offsets in elements).
enum class LayerKind { Dense, Conv, Pool, Upsample, Flatten, Reshape };

struct LayerLayout {
  LayerKind kind = LayerKind::Dense;
  ImageShape in, out;
  int kernel = 0;
  Padding padding = Padding::Same;
  Activation activation = Activation::Linear;
  std::size_t weight = 0;  // dense: (out, in) row-major; conv: (out, in, k, k) row-major (PyTorch's layouts)
  std::size_t bias = 0;
  std::size_t weight_count = 0;  // 0 for layers without parameters
  bool has_parameters() const { return weight_count > 0; }
  std::uint64_t parameter_count() const { return has_parameters() ? weight_count + static_cast<std::uint64_t>(out.channels) : 0; }
  int in_size() const { return in.size(); }
  int out_size() const { return out.size(); }
  double forward_flops() const;  // multiply-adds times two, per image
};

// A model as it is built and stored: its shape, and whether it is variational. A variational autoencoder's
// encoder ends in the code's mean and log-variance (2 * code rows, no activation), and the decoder reads a
// code-sized sample (objective.hpp). A weights file states both.
struct Architecture : ModelShape {
  bool variational = false;

  Architecture() = default;
  Architecture(ModelShape shape, bool is_variational) : ModelShape(std::move(shape)), variational(is_variational) {}

  Status validate() const;
  // Every layer, encoder first, with its parameters' offsets. The code is the output of layer
  // encoder_layer_count() - 1.
  std::vector<LayerLayout> layers() const;
  std::uint64_t parameter_count() const;  // weights and biases of every layer, from the shape alone
  double forward_flops() const;           // one image through every layer, multiply-adds times two
  int encoder_layer_count() const;
  int layer_count() const { return static_cast<int>(layers().size()); }
  std::string describe() const;  // "784-128-64-32-64-128-784 relu", "784-512-2-512-784 relu vae", "conv 16,8,8 relu"
  bool operator==(const Architecture&) const = default;
};

// Parses "128,64" (or "" for no hidden layers) into widths; rejects anything else with a message.
Status parse_hidden_list(std::string_view text, std::vector<int>& widths);
// Parses "16,8,8" into channels per block; rejects anything else with a message.
Status parse_channel_list(std::string_view text, std::vector<int>& channels);

// "encoder.0.weight", "decoder.1.bias", ...: the names in the weights file (docs/weights-format.md). `layer` counts
// the layers with parameters only.
std::string tensor_name(const Architecture& arch, int layer, bool bias);

// A model's workspace, in scalars, for `capacity` images at once: every layer's activations, the sampled code, the
// reconstruction, two gradient buffers and the convolutions' im2col block. The memory budget and the model use it.
std::uint64_t workspace_scalars(const Architecture& arch, std::uint64_t capacity);

template <class T> class BasicAutoencoder {
 public:
  explicit BasicAutoencoder(const Architecture& arch);  // arch must validate(); parameters start at zero

  const Architecture& architecture() const { return arch_; }
  const std::vector<LayerLayout>& layers() const { return layers_; }
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

  // One image's maps after every convolution, encoder then decoder, after their activations (the last one's
  // through the sigmoid: the reconstruction), each with its shape, and, without a bottleneck, the code itself (the
  // last pool's maps) between encoder and decoder: what the views show of a drawing. Empty for a dense model.
  struct FeatureMaps {
    ImageShape shape;
    std::vector<T> values;  // channel by channel, row by row
    bool code = false;      // the pooled maps that are the code
  };
  std::vector<FeatureMaps> feature_maps(const T* x);
  // One image through every layer: each layer's output after its activation, the last one's through the sigmoid
  // (the reconstruction). A variational encoder's last layer gives the code's mean, then its log-variance; the
  // decoder reads the mean. What the network view shows.
  std::vector<std::vector<T>> layer_outputs(const T* x);

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

  void reserve(int count);  // grows the workspace to `count` images; never shrinks
  T* act_data(int l) { return work_.data() + act_offset_[static_cast<std::size_t>(l)] * capacity_; }
  MatrixMap<T> act(int l, int count);       // layer l's input (l = L: the output logits), one image per column
  MatrixMap<T> input_of(int l, int count);  // act(l), but the sampled code z for a variational decoder's first layer
  MatRef<T> mean_code(int count);           // the code (its mean, for a variational model)
  void set_code_from_mean(int count);       // variational: z = mu
  ConstWeightRef<T> weight(int l) const;    // a dense layer's (out, in)
  ConstVecRef<T> bias(int l) const;
  void forward(int first, int end, int count);  // act(first) is set; runs layers [first, end)
  void layer_forward(int l, int count);
  // dz: dL/d(layer l's output, before its activation); writes dL/d(its input) into da when `input_grad`, and the
  // layer's parameters' gradients.
  void layer_backward(int l, int count, const T* dz, T* da, bool input_grad);
  int chunk_for(int count);

  Architecture arch_;
  std::vector<LayerLayout> layers_;
  int code_ = 0;  // the code's size
  AlignedVector<T> params_;
  AlignedVector<T> grads_;

  // Workspace: act(l) for l = 0..L (act(0) the input, act(L) the output logits; a variational act(enc) holds
  // mu over log-variance), z (variational), probs, the target, two gradient buffers, then the im2col block.
  int capacity_ = 0;
  AlignedVector<T> work_;
  std::vector<int> act_rows_;
  std::vector<std::size_t> act_offset_;  // per unit of capacity
  std::size_t z_offset_ = 0, probs_offset_ = 0, grad_a_offset_ = 0, grad_b_offset_ = 0, per_column_ = 0;
  T* scratch_ = nullptr;
};

using Autoencoder = BasicAutoencoder<float>;

extern template class BasicAutoencoder<float>;
extern template class BasicAutoencoder<double>;

}  // namespace latent
