// The page's script interface: web/main.js wraps these in window.latentCanvas. They read the App's state or
// send it the same commands as the interface does; none of them touches the model directly.
#include <emscripten/emscripten.h>
#include <imgui.h>

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>

#include "platform/app_instance.hpp"

namespace {

std::string g_result;  // the last string returned to JavaScript; valid until the next call that returns one

const char* result(std::string text) {
  g_result = std::move(text);
  return g_result.c_str();
}

}  // namespace

extern "C" {

// The digits: gunzipped IDX images and labels. Returns "" or an error message.
EMSCRIPTEN_KEEPALIVE const char* lc_init(const std::uint8_t* images, int images_len, const std::uint8_t* labels,
                                         int labels_len) {
  latent::Dataset all;
  latent::Status s = latent::make_dataset(std::span(images, static_cast<std::size_t>(images_len)),
                                          "assets/mnist/images-idx3-ubyte.gz",
                                          std::span(labels, static_cast<std::size_t>(labels_len)),
                                          "assets/mnist/labels-idx1-ubyte.gz", all);
  if (s) s = latent::app_instance().lab().init(std::move(all));
  return result(s ? "" : s.message());
}

// Pretrained weights: a safetensors file's bytes. Returns "" or an error message.
EMSCRIPTEN_KEEPALIVE const char* lc_load_weights(const std::uint8_t* bytes, int len, const char* name) {
  const latent::Status s = latent::app_instance().lab().load_pretrained(std::span(bytes, static_cast<std::size_t>(len)), name);
  return result(s ? "" : s.message());
}

EMSCRIPTEN_KEEPALIVE void lc_set_font(const std::uint8_t* bytes, int len) {
  latent::app_instance().set_font(std::vector<std::uint8_t>(bytes, bytes + len));
}

EMSCRIPTEN_KEEPALIVE const char* lc_state() {
  const latent::Lab& lab = latent::app_instance().lab();
  nlohmann::json state = nlohmann::json::object();
  state["ready"] = lab.ready();
  if (lab.ready()) {
    const latent::Trainer& t = lab.trainer();
    state["epoch"] = t.epoch();
    state["step"] = t.total_steps();
    state["training"] = lab.training();
    state["trainLoss"] = lab.train_loss();
    state["testLoss"] = lab.test_loss();
    state["samplesPerSec"] = lab.samples_per_sec();
    state["latentDim"] = lab.latent_size();
    state["batchInEpoch"] = t.batch_in_epoch();
    state["batchesPerEpoch"] = t.batches_per_epoch();
    state["targetEpochs"] = lab.settings().target_epochs;
    state["architecture"] = lab.architecture().describe();
    state["origin"] = lab.model_origin();
    const latent::Drawing& drawing = lab.drawing();
    state["strokes"] = drawing.stroke_count();
    state["strokePoints"] = drawing.last_stroke_points();
    state["lastPointerType"] = drawing.stroke_count() > 0 ? latent::to_string(drawing.last_stroke_kind()) : "";
    state["drawing"] = drawing.stroke_active();
    state["brush"] = drawing.brush();
    state["fps"] = ImGui::GetCurrentContext() != nullptr ? ImGui::GetIO().Framerate : 0.0f;
    const latent::App::Timings& timing = latent::app_instance().timings();
    state["trainMsPerFrame"] = timing.training_seconds * 1000;
    state["viewsMsPerFrame"] = timing.views_seconds * 1000;
    state["interfaceMsPerFrame"] = timing.interface_seconds * 1000;
  }
  return result(state.dump());
}

EMSCRIPTEN_KEEPALIVE void lc_set_training(int on) { latent::app_instance().lab().set_training(on != 0); }

EMSCRIPTEN_KEEPALIVE void lc_reset(double seed) {
  latent::app_instance().lab().reset(static_cast<std::uint64_t>(std::max(0.0, seed)));
}

// x, y, width, height of the drawing area in the canvas's CSS pixels.
EMSCRIPTEN_KEEPALIVE void lc_canvas_rect(float* out) {
  const ImVec4 r = latent::app_instance().canvas_rect();
  out[0] = r.x;
  out[1] = r.y;
  out[2] = r.z;
  out[3] = r.w;
}

EMSCRIPTEN_KEEPALIVE int lc_input(float* out) {
  latent::app_instance().lab().refresh_views();  // reflect a change made since the last frame
  const auto& pixels = latent::app_instance().lab().canvas_input().pixels;
  std::copy(pixels.begin(), pixels.end(), out);
  return static_cast<int>(pixels.size());
}

EMSCRIPTEN_KEEPALIVE int lc_latent(float* out, int capacity) {
  latent::app_instance().lab().refresh_views();  // reflect a change made since the last frame
  const auto& code = latent::app_instance().lab().canvas_code();
  const int n = std::min(capacity, static_cast<int>(code.size()));
  std::copy_n(code.begin(), n, out);
  return static_cast<int>(code.size());
}

EMSCRIPTEN_KEEPALIVE int lc_reconstruction(float* out) {
  latent::app_instance().lab().refresh_views();  // reflect a change made since the last frame
  const auto& recon = latent::app_instance().lab().canvas_reconstruction();
  std::copy(recon.begin(), recon.end(), out);
  return static_cast<int>(recon.size());
}

// Times `steps` training steps of a fresh seed model (batch 256) on the training digits, after 5 warm-up steps,
// like `latent bench`. Blocks for the duration. Returns {"samplesPerSec":..,"gflops":..,"msPerStep":..}.
EMSCRIPTEN_KEEPALIVE const char* lc_bench(int steps) {
  const latent::Lab& lab = latent::app_instance().lab();
  if (!lab.ready() || steps < 1) return result("{}");
  latent::Trainer trainer(lab.data().train, latent::TrainConfig{});
  for (int i = 0; i < 5; ++i) trainer.step();
  const double start = emscripten_get_now();
  for (int i = 0; i < steps; ++i) trainer.step();
  const double seconds = (emscripten_get_now() - start) / 1000.0;
  const double samples = static_cast<double>(steps) * trainer.config().batch_size;
  const double flops_per_sample = 2.0 * 784 * 32 * 5;  // five 784 x 32 products, as in `latent bench`
  nlohmann::json out = {{"samplesPerSec", samples / seconds},
                        {"gflops", samples * flops_per_sample / seconds / 1e9},
                        {"msPerStep", seconds * 1000 / steps}};
  return result(out.dump());
}

EMSCRIPTEN_KEEPALIVE void lc_clear_canvas() { latent::app_instance().lab().drawing().clear(); }

EMSCRIPTEN_KEEPALIVE int lc_undo() { return latent::app_instance().lab().drawing().undo() ? 1 : 0; }

// One pointer event from the page (web/main.js), in the canvas's CSS pixels. phase: 0 down, 1 move, 2 up,
// 3 cancel; kind: 0 mouse, 1 pen, 2 touch; pressure: 0..1, or negative when the device has none. Returns 1 when
// a press started a stroke (the page then captures that pointer), else 0.
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

// The drawing as the user sees it: Sketch::kSize x kSize coverage bytes (0 paper .. 255 ink), row-major.
// Returns the side; with a null `out`, only that.
EMSCRIPTEN_KEEPALIVE int lc_drawing_raster(std::uint8_t* out) {
  if (out == nullptr) return latent::Sketch::kSize;
  const auto& raster = latent::app_instance().lab().drawing().sketch().raster();
  for (std::size_t i = 0; i < raster.size(); ++i) out[i] = static_cast<std::uint8_t>(raster[i] * 255.0f + 0.5f);
  return latent::Sketch::kSize;
}

EMSCRIPTEN_KEEPALIVE void lc_set_brush(float radius) { latent::app_instance().lab().drawing().set_brush(radius); }

}  // extern "C"
