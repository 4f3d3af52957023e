// The drawing side: Sketch strokes, undo and rasterisation, and its distrust of input (non-finite points
// refused, far-off ones clipped, widths clamped); MNIST-style preprocessing (bounding box to 20x20 keeping the
// aspect ratio, anti-aliased, centre of mass at the centre of 28x28), checked on shapes whose result is known
// and on real MNIST digits blown up to canvas size.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <numeric>

#include "core/dataset.hpp"
#include "core/digit_preprocessor.hpp"
#include "core/sketch.hpp"
#include "helpers.hpp"

using namespace latent;
using latent::testing::cosine;
using latent::testing::kNaN;
using latent::testing::kSketchSide;
using latent::testing::sketch_at;
using latent::testing::sketch_thickness;

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

std::vector<float> blank() { return std::vector<float>(static_cast<std::size_t>(kSketchSide) * kSketchSide, 0.0f); }

void fill_rect(std::vector<float>& r, int x0, int y0, int x1, int y1, float v = 1.0f) {
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) r[static_cast<std::size_t>(y) * kSketchSide + x] = v;
}

double total_ink(const Sketch& s) {
  return std::accumulate(s.raster().begin(), s.raster().end(), 0.0);
}

}  // namespace

TEST_CASE("a tall box becomes 20 px tall keeping its aspect ratio and is centred by mass", "[preprocess]") {
  auto r = blank();
  fill_rect(r, 30, 40, 130, 240);  // 100 x 200, far from the centre
  const DigitImage d = preprocess_digit(r.data(), kSketchSide, kSketchSide);
  REQUIRE_FALSE(d.empty);
  const InkStats s = ink_stats(d.pixels.data(), 28, 28, 0.5f);
  CHECK(s.box_height() == 20);
  CHECK(s.box_width() == 10);
  // Pixel (14, 14), where MNIST centres its digits, to within the half pixel of a whole-pixel shift.
  CHECK(s.center_x == Approx(kDigitCenter).margin(0.5));
  CHECK(s.center_y == Approx(kDigitCenter).margin(0.5));
  CHECK(ink_stats(d.pixels.data(), 28, 28).box_height() == 20);  // edges on the pixel grid: no partial pixels
  // Box filter: the inside is fully covered, and the total ink is the area scaled by (20 / 200)^2.
  CHECK(d.pixels[14 * 28 + 14] == Approx(1.0f));
  const double mass = std::accumulate(d.pixels.begin(), d.pixels.end(), 0.0);
  CHECK(mass == Approx(100 * 200 * 0.01).epsilon(1e-4));
}

TEST_CASE("a wide shape spans 20 px across and keeps its proportions", "[preprocess]") {
  auto r = blank();
  fill_rect(r, 20, 200, 220, 250);  // 200 x 50
  const DigitImage d = preprocess_digit(r.data(), kSketchSide, kSketchSide);
  const InkStats s = ink_stats(d.pixels.data(), 28, 28, 0.5f);
  CHECK(s.box_width() == 20);
  // 5 px tall, at a fractional offset: the ink's mass divided by its width is the height.
  CHECK(std::accumulate(d.pixels.begin(), d.pixels.end(), 0.0) / 20 == Approx(5.0).epsilon(1e-4));
  CHECK(ink_stats(d.pixels.data(), 28, 28).box_height() <= 6);
}

TEST_CASE("a small drawing is scaled up to the 20 px box", "[preprocess]") {
  auto r = blank();
  fill_rect(r, 100, 100, 104, 104);  // 4 x 4
  const DigitImage d = preprocess_digit(r.data(), kSketchSide, kSketchSide);
  const InkStats s = ink_stats(d.pixels.data(), 28, 28, 0.5f);
  CHECK(s.box_width() == 20);
  CHECK(s.box_height() == 20);
  CHECK(std::accumulate(d.pixels.begin(), d.pixels.end(), 0.0) == Approx(400).epsilon(1e-4));
}

TEST_CASE("uneven ink is centred by its centre of mass, not by its box", "[preprocess]") {
  auto r = blank();
  fill_rect(r, 40, 40, 240, 60);    // a heavy bar on top
  fill_rect(r, 130, 60, 150, 240);  // a thin stem: a T whose mass sits high
  const DigitImage d = preprocess_digit(r.data(), kSketchSide, kSketchSide);
  const InkStats com = ink_stats(d.pixels.data(), 28, 28);
  CHECK(com.center_x == Approx(kDigitCenter).margin(0.5));
  CHECK(com.center_y == Approx(kDigitCenter).margin(0.5));
  const InkStats box = ink_stats(d.pixels.data(), 28, 28, 0.5f);
  CHECK((box.box_y0 + box.box_y1) / 2.0 > kDigitCenter + 1.0);  // the box sits low so that the mass is centred
}

