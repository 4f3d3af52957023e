// The page's script interface: web/main.js wraps these in window.latentCanvas. They read the latest snapshot and
// the views, command the Drawing, and send the session the same commands the interface does; none of them touches
// the model. A command returns its number: state().commandsApplied reaches it once the session has carried it out.
#include <emscripten/emscripten.h>
#include <emscripten/heap.h>
#include <malloc.h>
#include <imgui.h>
#include <imgui_internal.h>  // the keyboard focus, for state()

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <thread>

#include "core/memory.hpp"
#include "core/url_settings.hpp"
#include "platform/app_instance.hpp"
#include "platform/web_api.hpp"
#include "platform/window.hpp"

namespace {

std::vector<latent::UserFile> g_files;       // files being handed over (lc_file_add), until lc_files_open
std::vector<std::uint8_t> g_weights_file;   // the last lc_weights_file
std::string g_result;  // the last string returned to JavaScript; valid until the next call that returns one

const char* result(std::string text) {
  g_result = std::move(text);
  return g_result.c_str();
}

latent::Lab& lab() { return latent::app_instance().lab(); }

constexpr latent::SessionMode kMode =
#if defined(__EMSCRIPTEN_PTHREADS__)
    latent::SessionMode::Thread;
#else
    latent::SessionMode::Sliced;
#endif

// Shows a warning on the page (web/main.js puts it in the notice box).
EM_JS(void, show_warning_on_page, (const char* message), {
  if (Module.latentWarn) Module.latentWarn(UTF8ToString(message));
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
  latent::Status status;
  latent::DatasetSplit data;
} g_loading;

// Reads the digits and splits them into training and test sets: in the threaded program on a thread of its own,
// while the interface starts (the split is ~30 ms the interface's thread need not spend).
void parse_digits() {
  latent::Dataset all;
  g_loading.status = latent::make_dataset(g_loading.images, "assets/mnist/images-idx3-ubyte.gz", g_loading.labels,
                                          "assets/mnist/labels-idx1-ubyte.gz", all);
  if (g_loading.status) g_loading.data = latent::split_stratified(all);
  g_loading.done.store(true, std::memory_order_release);
}

void adopt_weights() {
  if (g_loading.weights.empty() || !lab().ready()) return;
  const latent::Status s = lab().load_pretrained(g_loading.weights, g_loading.weights_name);
  if (!s) {
    show_warning_on_page(("The pretrained weights could not be loaded (" + s.message() +
                          "); starting from random weights.").c_str());
  }
  g_loading.weights.clear();
}

// The page's address: the settings it came with (lc_set_link), applied once the model is in, and the settings
// last written back to it.
struct Link {
  std::string text;
  bool pending = false;
  std::string published;
  std::optional<latent::DataKind> waiting_for;  // the data set the link names, while it downloads
} g_link;

EM_JS(void, set_page_link, (const char* text), {
  history.replaceState(history.state, "", "#" + UTF8ToString(text));
});

// The parsed digits to the Lab (on the interface's thread). Returns the error, or "".
// --- The latent views' script interface (lc_explore) -------------------------------------------------------------

nlohmann::json error(const std::string& message) { return {{"error", message}}; }

// `j[key]` as a code: exactly latentDim finite numbers, or the reason it is not.
std::string read_code(const nlohmann::json& j, const char* key, std::vector<float>& code) {
  const int dim = lab().explorer().latent_size();
  if (!j.contains(key) || !j[key].is_array()) return std::string(key) + " must be an array of " + std::to_string(dim) + " numbers";
  const nlohmann::json& a = j[key];
  if (a.size() != static_cast<std::size_t>(dim)) {
    return std::string(key) + " has " + std::to_string(a.size()) + " values; the code has " + std::to_string(dim);
  }
  code.clear();
  for (const auto& v : a) {
    if (!v.is_number() || !std::isfinite(v.get<double>()) || std::abs(v.get<double>()) > 1e6) {
      return std::string(key) + " must hold finite numbers (within +-1e6)";
    }
    code.push_back(v.get<float>());
  }
  return "";
}

nlohmann::json images_json(const float* images, int count) {
  nlohmann::json out = nlohmann::json::array();
  for (int i = 0; i < count; ++i) out.push_back(std::vector<float>(images + static_cast<std::size_t>(i) * 784, images + static_cast<std::size_t>(i + 1) * 784));
  return out;
}

nlohmann::json explore(const nlohmann::json& r) {
  if (!r.is_object() || !r.contains("op") || !r["op"].is_string()) return error("a request is an object with an op");
  latent::Lab& l = lab();
  l.complete_explorer();
  latent::LatentExplorer& e = l.explorer();
  if (!e.ready()) return error("the latent views are not ready yet");
  const std::string op = r["op"];
  if (op == "map") {
    nlohmann::json points = nlohmann::json::array();
    for (int i = 0; i < e.map_count(); ++i) {
      points.push_back({{"x", e.map_xy()[2 * static_cast<std::size_t>(i)]}, {"y", e.map_xy()[2 * static_cast<std::size_t>(i) + 1]},
                        {"label", e.map_label(i)}, {"index", i}});
    }
    nlohmann::json drawing = nullptr;
    if (e.drawing_on_map()) drawing = {{"x", e.drawing_xy()[0]}, {"y", e.drawing_xy()[1]}};
    const latent::LatentPlane& p = e.plane();
    return {{"points", points}, {"drawing", drawing}, {"extent", std::vector<float>(e.extent(), e.extent() + 4)},
            {"explained", p.total_variance > 0 ? (p.variance[0] + p.variance[1]) / p.total_variance : 0.0f},
            {"grid", latent::LatentExplorer::kGrid},
            {"rect", {{"x", latent::app_instance().map_rect().x}, {"y", latent::app_instance().map_rect().y},
                      {"width", latent::app_instance().map_rect().z}, {"height", latent::app_instance().map_rect().w}}}, {"selected", e.slider_source().kind == latent::CodeSource::TestDigit ? e.slider_source().index : -1}};
  }
  if (op == "setCode" || op == "decode") {
    std::vector<float> code;
    if (std::string why = read_code(r, "values", code); !why.empty()) return error(op + ": " + why);
    if (op == "decode") return {{"image", e.decode(code)}};
    latent::CodeSource s;
    s.kind = latent::CodeSource::Manual;
    s.values = code;
    e.set_slider_source(s);
    return {{"code", e.slider_code()}, {"image", e.slider_image()}};
  }
  if (op == "sliders") {
    return {{"code", e.slider_code()}, {"image", e.slider_image()}, {"source", e.slider_source().describe()},
            {"morph", e.morph()}, {"morphImage", e.morph_image()}};
  }
  if (op == "interpolate") {
    std::vector<float> a, b;
    if (std::string why = read_code(r, "a", a); !why.empty()) return error("interpolate: " + why);
    if (std::string why = read_code(r, "b", b); !why.empty()) return error("interpolate: " + why);
    const int steps = r.contains("steps") && r["steps"].is_number_integer() ? r["steps"].get<int>() : -1;
    if (steps < 2 || steps > 64) return error("interpolate: steps must be a whole number from 2 to 64");
    const std::vector<float> codes = latent::interpolate(a.data(), b.data(), e.latent_size(), steps);
    nlohmann::json images = nlohmann::json::array();
    for (int s = 0; s < steps; ++s) {
      const auto d = static_cast<std::size_t>(e.latent_size());
      images.push_back(e.decode(std::vector<float>(codes.begin() + static_cast<std::ptrdiff_t>(s * d), codes.begin() + static_cast<std::ptrdiff_t>((s + 1) * d))));
    }
    return {{"images", images}};
  }
  if (op == "neighbours") {
    nlohmann::json out = nlohmann::json::array();
    for (const latent::Neighbour& n : e.neighbours()) out.push_back({{"index", n.index}, {"label", e.train_label(n.index)}, {"distance", n.distance}});
    return {{"neighbours", out}};
  }
  if (op == "unusualness") {
    if (!e.has_drawing()) return {{"loss", nullptr}, {"percentile", nullptr}};
    return {{"loss", e.drawing_loss()}, {"percentile", e.drawing_percentile()}};
  }
  if (op == "unitImages") {
    const std::string which = r.value("which", "");
    if (which != "encoder" && which != "decoder") return error("unitImages: say 'encoder' or 'decoder'");
    const bool enc = which == "encoder";
    return {{"images", images_json(e.unit_images(enc).data(), e.unit_count(enc))}, {"scale", e.unit_scale(enc)}};
  }
  if (op == "selectTab") {
    const std::string tab = r.contains("tab") && r["tab"].is_string() ? r["tab"].get<std::string>() : "";
    if (const int t = latent::tab_from_name(tab); t >= 0) {
      latent::app_instance().select_tab(t);
      return {{"tab", tab}};
    }
    return error("selectTab: no tab '" + tab + "' (digits, map, sliders, morph, units)");
  }
  if (op == "controls") {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [name, c] : latent::app_instance().controls()) out[name] = {{"x", c.x}, {"y", c.y}, {"width", c.z}, {"height", c.w}};
    return out;
  }
  if (op == "diagnosis") {
    const latent::TrainingDiagnosis d = l.diagnosis();
    return {{"stalled", d.stalled}, {"collapsed", d.collapsed}, {"message", d.message}};
  }
  return error("no op '" + op + "'");
}

std::string hand_over() {
  latent::Status s = g_loading.status;
  if (s) {
    s = lab().init(std::move(g_loading.data), kMode, latent::Lab::default_settings(), latent::Lab::kBundledData,
                   latent::DataKind::Mnist);
  }
  g_loading.images.clear();
  g_loading.labels.clear();
  if (!s) return "The digits could not be read: " + s.message();
  adopt_weights();
  return "";
}

// A whole number from a JSON field, if it is one and lies in [lo, hi]; otherwise the field is an error.
bool read_int(const nlohmann::json& j, const char* key, int lo, int hi, int& out, std::string& error) {
  if (!j.contains(key)) return true;
  const auto& v = j[key];
  if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() != std::floor(v.get<double>()) ||
      v.get<double>() < lo || v.get<double>() > hi) {
    error = std::string(key) + ": expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi);
    return false;
  }
  out = static_cast<int>(v.get<double>());
  return true;
}

}  // namespace

