// Elementwise float kernels for the output layer: e^x for x <= 0, log(1 + e) for e in [0, 1], and the sigmoid,
// written as plain arithmetic that compilers vectorise (wasm SIMD, SSE, AVX) without -ffast-math. Conditionals
// go through select() below: GCC will not speculate a floating-point operation that sits in one arm of a `?:`
// (it might trap), and moves values computed beforehand back into the arm that uses them; without AVX-512's
// masks the whole loop then stayed scalar (measured: 2.1 ms instead of 0.15 for the loss with AVX2).
//
// Why not Eigen's: in the WebAssembly build Eigen's packet exp runs on Emscripten's SSE emulation, whose
// float/int conversions are emulated lane by lane; measured there it was 2.6x slower than scalar expf (1.5 vs
// 0.58 ms for 784 x 256 values), and the loss took over half of a training step. The polynomials are Cephes'
// single-precision ones (expf, logf); tests/unit/test_fast_math.cpp checks them against the C library in double:
// within 2e-7 relative for exp, 3e-7 absolute for log1p.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace latent::fast {

// std::bit_cast, which Emscripten 3.1.6's libc++ lacks; GCC and clang both have the builtin.
inline std::int32_t bits_of(float v) { return __builtin_bit_cast(std::int32_t, v); }
inline float float_of(std::int32_t v) { return __builtin_bit_cast(float, v); }

// `condition ? a : b` as bit operations on both (already computed) values: vectorises on every target.
inline float select(bool condition, float a, float b) {
  const std::int32_t mask = -static_cast<std::int32_t>(condition);
  return float_of((bits_of(a) & mask) | (bits_of(b) & ~mask));
}

// e^x for x <= 0 (x below -87 gives e^-87, about 1.6e-38, instead of a denormal).
inline float exp_nonpositive(float x) {
  x = select(x < -87.0f, -87.0f, x);
  // x = k ln2 + r, |r| <= ln2 / 2. k = round(x / ln2) by the 1.5 * 2^23 trick: adding it rounds to an integer
  // held in the low mantissa bits, so k needs no float-to-int conversion (which would stop vectorisation).
  constexpr float kMagic = 12582912.0f;
  const float shifted = x * 1.44269504088896341f + kMagic;
  const float k = shifted - kMagic;
  float r = x - k * 0.693359375f;  // ln2 split in two so that k ln2 is exact in float
  r = r - k * -2.12194440e-4f;
  const float r2 = r * r;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float y = p * r2 + r + 1.0f;
  // Times 2^k, built in the exponent bits (k is in [-126, 0] here).
  const std::int32_t k_int = bits_of(shifted) - bits_of(kMagic);
  return y * float_of((k_int + 127) << 23);
}

// log(1 + e) for e in [0, 1], accurate for tiny e as well (no 1 + e rounding).
inline float log1p_unit(float e) {
  // Below sqrt(2) - 1, log(1 + x) with x = e; above, log(2 (1 + x)) with x = (1 + e) / 2 - 1 in [-0.29, 0].
  const bool high = e > 0.41421356f;
  const float x = select(high, (1.0f + e) * 0.5f - 1.0f, e);
  const float k = select(high, 1.0f, 0.0f);
  const float z = x * x;
  float p = 7.0376836292e-2f;
  p = p * x - 1.1514610310e-1f;
  p = p * x + 1.1676998740e-1f;
  p = p * x - 1.2420140846e-1f;
  p = p * x + 1.4249322787e-1f;
  p = p * x - 1.6668057665e-1f;
  p = p * x + 2.0000714765e-1f;
  p = p * x - 2.4999993993e-1f;
  p = p * x + 3.3333331174e-1f;
  float y = p * x * z;
  y += k * -2.12194440e-4f;
  y += -0.5f * z;
  return x + y + k * 0.693359375f;
}

// probs = sigmoid(z), elementwise, without overflow: 1 / (1 + e) or e / (1 + e) with e = e^-|z|.
inline void sigmoid(const float* z, float* probs, std::size_t n) {
#pragma omp simd
  for (std::size_t i = 0; i < n; ++i) {
    const float e = exp_nonpositive(-std::fabs(z[i]));
    const float r = 1.0f / (1.0f + e);
    probs[i] = select(z[i] >= 0, r, e * r);
  }
}

// Binary cross-entropy from logits, summed over n elements: max(z, 0) - z t + log(1 + e^-|z|); also writes
// probs = sigmoid(z). Blocks of 1024 terms are summed in float lanes, the blocks in double.
inline double bce_with_logits(const float* z, const float* target, float* probs, std::size_t n) {
  double total = 0;
  for (std::size_t start = 0; start < n; start += 1024) {
    const std::size_t end = start + 1024 < n ? start + 1024 : n;
    float block = 0;
#pragma omp simd reduction(+ : block)
    for (std::size_t i = start; i < end; ++i) {
      const float e = exp_nonpositive(-std::fabs(z[i]));
      const float r = 1.0f / (1.0f + e);
      probs[i] = select(z[i] >= 0, r, e * r);
      block += select(z[i] > 0, z[i], 0.0f) - z[i] * target[i] + log1p_unit(e);
    }
    total += static_cast<double>(block);
  }
  return total;
}

}  // namespace latent::fast
