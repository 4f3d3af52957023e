// The settings schema: one table with a row per setting a person can choose. A row names the setting as each
// surface spells it (the page's link, the command line, the script API's JSON), gives its type, its range or its
// choices, the variant that owns it (if any), the Training panel's slider range, how it reads and writes the
// settings, and its one-line help. Everything that reads or writes settings goes through the rows:
//   - the command line's options and its usage text (src/cli);
//   - the page's link, read and written (#latent=32&lr=0.001...);
//   - the script API's apply() and the settings in state() (src/platform);
//   - the Training panel's ranges (src/app);
//   - SessionSettings::validate(), for settings that come from anywhere else.
// So each setting has one rule, and each refusal one message, everywhere: the setting's label, what it takes and
// what was given, e.g. "batch size: expected a whole number from 1 to 65536, got '0'". A new setting is a new row.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.hpp"
#include "core/training_session.hpp"
#include "core/user_files.hpp"

namespace latent {

// What a link shows of the page (docs/hosting.md, "Embedding"): `embed` chooses the views, one bit each in
// kEmbedViews' order (0: the whole page); `controls` false hides the buttons that leave the views' purpose (files,
// the tour, Copy link). Read by the page's interface only; the session never sees them.
inline constexpr const char* kEmbedViews[] = {"draw", "train", "digits", "map", "sliders", "morph", "units", "network", nullptr};
inline constexpr int kEmbedFirstTab = 2;  // "digits": the views from here on are the tabs, in TabId's order
struct PageSettings {
  std::uint32_t embed = 0;
  bool controls = true;
  bool shows(int view) const { return embed == 0 || (embed >> view & 1u) != 0; }
  bool operator==(const PageSettings&) const = default;
};

// What the schema's rows set: the training session's settings, the data set (a link may name Fashion-MNIST), and
// what the page shows.
struct Settings {
  SessionSettings session;
  DataKind data = DataKind::Mnist;
  PageSettings page;
  bool operator==(const Settings&) const = default;
};

enum class SettingType {
  Whole,   // a whole number in [lo, hi] (every range stays below 2^53, so a double holds it exactly)
  Number,  // a decimal number in [lo, hi], stored as a float
  Choice,  // one of `choices`
  Widths,  // hidden layers: up to ModelShape::kMaxHiddenLayers widths, each in [lo, hi]; "128,64", or "" for none
  Channels,  // convolutional blocks: 1 to ModelShape::kMaxConvBlocks channel counts, each in [lo, hi]; "16,8,8"
  Names,     // a set of `choices`, comma-separated, each once ("draw,map"; "" for none); a bit each in `number`
};

// What a setting belongs to, if anything: a variant (sparsity, to the sparse one) or a model family (channels, to
// the convolutional one). Set for another, it is refused; the link leaves it out.
struct SettingOwner {
  std::optional<Variant> variant;
  std::optional<ModelKind> model;
  SettingOwner(std::nullopt_t = std::nullopt) {}
  SettingOwner(Variant v) : variant(v) {}
  SettingOwner(ModelKind m) : model(m) {}
  bool owns(const Settings& settings) const {
    return (!variant || *variant == settings.session.objective.variant) && (!model || *model == settings.session.shape.kind);
  }
  std::string name() const;  // "variant vae", "model conv"
  explicit operator bool() const { return variant || model; }
};

// One setting's value, whatever its type.
struct SettingValue {
  double number = 0;         // Whole and Number
  int choice = 0;            // Choice: the index into the row's choices
  std::vector<int> widths;   // Widths, Channels
};

// Where a setting may be set, and how that surface spells it.
enum class Surface { Link, Cli, Json };

struct SettingRow {
  const char* key;    // in the page's link ("lr"); nullptr where a link cannot set it (the thread count)
  const char* flag;   // on the command line ("--lr"), or nullptr
  const char* json;   // in the script API ("learningRate"), or nullptr
  const char* label;  // in messages ("learning rate")
  SettingType type;
  double lo = 0, hi = 0;                   // Whole, Number: the range; Widths: each width's
  const char* const* choices = nullptr;    // Choice: the names, in the enum's order, ending with nullptr
  SettingOwner owner;                      // the variant or model the setting belongs to; set for another, refused
  struct Slider {                          // what the Training panel offers (within lo..hi)
    double lo = 0, hi = 0;
    bool logarithmic = false;
  } slider;
  const char* help;                        // one line, for the usage text and the panel
  SettingValue (*get)(const Settings&);
  void (*set)(Settings&, const SettingValue&);
};

// The table, in the order the link and the usage text list the settings.
std::span<const SettingRow> settings_schema();
// The row a surface spells `name`, or nullptr.
const SettingRow* find_setting(Surface surface, std::string_view name);
// The row with this link key (e.g. "lr"), else this command-line flag without its dashes ("threads"), else this
// script API key ("stepsPerSecond"); the row must exist.
const SettingRow& setting(std::string_view key);
const char* spelling(const SettingRow& row, Surface surface);  // nullptr where the surface cannot set it

// --- One row ------------------------------------------------------------------------------------------------
// Reads a value from text as a person wrote it (the link's and the command line's; the script API's JSON values
// are turned into the same text first). Refuses, with the row's one message, text that is not of the row's type or
// lies outside its range.
Status parse_setting(const SettingRow& row, std::string_view text, SettingValue& value);
// The value as text that parse_setting reads back to the same value ("0.001", "128,64", "relu").
std::string setting_text(const SettingRow& row, const SettingValue& value);
// The row's one refusal: "<label>: expected <what the row takes>, got '<text>'".
Status refusal(const SettingRow& row, std::string_view text);
// What the row takes, e.g. "a whole number from 1 to 65536", "relu, sigmoid, tanh or linear".
std::string accepted(const SettingRow& row);
// Whether the row's current value in `settings` is in its range (for settings made by code, not parsed).
Status check_setting(const SettingRow& row, const Settings& settings);

// --- Many rows at once: what every surface does -----------------------------------------------------------
// Settings as given, each with the text of its value.
using GivenSettings = std::vector<std::pair<const SettingRow*, std::string>>;
// Parses each given value over `settings`, refuses a variant's or a model's setting given for another (judged once
// all are read), and a shape that cannot be built (Architecture::validate, e.g. a conv VAE without a bottleneck).
// On a refusal `settings` is unchanged. What depends on the machine (threads this build cannot start, a model too
// large for memory) is the session's to refuse (SessionSettings::validate).
Status apply_settings(const GivenSettings& given, Settings& settings);

// --- The page's link: latent=32&hidden=128,64&activation=relu&lr=0.001&batch=256&epochs=20&seed=1&variant=plain,
// then the variant's own settings, then data=fashion for Fashion-MNIST, then embed=draw,map and controls=none
// where they are not the whole page. A convolutional model's link starts
// model=conv&channels=16,8,8&bottleneck=0 in place of latent and hidden (a dense model's leaves model out). Keys in
// any order, any left out.
inline constexpr std::size_t kMaxLinkSettings = 512;  // characters: far above any valid setup
std::string format_link_settings(const Settings& settings);
// Reads `text` (with or without a leading '#') over `settings`. Refuses repeated and unknown keys, pairs without
// '=', and text over kMaxLinkSettings characters.
Status parse_link_settings(std::string_view text, Settings& settings);

// --- The script API: {"learningRate": 0.002, "hidden": [128, 64], "variant": "vae", ...} ----------------------
// Refuses what is not an object, unknown keys, and (by the rows) values of the wrong type or out of range.
Status parse_json_settings(const nlohmann::json& object, Settings& settings);
// Every setting the script API can set, under its JSON key, typed (numbers, strings, lists of widths): other
// variants' settings too (what they would apply), which apply() refuses for the variant in effect.
void write_json_settings(const Settings& settings, nlohmann::json& out);

// --- The command line ------------------------------------------------------------------------------------------
// "  --lr X             learning rate: a number from 1e-06 to 10 (default 0.001)" and so on, one line per row the
// command line can set, in table order.
std::string cli_settings_usage();

}  // namespace latent