extern "C" {

// The digits as downloaded: IDX images and labels, gzipped or not (the bytes are copied). Returns "" or, when
// they were read at once (no threads), what was wrong with them; in the threaded build a problem shows on the
// page once the thread reading them has finished.
EMSCRIPTEN_KEEPALIVE const char* lc_init(const std::uint8_t* images, int images_len, const std::uint8_t* labels,
                                         int labels_len) {
  g_loading.images.assign(images, images + images_len);
  g_loading.labels.assign(labels, labels + labels_len);
  if constexpr (kMode == latent::SessionMode::Thread) {
    g_loading.thread = std::thread(parse_digits);
    return result("");
  }
  parse_digits();
  g_loading.done.store(false);
  return result(hand_over());
}

// Pretrained weights: a safetensors file's bytes (copied), adopted as soon as the digits are in. A problem with
// them shows on the page as a warning: the page goes on with random weights.
EMSCRIPTEN_KEEPALIVE void lc_load_weights(const std::uint8_t* bytes, int len, const char* name) {
  g_loading.weights.assign(bytes, bytes + len);
  g_loading.weights_name = name;
  adopt_weights();
}

EMSCRIPTEN_KEEPALIVE void lc_set_font(const std::uint8_t* bytes, int len) {
  latent::app_instance().set_font(std::vector<std::uint8_t>(bytes, bytes + len));
}

// The latest snapshot (newer than the last frame's, if the session has published since), as JSON.
EMSCRIPTEN_KEEPALIVE const char* lc_state() {
  nlohmann::json state = nlohmann::json::object();
  state["ready"] = lab().ready();
  if (lab().ready()) {
    const auto snap = lab().latest();
    state["epoch"] = snap->epoch;
    state["step"] = snap->step;
    state["samplesSeen"] = snap->samples_seen;
    state["training"] = snap->training;
    state["trainLoss"] = snap->train_loss;
    state["testLoss"] = snap->test_loss;  // null while evaluating
    state["evaluating"] = snap->evaluating;
    state["samplesPerSec"] = snap->samples_per_sec;
    state["latentDim"] = snap->settings.architecture.latent;
    state["batchInEpoch"] = snap->batch_in_epoch;
    state["batchesPerEpoch"] = snap->batches_per_epoch;
    state["targetEpochs"] = snap->settings.target_epochs;
    state["batchSize"] = snap->settings.batch_size;
    state["learningRate"] = snap->settings.optimizer.learning_rate;
    state["seed"] = snap->settings.seed;
    state["architecture"] = snap->settings.architecture.describe();
    const latent::Objective& objective = snap->settings.objective;
    state["variant"] = latent::to_string(objective.variant);
    state["noise"] = latent::to_string(objective.noise);
    state["noiseLevel"] = objective.noise_level;
    state["sparsity"] = objective.sparsity;
    state["beta"] = objective.beta;
    state["testKl"] = snap->test.kl;               // the VAE's KL per digit (0 for the others)
    state["testL1"] = snap->test.l1;               // mean sum |code|
    state["nearZeroUnits"] = snap->test.near_zero; // code units with |code| < 0.01, per digit
    state["trainPenaltyPoints"] = snap->train_penalty_curve.size();
    state["noisyDrawing"] = lab().views().noisy_drawing();
    state["samplesDrawn"] = lab().views().variational() ? lab().views().sample_draw() : 0;
    state["origin"] = snap->origin;
    state["trainingThreads"] = snap->settings.threads;
    state["offMainThread"] = lab().off_main_thread();
    state["snapshotAgeMs"] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - snap->taken).count();
    state["snapshotRevision"] = snap->revision;
    state["commandsApplied"] = snap->commands;
    state["commandsSent"] = lab().commands_sent();
    state["error"] = snap->error;
    state["diverged"] = snap->diverged;
    // Memory: what training may use (memory.hpp), the WebAssembly heap's size, and what malloc holds in it.
    state["memoryLimit"] = latent::available_memory();
    state["heapSize"] = emscripten_get_heap_size();
    state["heapInUse"] = mallinfo().uordblks;
    const latent::Drawing& drawing = lab().drawing();
    state["strokes"] = drawing.stroke_count();
    state["strokePoints"] = drawing.last_stroke_points();
    state["lastPointerType"] = drawing.stroke_count() > 0 ? latent::to_string(drawing.last_stroke_kind()) : "";
    state["drawing"] = drawing.stroke_active();
    state["drawingRevision"] = drawing.revision();
    state["viewsDrawingRevision"] = lab().views().drawing_revision();  // equal once a frame has shown the drawing
    state["brush"] = drawing.brush();
    state["tab"] = latent::app_instance().tab();
    state["narrow"] = latent::app_instance().narrow();
    state["buttonHeight"] = latent::app_instance().frame_height();
    const ImGuiContext* g = ImGui::GetCurrentContext();
    state["keyboardFocus"] = g != nullptr && g->NavId != 0 && !g->NavDisableHighlight;  // the outline is shown
    state["keyboardFocusId"] = g != nullptr ? g->NavId : 0;
    state["contentRight"] = latent::app_instance().content_right();
    state["data"] = lab().data_description();
    state["dataKind"] = latent::to_string(lab().data_kind());
    state["classNames"] = [] {
      nlohmann::json names = nlohmann::json::array();
      for (int c = 0; c < 10; ++c) names.push_back(lab().class_name(c));
      return names;
    }();
    state["trainImages"] = lab().data().train.size();
    state["testImages"] = lab().data().test.size();
    state["fileMessage"] = latent::app_instance().file_message();
    state["fileError"] = latent::app_instance().file_error();
    state["filesWaiting"] = latent::app_instance().files_waiting();
    state["explorerRevision"] = lab().explorer().revision();
    state["gridIsPrior"] = lab().explorer().grid_is_prior();
    state["explorerWeightsCurrent"] = lab().explorer().ready() && lab().explorer().weights_revision() == lab().views().weights_revision();
    state["fps"] = ImGui::GetCurrentContext() != nullptr ? ImGui::GetIO().Framerate : 0.0f;
    const latent::App::Timings& timing = latent::app_instance().timings();
    state["trainMsPerFrame"] = timing.training_seconds * 1000;
    state["viewsMsPerFrame"] = timing.views_seconds * 1000;
    state["interfaceMsPerFrame"] = timing.interface_seconds * 1000;
  }
  return result(state.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));  // names from files may not be UTF-8
}

