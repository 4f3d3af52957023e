// The settings schema (see settings_schema.hpp): the table, then the parsers and writers that read it.
//
// [SECTION] The table
// [SECTION] One row: parse, write, check
// [SECTION] Many rows: apply_settings
// [SECTION] The link
// [SECTION] The script API's JSON
// [SECTION] The command line's usage text
#include "core/settings_schema.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>

#include "core/format.hpp"

namespace latent {

//-----------------------------------------------------------------------------------------------------------
// [SECTION] The table
//-----------------------------------------------------------------------------------------------------------

namespace {

constexpr const char* kActivations[] = {"relu", "sigmoid", "tanh", "linear", nullptr};  // enum Activation's order
constexpr const char* kLosses[] = {"bce", "mse", nullptr};
constexpr const char* kOptimizers[] = {"adam", "sgd", nullptr};
constexpr const char* kVariants[] = {"plain", "denoising", "sparse", "vae", nullptr};
constexpr const char* kNoises[] = {"gaussian", "mask", nullptr};
constexpr const char* kModels[] = {"dense", "conv", nullptr};  // enum ModelKind's order
constexpr const char* kDataSets[] = {"mnist", "fashion", nullptr};  // a person's own files cannot be linked
constexpr const char* kControls[] = {"all", "none", nullptr};

constexpr double kMaxSeed = 9007199254740991.0;  // 2^53 - 1: the largest whole number a double (JavaScript) holds

SettingValue number(double v) { return {v, 0, {}}; }
SettingValue choice(int i) { return {0, i, {}}; }
int whole(const SettingValue& v) { return static_cast<int>(v.number); }
float decimal(const SettingValue& v) { return static_cast<float>(v.number); }

const SettingRow kRows[] = {
    {"model", "--model", "model", "model", SettingType::Choice, 0, 0, kModels, std::nullopt, {},
     "the layers: dense, or convolutional (conv: the Keras article's convolutional autoencoder)",
     [](const Settings& s) { return choice(static_cast<int>(s.session.shape.kind)); },
     [](Settings& s, const SettingValue& v) { s.session.shape.kind = static_cast<ModelKind>(v.choice); }},
    {"latent", "--latent", "latent", "latent size", SettingType::Whole, ModelShape::kMinLatent, ModelShape::kMaxLatent,
     nullptr, ModelKind::Dense, {ModelShape::kMinLatent, ModelShape::kMaxLatent, true},
     "how many numbers each image is squeezed into (the code)",
     [](const Settings& s) { return number(s.session.shape.latent); },
     [](Settings& s, const SettingValue& v) { s.session.shape.latent = whole(v); }},
    {"hidden", "--hidden", "hidden", "hidden layers", SettingType::Widths, 1, ModelShape::kMaxWidth, nullptr,
     ModelKind::Dense, {}, "widths of the layers between the pixels and the code, mirrored in the decoder",
     [](const Settings& s) { return SettingValue{0, 0, s.session.shape.hidden}; },
     [](Settings& s, const SettingValue& v) { s.session.shape.hidden = v.widths; }},
    {"channels", "--channels", "channels", "channels", SettingType::Channels, 1, ModelShape::kMaxChannels, nullptr,
     ModelKind::Conv, {}, "filters in each convolutional block (3x3 convolution, 2x2 max pool), mirrored in the decoder",
     [](const Settings& s) { return SettingValue{0, 0, s.session.shape.channels}; },
     [](Settings& s, const SettingValue& v) { s.session.shape.channels = v.widths; }},
    {"bottleneck", "--bottleneck", "bottleneck", "bottleneck", SettingType::Whole, 0, ModelShape::kMaxLatent, nullptr,
     ModelKind::Conv, {0, ModelShape::kMaxLatent, false},
     "0: the pooled maps are the code; N: a dense code of N numbers between them (a VAE needs one)",
     [](const Settings& s) { return number(s.session.shape.bottleneck); },
     [](Settings& s, const SettingValue& v) { s.session.shape.bottleneck = whole(v); }},
    {"activation", "--activation", "activation", "activation", SettingType::Choice, 0, 0, kActivations, std::nullopt,
     {}, "the activation of every layer but the output (a sigmoid)",
     [](const Settings& s) { return choice(static_cast<int>(s.session.shape.activation)); },
     [](Settings& s, const SettingValue& v) { s.session.shape.activation = static_cast<Activation>(v.choice); }},
    {"lr", "--lr", "learningRate", "learning rate", SettingType::Number, 1e-6, 10, nullptr, std::nullopt,
     {1e-4, 1e-1, true}, "the optimizer's step size",
     [](const Settings& s) { return number(s.session.optimizer.learning_rate); },
     [](Settings& s, const SettingValue& v) { s.session.optimizer.learning_rate = decimal(v); }},
    {"batch", "--batch", "batchSize", "batch size", SettingType::Whole, 1, TrainConfig::kMaxBatch, nullptr,
     std::nullopt, {16, 1024, true}, "images per training step",
     [](const Settings& s) { return number(s.session.batch_size); },
     [](Settings& s, const SettingValue& v) { s.session.batch_size = whole(v); }},
    {"epochs", "--epochs", "targetEpochs", "epoch target", SettingType::Whole, 1, SessionSettings::kMaxEpochs, nullptr,
     std::nullopt, {1, 200, false}, "passes over the training set before training stops",
     [](const Settings& s) { return number(s.session.target_epochs); },
     [](Settings& s, const SettingValue& v) { s.session.target_epochs = whole(v); }},
    {nullptr, nullptr, "stepsPerSecond", "steps per second", SettingType::Whole, 0, SessionSettings::kMaxStepsPerSecond,
     nullptr, std::nullopt, {0, SessionSettings::kMaxStepsPerSecond, false},
     "slow motion: 0 trains as fast as it can; 1 to 50 steps a second, to watch each step change the views (not in links)",
     [](const Settings& s) { return number(s.session.steps_per_second); },
     [](Settings& s, const SettingValue& v) { s.session.steps_per_second = whole(v); }},
    {"seed", "--seed", "seed", "seed", SettingType::Whole, 0, kMaxSeed, nullptr, std::nullopt, {0, 2147483647, false},
     "draws a new model's random weights, the batch order and the noise",
     [](const Settings& s) { return number(static_cast<double>(s.session.seed)); },
     [](Settings& s, const SettingValue& v) { s.session.seed = static_cast<std::uint64_t>(v.number); }},
    {nullptr, "--threads", "threads", "thread count", SettingType::Whole, 1, TrainConfig::kMaxThreads, nullptr,
     std::nullopt, {1, TrainConfig::kMaxThreads, false}, "threads that share each training step (not in links: the machine's)",
     [](const Settings& s) { return number(s.session.threads); },
     [](Settings& s, const SettingValue& v) { s.session.threads = whole(v); }},
    {nullptr, "--loss", nullptr, "loss", SettingType::Choice, 0, 0, kLosses, std::nullopt, {},
     "the reconstruction loss: binary cross-entropy or mean squared error",
     [](const Settings& s) { return choice(static_cast<int>(s.session.loss)); },
     [](Settings& s, const SettingValue& v) { s.session.loss = static_cast<Loss>(v.choice); }},
    {nullptr, "--optimizer", nullptr, "optimizer", SettingType::Choice, 0, 0, kOptimizers, std::nullopt, {},
     "Adam (Keras' betas and epsilon) or plain SGD",
     [](const Settings& s) { return choice(static_cast<int>(s.session.optimizer.kind)); },
     [](Settings& s, const SettingValue& v) { s.session.optimizer.kind = static_cast<OptimizerKind>(v.choice); }},
    {"variant", "--variant", "variant", "variant", SettingType::Choice, 0, 0, kVariants, std::nullopt, {},
     "the autoencoder: plain, denoising, sparse or variational (vae)",
     [](const Settings& s) { return choice(static_cast<int>(s.session.objective.variant)); },
     [](Settings& s, const SettingValue& v) { s.session.objective.variant = static_cast<Variant>(v.choice); }},
    {"noise", "--noise", "noise", "noise", SettingType::Choice, 0, 0, kNoises, Variant::Denoising, {},
     "the denoiser's noise: Gaussian, or masking (zeroed pixels)",
     [](const Settings& s) { return choice(static_cast<int>(s.session.objective.noise)); },
     [](Settings& s, const SettingValue& v) { s.session.objective.noise = static_cast<Noise>(v.choice); }},
    {"level", "--noise-level", "noiseLevel", "noise level", SettingType::Number, 0, Objective::kMaxNoiseLevel, nullptr,
     Variant::Denoising, {0, 1, false}, "Gaussian: the noise's standard deviation; mask: the share of pixels zeroed",
     [](const Settings& s) { return number(s.session.objective.noise_level); },
     [](Settings& s, const SettingValue& v) { s.session.objective.noise_level = decimal(v); }},
    {"sparsity", "--sparsity", "sparsity", "sparsity", SettingType::Number, 0, Objective::kMaxSparsity, nullptr,
     Variant::Sparse, {1e-6, 1e-1, true}, "the weight of the L1 penalty on the code",
     [](const Settings& s) { return number(s.session.objective.sparsity); },
     [](Settings& s, const SettingValue& v) { s.session.objective.sparsity = decimal(v); }},
    {"beta", "--beta", "beta", "beta", SettingType::Number, 0, Objective::kMaxBeta, nullptr, Variant::Variational,
     {0, 4, false}, "the weight of the KL term",
     [](const Settings& s) { return number(s.session.objective.beta); },
     [](Settings& s, const SettingValue& v) { s.session.objective.beta = decimal(v); }},
    {"data", nullptr, nullptr, "data", SettingType::Choice, 0, 0, kDataSets, std::nullopt, {},
     "the data set: the bundled MNIST digits, or Fashion-MNIST",
     [](const Settings& s) { return choice(s.data == DataKind::Fashion ? 1 : 0); },
     [](Settings& s, const SettingValue& v) { s.data = v.choice == 1 ? DataKind::Fashion : DataKind::Mnist; }},
    {"embed", nullptr, nullptr, "embedded views", SettingType::Names, 0, 0, kEmbedViews, std::nullopt, {},
     "only these views, filling the page (for an iframe): draw, train, and the tabs digits, map, sliders, morph, units, network",
     [](const Settings& s) { return number(s.page.embed); },
     [](Settings& s, const SettingValue& v) { s.page.embed = static_cast<std::uint32_t>(v.number); }},
    {"controls", nullptr, nullptr, "controls", SettingType::Choice, 0, 0, kControls, std::nullopt, {},
     "none hides the buttons for files, the tour and the link, for a page embedded in a lesson",
     [](const Settings& s) { return choice(s.page.controls ? 0 : 1); },
     [](Settings& s, const SettingValue& v) { s.page.controls = v.choice == 0; }},
};

// A range's end: whole numbers in full ("65536", "9007199254740991"), others as "%g" does ("1e-06").
std::string bound_text(double v) {
  if (v == std::floor(v) && std::abs(v) <= kMaxSeed) return std::to_string(static_cast<long long>(v));
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

int choice_count(const SettingRow& row) {
  int n = 0;
  while (row.choices[n] != nullptr) ++n;
  return n;
}

}  // namespace

std::span<const SettingRow> settings_schema() { return kRows; }

std::string SettingOwner::name() const {
  if (variant) return std::string("variant ") + to_string(*variant);
  if (model) return std::string("model ") + to_string(*model);
  return "";
}

const char* spelling(const SettingRow& row, Surface surface) {
  switch (surface) {
    case Surface::Link: return row.key;
    case Surface::Cli: return row.flag;
    case Surface::Json: return row.json;
  }
  return nullptr;
}

const SettingRow* find_setting(Surface surface, std::string_view name) {
  for (const SettingRow& row : kRows) {
    const char* s = spelling(row, surface);
    if (s != nullptr && name == s) return &row;
  }
  return nullptr;
}

const SettingRow& setting(std::string_view key) {
  const SettingRow* row = find_setting(Surface::Link, key);
  if (row == nullptr) row = find_setting(Surface::Cli, "--" + std::string(key));
  if (row == nullptr) row = find_setting(Surface::Json, key);
  return *row;  // the callers name rows that exist (tested)
}

//-----------------------------------------------------------------------------------------------------------
// [SECTION] One row: parse, write, check
//-----------------------------------------------------------------------------------------------------------

std::string accepted(const SettingRow& row) {
  switch (row.type) {
    case SettingType::Whole: return "a whole number from " + bound_text(row.lo) + " to " + bound_text(row.hi);
    case SettingType::Number: return "a number from " + bound_text(row.lo) + " to " + bound_text(row.hi);
    case SettingType::Choice: {
      const int n = choice_count(row);
      std::string text;
      for (int i = 0; i < n; ++i) text += std::string(i == 0 ? "" : i + 1 == n ? " or " : ", ") + row.choices[i];
      return text;
    }
    case SettingType::Channels:
      return "1 to " + std::to_string(ModelShape::kMaxConvBlocks) + " counts from " + bound_text(row.lo) + " to " +
             bound_text(row.hi) + ", comma-separated (like 16,8,8)";
    case SettingType::Widths:
      return "up to " + std::to_string(ModelShape::kMaxHiddenLayers) + " widths from " + bound_text(row.lo) + " to " +
             bound_text(row.hi) + ", comma-separated (like 128,64; empty for none)";
    case SettingType::Names: {
      std::string text;
      for (int i = 0; row.choices[i] != nullptr; ++i) text += std::string(i == 0 ? "" : ", ") + row.choices[i];
      return "some of " + text + ", comma-separated (empty for all)";
    }
  }
  return "";
}

Status refusal(const SettingRow& row, std::string_view text) {
  return Status::error(std::string(row.label) + ": expected " + accepted(row) + ", got " + quote_text(text, 40));
}

namespace {

bool parse_whole(std::string_view text, double lo, double hi, double& out) {
  long long v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return false;
  const auto d = static_cast<double>(v);
  if (d < lo || d > hi) return false;
  out = d;
  return true;
}

// A decimal number, compared with the range as the float it is stored as. strtod (Emscripten's library has no
// from_chars for double), on digits, '.', 'e' and signs only (no "inf", "nan" or hex).
bool parse_decimal(std::string_view text, double lo, double hi, double& out) {
  const std::string digits(text);
  if (digits.empty() || digits.find_first_not_of("0123456789.eE+-") != std::string::npos) return false;
  char* end = nullptr;
  const auto v = static_cast<float>(std::strtod(digits.c_str(), &end));
  if (end != digits.c_str() + digits.size() || !std::isfinite(v)) return false;
  if (v < static_cast<float>(lo) || v > static_cast<float>(hi)) return false;
  out = v;
  return true;
}

bool parse_widths(std::string_view text, double lo, double hi, std::vector<int>& out);

bool parse_channels(std::string_view text, double lo, double hi, std::vector<int>& out) {
  std::vector<int> channels;
  if (text.empty() || !parse_widths(text, lo, hi, channels)) return false;
  if (channels.size() > static_cast<std::size_t>(ModelShape::kMaxConvBlocks)) return false;
  out = std::move(channels);
  return true;
}

bool parse_widths(std::string_view text, double lo, double hi, std::vector<int>& out) {
  std::vector<int> widths;
  for (std::size_t start = 0; !text.empty() && start <= text.size();) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    double w = 0;
    if (!parse_whole(text.substr(start, comma - start), lo, hi, w)) return false;
    widths.push_back(static_cast<int>(w));
    start = comma + 1;
  }
  if (widths.size() > static_cast<std::size_t>(ModelShape::kMaxHiddenLayers)) return false;
  out = std::move(widths);
  return true;
}

bool parse_choice(const SettingRow& row, std::string_view text, int& out) {
  for (int i = 0; row.choices[i] != nullptr; ++i) {
    if (text == row.choices[i]) {
      out = i;
      return true;
    }
  }
  return false;
}

// "draw,map": each name once; a bit per name. "" is none (for embed: the whole page).
bool parse_names(const SettingRow& row, std::string_view text, double& out) {
  std::uint32_t bits = 0;
  for (std::size_t start = 0; !text.empty() && start <= text.size();) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    int i = 0;
    if (!parse_choice(row, text.substr(start, comma - start), i) || (bits >> i & 1u) != 0) return false;
    bits |= 1u << i;
    start = comma + 1;
  }
  out = bits;
  return true;
}

bool parse_value(const SettingRow& row, std::string_view text, SettingValue& value) {
  switch (row.type) {
    case SettingType::Whole: return parse_whole(text, row.lo, row.hi, value.number);
    case SettingType::Number: return parse_decimal(text, row.lo, row.hi, value.number);
    case SettingType::Choice: return parse_choice(row, text, value.choice);
    case SettingType::Widths: return parse_widths(text, row.lo, row.hi, value.widths);
    case SettingType::Channels: return parse_channels(text, row.lo, row.hi, value.widths);
    case SettingType::Names: return parse_names(row, text, value.number);
  }
  return false;
}

}  // namespace

