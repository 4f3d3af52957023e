// Saved sessions (see checkpoint.hpp).
#include "core/checkpoint.hpp"

#include <cmath>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/safetensors.hpp"
#include "core/settings_schema.hpp"

namespace latent {

namespace {

using json = nlohmann::json;

constexpr char kMagic[8] = {'L', 'C', 'C', 'K', 'P', 'T', 0, 1};
constexpr int kVersion = 1;
constexpr std::uint64_t kMaxOrder = 1u << 24;

void put_u64(std::vector<std::uint8_t>& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

template <class T> void put_array(std::vector<std::uint8_t>& out, const T* values, std::size_t count) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(values);
  out.insert(out.end(), bytes, bytes + count * sizeof(T));
}

json number_or_null(float v) { return std::isfinite(v) ? json(v) : json(nullptr); }

json curve_json(const std::vector<ChartPoint>& curve) {
  json out = json::array();
  for (const ChartPoint& p : curve) out.push_back({p.step, number_or_null(p.loss)});
  return out;
}

json evaluation_json(const Evaluation& e) {
  return {{"reconstruction", number_or_null(e.reconstruction)}, {"l1", number_or_null(e.l1)}, {"kl", number_or_null(e.kl)},
          {"near_zero", number_or_null(e.near_zero)}};
}

// The settings a session may be given back: every row the script API spells and the settings' variant and model own.
json settings_json(const SessionSettings& session) {
  const Settings settings{session, DataKind::Mnist, {}};
  json out = json::object();
  for (const SettingRow& row : settings_schema()) {
    if (row.json != nullptr && row.owner.owns(settings)) out[row.json] = setting_text(row, row.get(settings));
  }
  return out;
}

json header_json(const SessionCheckpoint& c) {
  const TrainerState& t = c.trainer;
  const TrainerProgress& p = t.progress;
  json rng = json::array();
  for (const std::uint64_t word : t.rng) {
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(word));
    rng.push_back(hex);
  }
  json epochs = json::array();
  for (const EpochRecord& e : c.epochs) {
    epochs.push_back({{"epoch", e.epoch}, {"train_loss", number_or_null(e.train_loss)}, {"test_loss", number_or_null(e.test_loss)},
                      {"test", evaluation_json(e.test)}, {"samples", e.samples}, {"train_seconds", e.train_seconds},
                      {"seconds", e.seconds}});
  }
  return {{"format", "latent-canvas-checkpoint"}, {"version", kVersion}, {"settings", settings_json(c.settings)},
          {"origin", c.origin}, {"inherited_training", c.inherited_training}, {"optimizer_steps", t.optimizer.t},
          {"rng", rng}, {"epoch", p.epoch}, {"batch", p.batch}, {"steps", p.steps}, {"samples", p.samples},
          {"epoch_loss_sum", p.epoch_loss_sum}, {"epoch_reconstruction_sum", p.epoch_reconstruction_sum},
          {"epoch_samples", p.epoch_samples}, {"last_batch_loss", number_or_null(p.last_batch_loss)},
          {"train_loss", number_or_null(c.train_loss)}, {"train_reconstruction", number_or_null(c.train_reconstruction)},
          {"test_loss", number_or_null(c.test_loss)}, {"test", evaluation_json(c.test)},
          {"curves", {{"train", curve_json(c.train_curve)}, {"test", curve_json(c.test_curve)},
                      {"train_penalty", curve_json(c.train_penalty_curve)}, {"test_penalty", curve_json(c.test_penalty_curve)}}},
          {"curve_stride", c.curve_stride}, {"smoothed_loss", number_or_null(c.smoothed_loss)},
          {"smoothed_penalty", number_or_null(c.smoothed_penalty)},
          {"first_reconstruction", number_or_null(c.first_reconstruction)}, {"epochs", epochs},
          {"moments", t.optimizer.m.size()}, {"order", t.order.size()}};
}

}  // namespace

