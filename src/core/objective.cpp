// Objective: names, validation and the noise of the denoising and variational autoencoders.
#include "core/objective.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace latent {

const char* to_string(Variant variant) {
  switch (variant) {
    case Variant::Plain: return "plain";
    case Variant::Denoising: return "denoising";
    case Variant::Sparse: return "sparse";
    case Variant::Variational: return "vae";
  }
  return "plain";
}

const char* to_string(Noise noise) { return noise == Noise::Mask ? "mask" : "gaussian"; }

std::optional<Variant> parse_variant(std::string_view text) {
  for (Variant v : {Variant::Plain, Variant::Denoising, Variant::Sparse, Variant::Variational}) {
    if (text == to_string(v)) return v;
  }
  return std::nullopt;
}

std::optional<Noise> parse_noise(std::string_view text) {
  if (text == "gaussian") return Noise::Gaussian;
  if (text == "mask") return Noise::Mask;
  return std::nullopt;
}

namespace {
std::string short_number(float v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", static_cast<double>(v));
  return text;
}

Status check_range(const char* what, float value, float lo, float hi) {
  if (std::isfinite(value) && value >= lo && value <= hi) return Status::ok();
  return Status::error(std::string(what) + " " + short_number(value) + " is out of range (" + short_number(lo) +
                       " to " + short_number(hi) + ")");
}
}  // namespace

Status Objective::validate() const {
  if (Status s = check_range("noise level", noise_level, 0.0f, kMaxNoiseLevel); !s) return s;
  if (Status s = check_range("sparsity", sparsity, 0.0f, kMaxSparsity); !s) return s;
  return check_range("beta", beta, 0.0f, kMaxBeta);
}

std::string Objective::describe() const {
  switch (variant) {
    case Variant::Plain: return "plain";
    case Variant::Denoising: return std::string("denoising (") + to_string(noise) + " " + short_number(noise_level) + ")";
    case Variant::Sparse: return "sparse (L1 " + short_number(sparsity) + ")";
    case Variant::Variational: return "vae (beta " + short_number(beta) + ")";
  }
  return "plain";
}

float standard_normal(Rng& rng) {
  // u1 in (0, 1], so the log is finite; 2^-24 at worst gives |n| <= 5.8.
  const double u1 = 1.0 - static_cast<double>(rng.uniform01());
  const double u2 = static_cast<double>(rng.uniform01());
  return static_cast<float>(std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
}

void corrupt(const Objective& objective, const float* x, float* out, int rows, int count, std::uint64_t seed,
             std::uint64_t step, std::uint64_t first_column) {
  const auto n = static_cast<std::size_t>(rows);
  for (int c = 0; c < count; ++c) {
    Rng rng = column_rng(seed, step, first_column + static_cast<std::uint64_t>(c));
    const float* in = x + static_cast<std::size_t>(c) * n;
    float* o = out + static_cast<std::size_t>(c) * n;
    if (objective.noise == Noise::Mask) {
      for (std::size_t i = 0; i < n; ++i) o[i] = rng.uniform01() < objective.noise_level ? 0.0f : in[i];
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        o[i] = std::clamp(in[i] + objective.noise_level * standard_normal(rng), 0.0f, 1.0f);
      }
    }
  }
}

void draw_normals(float* out, int rows, int count, std::uint64_t seed, std::uint64_t step, std::uint64_t first_column) {
  const auto n = static_cast<std::size_t>(rows);
  for (int c = 0; c < count; ++c) {
    Rng rng = column_rng(seed, step, first_column + static_cast<std::uint64_t>(c));
    float* o = out + static_cast<std::size_t>(c) * n;
    for (std::size_t i = 0; i < n; ++i) o[i] = standard_normal(rng);
  }
}

}  // namespace latent