Status parse_setting(const SettingRow& row, std::string_view text, SettingValue& value) {
  SettingValue parsed;
  if (!parse_value(row, text, parsed)) return refusal(row, text);
  value = std::move(parsed);
  return Status::ok();
}

std::string setting_text(const SettingRow& row, const SettingValue& value) {
  switch (row.type) {
    case SettingType::Whole: return std::to_string(static_cast<long long>(value.number));
    case SettingType::Number: return float_text(static_cast<float>(value.number));
    case SettingType::Choice:
      return value.choice >= 0 && value.choice < choice_count(row) ? row.choices[value.choice] : "?";
    case SettingType::Names: {
      std::string text;
      for (int i = 0; i < choice_count(row); ++i) {
        if ((static_cast<std::uint32_t>(value.number) >> i & 1u) != 0) text += (text.empty() ? "" : ",") + std::string(row.choices[i]);
      }
      return text;
    }
    case SettingType::Widths:
    case SettingType::Channels: {
      std::string text;
      for (int w : value.widths) {
        if (!text.empty()) text += ',';
        text += std::to_string(w);
      }
      return text;
    }
  }
  return "";
}

Status check_setting(const SettingRow& row, const Settings& settings) {
  const std::string text = setting_text(row, row.get(settings));
  SettingValue ignored;
  return parse_setting(row, text, ignored);
}

