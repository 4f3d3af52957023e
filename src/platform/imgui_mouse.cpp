// ImGuiMouse: see imgui_mouse.hpp for why.
#include "platform/imgui_mouse.hpp"

#include <cfloat>

namespace latent {

namespace {

int imgui_button(Uint8 sdl_button) {
  switch (sdl_button) {
    case SDL_BUTTON_LEFT: return 0;
    case SDL_BUTTON_RIGHT: return 1;
    case SDL_BUTTON_MIDDLE: return 2;
    default: return -1;
  }
}

}  // namespace

void ImGuiMouse::process(const SDL_Event& event) {
  switch (event.type) {
    case SDL_MOUSEMOTION:
      position_ = ImVec2(static_cast<float>(event.motion.x), static_cast<float>(event.motion.y));
      break;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP: {
      position_ = ImVec2(static_cast<float>(event.button.x), static_cast<float>(event.button.y));
      const int b = imgui_button(event.button.button);
      if (b < 0) break;
      down_[b] = event.type == SDL_MOUSEBUTTONDOWN;
      if (down_[b]) pressed_[b] = true;
      break;
    }
    case SDL_WINDOWEVENT:
      // The pointer left the window: no hover, unless a button is held (a drag that continues outside).
      if (event.window.event == SDL_WINDOWEVENT_LEAVE && !down_[0] && !down_[1] && !down_[2]) {
        position_ = ImVec2(-FLT_MAX, -FLT_MAX);
      }
      break;
    default: break;
  }
}

void ImGuiMouse::touch(int phase, float x, float y) {
  if (phase == 3) {  // cancelled: released off the interface, so nothing is clicked
    position_ = ImVec2(-FLT_MAX, -FLT_MAX);
    down_[0] = false;
    return;
  }
  position_ = ImVec2(x, y);
  if (phase == 0) down_[0] = pressed_[0] = true;
  if (phase == 2) down_[0] = false;
}

void ImGuiMouse::apply(ImGuiIO& io) {
  io.MousePos = position_;
  for (int b = 0; b < kButtons; ++b) {
    io.MouseDown[b] = down_[b] || pressed_[b];
    pressed_[b] = false;
  }
}

}  // namespace latent
