// libFuzzer target: the settings a link carries. Whatever parses must validate, format again and parse back to
// the same settings and data set.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/url_settings.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  latent::SessionSettings settings;
  latent::DataKind kind = latent::DataKind::Mnist;
  if (!latent::parse_url_settings(text, settings, &kind)) return 0;
  if (!settings.validate()) __builtin_trap();
  const std::string again = latent::format_url_settings(settings, kind);
  latent::SessionSettings back;
  latent::DataKind kind_back = latent::DataKind::Mnist;
  if (!latent::parse_url_settings(again, back, &kind_back)) __builtin_trap();
  if (!(back == settings) || kind_back != kind) __builtin_trap();
  return 0;
}