//-----------------------------------------------------------------------------------------------------------
// [SECTION] Many rows: apply_settings
//-----------------------------------------------------------------------------------------------------------

namespace {

// A variant's own settings belong with it: set for another variant, they would do nothing (and a link that
// carried them would not come back from the address the page writes).
Status check_owners(const GivenSettings& given, const Settings& settings) {
  for (const auto& [row, text] : given) {
    if (!row->owner.owns(settings)) return Status::error(std::string(row->label) + " applies to " + row->owner.name() + " only");
  }
  return Status::ok();
}

}  // namespace

Status apply_settings(const GivenSettings& given, Settings& settings) {
  Settings s = settings;
  for (const auto& [row, text] : given) {
    SettingValue value;
    if (Status e = parse_setting(*row, text, value); !e) return e;
    row->set(s, value);
  }
  if (Status e = check_owners(given, s); !e) return e;
  // What no row judges alone: whether the shape can be built (a convolutional model's blocks must come back to the
  // image's size, its code must not be too large, its VAE needs a bottleneck).
  if (Status e = s.session.architecture().validate(); !e) return e;
  settings = std::move(s);
  return Status::ok();
}

//-----------------------------------------------------------------------------------------------------------
// [SECTION] The link
//-----------------------------------------------------------------------------------------------------------

