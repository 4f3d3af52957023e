// The window and the frame function shared by the desktop program and the page (see window.hpp).
#include "platform/window.hpp"

#include <backends/imgui_impl_opengl3.h>
#include <backends/imgui_impl_sdl.h>
#include <imgui.h>
#include <imgui_internal.h>  // the keyboard focus (Tab)

#include <algorithm>
#include <chrono>
#include <vector>

#include "app/app.hpp"
#include "platform/gl.hpp"

namespace latent {

namespace {

// Training time per frame: what a 60-frames-a-second frame leaves after the rest of the frame's work (the
// interface, drawing, the browser), measured as a moving average, kept between 3 and 14 ms. So the page stays
// responsive when drawing is slow, and trains harder when it is cheap.
constexpr double kTargetFrameSeconds = 1.0 / 60.0;
constexpr double kMinTrainingSeconds = 0.003;
constexpr double kMaxTrainingSeconds = 0.014;

}  // namespace

float pixel_ratio(SDL_Window* window) {
  int w = 0, h = 0, dw = 0, dh = 0;
  SDL_GetWindowSize(window, &w, &h);
  SDL_GL_GetDrawableSize(window, &dw, &dh);
  return w > 0 ? static_cast<float>(dw) / static_cast<float>(w) : 1.0f;
}

Status open_window(Window& w, App& app, const WindowOptions& options) {
  if (SDL_Init(SDL_INIT_VIDEO) != 0) return Status::error(std::string("cannot start SDL: ") + SDL_GetError());
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, options.gles ? SDL_GL_CONTEXT_PROFILE_ES : SDL_GL_CONTEXT_PROFILE_CORE);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
  SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
  w.window = SDL_CreateWindow("Latent Canvas", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, 1440, 900,
                              SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
  if (w.window == nullptr) return Status::error(std::string("cannot open a window: ") + SDL_GetError());
  w.gl = SDL_GL_CreateContext(w.window);
  if (w.gl == nullptr) return Status::error(std::string("cannot create an OpenGL/WebGL2 context: ") + SDL_GetError());
  SDL_GL_MakeCurrent(w.window, w.gl);
  SDL_GL_SetSwapInterval(1);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // nothing to remember between runs; the layout is computed
  ImGui::GetIO().ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;  // arrows, Tab, Space and Enter reach controls
  ImGui_ImplSDL2_InitForOpenGL(w.window, w.gl);
  ImGui_ImplOpenGL3_Init(options.glsl_version);
  app.configure(pixel_ratio(w.window));
  return Status::ok();
}

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kInputSettles = std::chrono::milliseconds(500);  // hover highlights, tooltips, popups opening
constexpr auto kMaxStill = std::chrono::milliseconds(250);

// Each key changes state at most once a frame, so ImGui sees every press; the rest wait for the next frame, in
// order (a press and release sent together, or a chord's keys, arrive over successive frames). Once one key event
// waits, every later one waits behind it: ImGui takes Ctrl and Shift from the last key event of a frame, so a Ctrl
// release handled before a waiting Z press would turn Ctrl+Z into Z. Returns true when `e` waits.
bool defer_key(Window& w, const SDL_Event& e, std::vector<SDL_Keycode>& changed) {
  if (e.type != SDL_KEYDOWN && e.type != SDL_KEYUP) return false;
  const bool seen = std::find(changed.begin(), changed.end(), e.key.keysym.sym) != changed.end();
  if (seen || !w.deferred_keys.empty()) {
    w.deferred_keys.push_back(e);
    return true;
  }
  changed.push_back(e.key.keysym.sym);
  return false;
}

// One event to ImGui, the mouse and the platform. Tab is ours, not ImGui's (see Window::tab_moves); Enter presses the
// focused control.
void handle_event(Window& w, const SDL_Event& e) {
  const bool key = e.type == SDL_KEYDOWN || e.type == SDL_KEYUP;
  if (key && e.key.keysym.sym == SDLK_TAB) {
    if (e.type == SDL_KEYDOWN) w.tab_moves = (e.key.keysym.mod & KMOD_SHIFT) != 0 ? -1 : 1;
    return;
  }
  if (key && (e.key.keysym.sym == SDLK_RETURN || e.key.keysym.sym == SDLK_KP_ENTER)) w.enter_down = e.type == SDL_KEYDOWN;
  ImGui_ImplSDL2_ProcessEvent(&e);
  if (key) {  // the backend reads modifiers from SDL's state now, which may be past this event: use the event's
    ImGuiIO& io = ImGui::GetIO();
    io.KeyCtrl = (e.key.keysym.mod & KMOD_CTRL) != 0;
    io.KeyShift = (e.key.keysym.mod & KMOD_SHIFT) != 0;
    io.KeyAlt = (e.key.keysym.mod & KMOD_ALT) != 0;
  }
  w.mouse.process(e);
  if (w.on_event) w.on_event(e);
  if (e.type == SDL_QUIT) w.done = true;
}

// The keys held back last frame, then SDL's new events. Returns whether any input arrived.
bool poll_events(Window& w) {
  std::vector<SDL_Event> events = std::move(w.deferred_keys);
  w.deferred_keys.clear();
  SDL_Event event;
  while (SDL_PollEvent(&event)) events.push_back(event);
  std::vector<SDL_Keycode> changed;
  bool input = false;
  for (const SDL_Event& e : events) {
    if (defer_key(w, e, changed)) continue;
    input = true;
    handle_event(w, e);
  }
  return input;
}

// A new device pixel ratio (the window moved to another screen, the page zoomed): fonts again. Returns whether.
bool follow_pixel_ratio(Window& w, App& app) {
  if (!app.configure(pixel_ratio(w.window))) return false;
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
  return true;
}

// What a frame gives the sliced session to train: what a 60-frames-a-second frame leaves after the rest of the
// frame's work, measured as a moving average.
double training_budget(Window& w, const App& app, Clock::time_point now) {
  if (w.last_frame != Clock::time_point{}) {
    const double interval = std::chrono::duration<double>(now - w.last_frame).count();
    const double other = std::max(0.0, interval - app.timings().training_seconds);
    w.other_work_seconds = 0.9 * w.other_work_seconds + 0.1 * std::min(other, 0.25);
  }
  w.last_frame = now;
  return std::clamp(kTargetFrameSeconds - w.other_work_seconds, kMinTrainingSeconds, kMaxTrainingSeconds);
}

// The repaint policy (window.hpp): input lately, mouse states waiting, something shown that changed, or a quarter
// second since the last repaint. Records the repaint when there is one.
bool should_repaint(Window& w, const App& app, Clock::time_point now, bool reconfigured) {
  const bool paint = w.force_paint || reconfigured || now < w.input_until || w.mouse.pending() ||
                     app.shown_state() != w.painted_state || now - w.painted >= kMaxStill;
  w.painted_last = paint;
  if (!paint) return false;
  w.force_paint = false;
  w.painted_state = app.shown_state();
  w.painted = now;
  return true;
}

// Tab and Shift+Tab move the keyboard focus (ImGui 1.86 tabs only between text fields). The first Tab shows where
// the focus is (the control last clicked, or the first one); later ones move it. Returns true when there was no
// focus yet: the first control in the order the interface submits them (Train) takes it, not the one highest on
// screen (a move from nowhere would pick that); see begin_frame.
bool move_keyboard_focus(Window& w, ImGuiIO& io) {
  ImGuiContext& g = *ImGui::GetCurrentContext();
  bool init_focus = false;
  if (w.tab_moves != 0) {
    if (g.NavId != 0 && g.NavDisableHighlight) {
      g.NavDisableHighlight = false;
      g.NavDisableMouseHover = true;
    } else if (g.NavId == 0) {
      init_focus = true;  // the result comes a frame later: shown then
      w.reveal_focus = 4;
    } else {
      io.NavInputs[w.tab_moves > 0 ? ImGuiNavInput_KeyDown_ : ImGuiNavInput_KeyUp_] = 1.0f;
    }
  }
  w.tab_moves = 0;
  if (w.reveal_focus > 0) {
    if (g.NavId != 0) {
      g.NavDisableHighlight = false;
      g.NavDisableMouseHover = true;
      w.reveal_focus = 0;
    } else {
      --w.reveal_focus;
    }
  }
  if (w.enter_down && !io.WantTextInput) io.NavInputs[ImGuiNavInput_Activate] = 1.0f;
  return init_focus;
}

// The backends' new frame, the frame's mouse state and keyboard moves, then ImGui's.
void begin_frame(Window& w) {
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplSDL2_NewFrame();
  ImGuiIO& io = ImGui::GetIO();
  w.mouse.apply(io);
  const bool init_focus = move_keyboard_focus(w, io);
  ImGui::NewFrame();
  if (init_focus) {
    if (ImGuiWindow* main = ImGui::FindWindowByName("Latent Canvas")) {
      ImGui::FocusWindow(main);
      ImGui::NavInitWindow(main, true);
    }
  }
}

// A window ImGui keeps hidden this frame to measure it (a dialog opening, a tooltip) shows only in the next one:
// paint that too, whether or not anything else changes.
void repaint_windows_being_measured(Window& w) {
  for (const ImGuiWindow* window : ImGui::GetCurrentContext()->Windows) {
    if (window->Active && (window->HiddenFramesCannotSkipItems > 0 || window->HiddenFramesCanSkipItems > 0)) {
      w.force_paint = true;
    }
  }
}

void render(Window& w, const App& app) {
  ImGui::Render();
  int width = 0, height = 0;
  SDL_GL_GetDrawableSize(w.window, &width, &height);
  glViewport(0, 0, width, height);
  const ImVec4 clear = app.clear_color();
  glClearColor(clear.x, clear.y, clear.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

}  // namespace

// As ImGui's own examples: poll, new frame, build the interface, render; with the training budget before, and
// the repaint policy deciding whether there is a frame to draw at all.
void run_frame(Window& w, App& app) {
  const bool input = poll_events(w);
  const bool reconfigured = follow_pixel_ratio(w, app);
  const auto now = Clock::now();
  if (input) w.input_until = now + kInputSettles;
  app.update(training_budget(w, app, now));
  if (!should_repaint(w, app, now, reconfigured)) return;

  begin_frame(w);
  const auto ui_start = Clock::now();
  app.draw(w.textures);
  repaint_windows_being_measured(w);
  render(w, app);
  app.record_interface_time(std::chrono::duration<double>(Clock::now() - ui_start).count());
  if (w.before_swap) w.before_swap();
  SDL_GL_SwapWindow(w.window);
}

void close_window(Window& w) {
  w.textures.release();
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplSDL2_Shutdown();
  ImGui::DestroyContext();
  SDL_GL_DeleteContext(w.gl);
  SDL_DestroyWindow(w.window);
  SDL_Quit();
}

}  // namespace latent