EMSCRIPTEN_KEEPALIVE double lc_set_training(int on) { return static_cast<double>(lab().set_training(on != 0)); }

EMSCRIPTEN_KEEPALIVE double lc_reset(double seed) {
  const double s = std::isfinite(seed) ? std::clamp(std::floor(seed), 0.0, 9007199254740991.0) : 1.0;
  return static_cast<double>(lab().reset(static_cast<std::uint64_t>(s)));
}

// Settings as JSON, any of: {"learningRate", "batchSize", "targetEpochs", "threads", "latent", "hidden" (a list of
// widths), "activation", "seed", "variant" (plain, denoising, sparse, vae), "noise" (gaussian, mask), "noiseLevel",
// "sparsity", "beta"}; the rest stay. Returns the command's number, or 0 when the text is not such an object (lc_last_error says why). Values
// the session refuses (a learning rate of 0, say) come back as the snapshot's "error".
EMSCRIPTEN_KEEPALIVE double lc_apply(const char* json) {
  const auto j = nlohmann::json::parse(json, nullptr, false);
  latent::SessionSettings s = lab().settings();
  std::string error;
  if (j.is_discarded() || !j.is_object()) {
    error = "expected an object of settings";
  } else {
    if (j.contains("learningRate")) {
      const auto& v = j["learningRate"];
      if (!v.is_number()) error = "learningRate: expected a number";
      else s.optimizer.learning_rate = v.get<float>();
    }
    int seed = static_cast<int>(std::min<std::uint64_t>(s.seed, 2147483647));
    if (error.empty()) read_int(j, "batchSize", 1, latent::TrainConfig::kMaxBatch, s.batch_size, error);
    if (error.empty()) read_int(j, "targetEpochs", 1, latent::SessionSettings::kMaxEpochs, s.target_epochs, error);
    if (error.empty()) read_int(j, "threads", 1, latent::TrainConfig::kMaxThreads, s.threads, error);
    if (error.empty()) read_int(j, "latent", latent::Architecture::kMinLatent, latent::Architecture::kMaxLatent, s.architecture.latent, error);
    if (error.empty()) read_int(j, "seed", 0, 2147483647, seed, error);
    s.seed = static_cast<std::uint64_t>(seed);
    if (error.empty() && j.contains("hidden")) {
      const auto& h = j["hidden"];
      std::vector<int> widths;
      if (!h.is_array() || h.size() > static_cast<std::size_t>(latent::Architecture::kMaxHiddenLayers)) {
        error = "hidden: expected a list of up to " + std::to_string(latent::Architecture::kMaxHiddenLayers) + " widths";
      }
      for (std::size_t i = 0; error.empty() && i < h.size(); ++i) {
        int w = 0;
        nlohmann::json one = {{"width", h[i]}};
        if (read_int(one, "width", 1, latent::Architecture::kMaxWidth, w, error)) widths.push_back(w);
      }
      if (error.empty()) s.architecture.hidden = widths;
    }
    if (error.empty() && j.contains("activation")) {
      const auto a = j["activation"].is_string() ? latent::parse_activation(j["activation"].get<std::string>()) : std::nullopt;
      if (!a) error = "activation: expected relu, sigmoid, tanh or linear";
      else s.architecture.activation = *a;
    }
    if (error.empty() && j.contains("variant")) {
      const auto v = j["variant"].is_string() ? latent::parse_variant(j["variant"].get<std::string>()) : std::nullopt;
      if (!v) error = "variant: expected plain, denoising, sparse or vae";
      else s.objective.variant = *v;
    }
    if (error.empty() && j.contains("noise")) {
      const auto n = j["noise"].is_string() ? latent::parse_noise(j["noise"].get<std::string>()) : std::nullopt;
      if (!n) error = "noise: expected gaussian or mask";
      else s.objective.noise = *n;
    }
    for (const auto& [key, field] : {std::pair{"noiseLevel", &s.objective.noise_level},
                                     std::pair{"sparsity", &s.objective.sparsity}, std::pair{"beta", &s.objective.beta}}) {
      if (!error.empty() || !j.contains(key)) continue;
      if (!j[key].is_number()) error = std::string(key) + ": expected a number";
      else *field = j[key].get<float>();
    }
  }
  if (!error.empty()) {
    result(error);
    return 0;
  }
  return static_cast<double>(lab().apply(s));
}