namespace {

// Whether the link carries this row for these settings: a variant's own settings only with that variant, and the
// data set only when it is not the default.
bool linked(const SettingRow& row, const Settings& settings) {
  if (row.key == nullptr) return false;
  if (!row.owner.owns(settings)) return false;
  if (std::string_view(row.key) == "data") return settings.data == DataKind::Fashion;
  if (std::string_view(row.key) == "model") return settings.session.shape.convolutional();
  if (std::string_view(row.key) == "embed") return settings.page.embed != 0;
  if (std::string_view(row.key) == "controls") return !settings.page.controls;
  return true;
}

std::string known_keys(Surface surface) {
  std::string text;
  for (const SettingRow& row : kRows) {
    if (const char* s = spelling(row, surface)) text += (text.empty() ? "" : ", ") + std::string(s);
  }
  return text;
}

// "key=value" pairs, split and checked for form (not yet for meaning).
Status split_link(std::string_view text, GivenSettings& given) {
  std::set<std::string, std::less<>> seen;
  while (!text.empty()) {
    const std::size_t amp = text.find('&');
    const std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) return Status::error("the link's setting " + quote_text(pair, 40) + " has no value (key=value)");
    const std::string_view key = pair.substr(0, eq), value = pair.substr(eq + 1);
    if (!seen.insert(std::string(key)).second) return Status::error(quote_text(key, 40) + " is set twice in the link");
    const SettingRow* row = find_setting(Surface::Link, key);
    if (row == nullptr) {
      return Status::error("the link has an unknown setting " + quote_text(key, 40) + " (known: " + known_keys(Surface::Link) + ")");
    }
    given.emplace_back(row, std::string(value));
  }
  return Status::ok();
}

}  // namespace

