// Latent Canvas' window: SDL2 + OpenGL (WebGL2 in the browser) + Dear ImGui around the App. One frame function,
// driven by the browser's animation frames (emscripten_set_main_loop_arg) on the web and by a loop natively.
// In the browser, web/main.js loads the data and weights through web_api.cpp before it calls main().
#include <SDL.h>
#include <imgui.h>
#include <backends/imgui_impl_opengl3.h>
#include <backends/imgui_impl_sdl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "platform/app_instance.hpp"
#include "platform/gl.hpp"
#include "platform/gl_textures.hpp"

#if defined(__EMSCRIPTEN__)
#include <emscripten/emscripten.h>
#else
#include "core/dataset.hpp"
#include "core/files.hpp"
#include "platform/png_writer.hpp"
#endif

namespace latent {

App& app_instance() {
  static App app;
  return app;
}

namespace {

// Training time per frame: what a 60-frames-a-second frame leaves after the rest of the frame's work (the
// interface, drawing, the browser), measured as a moving average, kept between 3 and 14 ms. So the page stays
// responsive when drawing is slow, and trains harder when it is cheap.
constexpr double kTargetFrameSeconds = 1.0 / 60.0;
constexpr double kMinTrainingSeconds = 0.003;
constexpr double kMaxTrainingSeconds = 0.014;

struct Window {
  SDL_Window* window = nullptr;
  SDL_GLContext gl = nullptr;
  GlTextureStore* textures = nullptr;
  bool done = false;
  std::string capture_path;  // set for the last frame of a --screenshot run: read before the swap
  std::chrono::steady_clock::time_point last_frame{};
  double other_work_seconds = 0.005;  // moving average of a frame's time not spent training
};

float pixel_ratio(SDL_Window* window) {
  int w = 0, h = 0, dw = 0, dh = 0;
  SDL_GetWindowSize(window, &w, &h);
  SDL_GL_GetDrawableSize(window, &dw, &dh);
  return w > 0 ? static_cast<float>(dw) / static_cast<float>(w) : 1.0f;
}

#if defined(__EMSCRIPTEN__)
// Shows the message on the page (web/main.js puts it in the loader's error box).
EM_JS(void, show_error_on_page, (const char* message), {
  if (Module.latentError) Module.latentError(UTF8ToString(message));
});
#endif

void report_error(const std::string& message) {
#if defined(__EMSCRIPTEN__)
  show_error_on_page(message.c_str());
#endif
  std::fprintf(stderr, "latent-canvas: %s\n", message.c_str());
}

#if !defined(__EMSCRIPTEN__)
// Desktop options: --frames N stops after N frames; --screenshot F saves the last frame as a PNG; --train
// starts training at once. Used to look at the window, and by the tests under a virtual display.
struct DesktopOptions {
  long frames = -1;
  std::string screenshot;
  bool train = false;
};

bool parse_desktop_options(int argc, char** argv, DesktopOptions& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--train") {
      o.train = true;
    } else if ((a == "--frames" || a == "--screenshot") && i + 1 < argc) {
      const std::string v = argv[++i];
      if (a == "--screenshot") {
        o.screenshot = v;
        continue;
      }
      char* end = nullptr;
      o.frames = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || o.frames < 1) {
        std::fprintf(stderr, "latent-desktop: --frames: expected a positive whole number, got '%s'\n", v.c_str());
        return false;
      }
    } else {
      std::fprintf(stderr, "latent-desktop: unknown or incomplete option '%s' (--frames N, --screenshot F.png, --train)\n",
                   a.c_str());
      return false;
    }
  }
  return true;
}

