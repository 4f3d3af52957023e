// The window around the App, shared by the desktop program and the page: SDL2 + OpenGL 3 (WebGL2 in the browser)
// + Dear ImGui, and the one frame function both drive (a loop natively, the browser's animation frames on the
// web). What differs per platform lives in main_desktop.cpp and main_web.cpp.
#pragma once

#include <SDL.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "core/status.hpp"
#include "platform/gl_textures.hpp"
#include "platform/imgui_mouse.hpp"

namespace latent {

class App;

struct WindowOptions {
  bool gles = false;            // OpenGL ES 3.0 (WebGL2) instead of a desktop 3.0 core context
  const char* glsl_version = "#version 130";
};

struct Window {
  SDL_Window* window = nullptr;
  SDL_GLContext gl = nullptr;
  GlTextureStore textures;
  ImGuiMouse mouse;
  bool done = false;
  // Every SDL event, after ImGui has seen it: the platform's chance to route pointer events to the drawing.
  std::function<void(const SDL_Event&)> on_event;
  // Called after the frame is rendered and before it is shown (the desktop's screenshots read it here).
  std::function<void()> before_swap;

  std::chrono::steady_clock::time_point last_frame{};
  double other_work_seconds = 0.005;  // moving average of a frame's time not spent training

  // Repainting (see run_frame): what the last repaint showed, when it was, and until when input keeps it going.
  std::uint64_t painted_state = ~std::uint64_t{0};
  std::chrono::steady_clock::time_point painted{}, input_until{};
  bool force_paint = false;  // the next frame repaints whatever happened (a screenshot)
  bool painted_last = false;  // whether the last run_frame repainted

  // Keyboard: Tab and Shift+Tab move the focus to the next or previous control (ImGui 1.86 tabs only between
  // text fields), Enter presses the focused button like Space.
  int tab_moves = 0;          // +1 Tab, -1 Shift+Tab, not yet given to ImGui
  int reveal_focus = 0;  // frames left to show the keyboard focus once the first Tab has chosen it
  bool enter_down = false;
  // Key events held back a frame: ImGui 1.86 reads keys as states once a frame, so a press and release that
  // arrive together (Firefox often sends them so) would never be seen as down (see run_frame).
  std::vector<SDL_Event> deferred_keys;
};

// Starts SDL's video, opens the window with its GL context, and sets up ImGui and its SDL and OpenGL backends.
Status open_window(Window& w, App& app, const WindowOptions& options);
// Handles the pending events, gives the session the frame's spare time, and repaints the interface if anything it
// shows may have changed: input in the last half second, a new snapshot, the drawing, the window's size, or a
// quarter second since the last repaint. Otherwise the frame issues no GL call and the browser (or the window)
// keeps the last picture, which saves the repaint's cost, large where GL runs in software.
void run_frame(Window& w, App& app);
void close_window(Window& w);

// The ratio of drawable (device) pixels to window (display) pixels: 2 on a "retina" screen.
float pixel_ratio(SDL_Window* window);

// Says what went wrong where the user will see it (the page's error box, or stderr). Per platform.
void report_error(const std::string& message);

}  // namespace latent
