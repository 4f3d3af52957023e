// Drawing: the user's digit as the interface knows it. It owns the sketch, the brush, the undo history and the
// model input made from the sketch, and it takes pointer events in display coordinates (CSS pixels in the
// browser, window pixels on the desktop) from whichever layer receives them: the page's pointer events, one
// call per (coalesced) event, or the desktop's SDL events one by one. So a stroke holds every point the device
// reported, whatever the frame rate and whoever has keyboard focus. No ImGui in here.
//
// The Canvas panel tells it each frame where the drawing area is (place()); a press inside that square starts
// a stroke, which then follows that one pointer (outside the square too: segments are clipped to the raster)
// until it is released or cancelled. Other pointers are ignored while a stroke is in progress.
#pragma once

#include <cstdint>

#include "core/digit_preprocessor.hpp"
#include "core/sketch.hpp"

namespace latent {

enum class PointerKind { Mouse, Pen, Touch };
const char* to_string(PointerKind kind);  // "mouse", "pen", "touch"

struct PointerSample {
  float x = 0;           // display coordinates
  float y = 0;
  float pressure = -1;   // 0..1 where the device reports it, negative where it does not
};

class Drawing {
 public:
  static constexpr float kMinBrush = 4.0f;  // brush radius, in sketch pixels (the sketch is 280 x 280)
  static constexpr float kMaxBrush = 24.0f;
  static constexpr float kDefaultBrush = 11.0f;

  // Where the drawing area is on screen (its top-left corner and side, in display coordinates), and whether a
  // press there may start a stroke (not while a popup covers it).
  void place(float x, float y, float side, bool accepts_press);
  float area_x() const { return area_x_; }
  float area_y() const { return area_y_; }
  float area_side() const { return area_side_; }

  // Pointer events. pointer_down returns true when it started a stroke (inside the area, nothing else drawing).
  bool pointer_down(int pointer, PointerKind kind, PointerSample sample);
  void pointer_move(int pointer, PointerSample sample);
  void pointer_up(int pointer, PointerSample sample);  // the release position is the stroke's last point
  void pointer_cancel(int pointer);                    // ends the stroke where it is
  bool stroke_active() const { return active_pointer_ >= 0; }

  // Commands.
  void clear();
  bool undo();
  // A drawing brought back (autosave): `strokes` replayed onto an empty sketch, each point sanitized as a pointer's
  // is; strokes past kMaxRestoredPoints points in all are dropped. Undo takes its strokes away one by one, as before.
  static constexpr std::size_t kMaxRestoredPoints = 200'000;
  void restore(const std::vector<SketchStroke>& strokes);
  void set_brush(float radius);
  float brush() const { return brush_; }

  // State.
  const Sketch& sketch() const { return sketch_; }
  bool empty() const { return sketch_.empty(); }
  bool can_undo() const { return sketch_.can_undo(); }
  std::size_t stroke_count() const { return sketch_.stroke_count(); }
  std::size_t last_stroke_points() const { return sketch_.last_stroke_points(); }
  PointerKind last_stroke_kind() const { return last_kind_; }
  std::uint64_t revision() const { return sketch_.revision(); }  // changes whenever the drawing does
  // The model's 28 x 28 input made from the drawing (MNIST's preprocessing), recomputed when it changed.
  const DigitImage& input() const;

  // Display coordinates to sketch pixels, through the current placement.
  SketchPoint to_sketch(PointerSample sample, PointerKind kind) const;

 private:
  Sketch sketch_;
  float brush_ = kDefaultBrush;
  float area_x_ = 0, area_y_ = 0, area_side_ = 0;
  bool accepts_press_ = false;
  int active_pointer_ = -1;
  PointerKind active_kind_ = PointerKind::Mouse;
  float active_pressure_ = -1;  // the stroke's last pressure
  PointerKind last_kind_ = PointerKind::Mouse;

  mutable DigitImage input_;
  mutable std::uint64_t input_revision_ = ~std::uint64_t{0};
};

}  // namespace latent