// The reason the last lc_apply returned 0.
EMSCRIPTEN_KEEPALIVE const char* lc_last_error() { return g_result.c_str(); }

// x, y, width, height of the drawing area in the canvas's CSS pixels.
EMSCRIPTEN_KEEPALIVE void lc_canvas_rect(float* out) {
  const ImVec4 r = latent::app_instance().canvas_rect();
  out[0] = r.x;
  out[1] = r.y;
  out[2] = r.z;
  out[3] = r.w;
}

EMSCRIPTEN_KEEPALIVE int lc_input(float* out) {
  const auto& pixels = lab().canvas_input().pixels;
  std::copy(pixels.begin(), pixels.end(), out);
  return static_cast<int>(pixels.size());
}

EMSCRIPTEN_KEEPALIVE int lc_latent(float* out, int capacity) {
  lab().refresh_views();  // reflect a change made since the last frame
  const auto& code = lab().views().canvas_code();
  const int n = std::min(capacity, static_cast<int>(code.size()));
  std::copy_n(code.begin(), n, out);
  return static_cast<int>(code.size());
}

EMSCRIPTEN_KEEPALIVE int lc_reconstruction(float* out) {
  lab().refresh_views();  // reflect a change made since the last frame
  const auto& recon = lab().views().canvas_reconstruction();
  std::copy(recon.begin(), recon.end(), out);
  return static_cast<int>(recon.size());
}

