// The page's script API (see web_api.hpp): one entry point, lc_call, takes a request {"call": NAME, ...arguments}
// and returns that request's answer, {"ok": RESULT} or {"error": "why"}. A table maps each name to its handler.
// Handlers read the latest snapshot and the views, command the Drawing, and send the session the same commands the
// interface does; none touches the model. A command answers with its number: state().commandsApplied reaches it
// once the session has carried it out.
//
// [SECTION] Helpers
// [SECTION] Session: state, commands, settings, benchmark
// [SECTION] The drawing
// [SECTION] The latent views
// [SECTION] The table and lc_call
#include <emscripten/emscripten.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/network_view.hpp"
#include "core/settings_schema.hpp"
#include "platform/app_instance.hpp"
#include "platform/web_api.hpp"

namespace latent {

namespace {

using json = nlohmann::json;

//-----------------------------------------------------------------------------------------------------------
// [SECTION] Helpers
//-----------------------------------------------------------------------------------------------------------

// One request's answer: a result, or why there is none.
struct Answer {
  json result;
  std::string error;
};
Answer ok(json result) { return {std::move(result), {}}; }
Answer refused(std::string why) { return {nullptr, std::move(why)}; }

Lab& lab() { return app_instance().lab(); }

// Bytes an answer points at (weightsFile, drawingRaster): valid until the next request that returns bytes. The
// page copies them out at once.
std::vector<std::uint8_t> g_bytes;
json bytes_answer(std::vector<std::uint8_t> bytes) {
  g_bytes = std::move(bytes);
  return {{"pointer", reinterpret_cast<std::uintptr_t>(g_bytes.data())}, {"length", g_bytes.size()}};
}

// `request[key]` as a code: exactly latentDim finite numbers, or the reason it is not.
std::string read_code(const json& request, const char* key, std::vector<float>& code) {
  const int dim = lab().explorer().latent_size();
  if (!request.contains(key) || !request[key].is_array()) return std::string(key) + " must be an array of " + std::to_string(dim) + " numbers";
  const json& a = request[key];
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

// `count` images of `pixels` floats each (784: digits; 9: a convolution's 3 x 3 filters).
json images_json(const float* images, int count, std::size_t pixels = 784) {
  json out = json::array();
  for (int i = 0; i < count; ++i) {
    out.push_back(std::vector<float>(images + static_cast<std::size_t>(i) * pixels, images + static_cast<std::size_t>(i + 1) * pixels));
  }
  return out;
}

json rect_json(const ImVec4& r) { return {{"x", r.x}, {"y", r.y}, {"width", r.z}, {"height", r.w}}; }

// A whole number in [lo, hi] from request[key], or `fallback` when it is absent.
bool read_whole(const json& request, const char* key, int lo, int hi, int fallback, int& out) {
  if (!request.contains(key)) {
    out = fallback;
    return true;
  }
  const json& v = request[key];
  if (!v.is_number() || v.get<double>() != std::floor(v.get<double>()) || v.get<double>() < lo || v.get<double>() > hi) return false;
  out = static_cast<int>(v.get<double>());
  return true;
}

//-----------------------------------------------------------------------------------------------------------
// [SECTION] Session: state, commands, settings, benchmark
//-----------------------------------------------------------------------------------------------------------

Answer state_call(const json&) { return ok(page_state()); }

Answer set_training(const json& r) {
  if (!r.contains("on") || !r["on"].is_boolean()) return refused("on must be true or false");
  return ok(lab().set_training(r["on"].get<bool>()));
}

// Exactly `steps` training steps (1 by default), then a pause.
Answer step(const json& r) {
  int steps = 1;
  if (!read_whole(r, "steps", 1, command::Step::kMax, 1, steps)) {
    return refused("steps: expected a whole number from 1 to " + std::to_string(command::Step::kMax) + ", got " +
                   r.value("steps", json(nullptr)).dump());
  }
  return ok(lab().step(steps));
}

Answer reset(const json& r) {
  const double seed = r.contains("seed") && r["seed"].is_number() ? r["seed"].get<double>() : 1.0;
  const double s = std::isfinite(seed) ? std::clamp(std::floor(seed), 0.0, setting("seed").hi) : 1.0;
  return ok(lab().reset(static_cast<std::uint64_t>(s)));
}

// Settings by the schema's rows: values of the wrong type or out of range are refused here, with the row's
// message; what the session refuses (a model too large for memory, threads without isolation) comes back in
// state().error.
Answer apply(const json& r) {
  Settings settings{lab().settings(), lab().data_kind(), app_instance().page()};
  if (Status s = parse_json_settings(r.contains("settings") ? r["settings"] : json(nullptr), settings); !s) {
    return refused(s.message());
  }
  return ok(lab().apply(settings.session));
}

// The pretrained model of a family ({model: 'dense' | 'conv'}) for the data in use, without asking: adopted at once
// ({"command": N}) or, when its file has yet to come, fetched first ({"fetching": true}; the outcome is in state()).
Answer use_pretrained(const json& r) {
  const std::string model = r.contains("model") && r["model"].is_string() ? r["model"].get<std::string>() : "";
  if (model != "dense" && model != "conv") return refused("model: expected 'dense' or 'conv', got " + r.value("model", json(nullptr)).dump());
  const ModelKind family = model == "conv" ? ModelKind::Conv : ModelKind::Dense;
  const bool kept = lab().has_pretrained(family);
  if (!app_instance().use_pretrained(family)) return refused("there is no pretrained " + model + " model for this data");
  if (kept) return ok({{"command", lab().commands_sent()}});
  return ok({{"fetching", true}});
}

// `steps` training steps of a fresh model (the seed model, or {model: 'conv', channels, bottleneck}) at `batch` and
// `threads` (run_training_benchmark), on the session's thread. Answers the command's number; benchResult has the
// outcome once it is carried out, with the model it timed and its FLOPs per sample (counted from its layers).
Answer bench(const json& r) {
  Settings settings;
  int steps = 0;
  if (!read_whole(r, "steps", 1, kMaxBenchSteps, 200, steps)) {
    return refused("steps: expected a whole number from 1 to " + std::to_string(kMaxBenchSteps));
  }
  json given = json::object();
  if (r.contains("batch")) given["batchSize"] = r["batch"];
  if (r.contains("threads")) given["threads"] = r["threads"];
  for (const char* key : {"model", "channels", "bottleneck"}) {
    if (r.contains(key)) given[key] = r[key];
  }
  if (Status s = parse_json_settings(given, settings); !s) return refused(s.message());
  return ok(lab().bench(settings.session, steps));
}

Answer bench_result(const json&) {
  const auto snap = lab().latest();
  return ok({{"id", snap->bench_id}, {"samplesPerSec", snap->bench.samples_per_sec}, {"gflops", snap->bench.gflops},
             {"msPerStep", snap->bench.ms_per_step}, {"steps", snap->bench.steps}, {"error", snap->error},
             {"model", snap->bench.model}, {"mflopPerSample", snap->bench.flops_per_sample / 1e6}});
}

Answer weights_file(const json&) {
  return ok({{"name", lab().weights_file_name()}, {"bytes", bytes_answer(lab().weights_file())}});
}

// {format: 'onnx' | 'tfjs', part: 'all' | 'encoder' | 'decoder'}: the Export menu's file.
Answer export_model_file(const json& request) {
  const auto format = parse_export_format(request.value("format", ""));
  const auto part = parse_export_part(request.value("part", "all"));
  if (!format) return refused("format must be 'onnx' or 'tfjs'");
  if (!part) return refused("part must be 'all', 'encoder' or 'decoder'");
  std::string name;
  std::vector<std::uint8_t> bytes;
  if (Status s = lab().export_file(*format, *part, name, bytes); !s) return refused(s.message());
  return ok({{"name", name}, {"bytes", bytes_answer(std::move(bytes))}});
}

//-----------------------------------------------------------------------------------------------------------
// [SECTION] The drawing
//-----------------------------------------------------------------------------------------------------------

// x, y, width, height of the drawing area in the canvas's CSS pixels.
Answer canvas_rect(const json&) { return ok(rect_json(app_instance().canvas_rect())); }

Answer input(const json&) { return ok(lab().canvas_input().pixels); }

Answer latent_code(const json&) {
  lab().refresh_views();  // reflect a change made since the last frame
  return ok(lab().views().canvas_code());
}

Answer reconstruction(const json&) {
  lab().refresh_views();
  return ok(lab().views().canvas_reconstruction());
}

Answer clear_canvas(const json&) {
  lab().drawing().clear();
  return ok(nullptr);
}

Answer undo(const json&) { return ok(lab().drawing().undo()); }

Answer set_brush(const json& r) {
  if (!r.contains("radius") || !r["radius"].is_number()) return refused("radius must be a number");
  lab().drawing().set_brush(r["radius"].get<float>());
  return ok(lab().drawing().brush());
}

// The drawing as the user sees it: Sketch::kSize x kSize coverage bytes (0 paper .. 255 ink), row-major.
Answer drawing_raster(const json&) {
  const auto& raster = lab().drawing().sketch().raster();
  std::vector<std::uint8_t> bytes(raster.size());
  for (std::size_t i = 0; i < raster.size(); ++i) bytes[i] = static_cast<std::uint8_t>(raster[i] * 255.0f + 0.5f);
  return ok({{"size", Sketch::kSize}, {"bytes", bytes_answer(std::move(bytes))}});
}

// The drawing's strokes, for autosave: [{radius, points: [x, y, width, x, y, width, ...]}] in sketch pixels.
Answer drawing_strokes(const json&) {
  json strokes = json::array();
  for (const SketchStroke& s : lab().drawing().sketch().strokes()) {
    json points = json::array();
    for (const SketchPoint& p : s.points) points.insert(points.end(), {p.x, p.y, p.width});
    strokes.push_back({{"radius", s.radius}, {"points", std::move(points)}});
  }
  return ok(strokes);
}

// {strokes: what drawingStrokes gave}: the drawing replaced by them. From storage, so nothing in it is trusted: the
// shape is checked here, each point as a pointer's is (Sketch), and the points in all are capped (Drawing::restore).
Answer restore_drawing(const json& r) {
  if (!r.contains("strokes") || !r["strokes"].is_array()) return refused("strokes must be an array");
  std::vector<SketchStroke> strokes;
  std::size_t total = 0;
  for (const json& s : r["strokes"]) {
    if (!s.is_object() || !s.value("radius", json()).is_number() || !s.value("points", json()).is_array()) {
      return refused("each stroke must be {radius, points}");
    }
    const json& p = s["points"];
    total += p.size() / 3;
    if (p.size() % 3 != 0 || total > Drawing::kMaxRestoredPoints) return refused("a stroke's points are not x, y, width triples, or too many");
    SketchStroke stroke{s["radius"].get<float>(), {}};
    for (std::size_t i = 0; i < p.size(); i += 3) {
      if (!p[i].is_number() || !p[i + 1].is_number() || !p[i + 2].is_number()) return refused("points must be numbers");
      stroke.points.push_back({p[i].get<float>(), p[i + 1].get<float>(), p[i + 2].get<float>()});
    }
    strokes.push_back(std::move(stroke));
  }
  lab().drawing().restore(strokes);
  return ok(lab().drawing().stroke_count());
}

//-----------------------------------------------------------------------------------------------------------
// [SECTION] The latent views (each brings them up to date with the latest weights and the drawing first)
//-----------------------------------------------------------------------------------------------------------

LatentExplorer& explorer() { return lab().explorer(); }

// How well the map, or the codes themselves ({codes: true}; costs count^2 x the code's size), keep the digits'
// classes together: neighbour_agreement over the test digits, 10 neighbours.
json agreement(const LatentExplorer& e, bool codes) {
  std::vector<int> labels(static_cast<std::size_t>(e.map_count()));
  for (int i = 0; i < e.map_count(); ++i) labels[static_cast<std::size_t>(i)] = e.map_label(i);
  json out = {{"neighbourAgreement", neighbour_agreement(e.map_xy().data(), e.map_count(), 2, labels.data())}};
  if (codes) out["codeNeighbourAgreement"] = neighbour_agreement(e.test_code(0), e.map_count(), e.latent_size(), labels.data());
  return out;
}

// {method: 'pca' | 'tsne'} switches the map first; t-SNE then settles over the next frames (`settled`, `iteration`).
Answer map(const json& r) {
  LatentExplorer& e = explorer();
  if (r.contains("method")) {
    const json& m = r["method"];
    if (!m.is_string() || (m != "pca" && m != "tsne")) return refused("method must be 'pca' or 'tsne', got " + m.dump());
    if (m == "tsne" && !e.code_map().tsne_refusal().empty()) return refused(e.code_map().tsne_refusal());
    e.set_map_method(m == "tsne" ? CodeMap::Method::Tsne : CodeMap::Method::Pca);
  }
  const bool tsne = e.code_map().method() == CodeMap::Method::Tsne;
  json points = json::array();
  for (int i = 0; i < e.map_count(); ++i) {
    const auto at = 2 * static_cast<std::size_t>(i);
    points.push_back({{"x", e.map_xy()[at]}, {"y", e.map_xy()[at + 1]}, {"label", e.map_label(i)}, {"index", i}});
  }
  json drawing = nullptr;
  if (e.drawing_on_map()) drawing = {{"x", e.drawing_xy()[0]}, {"y", e.drawing_xy()[1]}};
  const LatentPlane& p = e.plane();
  const CodeSource& source = e.slider_source();
  json out = {{"points", points}, {"drawing", drawing}, {"extent", std::vector<float>(e.extent(), e.extent() + 4)},
              {"explained", p.total_variance > 0 ? (p.variance[0] + p.variance[1]) / p.total_variance : 0.0f},
              {"grid", LatentExplorer::kGrid}, {"rect", rect_json(app_instance().map_rect())},
              {"selected", source.kind == CodeSource::TestDigit ? source.index : -1}, {"method", tsne ? "tsne" : "pca"},
              {"settled", e.code_map().settled()}, {"iteration", e.code_map().iteration()},
              {"iterations", e.code_map().iterations()}};
  out.update(agreement(e, r.contains("codes") && r["codes"].is_boolean() && r["codes"].get<bool>()));
  return ok(out);
}

Answer set_code(const json& r) {
  std::vector<float> code;
  if (std::string why = read_code(r, "values", code); !why.empty()) return refused(why);
  CodeSource s;
  s.kind = CodeSource::Manual;
  s.values = code;
  explorer().set_slider_source(s);
  return ok({{"code", explorer().slider_code()}, {"image", explorer().slider_image()}});
}

Answer decode(const json& r) {
  std::vector<float> code;
  if (std::string why = read_code(r, "values", code); !why.empty()) return refused(why);
  return ok(explorer().decode(code));
}

Answer sliders(const json&) {
  const LatentExplorer& e = explorer();
  return ok({{"code", e.slider_code()}, {"image", e.slider_image()}, {"source", e.slider_source().describe()},
             {"morph", e.morph()}, {"morphImage", e.morph_image()}});
}

Answer interpolate_codes(const json& r) {
  std::vector<float> a, b;
  if (std::string why = read_code(r, "a", a); !why.empty()) return refused(why);
  if (std::string why = read_code(r, "b", b); !why.empty()) return refused(why);
  int steps = 0;
  if (!r.contains("steps") || !read_whole(r, "steps", 2, 64, 0, steps)) return refused("steps must be a whole number from 2 to 64");
  const auto d = static_cast<std::size_t>(explorer().latent_size());
  const std::vector<float> codes = interpolate(a.data(), b.data(), explorer().latent_size(), steps);
  json images = json::array();
  for (std::size_t s = 0; s < static_cast<std::size_t>(steps); ++s) {
    images.push_back(explorer().decode(std::vector<float>(codes.begin() + static_cast<std::ptrdiff_t>(s * d),
                                                          codes.begin() + static_cast<std::ptrdiff_t>((s + 1) * d))));
  }
  return ok(images);
}

Answer neighbours(const json&) {
  json out = json::array();
  for (const Neighbour& n : explorer().neighbours()) {
    out.push_back({{"index", n.index}, {"label", explorer().train_label(n.index)}, {"distance", n.distance}});
  }
  return ok(out);
}

// The drawing as the views show it now, without bringing them up to date first (so it costs nothing while a pass is
// under way): its loss, percentile and nearest training digits' labels; null before the views have a drawing.
Answer drawing_summary(const json&) {
  const LatentExplorer& e = explorer();
  if (!e.ready() || !e.has_drawing()) return ok(nullptr);
  json labels = json::array();
  for (const Neighbour& n : e.neighbours()) labels.push_back(e.train_label(n.index));
  return ok({{"loss", e.drawing_loss()}, {"percentile", e.drawing_percentile()}, {"neighbours", labels}});
}

Answer unusualness(const json&) {
  const LatentExplorer& e = explorer();
  if (!e.has_drawing()) return ok({{"loss", nullptr}, {"percentile", nullptr}});
  return ok({{"loss", e.drawing_loss()}, {"percentile", e.drawing_percentile()}});
}

Answer unit_images(const json& r) {
  const std::string which = r.contains("which") && r["which"].is_string() ? r["which"].get<std::string>() : "";
  if (which != "encoder" && which != "decoder") return refused("say 'encoder' or 'decoder'");
  const bool enc = which == "encoder";
  const auto side = static_cast<std::size_t>(explorer().unit_side());
  return ok(images_json(explorer().unit_images(enc).data(), explorer().unit_count(enc), side * side));
}

// A convolutional model's maps of the drawing after each convolution: [{channels, height, width, values}], values
// channel by channel, `code` marking the code's own maps; [] for a dense model or an empty canvas.
Answer feature_maps(const json&) {
  json out = json::array();
  for (const Autoencoder::FeatureMaps& m : explorer().drawing_maps()) {
    out.push_back({{"channels", m.shape.channels}, {"height", m.shape.height}, {"width", m.shape.width},
                   {"code", m.code}, {"values", m.values}});
  }
  return ok(out);
}

// The Network tab's blocks (network_view.hpp) and what each shows now: {source, blocks: [{title, shape, kind, code,
// variational, layer, values}], hovered: {block, index} | null}. Values: the layer's output for the source (a VAE
// code's: mean, then log-variance); the input block's, the image.
Answer network(const json&) {
  const LatentExplorer& e = explorer();
  if (e.shown_model() == nullptr || e.network_outputs().empty()) return refused("the model has not run yet");
  json blocks = json::array();
  for (const NetworkBlock& b : network_blocks(e.shown_model()->architecture())) {
    const std::vector<float>& values = b.layer < 0 ? e.network_input() : e.network_outputs()[static_cast<std::size_t>(b.layer)];
    const char* kinds[] = {"image", "units", "maps"};
    blocks.push_back({{"title", b.title}, {"shape", b.shape}, {"kind", kinds[b.kind]}, {"code", b.code},
                      {"variational", b.variational}, {"layer", b.layer}, {"values", values}});
  }
  const auto& hover = app_instance().ui().network_hover;
  json hovered = nullptr;
  if (hover.block >= 0) hovered = {{"block", hover.block}, {"index", hover.index}};
  return ok({{"source", e.has_drawing() ? "drawing" : "test digit 0"}, {"blocks", blocks}, {"hovered", hovered}});
}

// The page's autosave (web/autosave.js): save asks the session for a checkpoint file; savedSession gives the newest
// made ({id, bytes}, bytes null before any).
Answer save_session(const json&) { return ok({{"command", lab().save_session()}}); }

Answer saved_session(const json&) {
  std::uint64_t id = 0;
  const auto bytes = lab().saved_session(id);
  return ok({{"id", id}, {"bytes", bytes ? bytes_answer(*bytes) : json(nullptr)}});
}

// The curves as the Training panel charts them: {train, test, trainPenalty, testPenalty}, each [[step, loss], ...].
Answer curves(const json&) {
  const Snapshot& snap = *lab().latest();
  const auto points = [](const std::vector<ChartPoint>& curve) {
    json out = json::array();
    for (const ChartPoint& p : curve) out.push_back({p.step, p.loss});
    return out;
  };
  return ok({{"train", points(snap.train_curve)}, {"test", points(snap.test_curve)},
             {"trainPenalty", points(snap.train_penalty_curve)}, {"testPenalty", points(snap.test_penalty_curve)}});
}

Answer diagnosis(const json&) {
  const TrainingDiagnosis d = lab().diagnosis();
  return ok({{"stalled", d.stalled}, {"collapsed", d.collapsed}, {"message", d.message}});
}

Answer select_tab(const json& r) {
  const std::string tab = r.contains("tab") && r["tab"].is_string() ? r["tab"].get<std::string>() : "";
  const int t = tab_from_name(tab);
  if (t < 0) return refused("no tab " + quote_text(tab, 40) + " (digits, map, sliders, morph, units, network)");
  app_instance().select_tab(t);
  return ok(tab);
}

// Where some controls were last drawn, in the canvas's CSS pixels: {"tab:map": {x, y, width, height}, ...}.
Answer controls(const json&) {
  json out = json::object();
  for (const auto& [name, c] : app_instance().controls()) out[name] = rect_json(c);
  return ok(out);
}

//-----------------------------------------------------------------------------------------------------------
// [SECTION] The table and lc_call
//-----------------------------------------------------------------------------------------------------------

// What a call needs before it can answer: nothing (the page's state and layout), the Lab (the session, the data
// and the drawing, ready once the digits are in), or the latent views brought up to date with the latest weights
// and the drawing.
enum class Needs { Nothing, Lab, Views };

struct Call {
  const char* name;
  Needs needs;
  Answer (*handle)(const json& request);
};

const Call kCalls[] = {
    {"state", Needs::Nothing, state_call},          {"canvasRect", Needs::Nothing, canvas_rect},
    {"controls", Needs::Nothing, controls},         {"setTraining", Needs::Lab, set_training},
    {"step", Needs::Lab, step},                     {"reset", Needs::Lab, reset},
    {"apply", Needs::Lab, apply},                   {"usePretrained", Needs::Lab, use_pretrained},
    {"bench", Needs::Lab, bench},                   {"benchResult", Needs::Lab, bench_result},
    {"weightsFile", Needs::Lab, weights_file},      {"exportModel", Needs::Lab, export_model_file},      {"input", Needs::Lab, input},
    {"latent", Needs::Lab, latent_code},            {"reconstruction", Needs::Lab, reconstruction},
    {"clearCanvas", Needs::Lab, clear_canvas},      {"undo", Needs::Lab, undo},
    {"setBrush", Needs::Lab, set_brush},            {"drawingRaster", Needs::Lab, drawing_raster},
    {"drawingStrokes", Needs::Lab, drawing_strokes},  {"restoreDrawing", Needs::Lab, restore_drawing},
    {"selectTab", Needs::Lab, select_tab},          {"diagnosis", Needs::Lab, diagnosis},
    {"saveSession", Needs::Lab, save_session},      {"savedSession", Needs::Lab, saved_session},
    {"curves", Needs::Lab, curves},
    {"map", Needs::Views, map},                     {"network", Needs::Views, network},
    {"setCode", Needs::Views, set_code},
    {"decode", Needs::Views, decode},               {"sliders", Needs::Views, sliders},
    {"interpolate", Needs::Views, interpolate_codes}, {"neighbours", Needs::Views, neighbours},
    {"unusualness", Needs::Views, unusualness},     {"unitImages", Needs::Views, unit_images},
    {"featureMaps", Needs::Views, feature_maps},   {"drawingSummary", Needs::Lab, drawing_summary},
};

Answer answer(const json& request) {
  if (!request.is_object() || !request.contains("call") || !request["call"].is_string()) {
    return refused("a request is an object with a call name");
  }
  const std::string name = request["call"];
  const auto* call = std::find_if(std::begin(kCalls), std::end(kCalls), [&](const Call& c) { return name == c.name; });
  if (call == std::end(kCalls)) return refused("no call " + quote_text(name, 40));
  if (call->needs != Needs::Nothing && !lab().ready()) return refused("the page is still loading");
  if (call->needs == Needs::Views) {
    lab().complete_explorer();
    if (!explorer().ready()) return refused("the latent views are not ready yet");
  }
  return call->handle(request);
}

std::string g_answer;  // lc_call's answer, valid until the next call

}  // namespace

}  // namespace latent

extern "C" {

// One request of the script API (JSON text) and its answer: {"ok": ...} or {"error": "..."}.
EMSCRIPTEN_KEEPALIVE const char* lc_call(const char* request) {
  using namespace latent;
  const Answer a = answer(json::parse(request, nullptr, false));
  const json out = a.error.empty() ? json{{"ok", a.result}} : json{{"error", a.error}};
  g_answer = out.dump(-1, ' ', false, json::error_handler_t::replace);  // names from files may not be UTF-8
  return g_answer.c_str();
}

// A saved session (checkpoint.hpp) from the page's storage, in place of the model: {"ok": {"command": n}} once it is
// decoded and handed to the session, or {"error": "<name>: why"} (then nothing changed).
EMSCRIPTEN_KEEPALIVE const char* lc_restore(const std::uint8_t* bytes, int length, const char* name) {
  using namespace latent;
  std::uint64_t command = 0;
  const Status s = app_instance().lab().restore_session({bytes, static_cast<std::size_t>(std::max(length, 0))}, name, command);
  const json out = s ? json{{"ok", {{"command", command}}}} : json{{"error", s.message()}};
  g_answer = out.dump(-1, ' ', false, json::error_handler_t::replace);
  return g_answer.c_str();
}

}  // extern "C"
