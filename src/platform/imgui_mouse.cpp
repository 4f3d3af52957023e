// ImGuiMouse: see imgui_mouse.hpp for why.
#include "platform/imgui_mouse.hpp"

#include <algorithm>
#include <cfloat>
#include <iterator>

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

void ImGuiMouse::move_to(ImVec2 position) {
  position_ = position;
  if (!states_.empty() && states_.back().moved &&
      std::equal(std::begin(down_), std::end(down_), std::begin(states_.back().down))) {
    states_.back().position = position;
    return;
  }
  State s{position, {}, true};
  std::copy(std::begin(down_), std::end(down_), std::begin(s.down));
  states_.push_back(s);
}

void ImGuiMouse::set_button(int button, bool down, ImVec2 position) {
  position_ = position;
  down_[button] = down;
  State s{position, {}, false};
  std::copy(std::begin(down_), std::end(down_), std::begin(s.down));
  states_.push_back(s);
}

void ImGuiMouse::process(const SDL_Event& event) {
  switch (event.type) {
    case SDL_MOUSEMOTION:
      move_to(ImVec2(static_cast<float>(event.motion.x), static_cast<float>(event.motion.y)));
      break;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP: {
      const int b = imgui_button(event.button.button);
      const ImVec2 p(static_cast<float>(event.button.x), static_cast<float>(event.button.y));
      if (b < 0) {
        move_to(p);
      } else {
        set_button(b, event.type == SDL_MOUSEBUTTONDOWN, p);
      }
      break;
    }
    case SDL_WINDOWEVENT:
      // The pointer left the window: no hover, unless a button is held (a drag that continues outside).
      if (event.window.event == SDL_WINDOWEVENT_LEAVE && !down_[0] && !down_[1] && !down_[2]) {
        move_to(ImVec2(-FLT_MAX, -FLT_MAX));
      }
      break;
    default: break;
  }
}

void ImGuiMouse::touch(int phase, float x, float y) {
  const ImVec2 p = phase == 3 ? ImVec2(-FLT_MAX, -FLT_MAX) : ImVec2(x, y);  // cancelled: released off the interface
  if (phase == 1) {
    move_to(p);
    return;
  }
  set_button(0, phase == 0, p);
  // A finger that lifts leaves nothing hovered (a mouse stays where it is): no tooltip stays up after a tap.
  if (phase == 2) move_to(ImVec2(-FLT_MAX, -FLT_MAX));
}

void ImGuiMouse::apply(ImGuiIO& io) {
  if (!states_.empty()) {
    shown_ = states_.front();
    states_.pop_front();
  }
  io.MousePos = shown_.position;
  for (int b = 0; b < kButtons; ++b) io.MouseDown[b] = shown_.down[b];
}

}  // namespace latent
