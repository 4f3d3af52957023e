// The preprocessor as one separable area-weighted resampling: out = Wy * raster * Wx^T, where row u of Wx holds
// how much of each source column falls inside output column u's footprint (scaled so a fully covered output
// pixel's weights sum to 1). Scaling and the centring shift are both in Wx and Wy: there is no second pass.
#include "core/digit_preprocessor.hpp"

#include <algorithm>
#include <cmath>

#include "core/eigen.hpp"

namespace latent {

InkStats ink_stats(const float* image, int width, int height, float threshold) {
  InkStats s;
  double sx = 0, sy = 0;
  s.box_x0 = width;
  s.box_y0 = height;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const float v = image[static_cast<std::size_t>(y) * width + x];
      if (v <= 0) continue;
      s.mass += v;
      sx += v * (x + 0.5);
      sy += v * (y + 0.5);
      if (v > threshold) {
        s.box_x0 = std::min(s.box_x0, x);
        s.box_y0 = std::min(s.box_y0, y);
        s.box_x1 = std::max(s.box_x1, x + 1);
        s.box_y1 = std::max(s.box_y1, y + 1);
      }
    }
  }
  if (s.mass <= 0 || s.box_x1 <= s.box_x0) return InkStats{};
  s.center_x = sx / s.mass;
  s.center_y = sy / s.mass;
  return s;
}

namespace {

// Row u: the overlap of source cells [i, i+1] with output cell u's footprint, scaled. The mapping is
// out = offset + scale * (src - origin), so cell u's footprint is [origin + (u - offset) / scale,
// origin + (u + 1 - offset) / scale].
Matrix<float> footprint_weights(int source_size, double origin, int offset, double scale) {
  Matrix<float> w = Matrix<float>::Zero(kDigitSide, source_size);
  for (int u = 0; u < kDigitSide; ++u) {
    const double lo = origin + (u - offset) / scale;
    const double hi = origin + (u + 1 - offset) / scale;
    const int first = std::max(0, static_cast<int>(std::floor(lo)));
    const int last = std::min(source_size - 1, static_cast<int>(std::ceil(hi)) - 1);
    for (int i = first; i <= last; ++i) {
      const double overlap = std::min<double>(hi, i + 1) - std::max<double>(lo, i);
      if (overlap > 0) w(u, i) = static_cast<float>(overlap * scale);
    }
  }
  return w;
}

// The whole-pixel offset that puts the box's near edge where the centre of mass lands nearest kDigitCenter.
int centring_offset(double box_start, double center, double scale) {
  return static_cast<int>(std::lround(kDigitCenter - scale * (center - box_start)));
}

}  // namespace

DigitImage preprocess_digit(const float* raster, int width, int height) {
  DigitImage out;
  const InkStats ink = ink_stats(raster, width, height);
  if (ink.mass <= 0) return out;
  const int long_side = std::max(ink.box_width(), ink.box_height());
  const double scale = static_cast<double>(kDigitBox) / long_side;

  const int ox = centring_offset(ink.box_x0, ink.center_x, scale);
  const int oy = centring_offset(ink.box_y0, ink.center_y, scale);
  const Matrix<float> wx = footprint_weights(width, ink.box_x0, ox, scale);   // (28, width)
  const Matrix<float> wy = footprint_weights(height, ink.box_y0, oy, scale);  // (28, height)
  // The raster is row-major (height, width): as a column-major map it is its transpose (width, height).
  const ConstMatrixMap<float> raster_t(raster, width, height);
  const Matrix<float> result_t = wx * raster_t * wy.transpose();  // (28 x, 28 y): column-major = row-major (y, x)
  for (int i = 0; i < kDigitSide * kDigitSide; ++i) out.pixels[static_cast<std::size_t>(i)] = std::clamp(result_t.data()[i], 0.0f, 1.0f);
  out.empty = false;
  return out;
}

}  // namespace latent
