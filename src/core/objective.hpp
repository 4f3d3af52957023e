// Objective: what a training step minimises, beside the reconstruction loss. The four classic autoencoders:
//   plain      the reconstruction loss (mean over pixels) of x from x;
//   denoising  the same loss of clean x from a corrupted x~: Gaussian, x~ = clip(x + level * N(0, 1), 0, 1)
//              (level 0.5 by default, as in the Keras article), or masking, each pixel zeroed with probability level;
//   sparse     the loss plus sparsity * (sum over the code's units of |code|, averaged over the batch): the Keras
//              activity_regularizer=l1 convention, 1e-4 by default;
//   vae        per image, the loss summed over its pixels plus beta * KL(N(mu, sigma^2) || N(0, I)) summed over
//              the code, averaged over the batch. The encoder's last layer outputs mu and log sigma^2 (2 * latent
//              rows, no activation); the decoder reads z = mu + sigma * eps, eps ~ N(0, I), while training and
//              z = mu otherwise.
// The variational shape is the architecture's (Architecture::variational); the rest is training only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/rng.hpp"
#include "core/status.hpp"

namespace latent {

enum class Variant { Plain, Denoising, Sparse, Variational };
enum class Noise { Gaussian, Mask };

const char* to_string(Variant variant);  // "plain", "denoising", "sparse", "vae"
const char* to_string(Noise noise);      // "gaussian", "mask"
std::optional<Variant> parse_variant(std::string_view text);
std::optional<Noise> parse_noise(std::string_view text);

struct Objective {
  Variant variant = Variant::Plain;
  Noise noise = Noise::Gaussian;
  float noise_level = 0.5f;  // Gaussian: the standard deviation; mask: the probability of zeroing a pixel
  float sparsity = 1e-4f;    // the L1 weight on the code
  float beta = 1.0f;         // the KL weight

  static constexpr float kMaxNoiseLevel = 1.0f;
  static constexpr float kMaxSparsity = 1.0f;
  static constexpr float kMaxBeta = 100.0f;
  // A code unit counts as near zero when |code| is below this (sparse codes report how many are).
  static constexpr float kNearZero = 0.01f;

  bool denoising() const { return variant == Variant::Denoising; }
  bool sparse() const { return variant == Variant::Sparse; }
  bool variational() const { return variant == Variant::Variational; }
  Status validate() const;
  // "plain", "denoising (gaussian 0.5)", "denoising (mask 0.3)", "sparse (L1 0.0001)", "vae (beta 1)"
  std::string describe() const;
  bool operator==(const Objective&) const = default;
};

// The random stream for one column of one batch (or one test image): a counter-based seed, so that every thread
// draws its own columns' noise and the result depends on neither the thread count nor the order of the draws.
inline Rng column_rng(std::uint64_t seed, std::uint64_t step, std::uint64_t column) {
  std::uint64_t x = seed ^ 0xd1b54a32d192ed03ULL;
  x = (x ^ (step + 0x9e3779b97f4a7c15ULL)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 31) ^ column) * 0x94d049bb133111ebULL;
  return Rng(x ^ (x >> 29));
}

// Corrupts `count` columns of `rows` pixels (x to out; they may not alias) as `objective` says; column c draws
// from column_rng(seed, step, first_column + c).
void corrupt(const Objective& objective, const float* x, float* out, int rows, int count, std::uint64_t seed,
             std::uint64_t step, std::uint64_t first_column);
// Fills `count` columns of `rows` standard normals (the VAE's eps) the same way. Normals come in pairs from two
// uniforms (both halves of Box-Muller, in float), from our own Rng, so a seed draws the same noise on every
// standard library (up to the last bit of each platform's log, sin and cos).
void draw_normals(float* out, int rows, int count, std::uint64_t seed, std::uint64_t step, std::uint64_t first_column);

// The noise streams: training batches use the run's seed, test evaluation a fixed one (kTestNoiseSeed, with the
// step number kTestNoiseStep and the image's index as the column), so every evaluation sees the same noisy test set.
inline constexpr std::uint64_t kTestNoiseSeed = 0x7e57;
inline constexpr std::uint64_t kTestNoiseStep = ~std::uint64_t{0};

}  // namespace latent
