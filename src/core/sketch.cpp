// Sketch: stroke bookkeeping, input sanitising, and anti-aliased rasterisation of round-brush segments.
#include "core/sketch.hpp"

#include <algorithm>
#include <cmath>

namespace latent {

namespace {

// Liang-Barsky: shrinks the parameter range [t0, t1] of a + t (b - a) to where it lies in [lo, hi] on one axis.
// Returns false when nothing of it is left.
bool clip_axis(float a, float b, float lo, float hi, float& t0, float& t1) {
  const float d = b - a;
  if (d == 0.0f) return a >= lo && a <= hi;
  float ta = (lo - a) / d, tb = (hi - a) / d;
  if (ta > tb) std::swap(ta, tb);
  t0 = std::max(t0, ta);
  t1 = std::min(t1, tb);
  return t0 <= t1;
}

SketchPoint lerp(const SketchPoint& a, const SketchPoint& b, float t) {
  return {a.x + t * (b.x - a.x), a.y + t * (b.y - a.y), a.width + t * (b.width - a.width)};
}

}  // namespace

bool Sketch::sanitize(SketchPoint& p) {
  if (!std::isfinite(p.x) || !std::isfinite(p.y) || !std::isfinite(p.width)) return false;
  p.x = std::clamp(p.x, -kFarLimit, kFarLimit);
  p.y = std::clamp(p.y, -kFarLimit, kFarLimit);
  p.width = std::clamp(p.width, kMinWidth, kMaxWidth);
  return true;
}

bool Sketch::begin_stroke(SketchPoint p, float radius) {
  if (!sanitize(p) || !std::isfinite(radius)) return false;
  strokes_.push_back({std::clamp(radius, kMinRadius, kMaxRadius), {p}});
  history_.push_back({});
  stamp_segment(p, p, strokes_.back().radius);
  return true;
}

bool Sketch::extend_stroke(SketchPoint p) {
  if (strokes_.empty() || !sanitize(p)) return false;
  Stroke& s = strokes_.back();
  const SketchPoint last = s.points.back();
  if (last.x == p.x && last.y == p.y && last.width == p.width) return true;
  s.points.push_back(p);
  stamp_segment(last, p, s.radius);
  return true;
}

void Sketch::clear() {
  if (strokes_.empty()) return;
  history_.push_back({true, std::move(strokes_)});
  strokes_.clear();
  rasterize_all();
}

void Sketch::reset() {
  strokes_.clear();
  history_.clear();
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
// pixel at its edge. The radius runs linearly from a's width to b's along the segment. Overlapping segments take
// the maximum, so a stroke never darkens where it crosses itself.
//
// The segment is first clipped to the raster grown by the brush's reach: no pixel centre inside the raster is
// within reach of a point outside that box, so the clipped part inks exactly what the whole would, and a
// segment to a point far away costs no more than one across the raster.
void Sketch::stamp_segment(SketchPoint a, SketchPoint b, float radius) {
  const float reach = radius * std::max(a.width, b.width) + 1.0f;
  float t0 = 0.0f, t1 = 1.0f;
  const float lo = -reach, hi = static_cast<float>(kSize) + reach;
  if (!clip_axis(a.x, b.x, lo, hi, t0, t1) || !clip_axis(a.y, b.y, lo, hi, t0, t1)) {
    ++revision_;  // nothing on the raster changed, but the stroke did
    return;
  }
  const SketchPoint ca = lerp(a, b, t0), cb = lerp(a, b, t1);
  a = ca;
  b = cb;

  const int x0 = std::max(0, static_cast<int>(std::floor(std::min(a.x, b.x) - reach)));
  const int x1 = std::min(kSize - 1, static_cast<int>(std::ceil(std::max(a.x, b.x) + reach)));
  const int y0 = std::max(0, static_cast<int>(std::floor(std::min(a.y, b.y) - reach)));
  const int y1 = std::min(kSize - 1, static_cast<int>(std::ceil(std::max(a.y, b.y) + reach)));
  const float dx = b.x - a.x, dy = b.y - a.y;
  const float len2 = dx * dx + dy * dy;
  const float ra = radius * a.width, rb = radius * b.width;
  for (int y = y0; y <= y1; ++y) {
    for (int x = x0; x <= x1; ++x) {
      const float px = static_cast<float>(x) + 0.5f, py = static_cast<float>(y) + 0.5f;
      float t = len2 > 0 ? ((px - a.x) * dx + (py - a.y) * dy) / len2 : 0.0f;
      t = std::clamp(t, 0.0f, 1.0f);
      const float ex = px - (a.x + t * dx), ey = py - (a.y + t * dy);
      const float r = ra + t * (rb - ra);
      const float coverage = std::clamp(r + 0.5f - std::sqrt(ex * ex + ey * ey), 0.0f, 1.0f);
      float& cell = raster_[static_cast<std::size_t>(y) * kSize + static_cast<std::size_t>(x)];
      cell = std::max(cell, coverage);
    }
  }
  ++revision_;
}

}  // namespace latent
