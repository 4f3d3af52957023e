// The script API's state() (see web_api.hpp): the latest snapshot and what the page shows, as one JSON object, in
// named parts. The settings part is the settings schema's (settings_schema.hpp): every key apply() takes.
#include <emscripten/heap.h>
#include <imgui.h>
#include <imgui_internal.h>  // the keyboard focus
#include <malloc.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "core/latent_space.hpp"
#include "core/memory.hpp"
#include "core/settings_schema.hpp"
#include "platform/app_instance.hpp"
#include "platform/web_api.hpp"

namespace latent {

namespace {

using json = nlohmann::json;

void training_state(const Snapshot& snap, json& state) {
  state["epoch"] = snap.epoch;
  state["step"] = snap.step;
  state["samplesSeen"] = snap.samples_seen;
  state["training"] = snap.training;
  state["stepsLeft"] = snap.steps_left;
  state["identityTrap"] = identity_trap_note(snap.settings.shape);
  state["trainLoss"] = snap.train_loss;
  state["testLoss"] = snap.test_loss;  // null while evaluating
  state["evaluating"] = snap.evaluating;
  state["samplesPerSec"] = snap.samples_per_sec;
  state["batchInEpoch"] = snap.batch_in_epoch;
  state["batchesPerEpoch"] = snap.batches_per_epoch;
  state["origin"] = snap.origin;
  state["error"] = snap.error;
  state["diverged"] = snap.diverged;
  state["snapshotAgeMs"] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - snap.taken).count();
  state["snapshotRevision"] = snap.revision;
  state["commandsApplied"] = snap.commands;
}

// Every setting under its apply() key, and the model's shape under the names state() has always used.
void settings_state(const Lab& lab, const Snapshot& snap, json& state) {
  write_json_settings({snap.settings, lab.data_kind(), {}}, state);
  state["latentDim"] = snap.settings.shape.code_size();
  state["trainingThreads"] = snap.settings.threads;
  state["trainingThreadsUsed"] = snap.threads_used;  // fewer when a batch is too small to share
  state["architecture"] = snap.settings.architecture().describe();
}

// The variant's test terms and views.
void variant_state(const Lab& lab, const Snapshot& snap, json& state) {
  state["testKl"] = snap.test.kl;                // the VAE's KL per digit (0 for the others)
  state["testL1"] = snap.test.l1;                // mean sum |code|
  state["nearZeroUnits"] = snap.test.near_zero;  // code units with |code| < 0.01, per digit
  state["trainPenaltyPoints"] = snap.train_penalty_curve.size();
  state["noisyDrawing"] = lab.views().noisy_drawing();
  state["samplesDrawn"] = lab.views().variational() ? lab.views().sample_draw() : 0;
}

void drawing_state(const Lab& lab, json& state) {
  const Drawing& drawing = lab.drawing();
  state["strokes"] = drawing.stroke_count();
  state["strokePoints"] = drawing.last_stroke_points();
  state["lastPointerType"] = drawing.stroke_count() > 0 ? to_string(drawing.last_stroke_kind()) : "";
  state["drawing"] = drawing.stroke_active();
  state["drawingRevision"] = drawing.revision();
  state["viewsDrawingRevision"] = lab.views().drawing_revision();  // equal once a frame has shown the drawing
  state["brush"] = drawing.brush();
}

void layout_state(const App& app, json& state) {
  state["tab"] = app.tab();
  // What the link shows: "" for the whole page, else the views ("draw,map"); and whether the page's controls show.
  state["embed"] = setting_text(setting("embed"), setting("embed").get({SessionSettings{}, DataKind::Mnist, app.page()}));
  state["controls"] = app.page().controls;
  state["narrow"] = app.narrow();
  state["buttonHeight"] = app.frame_height();
  const ImGuiContext* g = ImGui::GetCurrentContext();
  state["keyboardFocus"] = g != nullptr && g->NavId != 0 && !g->NavDisableHighlight;  // the outline is shown
  state["keyboardFocusId"] = g != nullptr ? g->NavId : 0;
  state["contentRight"] = app.content_right();
  state["fps"] = g != nullptr ? ImGui::GetIO().Framerate : 0.0f;
}

void data_state(const App& app, const Lab& lab, json& state) {
  state["data"] = lab.data_description();
  state["dataKind"] = to_string(lab.data_kind());
  json names = json::array();
  for (int c = 0; c < 10; ++c) names.push_back(lab.class_name(c));
  state["classNames"] = names;
  state["trainImages"] = lab.data().train.size();
  state["testImages"] = lab.data().test.size();
  state["fileMessage"] = app.file_message();
  state["fileError"] = app.file_error();
  state["filesWaiting"] = app.files_waiting();
  state["explorerRevision"] = lab.explorer().revision();
  state["gridIsPrior"] = lab.explorer().grid_is_prior();
  state["saveId"] = lab.latest()->save_id;  // the session's checkpoints made (the page's autosave)
  state["mapMethod"] = lab.explorer().code_map().method() == CodeMap::Method::Tsne ? "tsne" : "pca";
  state["explorerWeightsCurrent"] = lab.explorer().ready() && lab.explorer().weights_revision() == lab.views().weights_revision();
}

// Memory: what training may use (memory.hpp), the WebAssembly heap's size, and what malloc holds in it; and where
// the frames' time goes.
void resources_state(const Lab& lab, const App& app, json& state) {
  state["memoryLimit"] = available_memory();
  state["heapSize"] = emscripten_get_heap_size();
  state["heapInUse"] = mallinfo().uordblks;
  state["offMainThread"] = lab.off_main_thread();
  state["commandsSent"] = lab.commands_sent();
  const App::Timings& timing = app.timings();
  state["trainMsPerFrame"] = timing.training_seconds * 1000;
  state["viewsMsPerFrame"] = timing.views_seconds * 1000;
  state["interfaceMsPerFrame"] = timing.interface_seconds * 1000;
}

}  // namespace

json page_state() {
  json state = json::object();
  const App& app = app_instance();
  const Lab& lab = app.lab();
  state["ready"] = lab.ready();
  if (!lab.ready()) return state;
  const auto snap = lab.latest();  // newer than the last frame's, if the session has published since
  training_state(*snap, state);
  settings_state(lab, *snap, state);
  variant_state(lab, *snap, state);
  drawing_state(lab, state);
  layout_state(app, state);
  data_state(app, lab, state);
  resources_state(lab, app, state);
  return state;
}

}  // namespace latent
