// libFuzzer target: the settings a link carries (settings_schema.hpp). Whatever parses must validate, format again
// and parse back to the same settings and data set; and the same settings, as the script API's JSON, must parse to
// the same settings too, in every row the script API can set (not the data set, which chooseData() picks, nor the
// page's embed and controls, which only a link sets).
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "core/settings_schema.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  latent::Settings settings;
  if (!latent::parse_link_settings(text, settings)) return 0;
  if (!settings.session.validate()) __builtin_trap();
  const std::string again = latent::format_link_settings(settings);
  latent::Settings back;
  if (!latent::parse_link_settings(again, back)) __builtin_trap();
  if (!(back == settings)) __builtin_trap();
  nlohmann::json json = nlohmann::json::object();
  latent::write_json_settings(settings, json);
  for (const latent::SettingRow& row : latent::settings_schema()) {  // other variants' and models' settings are refused
    if (row.json != nullptr && !row.owner.owns(settings)) json.erase(row.json);
  }
  latent::Settings from_json;
  for (const latent::SettingRow& row : latent::settings_schema()) {  // what JSON cannot carry, it leaves as it was
    if (row.json == nullptr) row.set(from_json, row.get(settings));
  }
  if (!latent::parse_json_settings(json, from_json)) __builtin_trap();
  if (!(from_json == settings)) __builtin_trap();
  return 0;
}
