// ImGuiMouse: Dear ImGui's mouse, taken from SDL's events instead of the backend's per-frame polling.
//
// ImGui 1.86's SDL backend reads the mouse once a frame with SDL_GetMouseState, and on Emscripten only while the
// SDL window has keyboard focus (SDL_WINDOW_INPUT_FOCUS, from the browser window's focus events); otherwise it
// sets the position to -FLT_MAX. Browsers differ in when they send those focus events (Firefox under automation
// may send none), so buttons could ignore clicks until focus arrived. Here the position and buttons follow the
// events SDL delivers to the canvas, focused or not. A press and release within one frame still count as a
// click, as in the backend.
#pragma once

#include <SDL.h>
#include <imgui.h>

#include <deque>

namespace latent {

class ImGuiMouse {
 public:
  void process(const SDL_Event& event);
  // A touch the page has decided is a press on the interface (a tap, or a drag of a control): phase 0 down,
  // 1 move, 2 up, 3 cancel (the press goes nowhere). See web/main.js for how touches are told apart.
  void touch(int phase, float x, float y);
  // After ImGui_ImplSDL2_NewFrame(), before ImGui::NewFrame(): replaces what the backend polled.
  void apply(ImGuiIO& io);

 private:
  static constexpr int kButtons = 3;  // left, right, middle: ImGui's order
  // Touch presses queued by touch(), one state a frame: a press, the latest move while held, the release. So a
  // drag that arrives within one frame still reaches ImGui as press, drag and release.
  struct State {
    ImVec2 position;
    bool down;
    bool moved;  // a move while held (later moves replace its position)
  };
  std::deque<State> touch_states_;
  ImVec2 position_{-FLT_MAX, -FLT_MAX};
  bool down_[kButtons] = {};
  bool pressed_[kButtons] = {};  // pressed since the last frame (so a click shorter than a frame is seen)
};

}  // namespace latent
