// The desktop's pointer path: SDL events, consumed one by one, become strokes with every motion event in them;
// mouse events SDL synthesises from touches are not counted twice; fingers are scaled to the window.
#include <SDL.h>

#include <catch2/catch.hpp>

#include "app/drawing.hpp"
#include "platform/sdl_pointer.hpp"

using namespace latent;

namespace {

SDL_Event mouse_button(Uint32 type, int x, int y, Uint32 which = 0) {
  SDL_Event e{};
  e.type = type;
  e.button.button = SDL_BUTTON_LEFT;
  e.button.which = which;
  e.button.x = x;
  e.button.y = y;
  return e;
}

SDL_Event mouse_motion(int x, int y, Uint32 which = 0) {
  SDL_Event e{};
  e.type = SDL_MOUSEMOTION;
  e.motion.which = which;
  e.motion.x = x;
  e.motion.y = y;
  return e;
}

SDL_Event finger(Uint32 type, SDL_FingerID id, float x, float y) {
  SDL_Event e{};
  e.type = type;
  e.tfinger.fingerId = id;
  e.tfinger.x = x;
  e.tfinger.y = y;
  e.tfinger.pressure = 1.0f;
  return e;
}

}  // namespace

TEST_CASE("SDL mouse events between two frames all reach the stroke", "[drawing][desktop]") {
  Drawing d;
  d.place(100.f, 100.f, 280.f, true);
  route_pointer_event(mouse_button(SDL_MOUSEBUTTONDOWN, 120, 240), 1440, 900, d);
  // A quick curve: 60 motion events arriving before the next frame.
  for (int i = 1; i <= 60; ++i) route_pointer_event(mouse_motion(120 + i * 3, 240 + ((i * 7) % 40)), 1440, 900, d);
  route_pointer_event(mouse_button(SDL_MOUSEBUTTONUP, 300, 250), 1440, 900, d);
  CHECK(d.stroke_count() == 1);
  CHECK(d.last_stroke_points() == 62);
  CHECK(d.last_stroke_kind() == PointerKind::Mouse);

  // Mouse events SDL made from a touch are skipped; the finger events draw, scaled to the window.
  route_pointer_event(mouse_button(SDL_MOUSEBUTTONDOWN, 200, 200, SDL_TOUCH_MOUSEID), 1440, 900, d);
  CHECK(d.stroke_count() == 1);
  route_pointer_event(finger(SDL_FINGERDOWN, 42, 150.f / 1440.f, 150.f / 900.f), 1440, 900, d);
  route_pointer_event(mouse_motion(200, 300, SDL_TOUCH_MOUSEID), 1440, 900, d);
  route_pointer_event(finger(SDL_FINGERMOTION, 42, 150.f / 1440.f, 300.f / 900.f), 1440, 900, d);
  route_pointer_event(finger(SDL_FINGERUP, 42, 160.f / 1440.f, 300.f / 900.f), 1440, 900, d);
  CHECK(d.stroke_count() == 2);
  CHECK(d.last_stroke_points() == 3);
  CHECK(d.last_stroke_kind() == PointerKind::Touch);
  CHECK(d.sketch().raster()[static_cast<std::size_t>(150) * Sketch::kSize + 50] == 1.0f);  // (150, 250) on screen
}