std::vector<std::uint8_t> encode_checkpoint(const SessionCheckpoint& c) {
  std::vector<std::uint8_t> out(kMagic, kMagic + sizeof kMagic);
  const std::string header = header_json(c).dump();
  put_u64(out, header.size());
  out.insert(out.end(), header.begin(), header.end());
  Autoencoder model(c.settings.architecture());
  std::copy(c.trainer.parameters.begin(), c.trainer.parameters.end(), model.parameters().begin());
  const std::vector<std::uint8_t> weights = encode_safetensors(model);
  put_u64(out, weights.size());
  out.insert(out.end(), weights.begin(), weights.end());
  const TrainerState& t = c.trainer;
  put_u64(out, (t.optimizer.m.size() + t.optimizer.v.size() + t.order.size()) * 4);
  put_array(out, t.optimizer.m.data(), t.optimizer.m.size());
  put_array(out, t.optimizer.v.data(), t.optimizer.v.size());
  put_array(out, t.order.data(), t.order.size());
  return out;
}

namespace {

// Reading, with one message per thing wrong. Each reader leaves its value alone and says why on a refusal.
struct Reader {
  std::span<const std::uint8_t> bytes;
  std::size_t at = 0;
  std::string name;

  Status fail(const std::string& what) const { return Status::error(name + ": " + what); }
  // The next part: its 8-byte length, then that many bytes (no more than `limit`, and no more than are left).
  Status part(const char* what, std::uint64_t limit, std::span<const std::uint8_t>& out) {
    if (bytes.size() - at < 8) return fail(std::string("ends before the ") + what);
    std::uint64_t length = 0;
    for (int i = 0; i < 8; ++i) length |= static_cast<std::uint64_t>(bytes[at + static_cast<std::size_t>(i)]) << (8 * i);
    at += 8;
    if (length > limit) return fail(std::string("the ") + what + " is larger than allowed (" + std::to_string(length) + " bytes)");
    if (length > bytes.size() - at) return fail(std::string("the ") + what + " runs past the end (it is cut short)");
    out = bytes.subspan(at, static_cast<std::size_t>(length));
    at += static_cast<std::size_t>(length);
    return Status::ok();
  }
};

// A JSON field of the header, typed: a missing key or a wrong type is refused with the key's name.
struct Fields {
  const json& object;
  const Reader& reader;
  Status status = Status::ok();

  const json* field(const char* key) {
    if (!status) return nullptr;
    const auto it = object.find(key);
    if (it == object.end()) {
      status = reader.fail(std::string("the header has no '") + key + "'");
      return nullptr;
    }
    return &*it;
  }
  template <class T> void whole(const char* key, T& out, T lo, T hi) {
    const json* v = field(key);
    if (v == nullptr) return;
    if (!v->is_number_integer() || v->get<std::int64_t>() < static_cast<std::int64_t>(lo) ||
        v->get<std::int64_t>() > static_cast<std::int64_t>(hi)) {
      status = reader.fail(std::string("'") + key + "' is not a whole number in range");
      return;
    }
    out = static_cast<T>(v->get<std::int64_t>());
  }
  template <class T> void number(const char* key, T& out) {  // null: NaN (a loss not known yet)
    const json* v = field(key);
    if (v == nullptr) return;
    if (v->is_null()) {
      out = std::numeric_limits<T>::quiet_NaN();
    } else if (v->is_number()) {
      out = static_cast<T>(v->get<double>());
    } else {
      status = reader.fail(std::string("'") + key + "' is not a number");
    }
  }
  void text(const char* key, std::string& out) {
    const json* v = field(key);
    if (v == nullptr) return;
    if (!v->is_string() || v->get_ref<const std::string&>().size() > 1000) {
      status = reader.fail(std::string("'") + key + "' is not a short text");
      return;
    }
    out = v->get<std::string>();
  }
  // A nested value, read by `read` (which returns its Status) once everything before it has been read.
  template <class Read> void nested(const char* key, Read read) {
    const json* v = field(key);
    if (v != nullptr) status = read(*v);
  }
  void flag(const char* key, bool& out) {
    const json* v = field(key);
    if (v == nullptr) return;
    if (!v->is_boolean()) {
      status = reader.fail(std::string("'") + key + "' is not true or false");
      return;
    }
    out = v->get<bool>();
  }
};

Status read_evaluation(const json& object, const Reader& reader, Evaluation& e) {
  if (!object.is_object()) return reader.fail("an evaluation is not an object");
  Fields f{object, reader};
  f.number("reconstruction", e.reconstruction);
  f.number("l1", e.l1);
  f.number("kl", e.kl);
  f.number("near_zero", e.near_zero);
  return f.status;
}

Status read_curve(const json& curves, const char* key, const Reader& reader, std::vector<ChartPoint>& out) {
  const auto it = curves.find(key);
  if (it == curves.end() || !it->is_array() || it->size() > kMaxCurvePoints) {
    return reader.fail(std::string("the curve '") + key + "' is missing or too long");
  }
  for (const json& p : *it) {
    if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !(p[1].is_number() || p[1].is_null())) {
      return reader.fail(std::string("a point of the curve '") + key + "' is not [step, loss]");
    }
    out.push_back({p[0].get<double>(), p[1].is_null() ? std::numeric_limits<float>::quiet_NaN() : p[1].get<float>()});
  }
  return Status::ok();
}

