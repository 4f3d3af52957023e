// The settings schema: every row through the three parsers that read settings (the command line, the page's link
// and the script API's JSON), which must agree on what they take and refuse, with the same message; the link
// written and read back; and the usage text the command line prints.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <optional>
#include <set>
#include <sstream>

#include "cli/cli.hpp"
#include "core/format.hpp"
#include "core/settings_schema.hpp"

using namespace latent;
using json = nlohmann::json;

namespace {

// A link's refusal: one line, and the settings as they were.
std::string link_refusal(std::string_view text) {
  Settings s;
  const Settings before = s;
  const Status e = parse_link_settings(text, s);
  REQUIRE_FALSE(e.is_ok());
  CHECK(s == before);
  CHECK(e.message().find('\n') == std::string::npos);
  return e.message();
}

// What one surface made of a setting's text: the settings, or the refusal's message.
struct Outcome {
  std::optional<Settings> settings;
  std::string message;
  bool operator==(const Outcome&) const = default;
};
Outcome outcome(const Status& s, const Settings& settings) { return s ? Outcome{settings, ""} : Outcome{std::nullopt, s.message()}; }

// `text` as a script would send it: a JSON number where it is one, spelled as JavaScript spells it (the same text),
// a list of numbers for widths, else a string.
json as_script_value(const SettingRow& row, const std::string& text) {
  if (row.type == SettingType::Widths) {
    json list = json::array();
    std::istringstream in(text);
    for (std::string part; std::getline(in, part, ',');) {
      const json n = json::parse(part, nullptr, false);
      if (!n.is_number_integer() || n.dump() != part) return text;  // not a list JavaScript would write: as text
      list.push_back(n);
    }
    return text.empty() || text.back() != ',' ? list : json(text);
  }
  const json n = json::parse(text, nullptr, false);
  return n.is_number() && n.dump() == text ? n : json(text);
}

// The setting given alone (after `before`, e.g. the variant its row belongs to) on each surface that can set it.
std::vector<std::pair<const char*, Outcome>> through_every_parser(const SettingRow& row, const std::string& text,
                                                                  const std::vector<std::pair<const SettingRow*, std::string>>& before) {
  std::vector<std::pair<const char*, Outcome>> out;
  if (row.key != nullptr) {
    std::string link;
    for (const auto& [r, t] : before) link += std::string(r->key) + "=" + t + "&";
    Settings s;
    const Status st = parse_link_settings(link + row.key + "=" + text, s);
    out.emplace_back("link", outcome(st, s));
  }
  if (row.flag != nullptr) {
    std::vector<std::string> args{"train"};
    for (const auto& [r, t] : before) args.insert(args.end(), {r->flag, t});
    args.insert(args.end(), {row.flag, text});
    Settings s;
    const Status st = parse_train_settings(args, s);
    out.emplace_back("command line", outcome(st, s));
  }
  if (row.json != nullptr) {
    json object = json::object();
    for (const auto& [r, t] : before) object[r->json] = as_script_value(*r, t);
    object[row.json] = as_script_value(row, text);
    Settings s;
    const Status st = parse_json_settings(object, s);
    out.emplace_back("script API", outcome(st, s));
  }
  return out;
}

// Texts to try for a row: both ends of its range and just past them, and text of the wrong kind.
std::vector<std::string> texts_for(const SettingRow& row) {
  const auto whole = [](double v) { return std::to_string(static_cast<long long>(v)); };
  switch (row.type) {
    case SettingType::Whole:
      return {whole(row.lo), whole(row.hi), whole(row.lo - 1), whole(row.hi + 1), "12x", "1.5", "", "-"};
    case SettingType::Number:
      return {float_text(static_cast<float>(row.lo)), float_text(static_cast<float>(row.hi)), "-1", "1000",
              "0.5", "nan", "inf", "abc", ""};
    case SettingType::Choice: {
      std::vector<std::string> t;
      for (int i = 0; row.choices[i] != nullptr; ++i) t.push_back(row.choices[i]);
      t.insert(t.end(), {"RELU", "", "x\x1b[2J"});
      return t;
    }
    case SettingType::Widths:
      return {"", "128,64", "1", "4096", "0", "4097", "64,,32", "1,2,3,4,5,6", "1,2,3,4,5,6,7", "12a", "64,"};
    case SettingType::Channels:
      return {"", "16,8,8", "32,64", "1", "16,8,256", "0", "257", "16,,8", "1,2,3,4", "1,2,3,4,5", "8a", "16,"};
    case SettingType::Names:
      return {"", "draw", "draw,map", "map,draw", "network,train", "draw,draw", "drawing", "draw,", ",map", "DRAW"};
  }
  return {};
}

}  // namespace

