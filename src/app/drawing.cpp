// Drawing: pointer routing into the sketch, and the cached model input.
#include "app/drawing.hpp"

#include <algorithm>
#include <cmath>

namespace latent {

const char* to_string(PointerKind kind) {
  switch (kind) {
    case PointerKind::Pen: return "pen";
    case PointerKind::Touch: return "touch";
    case PointerKind::Mouse: break;
  }
  return "mouse";
}

void Drawing::place(float x, float y, float side, bool accepts_press) {
  if (!std::isfinite(x) || !std::isfinite(y) || !std::isfinite(side) || side <= 0) {
    area_side_ = 0;
    accepts_press_ = false;
    return;
  }
  area_x_ = x;
  area_y_ = y;
  area_side_ = side;
  accepts_press_ = accepts_press;
}

// A pen's pressure sets the brush's width at each point: 0.5, what browsers report for a pressed device
// without pressure sensing, is the brush as set; lighter is thinner, firmer is thicker. Mice and fingers
// draw at the set width (touch screens report pressure inconsistently, often a constant 1).
SketchPoint Drawing::to_sketch(PointerSample s, PointerKind kind) const {
  const float scale = static_cast<float>(Sketch::kSize) / area_side_;
  SketchPoint p{(s.x - area_x_) * scale, (s.y - area_y_) * scale, 1.0f};
  if (kind == PointerKind::Pen && s.pressure > 0.0f && std::isfinite(s.pressure)) {
    p.width = 0.3f + 1.4f * std::min(s.pressure, 1.0f);
  }
  return p;
}

bool Drawing::pointer_down(int pointer, PointerKind kind, PointerSample s) {
  if (pointer == active_pointer_) pointer_cancel(pointer);  // a press we never saw released
  if (stroke_active() || !accepts_press_ || area_side_ <= 0) return false;
  if (!std::isfinite(s.x) || !std::isfinite(s.y)) return false;
  if (s.x < area_x_ || s.y < area_y_ || s.x >= area_x_ + area_side_ || s.y >= area_y_ + area_side_) return false;
  if (!sketch_.begin_stroke(to_sketch(s, kind), brush_)) return false;
  active_pointer_ = pointer;
  active_kind_ = kind;
  last_kind_ = kind;
  active_pressure_ = s.pressure;
  return true;
}

void Drawing::pointer_move(int pointer, PointerSample s) {
  if (pointer != active_pointer_ || area_side_ <= 0) return;
  if (sketch_.extend_stroke(to_sketch(s, active_kind_))) active_pressure_ = s.pressure;  // refuses non-finite points
}

void Drawing::pointer_up(int pointer, PointerSample s) {
  if (pointer != active_pointer_) return;
  // A release reports no pressure (the pen has left the surface): the last point keeps the width it had.
  if (!(s.pressure > 0.0f)) s.pressure = active_pressure_;
  pointer_move(pointer, s);
  active_pointer_ = -1;
}

void Drawing::pointer_cancel(int pointer) {
  if (pointer == active_pointer_) active_pointer_ = -1;
}

void Drawing::clear() {
  active_pointer_ = -1;
  sketch_.clear();
}

void Drawing::restore(const std::vector<SketchStroke>& strokes) {
  active_pointer_ = -1;
  sketch_.reset();
  std::size_t points = 0;
  for (const SketchStroke& stroke : strokes) {
    points += stroke.points.size();
    if (stroke.points.empty() || points > kMaxRestoredPoints) break;
    if (!sketch_.begin_stroke(stroke.points.front(), stroke.radius)) continue;
    for (std::size_t i = 1; i < stroke.points.size(); ++i) sketch_.extend_stroke(stroke.points[i]);
  }
}

bool Drawing::undo() {
  active_pointer_ = -1;
  return sketch_.undo();
}

void Drawing::set_brush(float radius) {
  if (std::isfinite(radius)) brush_ = std::clamp(radius, kMinBrush, kMaxBrush);
}

const DigitImage& Drawing::input() const {
  if (input_revision_ != sketch_.revision()) {
    input_ = preprocess_digit(sketch_.raster().data(), Sketch::kSize, Sketch::kSize);
    input_revision_ = sketch_.revision();
  }
  return input_;
}

}  // namespace latent
