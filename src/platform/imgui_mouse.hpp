// ImGuiMouse: Dear ImGui's mouse, taken from SDL's events instead of the backend's per-frame polling.
//
// ImGui 1.86's SDL backend reads the mouse once a frame with SDL_GetMouseState, and on Emscripten only while the
// SDL window has keyboard focus (SDL_WINDOW_INPUT_FOCUS, from the browser window's focus events); otherwise it
// sets the position to -FLT_MAX. Browsers differ in when they send those focus events (Firefox under automation
// may send none), so buttons could ignore clicks until focus arrived. Here the position and buttons follow the
// events SDL delivers to the canvas, focused or not, one state a frame (see State below).
#pragma once

#include <SDL.h>
#include <imgui.h>

#include <deque>

namespace latent {

class ImGuiMouse {
 public:
  void process(const SDL_Event& event);
  // A touch the page has decided is a press on the interface (a tap, or a drag of a control): phase 0 down,
  // 1 move, 2 up, 3 cancel (the press goes nowhere). See web/main.js for how touches are told apart. After the
  // release the pointer leaves the interface, as a lifted finger does, so nothing stays hovered.
  void touch(int phase, float x, float y);
  // After ImGui_ImplSDL2_NewFrame(), before ImGui::NewFrame(): replaces what the backend polled.
  void apply(ImGuiIO& io);
  bool pending() const { return !states_.empty(); }  // states still waiting for frames: keep painting

 private:
  static constexpr int kButtons = 3;  // left, right, middle: ImGui's order
  // What ImGui is shown in one frame. Events queue states, and apply() gives ImGui one a frame: each press and each
  // release is a state of its own, and moves merge into the latest state of the same buttons. So a press, a drag
  // and a release that all arrive within one frame (a quick flick, a slow frame) still reach ImGui as press, drag
  // and release, and a click shorter than a frame is still a click.
  struct State {
    ImVec2 position;
    bool down[kButtons];
    bool moved;  // a move (later moves with the same buttons replace its position)
  };
  void move_to(ImVec2 position);
  void set_button(int button, bool down, ImVec2 position);
  std::deque<State> states_;
  ImVec2 position_{-FLT_MAX, -FLT_MAX};  // as of the last event
  bool down_[kButtons] = {};             // as of the last event
  State shown_{{-FLT_MAX, -FLT_MAX}, {false, false, false}, false};  // what ImGui was given last
};

}  // namespace latent