TEST_CASE("edges that fall inside a pixel are anti-aliased", "[preprocess]") {
  auto r = blank();
  fill_rect(r, 50, 50, 205, 210);  // 155 wide: 19.375 px after scaling, so an edge pixel is partly covered
  const DigitImage d = preprocess_digit(r.data(), kSketchSide, kSketchSide);
  const bool has_partial = std::any_of(d.pixels.begin(), d.pixels.end(), [](float v) { return v > 0.05f && v < 0.95f; });
  CHECK(has_partial);
  CHECK(*std::max_element(d.pixels.begin(), d.pixels.end()) <= 1.0f);
}

TEST_CASE("an empty drawing gives an empty image", "[preprocess]") {
  const auto r = blank();
  const DigitImage d = preprocess_digit(r.data(), kSketchSide, kSketchSide);
  CHECK(d.empty);
  CHECK(std::all_of(d.pixels.begin(), d.pixels.end(), [](float v) { return v == 0.0f; }));
}

TEST_CASE("real MNIST digits blown up to canvas size come back as themselves", "[preprocess][bundled]") {
  Dataset all = latent::testing::bundled_dataset();
  double worst = 1.0, total = 0;
  const int n = 200;
  for (int k = 0; k < n; ++k) {
    const std::uint8_t* img = all.image(static_cast<std::size_t>(k) * 37);
    std::vector<float> original(784), big = blank();
    for (int i = 0; i < 784; ++i) original[static_cast<std::size_t>(i)] = img[i] / 255.0f;
    for (int y = 0; y < kSketchSide; ++y)
      for (int x = 0; x < kSketchSide; ++x) big[static_cast<std::size_t>(y) * kSketchSide + x] = original[static_cast<std::size_t>(y / 10 * 28 + x / 10)];
    const DigitImage d = preprocess_digit(big.data(), kSketchSide, kSketchSide);
    const double c = cosine(d.pixels.data(), original.data(), 784);
    worst = std::min(worst, c);
    total += c;
  }
  // The preprocessing is MNIST's own rule (box long side 20, whole-pixel shift to put the centre of mass
  // nearest pixel (14, 14)), so a digit magnified ten times is restored exactly.
  INFO("mean cosine " << total / n << ", worst " << worst);
  CHECK(worst > 0.9999);
}

TEST_CASE("a stroke inks the pixels it passes with anti-aliased edges", "[sketch]") {
  Sketch s;
  CHECK(s.empty());
  const auto rev0 = s.revision();
  s.begin_stroke({50.f, 100.f}, 8.f);
  s.extend_stroke({200.f, 100.f});
  CHECK_FALSE(s.empty());
  CHECK(s.revision() != rev0);
  const auto& r = s.raster();
  CHECK(r[100 * kSketchSide + 120] == 1.0f);  // on the line
  CHECK(r[100 * kSketchSide + 20] == 0.0f);   // beyond the round cap
  CHECK(r[130 * kSketchSide + 120] == 0.0f);  // far off the line
  // Pixel rows 91 and 108 have centres 8.5 and 8.5 from the line: coverage 8 + 0.5 - 8.5 = 0; rows 92 and 107: 1.
  CHECK(r[92 * kSketchSide + 120] == Approx(1.0f));
  // A point 8.25 from the line is half covered.
  Sketch half;
  half.begin_stroke({50.f, 100.25f}, 8.f);
  half.extend_stroke({200.f, 100.25f});
  CHECK(half.raster()[108 * kSketchSide + 120] == Approx(0.25f));
}

TEST_CASE("undo removes the last stroke; clear is undoable too", "[sketch]") {
  Sketch s;
  CHECK_FALSE(s.undo());
  s.begin_stroke({40.f, 40.f}, 6.f);
  s.extend_stroke({80.f, 40.f});
  const std::vector<float> one = s.raster();
  s.begin_stroke({40.f, 200.f}, 6.f);
  s.extend_stroke({80.f, 200.f});
  CHECK(s.stroke_count() == 2);
  REQUIRE(s.undo());
  CHECK(s.stroke_count() == 1);
  CHECK(s.raster() == one);
  s.clear();
  CHECK(s.empty());
  CHECK(std::all_of(s.raster().begin(), s.raster().end(), [](float v) { return v == 0.0f; }));
  REQUIRE(s.undo());  // brings the cleared drawing back
  CHECK(s.raster() == one);
  REQUIRE(s.undo());
  CHECK(s.empty());
  CHECK_FALSE(s.can_undo());
}

