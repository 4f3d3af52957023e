// Sketch: the user's drawing as strokes of a round brush, with undo, rasterised into a square coverage image
// (0 = paper, 1 = ink) with anti-aliased edges. Pure logic: the UI feeds it points, the preprocessor reads it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace latent {

struct SketchPoint {
  float x = 0;  // raster pixels, 0 at the left edge
  float y = 0;  // raster pixels, 0 at the top edge
};

class Sketch {
 public:
  static constexpr int kSize = 280;  // raster side: ten times MNIST's 28

  Sketch() : raster_(static_cast<std::size_t>(kSize) * kSize, 0.0f) {}

  void begin_stroke(SketchPoint p, float radius);  // a dot until extended
  void extend_stroke(SketchPoint p);               // continues the last stroke begun
  void clear();                                    // undoable
  bool undo();                                     // removes the last stroke, or brings back a clear
  bool can_undo() const { return !history_.empty(); }
  bool empty() const { return strokes_.empty(); }
  std::size_t stroke_count() const { return strokes_.size(); }

  const std::vector<float>& raster() const { return raster_; }  // kSize x kSize, row-major
  std::uint64_t revision() const { return revision_; }          // changes whenever the raster does

 private:
  struct Stroke {
    float radius = 0;
    std::vector<SketchPoint> points;
  };
  struct Action {
    bool was_clear = false;
    std::vector<Stroke> cleared;  // what a clear removed
  };

  void stamp_segment(SketchPoint a, SketchPoint b, float radius);
  void rasterize_all();

  std::vector<Stroke> strokes_;
  std::vector<Action> history_;
  std::vector<float> raster_;
  std::uint64_t revision_ = 0;
};

}  // namespace latent
