// The page's input (see web_api.hpp): pointer events for the drawing, touches read as presses or scrolls on the
// interface, and files handed over from the picker, a drop, a download of a built-in data set, or a script.
// Each event is handed over as it arrives (web/main.js), not sampled once a frame.
#include <emscripten/emscripten.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "platform/app_instance.hpp"
#include "platform/web_api.hpp"
#include "platform/window.hpp"

namespace latent {

namespace {

std::vector<UserFile> g_files;  // files being handed over (lc_file_add), until they are opened or refused

constexpr auto kInputSettles = std::chrono::milliseconds(500);  // the interface repaints this long after input

std::vector<UserFile> take_files() {
  std::vector<UserFile> files;
  files.swap(g_files);
  return files;
}

}  // namespace

}  // namespace latent

extern "C" {

// One pointer event from the page, in the canvas's CSS pixels. phase: 0 down, 1 move, 2 up, 3 cancel; kind:
// 0 mouse, 1 pen, 2 touch; pressure: 0..1, or negative when the device has none. Returns 1 when a press started a
// stroke (the page then captures that pointer), else 0.
EMSCRIPTEN_KEEPALIVE int lc_pointer(int phase, int pointer, int kind, float x, float y, float pressure) {
  latent::Drawing& drawing = latent::app_instance().lab().drawing();
  const latent::PointerKind k = kind == 1 ? latent::PointerKind::Pen
                                : kind == 2 ? latent::PointerKind::Touch
                                            : latent::PointerKind::Mouse;
  const latent::PointerSample sample{x, y, pressure};
  switch (phase) {
    case 0: return drawing.pointer_down(pointer, k, sample) ? 1 : 0;
    case 1: drawing.pointer_move(pointer, sample); break;
    case 2: drawing.pointer_up(pointer, sample); break;
    default: drawing.pointer_cancel(pointer); break;
  }
  return 0;
}

// A touch outside the drawing that the page has read as a press on the interface (phase as lc_pointer's). Both
// count as input: the interface repaints for the next half second (as after SDL's own events).
EMSCRIPTEN_KEEPALIVE void lc_touch(int phase, float x, float y) {
  if (!std::isfinite(x) || !std::isfinite(y)) return;
  latent::web_window().mouse.touch(phase, x, y);
  latent::web_window().input_until = std::chrono::steady_clock::now() + latent::kInputSettles;
}

// A touch outside the drawing that the page has read as scrolling: `dy` CSS pixels at (x, y).
EMSCRIPTEN_KEEPALIVE void lc_touch_scroll(float x, float y, float dy) {
  latent::app_instance().scroll_at(x, y, dy);
  latent::web_window().input_until = std::chrono::steady_clock::now() + latent::kInputSettles;
}

// Files a person brings (the picker, a drop, or latentCanvas.openFiles): lc_file_add for each (the bytes are
// copied), then lc_files_open, which sorts and opens them (App::open_files); the outcome is in state().
EMSCRIPTEN_KEEPALIVE void lc_file_add(const char* name, const std::uint8_t* bytes, int len) {
  latent::g_files.push_back({name, std::vector<std::uint8_t>(bytes, bytes + std::max(len, 0))});
}

EMSCRIPTEN_KEEPALIVE void lc_files_open() { latent::app_instance().open_files(latent::take_files()); }

// A built-in data set fetched by the page (after lc_file_add for its images, labels and weights): `kind` is
// "mnist" or "fashion". A failed download comes to lc_files_refuse instead.
EMSCRIPTEN_KEEPALIVE void lc_dataset_open(const char* kind) {
  const latent::DataKind k = std::string(kind) == "fashion" ? latent::DataKind::Fashion : latent::DataKind::Mnist;
  latent::app_instance().open_builtin(k, latent::take_files());
}

// A pretrained model's file fetched by the page (after lc_file_add for it), as FileHooks::fetch_weights asked.
EMSCRIPTEN_KEEPALIVE void lc_pretrained_open() { latent::app_instance().open_pretrained(latent::take_files()); }

EMSCRIPTEN_KEEPALIVE void lc_files_refuse(const char* why) {
  latent::take_files();
  latent::app_instance().refuse_files(why);
}

}  // extern "C"