std::string format_link_settings(const Settings& settings) {
  std::string text;
  for (const SettingRow& row : kRows) {
    if (!linked(row, settings)) continue;
    if (!text.empty()) text += '&';
    text += std::string(row.key) + "=" + setting_text(row, row.get(settings));
  }
  return text;
}

Status parse_link_settings(std::string_view text, Settings& settings) {
  if (!text.empty() && text.front() == '#') text.remove_prefix(1);
  if (text.size() > kMaxLinkSettings) {
    return Status::error("the link's settings are " + std::to_string(text.size()) + " characters; at most " +
                         std::to_string(kMaxLinkSettings) + " are read");
  }
  GivenSettings given;
  if (Status e = split_link(text, given); !e) return e;
  return apply_settings(given, settings);
}

//-----------------------------------------------------------------------------------------------------------
// [SECTION] The script API's JSON
//-----------------------------------------------------------------------------------------------------------

namespace {

// A JSON value as the text a person would have written for the row, so that every surface parses the same text
// with the same rule and refuses it with the same message: a string as it is, a number as JavaScript writes it, a
// list of whole numbers as "128,64"; anything else as JSON ("true", "[1.5]"), which the row refuses.
std::string json_text(const SettingRow& row, const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (row.type == SettingType::Widths || row.type == SettingType::Channels) {
    if (!v.is_array()) return v.dump();
    std::string text;
    for (const auto& w : v) {
      if (!w.is_number_integer()) return v.dump();
      if (!text.empty()) text += ',';
      text += w.dump();
    }
    return text;
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::abs(d) <= kMaxSeed) return std::to_string(static_cast<long long>(d));
  }
  return v.dump();
}

}  // namespace