TEST_CASE("every setting's row is read the same by the command line, the link and the script API", "[settings]") {
  for (const SettingRow& row : settings_schema()) {
    // A variant's own setting is tried with its variant set first.
    std::vector<std::pair<const SettingRow*, std::string>> before;
    if (row.owner.variant) before.emplace_back(&setting("variant"), to_string(*row.owner.variant));
    if (row.owner.model) before.emplace_back(&setting("model"), to_string(*row.owner.model));
    for (const std::string& text : texts_for(row)) {
      INFO(row.label << " = " << quote_text(text));
      const auto outcomes = through_every_parser(row, text, before);
      REQUIRE_FALSE(outcomes.empty());
      SettingValue value;
      const Status expected = parse_setting(row, text, value);
      for (const auto& [surface, o] : outcomes) {
        INFO(surface << ": " << (o.settings ? "took it" : o.message));
        // Every surface takes what the row takes, and refuses the rest with the row's one message.
        CHECK(o.settings.has_value() == expected.is_ok());
        if (!expected) CHECK(o.message == expected.message());
        if (o.settings) CHECK(setting_text(row, row.get(*o.settings)) == setting_text(row, value));
        CHECK(o == outcomes.front().second);
      }
    }
  }
}

TEST_CASE("a variant's or a model's own setting given for another is refused the same way everywhere", "[settings]") {
  int owned = 0;
  for (const SettingRow& row : settings_schema()) {
    if (!row.owner) continue;
    ++owned;
    std::vector<std::pair<const SettingRow*, std::string>> before;
    std::string expected;
    if (row.owner.variant) {
      const Variant other = *row.owner.variant == Variant::Plain ? Variant::Sparse : Variant::Plain;
      before.emplace_back(&setting("variant"), to_string(other));
      expected = std::string(row.label) + " applies to variant " + to_string(*row.owner.variant) + " only";
    } else {
      const ModelKind other = *row.owner.model == ModelKind::Dense ? ModelKind::Conv : ModelKind::Dense;
      before.emplace_back(&setting("model"), to_string(other));
      expected = std::string(row.label) + " applies to model " + to_string(*row.owner.model) + " only";
    }
    Settings owner;
    if (row.owner.model) owner.session.shape.kind = *row.owner.model;
    const std::string text = setting_text(row, row.get(owner));
    const auto outcomes = through_every_parser(row, text, before);
    REQUIRE(outcomes.size() == 3);
    for (const auto& [surface, o] : outcomes) {
      INFO(surface);
      CHECK(o.message == expected);
    }
  }
  CHECK(owned == 8);  // noise, level, sparsity, beta; latent, hidden (dense); channels, bottleneck (conv)
}

TEST_CASE("the schema's rows are whole: every setting reads, writes and checks its own field", "[settings]") {
  std::set<std::string> names;
  const Settings defaults;
  for (const SettingRow& row : settings_schema()) {
    INFO(row.label);
    for (Surface s : {Surface::Link, Surface::Cli, Surface::Json}) {
      if (const char* name = spelling(row, s)) {
        CHECK(names.insert(std::to_string(static_cast<int>(s)) + name).second);  // unique on each surface
        CHECK(find_setting(s, name) == &row);
      }
    }
    CHECK(std::string(row.help).size() > 10);
    CHECK(check_setting(row, defaults).is_ok());  // the defaults are in range
    if (row.type == SettingType::Whole || row.type == SettingType::Number) {
      CHECK(row.lo <= row.slider.lo);  // the panel offers part of the range, never more
      CHECK(row.slider.hi <= row.hi);
    }
    // Writing a value that is not the default, then reading the field, gives it back; nothing else moves.
    SettingValue other = row.get(defaults);
    if (row.type == SettingType::Choice) other.choice = 1;
    else if (row.type == SettingType::Widths || row.type == SettingType::Channels) other.widths = {12};
    else if (row.type == SettingType::Names) other.number = 5;  // the first and third names
    else other.number = row.hi;
    Settings changed = defaults;
    row.set(changed, other);
    CHECK(setting_text(row, row.get(changed)) == setting_text(row, other));
    CHECK_FALSE(changed == defaults);
    for (const SettingRow& rest : settings_schema()) {
      if (&rest != &row) CHECK(setting_text(rest, rest.get(changed)) == setting_text(rest, rest.get(defaults)));
    }
  }
  // Settings made by code, not parsed, meet the same rules with the same messages.
  Settings s;
  s.session.batch_size = 0;
  CHECK(s.session.validate().message() == "batch size: expected a whole number from 1 to 65536, got '0'");
  s = Settings{};
  s.session.optimizer.learning_rate = 0;
  CHECK(s.session.validate().message() == "learning rate: expected a number from 1e-06 to 10, got '0'");
}