Status read_curves(const json& curves, const Reader& reader, SessionCheckpoint& c) {
  if (!curves.is_object()) return reader.fail("'curves' is not an object");
  for (const auto& [key, out] : {std::pair{"train", &c.train_curve}, std::pair{"test", &c.test_curve},
                                 std::pair{"train_penalty", &c.train_penalty_curve}, std::pair{"test_penalty", &c.test_penalty_curve}}) {
    if (Status s = read_curve(curves, key, reader, *out); !s) return s;
  }
  return Status::ok();
}

Status read_epochs(const json& list, const Reader& reader, std::vector<EpochRecord>& out) {
  if (!list.is_array() || list.size() > static_cast<std::size_t>(SessionSettings::kMaxEpochs)) {
    return reader.fail("'epochs' is not a list of epoch records");
  }
  for (const json& e : list) {
    if (!e.is_object()) return reader.fail("an epoch record is not an object");
    EpochRecord r;
    Fields f{e, reader};
    f.whole("epoch", r.epoch, 0, SessionSettings::kMaxEpochs);
    f.number("train_loss", r.train_loss);
    f.number("test_loss", r.test_loss);
    f.whole("samples", r.samples, std::int64_t{0}, std::int64_t{1} << 53);
    f.number("train_seconds", r.train_seconds);
    f.number("seconds", r.seconds);
    f.nested("test", [&](const json& t) { return read_evaluation(t, reader, r.test); });
    if (!f.status) return f.status;
    out.push_back(r);
  }
  return Status::ok();
}

Status read_settings(const json& object, const Reader& reader, SessionSettings& out) {
  if (!object.is_object()) return reader.fail("'settings' is not an object");
  GivenSettings given;
  for (const auto& [key, value] : object.items()) {
    const SettingRow* row = find_setting(Surface::Json, key);
    if (row == nullptr) return reader.fail("unknown setting '" + key.substr(0, 40) + "'");
    if (!value.is_string()) return reader.fail("the setting '" + key + "' is not text");
    given.emplace_back(row, value.get<std::string>());
  }
  Settings settings;
  if (Status s = apply_settings(given, settings); !s) return reader.fail(s.message());
  out = settings.session;
  return Status::ok();
}

Status read_rng(const json& list, const Reader& reader, Rng::State& out) {
  if (!list.is_array() || list.size() != 4) return reader.fail("'rng' is not four words");
  for (std::size_t i = 0; i < 4; ++i) {
    if (!list[i].is_string() || list[i].get_ref<const std::string&>().size() != 16) return reader.fail("'rng' is not four words");
    char* end = nullptr;
    const std::string& hex = list[i].get_ref<const std::string&>();
    out[i] = std::strtoull(hex.c_str(), &end, 16);
    if (end != hex.c_str() + 16) return reader.fail("'rng' is not four words");
  }
  return Status::ok();
}

// Where the trainer was: its counters, the epoch's sums and the optimizer's step count.
void read_trainer_fields(Fields& f, TrainerState& t) {
  constexpr std::int64_t kBig = std::int64_t{1} << 53;
  TrainerProgress& p = t.progress;
  f.whole("optimizer_steps", t.optimizer.t, std::int64_t{0}, kBig);
  f.whole("epoch", p.epoch, 0, SessionSettings::kMaxEpochs);
  f.whole("batch", p.batch, 0, 1 << 30);
  f.whole("steps", p.steps, std::int64_t{0}, kBig);
  f.whole("samples", p.samples, std::int64_t{0}, kBig);
  f.number("epoch_loss_sum", p.epoch_loss_sum);
  f.number("epoch_reconstruction_sum", p.epoch_reconstruction_sum);
  f.whole("epoch_samples", p.epoch_samples, std::int64_t{0}, kBig);
  f.number("last_batch_loss", p.last_batch_loss);
}

