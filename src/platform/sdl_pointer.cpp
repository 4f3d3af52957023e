// SDL pointer events to the Drawing (see sdl_pointer.hpp).
#include "platform/sdl_pointer.hpp"

#include "app/drawing.hpp"

namespace latent {

namespace {

constexpr int kMousePointer = 0;

// SDL's finger ids are 64-bit; the drawing's pointer ids are ints. Fingers start at 1 (0 is the mouse).
int finger_pointer(SDL_FingerID id) { return 1 + static_cast<int>(static_cast<Uint64>(id) & 0x3fffffffu); }

}  // namespace

void route_pointer_event(const SDL_Event& event, int width, int height, Drawing& drawing) {
  const auto fx = [&](float x) { return x * static_cast<float>(width); };
  const auto fy = [&](float y) { return y * static_cast<float>(height); };
  switch (event.type) {
    case SDL_MOUSEBUTTONDOWN:
      if (event.button.which != SDL_TOUCH_MOUSEID && event.button.button == SDL_BUTTON_LEFT) {
        drawing.pointer_down(kMousePointer, PointerKind::Mouse,
                             {static_cast<float>(event.button.x), static_cast<float>(event.button.y), -1.0f});
      }
      break;
    case SDL_MOUSEMOTION:
      if (event.motion.which != SDL_TOUCH_MOUSEID) {
        drawing.pointer_move(kMousePointer, {static_cast<float>(event.motion.x), static_cast<float>(event.motion.y), -1.0f});
      }
      break;
    case SDL_MOUSEBUTTONUP:
      if (event.button.which != SDL_TOUCH_MOUSEID && event.button.button == SDL_BUTTON_LEFT) {
        drawing.pointer_up(kMousePointer, {static_cast<float>(event.button.x), static_cast<float>(event.button.y), -1.0f});
      }
      break;
    case SDL_FINGERDOWN:
      drawing.pointer_down(finger_pointer(event.tfinger.fingerId), PointerKind::Touch,
                           {fx(event.tfinger.x), fy(event.tfinger.y), event.tfinger.pressure});
      break;
    case SDL_FINGERMOTION:
      drawing.pointer_move(finger_pointer(event.tfinger.fingerId), {fx(event.tfinger.x), fy(event.tfinger.y), event.tfinger.pressure});
      break;
    case SDL_FINGERUP:
      drawing.pointer_up(finger_pointer(event.tfinger.fingerId), {fx(event.tfinger.x), fy(event.tfinger.y), event.tfinger.pressure});
      break;
    default: break;
  }
}

}  // namespace latent