TEST_CASE("the script API's settings: an object of known keys, each value of its row's type", "[settings]") {
  Settings s;
  const auto refused = [&](const json& j) {
    Settings before = s;
    const Status e = parse_json_settings(j, s);
    REQUIRE_FALSE(e.is_ok());
    CHECK(s == before);
    return e.message();
  };
  CHECK(refused(json::array()) == "expected an object of settings, got '[]'");
  CHECK(refused(nullptr) == "expected an object of settings, got 'null'");
  CHECK(refused({{"learningrate", 0.1}}).starts_with("unknown setting 'learningrate' (known: model, latent, hidden, channels, bottleneck, activation, learningRate"));
  CHECK(refused({{"batchSize", true}}) == "batch size: expected a whole number from 1 to 65536, got 'true'");
  CHECK(refused({{"hidden", json::array({128, "x"})}}).starts_with("hidden layers: expected up to 6 widths"));
  CHECK(refused({{"batchSize", 64.5}}) == "batch size: expected a whole number from 1 to 65536, got '64.5'");
  REQUIRE(parse_json_settings({{"batchSize", 64.0}, {"hidden", json::array({128, 64})}, {"variant", "vae"}, {"beta", 0.5}}, s));
  CHECK(s.session.batch_size == 64);
  CHECK(s.session.shape.hidden == std::vector<int>{128, 64});
  CHECK(s.session.architecture().variational);
  CHECK(s.session.objective.beta == 0.5f);
  // state() writes every key apply() takes, typed (other variants' settings too: what they would apply), and
  // without those, reads back to the same settings.
  json written = json::object();
  write_json_settings(s, written);
  CHECK(written["learningRate"] == 0.001);  // the float's shortest decimal, not 0.0010000000474974513
  CHECK(written["hidden"] == json::array({128, 64}));
  CHECK(written["variant"] == "vae");
  CHECK(written["noiseLevel"] == 0.5);
  Settings back;
  CHECK_FALSE(parse_json_settings(written, back));  // noiseLevel belongs to the denoiser
  CHECK(written["channels"] == json::array({16, 8, 8}));  // the convolutional model's, which a dense one refuses
  for (const char* other : {"noise", "noiseLevel", "sparsity", "channels", "bottleneck"}) written.erase(other);
  REQUIRE(parse_json_settings(written, back));
  CHECK(back == s);
}

TEST_CASE("settings written to a link read back the same", "[settings][link]") {
  Settings s;
  s.session.shape.latent = 8;
  s.session.shape.hidden = {128, 64};
  s.session.shape.activation = Activation::Tanh;
  s.session.optimizer.learning_rate = 0.003f;
  s.session.batch_size = 64;
  s.session.target_epochs = 7;
  s.session.seed = 42;
  s.session.threads = 2;
  const std::string text = format_link_settings(s);
  CHECK(text == "latent=8&hidden=128,64&activation=tanh&lr=0.003&batch=64&epochs=7&seed=42&variant=plain");
  Settings back;
  back.session.threads = 2;  // not in the link: the machine's
  REQUIRE(parse_link_settings("#" + text, back).is_ok());
  CHECK(back == s);
  CHECK(format_link_settings(Settings{}) ==
        "latent=32&hidden=&activation=relu&lr=0.001&batch=256&epochs=20&seed=1&variant=plain");
}