// The session's own values: where the weights came from, the losses, the curves' smoothing.
void read_session_fields(Fields& f, SessionCheckpoint& c) {
  f.text("origin", c.origin);
  f.flag("inherited_training", c.inherited_training);
  f.number("train_loss", c.train_loss);
  f.number("train_reconstruction", c.train_reconstruction);
  f.number("test_loss", c.test_loss);
  f.whole("curve_stride", c.curve_stride, 1, 1 << 30);
  f.number("smoothed_loss", c.smoothed_loss);
  f.number("smoothed_penalty", c.smoothed_penalty);
  f.number("first_reconstruction", c.first_reconstruction);
}

Status read_header(const json& h, const Reader& reader, SessionCheckpoint& c, std::uint64_t& moments, std::uint64_t& order) {
  const auto format = h.is_object() ? h.find("format") : h.end();
  if (!h.is_object() || format == h.end() || *format != "latent-canvas-checkpoint") return reader.fail("not a Latent Canvas checkpoint");
  const auto version = h.find("version");
  if (version == h.end() || *version != kVersion) return reader.fail("a checkpoint of another version (this build reads version 1)");
  Fields f{h, reader};
  read_trainer_fields(f, c.trainer);
  read_session_fields(f, c);
  f.whole("moments", moments, std::uint64_t{0}, std::uint64_t{1} << 40);
  f.whole("order", order, std::uint64_t{0}, kMaxOrder);
  f.nested("settings", [&](const json& v) { return read_settings(v, reader, c.settings); });
  f.nested("rng", [&](const json& v) { return read_rng(v, reader, c.trainer.rng); });
  f.nested("test", [&](const json& v) { return read_evaluation(v, reader, c.test); });
  f.nested("epochs", [&](const json& v) { return read_epochs(v, reader, c.epochs); });
  f.nested("curves", [&](const json& v) { return read_curves(v, reader, c); });
  return f.status;
}

template <class T> void take_array(std::span<const std::uint8_t> bytes, std::size_t first, std::size_t count, T& out) {
  out.resize(count);
  std::memcpy(out.data(), bytes.data() + first, count * 4);
}

}  // namespace

Status decode_checkpoint(std::span<const std::uint8_t> bytes, const std::string& name, SessionCheckpoint& out,
                         std::uint64_t memory_budget) {
  Reader reader{bytes, 0, name};
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    return reader.fail("not a Latent Canvas checkpoint (no LCCKPT signature)");
  }
  reader.at = sizeof kMagic;
  std::span<const std::uint8_t> header_bytes, weight_bytes, arrays;
  if (Status s = reader.part("header", kMaxCheckpointHeader, header_bytes); !s) return s;
  if (Status s = reader.part("weights", ~std::uint64_t{0}, weight_bytes); !s) return s;
  if (Status s = reader.part("optimizer and order", ~std::uint64_t{0}, arrays); !s) return s;
  if (reader.at != bytes.size()) return reader.fail("has bytes after its last part");
  const json header = json::parse(header_bytes.begin(), header_bytes.end(), nullptr, false);
  if (header.is_discarded()) return reader.fail("the header is not JSON");
  SessionCheckpoint c;
  std::uint64_t moments = 0, order = 0;
  if (Status s = read_header(header, reader, c, moments, order); !s) return s;
  std::unique_ptr<Autoencoder> model;
  if (Status s = decode_safetensors(weight_bytes, name + " (its weights)", model, nullptr, memory_budget); !s) return s;
  if (!(model->architecture() == c.settings.architecture())) {
    return reader.fail("its weights are a " + model->architecture().describe() + " model; its settings say " +
                       c.settings.architecture().describe());
  }
  const std::size_t n = model->parameters().size();
  if (moments != 0 && moments != n) return reader.fail("its optimizer's moments do not match the weights");
  if (arrays.size() != (2 * moments + order) * 4) return reader.fail("its optimizer and order part has the wrong length");
  c.trainer.parameters.assign(model->parameters().begin(), model->parameters().end());
  take_array(arrays, 0, static_cast<std::size_t>(moments), c.trainer.optimizer.m);
  take_array(arrays, static_cast<std::size_t>(moments) * 4, static_cast<std::size_t>(moments), c.trainer.optimizer.v);
  take_array(arrays, static_cast<std::size_t>(moments) * 8, static_cast<std::size_t>(order), c.trainer.order);
  out = std::move(c);
  return Status::ok();
}

}  // namespace latent
