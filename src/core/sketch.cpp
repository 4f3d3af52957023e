// Sketch: stroke bookkeeping and anti-aliased rasterisation of round-brush segments.
#include "core/sketch.hpp"

#include <algorithm>
#include <cmath>

namespace latent {

void Sketch::begin_stroke(SketchPoint p, float radius) {
  strokes_.push_back({std::max(radius, 0.5f), {p}});
  history_.push_back({});
  stamp_segment(p, p, strokes_.back().radius);
}

void Sketch::extend_stroke(SketchPoint p) {
  if (strokes_.empty()) return;
  Stroke& s = strokes_.back();
  const SketchPoint last = s.points.back();
  if (last.x == p.x && last.y == p.y) return;
  s.points.push_back(p);
  stamp_segment(last, p, s.radius);
}

void Sketch::clear() {
  if (strokes_.empty()) return;
  history_.push_back({true, std::move(strokes_)});
  strokes_.clear();
  rasterize_all();
}

bool Sketch::undo() {
  if (history_.empty()) return false;
  Action action = std::move(history_.back());
  history_.pop_back();
  if (action.was_clear) {
    strokes_ = std::move(action.cleared);
  } else if (!strokes_.empty()) {
    strokes_.pop_back();
  }
  rasterize_all();
  return true;
}

void Sketch::rasterize_all() {
  std::fill(raster_.begin(), raster_.end(), 0.0f);
  for (const Stroke& s : strokes_) {
    stamp_segment(s.points.front(), s.points.front(), s.radius);
    for (std::size_t i = 1; i < s.points.size(); ++i) stamp_segment(s.points[i - 1], s.points[i], s.radius);
  }
  ++revision_;
}

// Coverage of a pixel whose centre is d from the segment: 1 inside the brush, falling linearly to 0 over one
// pixel at its edge. Overlapping segments take the maximum, so a stroke never darkens where it crosses itself.
void Sketch::stamp_segment(SketchPoint a, SketchPoint b, float radius) {
  const float reach = radius + 1.0f;
  const int x0 = std::max(0, static_cast<int>(std::floor(std::min(a.x, b.x) - reach)));
  const int x1 = std::min(kSize - 1, static_cast<int>(std::ceil(std::max(a.x, b.x) + reach)));
  const int y0 = std::max(0, static_cast<int>(std::floor(std::min(a.y, b.y) - reach)));
  const int y1 = std::min(kSize - 1, static_cast<int>(std::ceil(std::max(a.y, b.y) + reach)));
  const float dx = b.x - a.x, dy = b.y - a.y;
  const float len2 = dx * dx + dy * dy;
  for (int y = y0; y <= y1; ++y) {
    for (int x = x0; x <= x1; ++x) {
      const float px = static_cast<float>(x) + 0.5f, py = static_cast<float>(y) + 0.5f;
      float t = len2 > 0 ? ((px - a.x) * dx + (py - a.y) * dy) / len2 : 0.0f;
      t = std::clamp(t, 0.0f, 1.0f);
      const float ex = px - (a.x + t * dx), ey = py - (a.y + t * dy);
      const float coverage = std::clamp(radius + 0.5f - std::sqrt(ex * ex + ey * ey), 0.0f, 1.0f);
      float& cell = raster_[static_cast<std::size_t>(y) * kSize + static_cast<std::size_t>(x)];
      cell = std::max(cell, coverage);
    }
  }
  ++revision_;
}

}  // namespace latent
