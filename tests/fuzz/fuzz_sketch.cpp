// libFuzzer target: the drawing. The input is a stream of commands (begin, extend, clear, undo) with raw float
// coordinates, widths and radii (NaN, infinities and huge values included), then the MNIST-style preprocessing
// of the raster. The raster stays within [0, 1] and the 28x28 input within [0, 1].
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "core/digit_preprocessor.hpp"
#include "core/sketch.hpp"

namespace {
float take_float(const std::uint8_t*& p, const std::uint8_t* end) {
  float v = 0;
  if (end - p >= 4) {
    std::memcpy(&v, p, 4);
    p += 4;
  } else {
    p = end;
  }
  return v;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  latent::Sketch sketch;
  const std::uint8_t* p = data;
  const std::uint8_t* end = data + size;
  for (int commands = 0; p < end && commands < 64; ++commands) {
    const std::uint8_t op = *p++ % 4;
    if (op == 0) {
      latent::SketchPoint q{take_float(p, end), take_float(p, end), take_float(p, end)};
      (void)sketch.begin_stroke(q, take_float(p, end));
    } else if (op == 1) {
      latent::SketchPoint q{take_float(p, end), take_float(p, end), take_float(p, end)};
      (void)sketch.extend_stroke(q);
    } else if (op == 2) {
      sketch.clear();
    } else {
      (void)sketch.undo();
    }
  }
  for (float v : sketch.raster()) {
    if (!(v >= 0.0f && v <= 1.0f)) __builtin_trap();
  }
  const latent::DigitImage image = latent::preprocess_digit(sketch.raster().data(), latent::Sketch::kSize, latent::Sketch::kSize);
  for (float v : image.pixels) {
    if (!(v >= 0.0f && v <= 1.0f)) __builtin_trap();
  }
  return 0;
}
