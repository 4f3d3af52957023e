// latent-desktop: the interface in a native window, on Debian's SDL2, Dear ImGui and OpenGL. It loads from the
// assets folder what the page downloads, routes SDL's pointer events to the drawing one by one, and runs the
// shared frame function in a loop.
//
//   latent-desktop [--train] [--from-scratch] [--frames N] [--screenshot F.png] [--print-state]
//                  [--tab digits|map|sliders|morph|units]
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "app/app.hpp"
#include "core/dataset.hpp"
#include "core/files.hpp"
#include "platform/app_instance.hpp"
#include "platform/gl.hpp"
#include "platform/png_writer.hpp"
#include "platform/sdl_pointer.hpp"
#include "platform/window.hpp"

namespace latent {

App& app_instance() {
  static App app;
  return app;
}

void report_error(const std::string& message) { std::fprintf(stderr, "latent-desktop: %s\n", message.c_str()); }

namespace {

// --frames N stops after N frames; --screenshot F saves the last frame as a PNG; --train starts training at once,
// --from-scratch from random weights (seed 1) instead of the pretrained ones; --print-state prints, at the end, one
// JSON line of what the session did. Used to look at the window, and by the tests under a virtual display.
struct DesktopOptions {
  long frames = -1;
  std::string screenshot;
  bool train = false;
  bool from_scratch = false;
  bool print_state = false;
  int tab = -1;  // --tab: the views' tab to show
};

bool parse_desktop_options(int argc, char** argv, DesktopOptions& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--train") {
      o.train = true;
    } else if (a == "--from-scratch") {
      o.from_scratch = true;
    } else if (a == "--print-state") {
      o.print_state = true;
    } else if (a == "--tab" && i + 1 < argc) {
      o.tab = tab_from_name(argv[++i]);
      if (o.tab < 0) {
        std::fprintf(stderr, "latent-desktop: --tab: expected digits, map, sliders, morph or units, got '%s'\n", argv[i]);
        return false;
      }
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
      std::fprintf(stderr, "latent-desktop: unknown or incomplete option '%s' (--frames N, --screenshot F.png, --train, --from-scratch, --print-state, --tab NAME)\n",
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

// The bundled digits, the pretrained weights and the font. LATENT_ASSETS overrides the assets folder.
bool load_assets(App& app) {
  const char* env = std::getenv("LATENT_ASSETS");
  const std::string assets = env != nullptr && *env != '\0' ? env : LATENT_ASSETS_DIR;
  Dataset all;
  if (Status s = load_bundled_mnist(assets, all); !s) {
    report_error(s.message());
    return false;
  }
  if (Status s = app.lab().init(std::move(all), SessionMode::Thread); !s) {
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

// Files on the desktop: Save writes into the working directory; files dropped on the window are opened (there
// is no picker).
FileHooks desktop_file_hooks() {
  FileHooks hooks;
  hooks.save = [](const std::string& name, const std::vector<std::uint8_t>& bytes, std::string& where) {
    if (Status s = write_file_atomically(name, bytes); !s) return s;
    where = name + " (in the working directory)";
    return Status::ok();
  };
  hooks.notify = [](const std::string& message, bool error) {
    if (error) report_error(message);
  };
  // The built-in data sets from disk: the bundled digits, or Debian's dataset-fashion-mnist.
  hooks.fetch = [](DataKind kind) {
    const std::string assets = LATENT_ASSETS_DIR;
    const std::vector<std::string> paths =
        kind == DataKind::Fashion
            ? std::vector<std::string>{std::string(LATENT_FASHION_DIR) + "/t10k-images-idx3-ubyte.gz",
                                       std::string(LATENT_FASHION_DIR) + "/t10k-labels-idx1-ubyte.gz",
                                       assets + "/weights/fashion-784-32.safetensors"}
            : std::vector<std::string>{assets + "/mnist/images-idx3-ubyte.gz", assets + "/mnist/labels-idx1-ubyte.gz",
                                       assets + "/weights/seed-784-32.safetensors"};
    std::vector<UserFile> files;
    for (const std::string& path : paths) {
      UserFile f;
      f.name = path.substr(path.find_last_of('/') + 1);
      if (Status s = read_file(path, f.bytes, kMaxUserFileBytes); !s) {
        app_instance().refuse_files(s.message() + (kind == DataKind::Fashion ? " (apt-get install dataset-fashion-mnist)" : ""));
        return;
      }
      files.push_back(std::move(f));
    }
    app_instance().open_builtin(kind, std::move(files));
  };
  hooks.fetch_weights = [](const std::string& file) {
    UserFile f{file, {}};
    if (Status s = read_file(std::string(LATENT_ASSETS_DIR) + "/weights/" + file, f.bytes, kMaxUserFileBytes); !s) {
      return app_instance().refuse_files(s.message());
    }
    app_instance().open_pretrained({std::move(f)});
  };
  return hooks;
}

// Files dropped on the window: SDL sends one event per file, then SDL_DROPCOMPLETE. Every other event goes to the
// drawing's pointer routing.
void route_events(Window& w, App& app) {
  auto dropped = std::make_shared<std::vector<UserFile>>();
  w.on_event = [&w, &app, dropped](const SDL_Event& event) {
    if (event.type == SDL_DROPFILE && event.drop.file != nullptr) {
      UserFile f;
      f.name = event.drop.file;
      const Status s = read_file(f.name, f.bytes, kMaxUserFileBytes);
      SDL_free(event.drop.file);
      if (!s) {
        dropped->clear();
        app.refuse_files(s.message());
        return;
      }
      dropped->push_back(std::move(f));
      return;
    }
    if (event.type == SDL_DROPCOMPLETE) {
      if (!dropped->empty()) app.open_files(std::move(*dropped));
      dropped->clear();
      return;
    }
    int width = 0, height = 0;
    SDL_GetWindowSize(w.window, &width, &height);
    route_pointer_event(event, width, height, app.lab().drawing());
  };
}

// What the session did, for scripts and the tests: steps, epochs, and the smoothed training loss at its first and
// last point (did it train? did the loss fall?).
void print_state(const Lab& lab) {
  const auto snap = lab.latest();
  const auto first = snap->train_curve.empty() ? 0.0f : snap->train_curve.front().loss;
  const auto last = snap->train_curve.empty() ? 0.0f : snap->train_curve.back().loss;
  std::printf("{\"steps\":%lld,\"epoch\":%d,\"firstTrainLoss\":%.6f,\"lastTrainLoss\":%.6f,\"origin\":\"%s\"}\n",
              static_cast<long long>(snap->step), snap->epoch, static_cast<double>(first), static_cast<double>(last),
              snap->origin.c_str());
}

// The frames, until the window closes or --frames have run; the last one is the screenshot's.
void run(Window& w, App& app, const DesktopOptions& options) {
  std::string capture;
  w.before_swap = [&w, &capture] {
    if (capture.empty()) return;
    if (Status s = save_screenshot(w.window, capture); !s) {
      report_error(s.message());
    } else {
      std::printf("latent-desktop: saved %s\n", capture.c_str());
    }
    capture.clear();
  };
  for (long n = 0; !w.done && n != options.frames; ++n) {
    if (n + 1 == options.frames) {
      capture = options.screenshot;
      w.force_paint = true;
    }
    run_frame(w, app);
    if (!w.painted_last) SDL_Delay(8);  // no swap to wait on: do not spin
  }
}

}  // namespace
}  // namespace latent

int main(int argc, char** argv) {
  using namespace latent;
  DesktopOptions options;
  if (!parse_desktop_options(argc, argv, options)) return 2;
  App& app = app_instance();
  if (!load_assets(app)) return 2;
  if (options.from_scratch) app.lab().reset(1);
  if (options.train) app.lab().set_training(true);
  if (options.tab >= 0) app.select_tab(options.tab);
  Window w;
  if (Status s = open_window(w, app, {false, "#version 130"}); !s) {
    report_error(s.message());
    return 1;
  }
  app.set_file_hooks(desktop_file_hooks());
  route_events(w, app);
  run(w, app, options);
  if (options.print_state) print_state(app.lab());
  close_window(w);
  return 0;
}