// The benchmark: `steps` training steps of a fresh model (the seed architecture unless the session's is asked
// for) at `batch` and `threads`, on the session's thread (run_training_benchmark). Returns the command's number;
// lc_bench_result has the outcome once state().commandsApplied reaches it.
EMSCRIPTEN_KEEPALIVE double lc_bench(int steps, int batch, int threads) {
  latent::SessionSettings s;
  s.batch_size = batch;
  s.threads = threads;
  return static_cast<double>(lab().bench(s, steps));
}

EMSCRIPTEN_KEEPALIVE const char* lc_bench_result() {
  const auto snap = lab().latest();
  const nlohmann::json out = {{"id", snap->bench_id},
                              {"samplesPerSec", snap->bench.samples_per_sec},
                              {"gflops", snap->bench.gflops},
                              {"msPerStep", snap->bench.ms_per_step},
                              {"steps", snap->bench.steps},
                              {"error", snap->error}};
  return result(out.dump());
}

// Files a person brings (web/main.js: the picker, a drop, or latentCanvas.openFiles): lc_file_add for each (the bytes
// are copied), then lc_files_open, which sorts and opens them (App::open_files); the outcome is in state().
EMSCRIPTEN_KEEPALIVE void lc_file_add(const char* name, const std::uint8_t* bytes, int len) {
  g_files.push_back({name, std::vector<std::uint8_t>(bytes, bytes + std::max(len, 0))});
}

