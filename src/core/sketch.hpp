// Sketch: the user's drawing as strokes of a round brush, with undo, rasterised into a square coverage image
// (0 = paper, 1 = ink) with anti-aliased edges. Pure logic: the UI feeds it points, the preprocessor reads it.
//
// Points come from pointer devices and are not trusted: a point with a non-finite coordinate or width is refused,
// coordinates are clamped to +-kFarLimit, and every segment is clipped to the raster (plus the brush's reach)
// before it is stamped, so no position, however far off, costs more than one raster's worth of work.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace latent {

struct SketchPoint {
  float x = 0;      // raster pixels, 0 at the left edge
  float y = 0;      // raster pixels, 0 at the top edge
  float width = 1;  // the brush radius at this point, as a multiple of the stroke's (pen pressure); 0.25 to 2
};

// One stroke as drawn: its brush radius and its points, as the sketch keeps them (sanitized).
struct SketchStroke {
  float radius = 0;
  std::vector<SketchPoint> points;
};

class Sketch {
 public:
  static constexpr int kSize = 280;  // raster side: ten times MNIST's 28
  static constexpr float kFarLimit = 64.0f * kSize;  // coordinates beyond this are clamped (they are off-raster anyway)
  static constexpr float kMinRadius = 0.5f;
  static constexpr float kMaxRadius = 64.0f;
  static constexpr float kMinWidth = 0.25f;
  static constexpr float kMaxWidth = 2.0f;

  Sketch() : raster_(static_cast<std::size_t>(kSize) * kSize, 0.0f) {}

  // Starts a stroke (a dot until extended). Returns false, and changes nothing, if p or radius is not finite.
  bool begin_stroke(SketchPoint p, float radius);
  // Continues the last stroke begun. Returns false for a non-finite point or when there is no stroke; a point
  // at the last one's position is accepted but adds nothing.
  bool extend_stroke(SketchPoint p);
  void clear();                                    // undoable
  void reset();                                    // no strokes and no history (the revision still moves on)
  bool undo();                                     // removes the last stroke, or brings back a clear
  bool can_undo() const { return !history_.empty(); }
  bool empty() const { return strokes_.empty(); }
  std::size_t stroke_count() const { return strokes_.size(); }
  std::size_t last_stroke_points() const { return strokes_.empty() ? 0 : strokes_.back().points.size(); }

  const std::vector<SketchStroke>& strokes() const { return strokes_; }  // what autosave keeps of a drawing
  const std::vector<float>& raster() const { return raster_; }  // kSize x kSize, row-major
  std::uint64_t revision() const { return revision_; }          // changes whenever the raster does

 private:
  using Stroke = SketchStroke;
  struct Action {
    bool was_clear = false;
    std::vector<Stroke> cleared;  // what a clear removed
  };

  static bool sanitize(SketchPoint& p);  // false if not finite; clamps position and width
  void stamp_segment(SketchPoint a, SketchPoint b, float radius);
  void rasterize_all();

  std::vector<Stroke> strokes_;
  std::vector<Action> history_;
  std::vector<float> raster_;
  std::uint64_t revision_ = 0;
};

}  // namespace latent
