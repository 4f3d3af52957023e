// The drawing's pointer input: Drawing routes pointer events (one press, every move, the release) through the
// drawing area's placement into strokes, ignores other pointers and presses under a popup, and draws pens with
// their pressure.
#include <catch2/catch.hpp>

#include <limits>

#include "app/drawing.hpp"
#include "helpers.hpp"

using namespace latent;
using latent::testing::kNaN;
using latent::testing::kSketchSide;
using latent::testing::sketch_thickness;

TEST_CASE("a drawing takes a press in its area, every move, and the release as one stroke", "[drawing]") {
  Drawing d;
  d.place(10.f, 20.f, 140.f, true);  // 140 display px for 280 sketch px: two sketch px per display px
  CHECK_FALSE(d.pointer_down(1, PointerKind::Mouse, {5.f, 50.f}));    // left of the area
  CHECK_FALSE(d.pointer_down(1, PointerKind::Mouse, {80.f, 160.f}));  // below it (its last row is 159)
  CHECK_FALSE(d.pointer_down(1, PointerKind::Mouse, {kNaN, 50.f}));
  CHECK(d.empty());

  REQUIRE(d.pointer_down(1, PointerKind::Mouse, {80.f, 30.f}));  // sketch (140, 20)
  CHECK(d.stroke_active());
  for (int i = 1; i <= 50; ++i) d.pointer_move(1, {80.f + static_cast<float>(i) * 0.5f, 30.f + static_cast<float>(i) * 2.f});
  d.pointer_move(1, {kNaN, 100.f});  // ignored
  d.pointer_move(2, {20.f, 20.f});   // another pointer: ignored
  d.pointer_up(1, {106.f, 131.f});
  CHECK_FALSE(d.stroke_active());
  CHECK(d.stroke_count() == 1);
  CHECK(d.last_stroke_points() == 52);
  CHECK(d.last_stroke_kind() == PointerKind::Mouse);
  d.pointer_move(1, {20.f, 150.f});  // after the release: ignored
  CHECK(d.last_stroke_points() == 52);
  // Two sketch pixels per display pixel: the press at (80, 30) inked sketch pixel (140, 20).
  CHECK(d.sketch().raster()[20 * kSketchSide + 140] == 1.0f);
  CHECK(d.sketch().raster()[222 * kSketchSide + 192] == 1.0f);  // the release at (106, 131)
  CHECK_FALSE(d.input().empty);
}

TEST_CASE("a drawing ignores other pointers while a stroke is in progress, and presses under a popup", "[drawing]") {
  Drawing d;
  d.place(0.f, 0.f, 280.f, false);  // a popup covers the interface
  CHECK_FALSE(d.pointer_down(1, PointerKind::Mouse, {100.f, 100.f}));
  d.place(0.f, 0.f, 280.f, true);
  REQUIRE(d.pointer_down(7, PointerKind::Touch, {100.f, 100.f}));
  CHECK_FALSE(d.pointer_down(8, PointerKind::Touch, {200.f, 200.f}));  // a second finger
  d.pointer_move(8, {210.f, 210.f});
  d.pointer_move(7, {100.f, 150.f});
  d.pointer_cancel(8);  // not the drawing pointer: the stroke goes on
  CHECK(d.stroke_active());
  d.pointer_cancel(7);  // the browser took the pointer: the stroke ends where it was
  CHECK_FALSE(d.stroke_active());
  d.pointer_move(7, {100.f, 250.f});
  CHECK(d.stroke_count() == 1);
  CHECK(d.last_stroke_points() == 2);
  CHECK(d.last_stroke_kind() == PointerKind::Touch);
  CHECK(d.sketch().raster()[static_cast<std::size_t>(210) * kSketchSide + 210] == 0.0f);

  // A press by the same pointer without its release (a lost pointerup) starts a new stroke.
  REQUIRE(d.pointer_down(3, PointerKind::Mouse, {20.f, 20.f}));
  REQUIRE(d.pointer_down(3, PointerKind::Mouse, {40.f, 40.f}));
  CHECK(d.stroke_count() == 3);

  // Not placed (or placed at a non-finite position): nothing starts.
  Drawing unplaced;
  CHECK_FALSE(unplaced.pointer_down(1, PointerKind::Mouse, {1.f, 1.f}));
  unplaced.place(kNaN, 0.f, 100.f, true);
  CHECK_FALSE(unplaced.pointer_down(1, PointerKind::Mouse, {1.f, 1.f}));
}