EMSCRIPTEN_KEEPALIVE void lc_files_open() {
  std::vector<latent::UserFile> files;
  files.swap(g_files);
  latent::app_instance().open_files(std::move(files));
}

// A built-in data set fetched by the page (web/main.js latentFetchData, after lc_file_add for its images, labels
// and weights): `kind` is "mnist" or "fashion". A failed download comes to lc_files_refuse instead.
EMSCRIPTEN_KEEPALIVE void lc_dataset_open(const char* kind) {
  std::vector<latent::UserFile> files;
  files.swap(g_files);
  const std::string k = kind;
  latent::app_instance().open_builtin(k == "fashion" ? latent::DataKind::Fashion : latent::DataKind::Mnist, std::move(files));
}

EMSCRIPTEN_KEEPALIVE void lc_files_refuse(const char* why) {
  g_files.clear();
  latent::app_instance().refuse_files(why);
}

// The settings in the page's address (location.hash), applied once the data and the weights are in.
EMSCRIPTEN_KEEPALIVE void lc_set_link(const char* text) {
  g_link.text = text;
  if (!g_link.text.empty() && g_link.text.front() == '#') g_link.text.erase(0, 1);
  g_link.pending = true;
}

// The latest weights as a safetensors file: lc_weights_file returns its size and keeps the bytes for
// lc_weights_data; lc_weights_name is the file name the page offers.
EMSCRIPTEN_KEEPALIVE int lc_weights_file() {
  g_weights_file = lab().weights_file();
  return static_cast<int>(g_weights_file.size());
}

EMSCRIPTEN_KEEPALIVE const std::uint8_t* lc_weights_data() { return g_weights_file.data(); }

EMSCRIPTEN_KEEPALIVE const char* lc_weights_name() { return result(lab().weights_file_name()); }

EMSCRIPTEN_KEEPALIVE void lc_clear_canvas() { lab().drawing().clear(); }

EMSCRIPTEN_KEEPALIVE int lc_undo() { return lab().drawing().undo() ? 1 : 0; }

