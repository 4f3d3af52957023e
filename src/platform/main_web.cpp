// The page's program: web/main.js hands over the data, the weights and the font through web_api.cpp, then calls
// main(), which opens the WebGL2 canvas and hands the frame function to the browser's animation frames. Pointer
// events reach the drawing from the page itself (web/main.js -> lc_pointer), not through SDL.
#include <emscripten/emscripten.h>

#include <cstdint>
#include <string>
#include <vector>

#include "app/app.hpp"
#include "platform/app_instance.hpp"
#include "platform/web_api.hpp"
#include "platform/window.hpp"

namespace latent {

App& app_instance() {
  static App app;
  return app;
}

Window& web_window() {
  static Window w;
  return w;
}

namespace {

// Shows the message on the page (web/main.js puts it in the loader's error box).
EM_JS(void, show_error_on_page, (const char* message), {
  if (Module.latentError) Module.latentError(UTF8ToString(message));
});

// Files (web/main.js): a download of bytes under a name, the page's file picker, and its notice box.
EM_JS(int, save_on_page, (const char* name, const std::uint8_t* bytes, int length), {
  return Module.latentSave ? Module.latentSave(UTF8ToString(name), bytes, length) : 0;
});
EM_JS(void, pick_on_page, (), {
  if (Module.latentPick) Module.latentPick();
});
EM_JS(void, fetch_on_page, (const char* kind), {
  if (Module.latentFetchData) Module.latentFetchData(UTF8ToString(kind));
});
EM_JS(void, fetch_weights_on_page, (const char* file), {
  if (Module.latentFetchWeights) Module.latentFetchWeights(UTF8ToString(file));
});
EM_JS(void, open_tour_on_page, (), {
  if (Module.latentOpenTour) Module.latentOpenTour();
});
EM_JS(int, copy_link_on_page, (), {
  return Module.latentCopyLink ? Module.latentCopyLink() : 0;
});
EM_JS(void, notify_on_page, (const char* message, int error), {
  if (Module.latentNotify) Module.latentNotify(UTF8ToString(message), error !== 0);
});

FileHooks page_file_hooks() {
  FileHooks hooks;
  hooks.save = [](const std::string& name, const std::vector<std::uint8_t>& bytes, std::string& where) {
    if (save_on_page(name.c_str(), bytes.data(), static_cast<int>(bytes.size())) == 0) {
      return Status::error("the page cannot download files");
    }
    where = name + " (your downloads)";
    return Status::ok();
  };
  hooks.pick = [] { pick_on_page(); };
  hooks.fetch = [](DataKind kind) { fetch_on_page(to_string(kind)); };
  hooks.fetch_weights = [](const std::string& file) { fetch_weights_on_page(file.c_str()); };
  hooks.notify = [](const std::string& message, bool error) { notify_on_page(message.c_str(), error ? 1 : 0); };
  return hooks;
}

void frame(void* window) {
  poll_web_loading();
  run_frame(*static_cast<Window*>(window), app_instance());
}

}  // namespace

void report_error(const std::string& message) {
  show_error_on_page(message.c_str());
  emscripten_log(EM_LOG_CONSOLE | EM_LOG_WARN, "latent-canvas: %s", message.c_str());
}

}  // namespace latent

// The interface may start before the digits are in (a thread reads them meanwhile): until then it shows
// "Loading..." behind the page's loader.
int main() {
  using namespace latent;
  SDL_SetHint(SDL_HINT_EMSCRIPTEN_KEYBOARD_ELEMENT, "#canvas");  // keys only while the page's canvas has focus
  app_instance().set_file_hooks(page_file_hooks());
  app_instance().set_tour_hook([] { open_tour_on_page(); });
  app_instance().set_copy_link_hook([] { return copy_link_on_page() != 0; });
  Window& w = web_window();
  if (Status s = open_window(w, app_instance(), {true, "#version 300 es"}); !s) {
    report_error(s.message());
    return 1;
  }
  emscripten_set_main_loop_arg(frame, &w, 0, true);  // does not return
  return 0;
}