TEST_CASE("a drawing stroke continues outside the area and comes back", "[drawing]") {
  Drawing d;
  d.place(100.f, 100.f, 280.f, true);
  REQUIRE(d.pointer_down(1, PointerKind::Mouse, {150.f, 200.f}));
  d.pointer_move(1, {150.f, 40.f});    // out over the top edge (sketch y = -60)
  d.pointer_move(1, {-900.f, 40.f});   // far away to the left, outside the window even
  d.pointer_move(1, {300.f, 40.f});
  d.pointer_up(1, {300.f, 200.f});     // back in
  CHECK(d.stroke_count() == 1);
  CHECK(d.last_stroke_points() == 5);
  const auto& r = d.sketch().raster();
  CHECK(r[2 * kSketchSide + 50] == 1.0f);    // leaving, at the top edge
  CHECK(r[2 * kSketchSide + 200] == 1.0f);   // coming back
  CHECK(r[2 * kSketchSide + 120] == 0.0f);   // nothing between: that part ran outside
}

TEST_CASE("a pen draws with its pressure; mouse and touch with the brush as set", "[drawing]") {
  const auto stroke = [](PointerKind kind, float p0, float p1) {
    Drawing d;
    d.place(0.f, 0.f, 280.f, true);
    REQUIRE(d.pointer_down(1, kind, {30.f, 140.f, p0}));
    d.pointer_up(1, {250.f, 140.f, p1});
    return std::pair(sketch_thickness(d.sketch(), 40), sketch_thickness(d.sketch(), 240));
  };
  const auto [pen_light, pen_firm] = stroke(PointerKind::Pen, 0.1f, 0.9f);
  CHECK(pen_firm > pen_light + 8);
  const auto [mouse_a, mouse_b] = stroke(PointerKind::Mouse, 0.1f, 0.9f);
  CHECK(mouse_a == mouse_b);
  const auto [pen_half_a, pen_half_b] = stroke(PointerKind::Pen, 0.5f, 0.5f);
  CHECK(pen_half_a == mouse_a);  // 0.5, a device without pressure sensing, is the brush as set
  CHECK(pen_half_b == mouse_b);
  const auto [touch_a, touch_b] = stroke(PointerKind::Touch, 1.0f, 0.2f);
  CHECK(touch_a == mouse_a);
  CHECK(touch_b == mouse_b);

  // Browsers report pressure 0 on a pen's release: the stroke's last point keeps its width.
  Drawing d;
  d.place(0.f, 0.f, 280.f, true);
  REQUIRE(d.pointer_down(1, PointerKind::Pen, {30.f, 140.f, 0.9f}));
  d.pointer_move(1, {250.f, 140.f, 0.9f});
  d.pointer_up(1, {250.f, 140.f, 0.0f});
  CHECK(d.last_stroke_points() == 2);
  CHECK(sketch_thickness(d.sketch(), 245) == pen_firm);
}

TEST_CASE("clear and undo end a stroke in progress", "[drawing]") {
  Drawing d;
  d.place(0.f, 0.f, 280.f, true);
  REQUIRE(d.pointer_down(1, PointerKind::Mouse, {100.f, 100.f}));
  d.clear();
  CHECK_FALSE(d.stroke_active());
  d.pointer_move(1, {150.f, 150.f});  // nothing: the stroke ended with the clear
  CHECK(d.empty());
  CHECK(d.undo());  // brings the one-point stroke back
  CHECK(d.last_stroke_points() == 1);
  d.set_brush(kNaN);
  CHECK(d.brush() == Drawing::kDefaultBrush);
  d.set_brush(1000.f);
  CHECK(d.brush() == Drawing::kMaxBrush);
}

TEST_CASE("a drawing restored from its strokes is the same drawing, checked as a pointer's points are", "[drawing]") {
  Drawing d;
  d.place(0.f, 0.f, 280.f, true);
  d.pointer_down(1, PointerKind::Mouse, {40.f, 50.f});
  d.pointer_move(1, {120.f, 200.f});
  d.pointer_up(1, {200.f, 60.f});
  d.pointer_down(1, PointerKind::Mouse, {100.f, 100.f});
  d.pointer_up(1, {100.f, 100.f});
  const std::vector<SketchStroke> strokes = d.sketch().strokes();
  const std::vector<float> raster = d.sketch().raster();
  const std::uint64_t revision = d.revision();

  Drawing restored;
  restored.restore(strokes);
  CHECK(restored.stroke_count() == 2);
  CHECK(restored.sketch().raster() == raster);
  REQUIRE(restored.undo());  // its strokes come off one by one, as before
  CHECK(restored.stroke_count() == 1);

  // Restoring onto a drawing replaces it, and the revision moves on (the views redraw).
  d.restore({});
  CHECK(d.empty());
  CHECK(d.revision() > revision);

  // Points no pointer could give are dropped or clamped; the points in all are capped.
  restored.restore({{4.f, {{kNaN, 1.f, 1.f}}}, {1e30f, {{10.f, 10.f, 99.f}, {1e30f, 5.f, 1.f}}}});
  CHECK(restored.stroke_count() == 1);
  SketchStroke long_stroke{4.f, std::vector<SketchPoint>(Drawing::kMaxRestoredPoints + 1, SketchPoint{10.f, 10.f, 1.f})};
  restored.restore({{4.f, {{1.f, 1.f, 1.f}}}, long_stroke});
  CHECK(restored.stroke_count() == 1);
}