TEST_CASE("a link carries the variant and its own settings", "[settings][link][variants]") {
  for (Variant v : {Variant::Denoising, Variant::Sparse, Variant::Variational}) {
    Settings s;
    Objective& o = s.session.objective;
    o.variant = v;
    o.noise = Noise::Mask;
    o.noise_level = 0.25f;
    o.sparsity = 0.002f;
    o.beta = 0.5f;
    const std::string text = format_link_settings(s);
    Settings back;
    REQUIRE(parse_link_settings(text, back).is_ok());
    CHECK(back.session.objective.variant == v);
    CHECK(format_link_settings(back) == text);
    if (v == Variant::Denoising) CHECK(text.ends_with("&variant=denoising&noise=mask&level=0.25"));
    if (v == Variant::Sparse) CHECK(text.ends_with("&variant=sparse&sparsity=0.002"));
    if (v == Variant::Variational) CHECK(text.ends_with("&variant=vae&beta=0.5"));
  }
  CHECK(link_refusal("variant=contractive") == "variant: expected plain, denoising, sparse or vae, got 'contractive'");
  CHECK(link_refusal("variant=denoising&level=1.5") == "noise level: expected a number from 0 to 1, got '1.5'");
  CHECK(link_refusal("variant=vae&beta=-1") == "beta: expected a number from 0 to 100, got '-1'");
  CHECK(link_refusal("variant=denoising&noise=pink") == "noise: expected gaussian or mask, got 'pink'");
  // A variant's own settings go with it (found by fuzzing: "&beta=0.5" parsed, but its address dropped the beta,
  // so the link did not come back).
  CHECK(link_refusal("&beta=0.5") == "beta applies to variant vae only");
  CHECK(link_refusal("sparsity=0.1&variant=denoising") == "sparsity applies to variant sparse only");
  CHECK(link_refusal("level=0.2") == "noise level applies to variant denoising only");
  Settings s;
  REQUIRE(parse_link_settings("beta=0.5&variant=vae", s).is_ok());  // in any order
  CHECK(s.session.objective.beta == 0.5f);
  // Numbers come back as the same float (found by fuzzing: %g wrote lr 0.6666666666666003 as 0.666667).
  REQUIRE(parse_link_settings("lr=0.6666666666666003", s).is_ok());
  const float lr = s.session.optimizer.learning_rate;
  const std::string text = format_link_settings(s);
  CHECK(text.find("lr=0.666667&") == std::string::npos);  // 6 digits read back as another float
  Settings back;
  REQUIRE(parse_link_settings(text, back).is_ok());
  CHECK(back.session.optimizer.learning_rate == lr);
  CHECK(format_link_settings(Settings{}).find("lr=0.001&") != std::string::npos);  // short where it can be
}

TEST_CASE("a link names Fashion-MNIST as its data", "[settings][link]") {
  Settings s;
  s.data = DataKind::Fashion;
  const std::string text = format_link_settings(s);
  CHECK(text.ends_with("&variant=plain&data=fashion"));
  s.data = DataKind::Own;
  CHECK(format_link_settings(s).find("data=") == std::string::npos);  // files cannot be linked
  Settings back;
  REQUIRE(parse_link_settings(text, back).is_ok());
  CHECK(back.data == DataKind::Fashion);
  REQUIRE(parse_link_settings("data=mnist", back).is_ok());
  CHECK(back.data == DataKind::Mnist);
  CHECK(link_refusal("data=cifar") == "data: expected mnist or fashion, got 'cifar'");
  CHECK(class_name(DataKind::Fashion, 9) == "Ankle boot");
  CHECK(class_name(DataKind::Fashion, 9, true) == "Boot");
  CHECK(class_name(DataKind::Mnist, 3) == "3");
}

TEST_CASE("a link chooses the views an embedded page shows, and hides its controls", "[settings][link]") {
  Settings s;
  CHECK(format_link_settings(s).find("embed") == std::string::npos);  // the whole page: nothing to say
  CHECK(format_link_settings(s).find("controls") == std::string::npos);
  REQUIRE(parse_link_settings("embed=map,draw&controls=none&latent=8", s).is_ok());
  CHECK(s.page.embed == 0b1001u);  // draw (bit 0) and map (bit 3), whatever the order given
  CHECK_FALSE(s.page.controls);
  CHECK(s.page.shows(0));
  CHECK_FALSE(s.page.shows(1));
  CHECK(s.session.shape.latent == 8);
  CHECK(format_link_settings(s).ends_with("&embed=draw,map&controls=none"));
  Settings back;
  REQUIRE(parse_link_settings(format_link_settings(s), back).is_ok());
  CHECK(back == s);
  CHECK(link_refusal("embed=draw,draw") ==
        "embedded views: expected some of draw, train, digits, map, sliders, morph, units, network, comma-separated (empty "
        "for all), got 'draw,draw'");
  REQUIRE(parse_link_settings("embed=", back).is_ok());
  CHECK(back.page.embed == 0);
}

TEST_CASE("a link may set only some settings, in any order", "[settings][link]") {
  Settings s;
  REQUIRE(parse_link_settings("seed=3&latent=2&&", s).is_ok());
  CHECK(s.session.seed == 3);
  CHECK(s.session.shape.latent == 2);
  CHECK(s.session.batch_size == 256);
  REQUIRE(parse_link_settings("", s).is_ok());
  REQUIRE(parse_link_settings("#", s).is_ok());
  CHECK(s.session.seed == 3);
  // The seed's range is the same everywhere: up to 2^53 - 1, the largest whole number JavaScript holds exactly.
  REQUIRE(parse_link_settings("seed=9007199254740991", s).is_ok());
  CHECK(s.session.seed == 9007199254740991ULL);
}

