// The page's start and its link (see web_api.hpp): web/main.js hands over the font, the digits and the pretrained
// weights before main() runs, and the settings in the page's address; poll_web_loading(), once a frame, finishes
// the start and keeps the address in step with the settings.
#include <emscripten/emscripten.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/settings_schema.hpp"
#include "platform/app_instance.hpp"
#include "platform/web_api.hpp"
#include "platform/window.hpp"

namespace latent {

namespace {

Lab& lab() { return app_instance().lab(); }

constexpr SessionMode kMode =
#if defined(__EMSCRIPTEN_PTHREADS__)
    SessionMode::Thread;
#else
    SessionMode::Sliced;
#endif

// Shows a warning on the page (web/main.js puts it in the notice box).
EM_JS(void, show_warning_on_page, (const char* message), {
  if (Module.latentWarn) Module.latentWarn(UTF8ToString(message));
});

EM_JS(void, set_page_link, (const char* text), {
  history.replaceState(history.state, "", "#" + UTF8ToString(text));
});

// The start: the digits (as downloaded, gzipped) and the pretrained weights arrive before the interface starts.
// In the threaded build a thread inflates and parses the digits while the interface starts (WebGL, fonts,
// shaders), and the first frame after it has finished hands them to the Lab; without threads that happens at
// once. The thread writes `status` and `data` and then raises `done`; the interface's thread reads them after.
struct Loading {
  std::vector<std::uint8_t> images, labels;
  std::vector<std::uint8_t> weights;
  std::string weights_name;
  std::thread thread;
  std::atomic<bool> done{false};
  Status status;
  DatasetSplit data;
} g_loading;

// The page's address: the settings it came with (lc_set_link), applied once the model is in, and the settings
// last written back to it.
struct Link {
  std::string text;
  bool pending = false;
  std::string published;
  std::optional<DataKind> waiting_for;  // the data set the link names, while it downloads
} g_link;

std::string g_init_error;  // lc_init's answer, valid until the next call

// Reads the digits and splits them into training and test sets: in the threaded program on a thread of its own,
// while the interface starts (the split is ~30 ms the interface's thread need not spend).
void parse_digits() {
  Dataset all;
  g_loading.status = make_dataset(g_loading.images, "assets/mnist/images-idx3-ubyte.gz", g_loading.labels,
                                  "assets/mnist/labels-idx1-ubyte.gz", all);
  if (g_loading.status) g_loading.data = split_stratified(all);
  g_loading.done.store(true, std::memory_order_release);
}

void adopt_weights() {
  if (g_loading.weights.empty() || !lab().ready()) return;
  const Status s = lab().load_pretrained(g_loading.weights, g_loading.weights_name);
  if (!s) {
    show_warning_on_page(("The pretrained weights could not be loaded (" + s.message() +
                          "); starting from random weights.").c_str());
  }
  g_loading.weights.clear();
}

// The parsed digits to the Lab (on the interface's thread). Returns the error, or "".
std::string hand_over() {
  Status s = g_loading.status;
  if (s) s = lab().init(std::move(g_loading.data), kMode, Lab::default_settings(), Lab::kBundledData, DataKind::Mnist);
  g_loading.images.clear();
  g_loading.labels.clear();
  if (!s) return "The digits could not be read: " + s.message();
  adopt_weights();
  return "";
}

Settings current_settings() { return {lab().settings(), lab().data_kind(), app_instance().page()}; }

// The link's settings, once the data and the pretrained weights are in. Another data set comes first (Fashion-MNIST
// is downloaded now); the rest follow once it is in.
void apply_link() {
  g_link.pending = false;
  Settings settings = current_settings();
  if (const Status s = parse_link_settings(g_link.text, settings); !s) {
    show_warning_on_page(("The link's settings could not be used (" + s.message() + "); using the defaults.").c_str());
  } else if (!g_link.text.empty()) {
    if (settings.data != lab().data_kind()) {
      g_link.waiting_for = settings.data;
      app_instance().file_hooks().fetch(settings.data);
    } else {
      lab().apply(settings.session);
    }
  }
  // A page opened without settings in its address keeps it bare until something changes.
  g_link.published = g_link.text.empty() ? format_link_settings(current_settings()) : "";
}

// While the link's data set downloads: its settings once it is in, or none if the download failed (the page says
// why, and the settings stay the defaults).
void await_linked_data() {
  if (lab().data_kind() == *g_link.waiting_for) {
    g_link.waiting_for.reset();
    Settings settings = current_settings();
    if (parse_link_settings(g_link.text, settings)) lab().apply(settings.session);
  } else if (app_instance().file_error()) {
    g_link.waiting_for.reset();
  }
}

// The address follows the settings, so that copying it reproduces the setup.
void publish_link() {
  const std::string now = format_link_settings(current_settings());
  if (now == g_link.published) return;
  set_page_link(now.c_str());
  g_link.published = now;
}

}  // namespace

void poll_web_loading() {
  if (g_loading.thread.joinable() && g_loading.done.load(std::memory_order_acquire)) {
    g_loading.thread.join();
    g_loading.done.store(false);
    if (const std::string error = hand_over(); !error.empty()) report_error(error);
  }
  if (!lab().ready() || !g_loading.weights.empty()) return;
  if (g_link.pending) apply_link();
  if (g_link.waiting_for) {
    await_linked_data();
    return;
  }
  publish_link();
}

}  // namespace latent

extern "C" {

// The digits as downloaded: IDX images and labels, gzipped or not (the bytes are copied). Returns "" or, when
// they were read at once (no threads), what was wrong with them; in the threaded build a problem shows on the
// page once the thread reading them has finished.
EMSCRIPTEN_KEEPALIVE const char* lc_init(const std::uint8_t* images, int images_len, const std::uint8_t* labels,
                                         int labels_len) {
  using namespace latent;
  g_loading.images.assign(images, images + images_len);
  g_loading.labels.assign(labels, labels + labels_len);
  g_init_error.clear();
  if constexpr (kMode == SessionMode::Thread) {
    g_loading.thread = std::thread(parse_digits);
    return g_init_error.c_str();
  }
  parse_digits();
  g_loading.done.store(false);
  g_init_error = hand_over();
  return g_init_error.c_str();
}

// Pretrained weights: a safetensors file's bytes (copied), adopted as soon as the digits are in. A problem with
// them shows on the page as a warning: the page goes on with random weights.
EMSCRIPTEN_KEEPALIVE void lc_load_weights(const std::uint8_t* bytes, int len, const char* name) {
  latent::g_loading.weights.assign(bytes, bytes + len);
  latent::g_loading.weights_name = name;
  latent::adopt_weights();
}

EMSCRIPTEN_KEEPALIVE void lc_set_font(const std::uint8_t* bytes, int len) {
  latent::app_instance().set_font(std::vector<std::uint8_t>(bytes, bytes + len));
}

// The settings in the page's address (location.hash): what the page shows at once (embed, controls), the session's
// once the data and the weights are in. A link that does not parse is refused whole then, with the reason.
EMSCRIPTEN_KEEPALIVE void lc_set_link(const char* text) {
  latent::g_link.text = text;
  if (!latent::g_link.text.empty() && latent::g_link.text.front() == '#') latent::g_link.text.erase(0, 1);
  latent::g_link.pending = true;
  latent::Settings settings;
  if (latent::parse_link_settings(latent::g_link.text, settings)) latent::app_instance().set_page(settings.page);
}

}  // extern "C"