// One pointer event from the page (web/main.js), in the canvas's CSS pixels. phase: 0 down, 1 move, 2 up,
// 3 cancel; kind: 0 mouse, 1 pen, 2 touch; pressure: 0..1, or negative when the device has none. Returns 1 when
// a press started a stroke (the page then captures that pointer), else 0.
EMSCRIPTEN_KEEPALIVE int lc_pointer(int phase, int pointer, int kind, float x, float y, float pressure) {
  latent::Drawing& drawing = lab().drawing();
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

// The drawing as the user sees it: Sketch::kSize x kSize coverage bytes (0 paper .. 255 ink), row-major.
// Returns the side; with a null `out`, only that.
EMSCRIPTEN_KEEPALIVE int lc_drawing_raster(std::uint8_t* out) {
  if (out == nullptr) return latent::Sketch::kSize;
  const auto& raster = lab().drawing().sketch().raster();
  for (std::size_t i = 0; i < raster.size(); ++i) out[i] = static_cast<std::uint8_t>(raster[i] * 255.0f + 0.5f);
  return latent::Sketch::kSize;
}

EMSCRIPTEN_KEEPALIVE void lc_set_brush(float radius) { lab().drawing().set_brush(radius); }

// A touch outside the drawing that the page has read as a press on the interface (phase as lc_pointer's).
// Both count as input: the interface repaints for the next half second (as after SDL's own events).
EMSCRIPTEN_KEEPALIVE void lc_touch(int phase, float x, float y) {
  if (!std::isfinite(x) || !std::isfinite(y)) return;
  latent::web_window().mouse.touch(phase, x, y);
  latent::web_window().input_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
}

// A touch outside the drawing that the page has read as scrolling: `dy` CSS pixels at (x, y).
EMSCRIPTEN_KEEPALIVE void lc_touch_scroll(float x, float y, float dy) {
  latent::app_instance().scroll_at(x, y, dy);
  latent::web_window().input_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
}

// The latent views, for scripts and tests: one JSON request, one JSON answer ({"error": "..."} when the request
// is not one). Brings the views up to date with the latest weights and the drawing first.
EMSCRIPTEN_KEEPALIVE const char* lc_explore(const char* request) {
  if (!lab().ready()) return result(R"({"error":"the page is still loading"})");
  return result(explore(nlohmann::json::parse(request, nullptr, false)).dump());
}

}  // extern "C"

namespace latent {

void poll_web_loading() {
  if (g_loading.thread.joinable() && g_loading.done.load(std::memory_order_acquire)) {
    g_loading.thread.join();
    g_loading.done.store(false);
    if (const std::string error = hand_over(); !error.empty()) report_error(error);
  }
  if (!lab().ready() || !g_loading.weights.empty()) return;
  // The link's settings, once the data and the pretrained weights are in; then the address follows the settings,
  // so that copying it reproduces the setup. A page opened without settings in its address keeps it bare until
  // something changes.
  if (g_link.pending) {
    g_link.pending = false;
    SessionSettings settings = lab().settings();
    DataKind data = lab().data_kind();
    if (const Status s = parse_url_settings(g_link.text, settings, &data); !s) {
      show_warning_on_page(("The link's settings could not be used (" + s.message() + "); using the defaults.").c_str());
    } else if (!g_link.text.empty()) {
      if (data != lab().data_kind()) {
        // Another data set first (Fashion-MNIST is downloaded now); the settings follow once it is in.
        g_link.waiting_for = data;
        app_instance().file_hooks().fetch(data);
      } else {
        lab().apply(settings);
      }
    }
    g_link.published = g_link.text.empty() ? format_url_settings(lab().settings(), lab().data_kind()) : "";
  }
  if (g_link.waiting_for) {
    if (lab().data_kind() == *g_link.waiting_for) {
      g_link.waiting_for.reset();
      SessionSettings settings = lab().settings();
      if (parse_url_settings(g_link.text, settings)) lab().apply(settings);
    } else if (app_instance().file_error()) {
      g_link.waiting_for.reset();  // the download failed: the page says why, and the settings stay the defaults
    }
    return;
  }
  if (const std::string now = format_url_settings(lab().settings(), lab().data_kind()); now != g_link.published) {
    set_page_link(now.c_str());
    g_link.published = now;
  }
}

}  // namespace latent
