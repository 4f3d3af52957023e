// MNIST-style preprocessing of a drawing, the way the MNIST digits were made: the ink's bounding box is scaled
// to fit a 20x20 box keeping its aspect ratio (with box-filter anti-aliasing: each output pixel is the mean
// ink coverage of the area it covers), then moved by whole pixels so that its centre of mass falls within half
// a pixel of the centre of pixel (14, 14). That is where MNIST puts it: over the 10,000 bundled digits the mean
// centre of mass is (14.50, 14.50) in coordinates where pixel i spans [i, i + 1] (the field's geometric centre
// is 14.0), and the inked box's long side is exactly 20 px in 99.98% of them: whole-pixel shifts keep its
// edges on the pixel grid, so they stay crisp.
#pragma once

#include <array>

namespace latent {

inline constexpr int kDigitSide = 28;
inline constexpr int kDigitBox = 20;
inline constexpr double kDigitCenter = 14.5;  // pixel (14, 14)'s centre

struct DigitImage {
  std::array<float, kDigitSide * kDigitSide> pixels{};  // row-major, 0..1
  bool empty = true;                                     // no ink at all
};

// Where the ink of an image is: centre of mass (pixel centres at i + 0.5) and the bounding box of pixels
// above `threshold`. Used by the preprocessor on the drawing and by the tests on the result.
struct InkStats {
  double mass = 0;
  double center_x = 0;
  double center_y = 0;
  int box_x0 = 0, box_y0 = 0, box_x1 = 0, box_y1 = 0;  // half-open [x0, x1) x [y0, y1); empty if mass is 0
  int box_width() const { return box_x1 - box_x0; }
  int box_height() const { return box_y1 - box_y0; }
};
InkStats ink_stats(const float* image, int width, int height, float threshold = 0.0f);

// `raster` is width x height coverage (row-major, 0..1).
DigitImage preprocess_digit(const float* raster, int width, int height);

}  // namespace latent