TEST_CASE("bad settings in a link are refused with the row's message", "[settings][link][errors]") {
  CHECK(link_refusal("latent=1") == "latent size: expected a whole number from 2 to 1024, got '1'");
  CHECK(link_refusal("latent=3x") == "latent size: expected a whole number from 2 to 1024, got '3x'");
  CHECK(link_refusal("batch=") == "batch size: expected a whole number from 1 to 65536, got ''");
  CHECK(link_refusal("lr=nan") == "learning rate: expected a number from 1e-06 to 10, got 'nan'");
  CHECK(link_refusal("lr=20") == "learning rate: expected a number from 1e-06 to 10, got '20'");
  CHECK(link_refusal("activation=gelu") == "activation: expected relu, sigmoid, tanh or linear, got 'gelu'");
  CHECK(link_refusal("hidden=64,,32") ==
        "hidden layers: expected up to 6 widths from 1 to 4096, comma-separated (like 128,64; empty for none), got '64,,32'");
  CHECK(link_refusal("hidden=1,2,3,4,5,6,7").starts_with("hidden layers: expected up to 6 widths"));
  CHECK(link_refusal("seed=1&seed=2") == "'seed' is set twice in the link");
  CHECK(link_refusal("embed=draw,canvas") ==
        "embedded views: expected some of draw, train, digits, map, sliders, morph, units, network, comma-separated (empty "
        "for all), got 'draw,canvas'");
  CHECK(link_refusal("controls=some") == "controls: expected all or none, got 'some'");
  const std::string known = "(known: model, latent, hidden, channels, bottleneck, activation, lr, batch, epochs, seed, variant, noise, level, sparsity, beta, data, embed, controls)";
  CHECK(link_refusal("colour=red") == "the link has an unknown setting 'colour' " + known);
  CHECK(link_refusal("threads=2") == "the link has an unknown setting 'threads' " + known);  // the machine's, not the link's
  CHECK(link_refusal("latent") == "the link's setting 'latent' has no value (key=value)");
  CHECK(link_refusal("x\x1b[2J=1") == "the link has an unknown setting 'x\\x1b[2J' " + known);
  CHECK(link_refusal(std::string(600, 'a')) == "the link's settings are 600 characters; at most 512 are read");
}

TEST_CASE("the command line's usage lists every setting it takes, from the schema", "[settings][cli]") {
  const std::string usage = cli_settings_usage();
  for (const SettingRow& row : settings_schema()) {
    INFO(row.label);
    if (row.flag == nullptr) {
      CHECK(usage.find(std::string("  --") + (row.key != nullptr ? row.key : row.json) + " ") == std::string::npos);
      continue;
    }
    CHECK(usage.find(std::string("  ") + row.flag + " ") != std::string::npos);
    CHECK(usage.find(row.help) != std::string::npos);
    CHECK(usage.find(accepted(row)) != std::string::npos);
  }
  CHECK(usage.find("--lr X") != std::string::npos);
  CHECK(usage.find("--activation NAME") != std::string::npos);
  CHECK(usage.find("relu, sigmoid, tanh or linear; default relu") != std::string::npos);
  CHECK(usage.find("a number from 1e-06 to 10; default 0.001") != std::string::npos);
}

TEST_CASE("a shape that cannot be built is refused the same way everywhere", "[settings][conv]") {
  // Each row takes its value; together they make a convolutional VAE without a bottleneck, or too large a code.
  const std::pair<std::vector<std::pair<const char*, const char*>>, std::string> cases[] = {
      {{{"model", "conv"}, {"variant", "vae"}},
       "a variational convolutional model needs a bottleneck (its code is a dense layer's mean and variance)"},
      {{{"model", "conv"}, {"channels", "256"}},
       "channels 256 give a code of 50176 numbers; at most 4096 (fewer channels in the last block, or a bottleneck)"},
  };
  for (const auto& [given, message] : cases) {
    INFO(message);
    std::string link;
    std::vector<std::string> args{"train"};
    json object = json::object();
    for (const auto& [key, text] : given) {
      const SettingRow& row = setting(key);
      link += std::string(link.empty() ? "" : "&") + key + "=" + text;
      args.insert(args.end(), {row.flag, text});
      object[row.json] = row.type == SettingType::Channels ? json::array({std::stoi(text)}) : json(text);
    }
    Settings a, b, c;
    CHECK(parse_link_settings(link, a).message() == message);
    CHECK(parse_train_settings(args, b).message() == message);
    CHECK(parse_json_settings(object, c).message() == message);
    CHECK(a == Settings{});  // nothing changed
  }
}
