// Weights on disk in the safetensors format: an 8-byte little-endian header length, a JSON header, then the
// raw little-endian float32 data. Tensor names and shapes match PyTorch's nn.Linear ("encoder.0.weight" is
// (out, in), "encoder.0.bias" is (out)); the architecture is stored as strings in "__metadata__":
//   format=latent-canvas, format_version=1, input, hidden ("128,64" or ""), latent, activation, output=sigmoid
// Loading trusts nothing in the file: every size, offset, dtype, shape and value is checked.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/autoencoder.hpp"
#include "core/memory.hpp"
#include "core/status.hpp"

namespace latent {

using Metadata = std::map<std::string, std::string>;

inline constexpr std::uint64_t kMaxSafetensorsHeader = 100'000'000;  // the format's own limit

// `extra` adds free-form metadata (training settings, test loss); it cannot replace the architecture keys.
std::vector<std::uint8_t> encode_safetensors(const Autoencoder& model, const Metadata& extra = {});
Status save_safetensors(const std::string& path, const Autoencoder& model, const Metadata& extra = {});

// On success `model` holds a new model with the file's architecture and weights; `metadata`, if given, all
// of the file's metadata. `name` is used in error messages (a path, or a URL in the browser). Nothing is allocated
// for the model until the file is known to hold all its weights and the model (parameters and gradients) fits
// `memory_budget` (memory.hpp).
Status decode_safetensors(std::span<const std::uint8_t> bytes, const std::string& name,
                          std::unique_ptr<Autoencoder>& model, Metadata* metadata = nullptr,
                          std::uint64_t memory_budget = kDefaultMemoryBudget);
Status load_safetensors(const std::string& path, std::unique_ptr<Autoencoder>& model, Metadata* metadata = nullptr,
                        std::uint64_t memory_budget = kDefaultMemoryBudget);

}  // namespace latent