Status parse_json_settings(const nlohmann::json& object, Settings& settings) {
  if (!object.is_object()) return Status::error("expected an object of settings, got " + quote_text(object.dump(), 40));
  GivenSettings given;
  for (const auto& [key, value] : object.items()) {
    const SettingRow* row = find_setting(Surface::Json, key);
    if (row == nullptr) {
      return Status::error("unknown setting " + quote_text(key, 40) + " (known: " + known_keys(Surface::Json) + ")");
    }
    given.emplace_back(row, json_text(*row, value));
  }
  return apply_settings(given, settings);
}

void write_json_settings(const Settings& settings, nlohmann::json& out) {
  for (const SettingRow& row : kRows) {
    if (row.json == nullptr) continue;
    const SettingValue v = row.get(settings);
    switch (row.type) {
      case SettingType::Whole: out[row.json] = static_cast<long long>(v.number); break;
      // The float as the shortest decimal that reads back to it: 0.002, not 0.0020000000949949026.
      case SettingType::Number: out[row.json] = std::strtod(setting_text(row, v).c_str(), nullptr); break;
      case SettingType::Choice: out[row.json] = setting_text(row, v); break;
      case SettingType::Widths:
      case SettingType::Channels: out[row.json] = v.widths; break;
      case SettingType::Names: out[row.json] = setting_text(row, v); break;
    }
  }
}

//-----------------------------------------------------------------------------------------------------------
// [SECTION] The command line's usage text
//-----------------------------------------------------------------------------------------------------------

namespace {

// How the usage text shows a value: "N", "X", "W,W,...", or "NAME" for a choice (the next line lists them).
const char* placeholder(const SettingRow& row) {
  switch (row.type) {
    case SettingType::Whole: return "N";
    case SettingType::Number: return "X";
    case SettingType::Widths: return "W,W,...";
    case SettingType::Channels: return "C,C,...";
    case SettingType::Choice: return "NAME";
    case SettingType::Names: return "NAME,...";
  }
  return "";
}

}  // namespace

std::string cli_settings_usage() {
  constexpr std::size_t kColumn = 24;
  const Settings defaults;
  std::string text;
  for (const SettingRow& row : kRows) {
    if (row.flag == nullptr) continue;
    std::string option = std::string("  ") + row.flag + " " + placeholder(row);
    option.resize(std::max(option.size() + 2, kColumn), ' ');
    const std::string fallback = setting_text(row, row.get(defaults));
    text += option + row.help + "\n" + std::string(kColumn, ' ') + accepted(row) + "; default " +
            (fallback.empty() ? "none" : fallback) +
            (row.owner ? "; " + row.owner.name() + " only" : "") + "\n";
  }
  return text;
}

}  // namespace latent