TEST_CASE("the sketch refuses points that are not finite and changes nothing", "[sketch][errors]") {
  Sketch s;
  const auto rev = s.revision();
  CHECK_FALSE(s.begin_stroke({kNaN, 10.f}, 8.f));
  CHECK_FALSE(s.begin_stroke({10.f, -kInf}, 8.f));
  CHECK_FALSE(s.begin_stroke({10.f, 10.f, kNaN}, 8.f));
  CHECK_FALSE(s.begin_stroke({10.f, 10.f}, kNaN));
  CHECK_FALSE(s.extend_stroke({10.f, 10.f}));  // no stroke to extend
  CHECK(s.empty());
  CHECK_FALSE(s.can_undo());
  CHECK(s.revision() == rev);

  REQUIRE(s.begin_stroke({40.f, 40.f}, 6.f));
  const std::vector<float> before = s.raster();
  CHECK_FALSE(s.extend_stroke({kInf, 40.f}));
  CHECK_FALSE(s.extend_stroke({40.f, kNaN}));
  CHECK_FALSE(s.extend_stroke({-std::numeric_limits<float>::max() * 2, 40.f}));  // -inf by overflow
  CHECK(s.raster() == before);
  CHECK(s.last_stroke_points() == 1);
}

TEST_CASE("far-off points are clipped: the line to them is inked up to the edge", "[sketch][errors]") {
  Sketch s;
  REQUIRE(s.begin_stroke({140.f, 140.f}, 8.f));
  REQUIRE(s.extend_stroke({1e30f, 140.f}));  // clamped to kFarLimit, clipped to the raster
  CHECK(sketch_at(s, 150, 140) == 1.0f);
  CHECK(sketch_at(s, kSketchSide - 1, 140) == 1.0f);
  CHECK(sketch_at(s, 100, 140) == 0.0f);  // behind the start's round cap

  Sketch diagonal;
  REQUIRE(diagonal.begin_stroke({-1e9f, -1e9f}, 4.f));
  REQUIRE(diagonal.extend_stroke({std::numeric_limits<float>::max(), std::numeric_limits<float>::max()}));
  for (int i = 0; i < kSketchSide; i += 31) CHECK(sketch_at(diagonal, i, i) == 1.0f);
  CHECK(sketch_at(diagonal, 200, 40) == 0.0f);
}

TEST_CASE("a segment that runs past the raster inks what the part on it would", "[sketch]") {
  Sketch long_line, short_line;
  REQUIRE(long_line.begin_stroke({-5000.f, 100.3f}, 9.f));
  REQUIRE(long_line.extend_stroke({9000.f, 120.7f}));
  // The same line, from just beyond the left edge to just beyond the right (more than the brush's reach).
  const float slope = (120.7f - 100.3f) / 14000.f;
  REQUIRE(short_line.begin_stroke({-20.f, 100.3f + slope * 4980.f}, 9.f));
  REQUIRE(short_line.extend_stroke({300.f, 100.3f + slope * 5300.f}));
  double worst = 0;
  for (std::size_t i = 0; i < long_line.raster().size(); ++i) {
    worst = std::max(worst, static_cast<double>(std::abs(long_line.raster()[i] - short_line.raster()[i])));
  }
  CHECK(worst < 2e-3);
  CHECK(total_ink(long_line) > 280 * 15);
}

TEST_CASE("a stroke that leaves the raster and comes back is one stroke, inked where it is on the raster", "[sketch]") {
  Sketch s;
  REQUIRE(s.begin_stroke({100.f, 30.f}, 6.f));
  REQUIRE(s.extend_stroke({100.f, -60.f}));   // up and out
  REQUIRE(s.extend_stroke({200.f, -60.f}));   // along, outside
  REQUIRE(s.extend_stroke({200.f, 30.f}));    // back in
  CHECK(s.stroke_count() == 1);
  CHECK(s.last_stroke_points() == 4);
  CHECK(sketch_at(s, 100, 0) == 1.0f);
  CHECK(sketch_at(s, 100, 25) == 1.0f);
  CHECK(sketch_at(s, 200, 0) == 1.0f);
  CHECK(sketch_at(s, 200, 25) == 1.0f);
  CHECK(sketch_at(s, 150, 2) == 0.0f);  // the outside part is 60 px above the top edge
  REQUIRE(s.undo());
  CHECK(s.empty());
  CHECK(total_ink(s) == 0.0);
}

TEST_CASE("the brush's width follows each point's width along a segment", "[sketch]") {
  Sketch s;
  REQUIRE(s.begin_stroke({30.f, 140.f, 0.5f}, 10.f));
  REQUIRE(s.extend_stroke({250.f, 140.f, 1.5f}));
  const int thin = sketch_thickness(s, 40), thick = sketch_thickness(s, 240);
  CHECK(thin >= 9);
  CHECK(thin <= 12);   // radius about 5.2 there
  CHECK(thick >= 28);
  CHECK(thick <= 31);  // radius about 14.8 there
  // Widths are clamped to the documented range.
  Sketch wide;
  REQUIRE(wide.begin_stroke({140.f, 140.f, 100.f}, 10.f));
  CHECK(sketch_thickness(wide, 140) <= static_cast<int>(2 * 10 * Sketch::kMaxWidth) + 1);
}