Status save_screenshot(SDL_Window* window, const std::string& path) {
  int width = 0, height = 0;
  SDL_GL_GetDrawableSize(window, &width, &height);
  std::vector<std::uint8_t> pixels(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  std::vector<std::uint8_t> flipped(pixels.size());  // OpenGL's rows run bottom-up
  const std::size_t row = static_cast<std::size_t>(width) * 4;
  for (int y = 0; y < height; ++y) {
    std::copy_n(pixels.begin() + static_cast<std::ptrdiff_t>(row * static_cast<std::size_t>(height - 1 - y)), row,
                flipped.begin() + static_cast<std::ptrdiff_t>(row * static_cast<std::size_t>(y)));
  }
  for (std::size_t i = 3; i < flipped.size(); i += 4) flipped[i] = 255;
  return write_png(path, width, height, flipped);
}
#endif

void frame(void* arg) {
  Window& w = *static_cast<Window*>(arg);
  App& app = app_instance();
  SDL_Event event;
  while (SDL_PollEvent(&event)) {
    ImGui_ImplSDL2_ProcessEvent(&event);
    if (event.type == SDL_QUIT) w.done = true;
  }
  if (app.configure(pixel_ratio(w.window))) {
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
  }
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  if (w.last_frame != Clock::time_point{}) {
    const double interval = std::chrono::duration<double>(start - w.last_frame).count();
    const double other = std::max(0.0, interval - app.timings().training_seconds);
    w.other_work_seconds = 0.9 * w.other_work_seconds + 0.1 * std::min(other, 0.25);
  }
  w.last_frame = start;
  const double budget = std::clamp(kTargetFrameSeconds - w.other_work_seconds, kMinTrainingSeconds, kMaxTrainingSeconds);
  app.update(budget);

  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplSDL2_NewFrame();
  ImGui::NewFrame();
  const auto ui_start = Clock::now();
  app.draw(*w.textures);
  ImGui::Render();
  int width = 0, height = 0;
  SDL_GL_GetDrawableSize(w.window, &width, &height);
  glViewport(0, 0, width, height);
  glClearColor(0.067f, 0.075f, 0.098f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  app.record_interface_time(std::chrono::duration<double>(Clock::now() - ui_start).count());
#if !defined(__EMSCRIPTEN__)
  if (!w.capture_path.empty()) {
    if (Status s = save_screenshot(w.window, w.capture_path); !s) {
      report_error(s.message());
    } else {
      std::printf("latent-desktop: saved %s\n", w.capture_path.c_str());
    }
    w.capture_path.clear();
  }
#endif
  SDL_GL_SwapWindow(w.window);
}

#if !defined(__EMSCRIPTEN__)
// The desktop window loads what the page gets over the network: the bundled digits, the pretrained weights
// and the font. LATENT_ASSETS overrides the assets folder.
bool load_desktop_assets(App& app) {
  const char* env = std::getenv("LATENT_ASSETS");
  const std::string assets = env != nullptr && *env != '\0' ? env : LATENT_ASSETS_DIR;
  Dataset all;
  if (Status s = load_bundled_mnist(assets, all); !s) {
    report_error(s.message());
    return false;
  }
  if (Status s = app.lab().init(std::move(all)); !s) {
    report_error(s.message());
    return false;
  }
  std::vector<std::uint8_t> bytes;
  const std::string weights = assets + "/weights/seed-784-32.safetensors";
  if (Status s = read_file(weights, bytes); !s || !app.lab().load_pretrained(bytes, weights)) {
    report_error(weights + ": could not load the pretrained weights; starting from random ones");
  }
  if (read_file(LATENT_FONT_PATH, bytes)) {
    app.set_font(std::move(bytes));
  } else {
    report_error(std::string(LATENT_FONT_PATH) + ": font not found; using ImGui's built-in font");
  }
  return true;
}
#endif

}  // namespace
}  // namespace latent

int main(int argc, char** argv) {
  using namespace latent;
#if !defined(__EMSCRIPTEN__)
  DesktopOptions options;
  if (!parse_desktop_options(argc, argv, options)) return 2;
  if (!load_desktop_assets(app_instance())) return 2;
  if (options.train) app_instance().lab().set_training(true);
#else
  (void)argc;
  (void)argv;
  if (!app_instance().lab().ready()) {
    report_error("the data was not loaded before the interface started");
    return 1;
  }
#endif
  if (SDL_Init(SDL_INIT_VIDEO) != 0) {
    report_error(std::string("cannot start SDL: ") + SDL_GetError());
    return 1;
  }
#if defined(__EMSCRIPTEN__)
  const char* glsl_version = "#version 300 es";
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_ES);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
  SDL_SetHint(SDL_HINT_EMSCRIPTEN_KEYBOARD_ELEMENT, "#canvas");  // keys only while the page's canvas has focus
#else
  const char* glsl_version = "#version 130";
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
#endif
  SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
  static Window w;
  w.window = SDL_CreateWindow("Latent Canvas", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, 1440, 900,
                              SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
  if (w.window == nullptr) {
    report_error(std::string("cannot open a window: ") + SDL_GetError());
    return 1;
  }
  w.gl = SDL_GL_CreateContext(w.window);
  if (w.gl == nullptr) {
    report_error(std::string("cannot create an OpenGL/WebGL2 context: ") + SDL_GetError());
    return 1;
  }
  SDL_GL_MakeCurrent(w.window, w.gl);
  SDL_GL_SetSwapInterval(1);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // nothing to remember between runs; the layout is computed
  ImGui_ImplSDL2_InitForOpenGL(w.window, w.gl);
  ImGui_ImplOpenGL3_Init(glsl_version);
  app_instance().configure(pixel_ratio(w.window));
  static GlTextureStore textures;
  w.textures = &textures;

#if defined(__EMSCRIPTEN__)
  emscripten_set_main_loop_arg(frame, &w, 0, true);  // does not return
#else
  for (long n = 0; !w.done && n != options.frames; ++n) {
    if (n + 1 == options.frames) w.capture_path = options.screenshot;
    frame(&w);
  }
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplSDL2_Shutdown();
  ImGui::DestroyContext();
  SDL_GL_DeleteContext(w.gl);
  SDL_DestroyWindow(w.window);
  SDL_Quit();
#endif
  return 0;
}
