// Objective: names, validation and the noise of the denoising and variational autoencoders.
#include "core/objective.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/format.hpp"

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
Status check_range(const char* what, float value, float lo, float hi) {
  if (std::isfinite(value) && value >= lo && value <= hi) return Status::ok();
  return Status::error(std::string(what) + " " + float_text(value) + " is out of range (" + float_text(lo) +
                       " to " + float_text(hi) + ")");
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
    case Variant::Denoising: return std::string("denoising (") + to_string(noise) + " " + float_text(noise_level) + ")";
    case Variant::Sparse: return "sparse (L1 " + float_text(sparsity) + ")";
    case Variant::Variational: return "vae (beta " + float_text(beta) + ")";
  }
  return "plain";
}

namespace {
// n standard normals, two from each pair of uniforms (both halves of Box-Muller), in float.
void fill_normals(Rng& rng, float* out, std::size_t n) {
  for (std::size_t i = 0; i < n; i += 2) {
    const float u1 = 1.0f - rng.uniform01();  // (0, 1]
    const float u2 = rng.uniform01();
    const float r = std::sqrt(-2.0f * std::log(u1));
    const float angle = 6.2831853f * u2;
    out[i] = r * std::cos(angle);
    if (i + 1 < n) out[i + 1] = r * std::sin(angle);
  }
}
}  // namespace

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
      fill_normals(rng, o, n);
      for (std::size_t i = 0; i < n; ++i) o[i] = std::clamp(in[i] + objective.noise_level * o[i], 0.0f, 1.0f);
    }
  }
}

void draw_normals(float* out, int rows, int count, std::uint64_t seed, std::uint64_t step, std::uint64_t first_column) {
  const auto n = static_cast<std::size_t>(rows);
  for (int c = 0; c < count; ++c) {
    Rng rng = column_rng(seed, step, first_column + static_cast<std::uint64_t>(c));
    fill_normals(rng, out + static_cast<std::size_t>(c) * n, n);
  }
}

}  // namespace latent
