// libFuzzer target: weights files. Whatever decodes must encode again and decode to the very same model and
// parameters (bit for bit), and its metadata must read back the same.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>

#include "core/safetensors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::unique_ptr<latent::Autoencoder> model;
  latent::Metadata meta;
  if (!latent::decode_safetensors(std::span<const std::uint8_t>(data, size), "in.safetensors", model, &meta)) return 0;
  const std::vector<std::uint8_t> again = latent::encode_safetensors(*model, meta);
  std::unique_ptr<latent::Autoencoder> back;
  latent::Metadata meta_back;
  if (!latent::decode_safetensors(again, "again.safetensors", back, &meta_back)) __builtin_trap();
  if (!(back->architecture() == model->architecture())) __builtin_trap();
  const auto a = model->parameters(), b = back->parameters();
  if (a.size() != b.size() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) != 0) __builtin_trap();
  for (const auto& [k, v] : meta) {
    if (meta_back.count(k) == 0) __builtin_trap();
  }
  return 0;
}
