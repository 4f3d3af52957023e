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
  const ImVec2 p = phase == 3 ? ImVec2(-FLT_MAX, -FLT_MAX) : ImVec2(x, y);  // cancelled: released off the interface
  if (phase == 1 && !touch_states_.empty() && touch_states_.back().moved) {
    touch_states_.back().position = p;
    return;
  }
  touch_states_.push_back({p, phase == 0 || phase == 1, phase == 1});
}

void ImGuiMouse::apply(ImGuiIO& io) {
  if (!touch_states_.empty()) {
    position_ = touch_states_.front().position;
    down_[0] = touch_states_.front().down;
    touch_states_.pop_front();
  }
  io.MousePos = position_;
  for (int b = 0; b < kButtons; ++b) {
    io.MouseDown[b] = down_[b] || pressed_[b];
    pressed_[b] = false;
  }
}

}  // namespace latent
