// safetensors encoding and fully validated decoding.
#include "core/safetensors.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/files.hpp"

namespace latent {

static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian; so is this code");

namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

struct ExpectedTensor {
  std::string name;
  std::vector<std::uint64_t> shape;
  std::size_t offset = 0;  // in the parameter arena, in floats
  std::size_t count = 0;
};

std::vector<ExpectedTensor> expected_tensors(const Autoencoder& model) {
  std::vector<ExpectedTensor> out;
  const Architecture& arch = model.architecture();
  int index = 0;
  for (const LayerLayout& d : model.layers()) {
    if (!d.has_parameters()) continue;
    const auto outs = static_cast<std::uint64_t>(d.out.channels);
    std::vector<std::uint64_t> shape{outs, static_cast<std::uint64_t>(d.in_size())};  // dense: (out, in)
    if (d.kind == LayerKind::Conv) {
      const auto k = static_cast<std::uint64_t>(d.kernel);
      shape = {outs, static_cast<std::uint64_t>(d.in.channels), k, k};  // conv: (out, in, k, k)
    }
    out.push_back({tensor_name(arch, index, false), shape, d.weight, d.weight_count});
    out.push_back({tensor_name(arch, index, true), {outs}, d.bias, static_cast<std::size_t>(d.out.channels)});
    ++index;
  }
  return out;
}

std::string shape_text(const std::vector<std::uint64_t>& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) text += ',';
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

bool parse_int(const std::string& text, int& value) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

template <class Need> Status dense_from_metadata(const Need& need, const std::string& name, Architecture& arch) {
  std::string hidden, latent;
  if (Status s = need("hidden", hidden); !s) return s;
  if (Status s = need("latent", latent); !s) return s;
  if (!parse_int(latent, arch.latent)) return Status::error(name + ": metadata latent " + quote_text(latent) + " is not a number");
  if (Status s = parse_hidden_list(hidden, arch.hidden); !s) return Status::error(name + ": metadata " + s.message());
  return Status::ok();
}

template <class Need> Status conv_from_metadata(const Need& need, const std::string& name, Architecture& arch) {
  std::string channels, bottleneck;
  if (Status s = need("channels", channels); !s) return s;
  if (Status s = need("bottleneck", bottleneck); !s) return s;
  if (Status s = parse_channel_list(channels, arch.channels); !s) return Status::error(name + ": metadata " + s.message());
  if (!parse_int(bottleneck, arch.bottleneck)) {
    return Status::error(name + ": metadata bottleneck " + quote_text(bottleneck) + " is not a number");
  }
  return Status::ok();
}

Status architecture_from_metadata(const Metadata& meta, const std::string& name, Architecture& arch) {
  const auto need = [&](const char* key, std::string& value) -> Status {
    auto it = meta.find(key);
    if (it == meta.end()) {
      return Status::error(name + ": __metadata__ has no '" + key + "' entry; it is not a Latent Canvas weights file");
    }
    value = it->second;
    return Status::ok();
  };
  std::string format, input, activation;
  if (Status s = need("format", format); !s) return s;
  if (format != "latent-canvas") {
    return Status::error(name + ": __metadata__ format is " + quote_text(format) + ", expected 'latent-canvas'");
  }
  if (Status s = need("input", input); !s) return s;
  if (Status s = need("activation", activation); !s) return s;
  if (!parse_int(input, arch.input)) return Status::error(name + ": metadata input " + quote_text(input) + " is not a number");
  // Files from before the convolutional model have no 'model' entry: those are dense.
  if (auto it = meta.find("model"); it != meta.end() && it->second != "dense") {
    if (it->second != "conv") return Status::error(name + ": metadata model " + quote_text(it->second) + " is not dense or conv");
    arch.kind = ModelKind::Conv;
  }
  if (Status s = arch.convolutional() ? conv_from_metadata(need, name, arch) : dense_from_metadata(need, name, arch); !s) return s;
  auto act = parse_activation(activation);
  if (!act) return Status::error(name + ": metadata activation " + quote_text(activation) + " is unknown");
  arch.activation = *act;
  // Files from before the variational autoencoder have no 'variational' entry: those are plain.
  if (auto it = meta.find("variational"); it != meta.end()) {
    if (it->second != "true" && it->second != "false") {
      return Status::error(name + ": metadata variational " + quote_text(it->second) + " is not true or false");
    }
    arch.variational = it->second == "true";
  }
  if (Status s = arch.validate(); !s) return Status::error(name + ": " + s.message());
  return Status::ok();
}

constexpr std::size_t kMaxHeaderDepth = 8;

// The deepest nesting of arrays and objects in JSON text (brackets inside strings do not count).
std::size_t json_depth(std::string_view text) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

bool read_u64_array(const json& value, std::vector<std::uint64_t>& out) {
  if (!value.is_array()) return false;
  out.clear();
  for (const json& v : value) {
    if (!v.is_number_unsigned()) return false;
    out.push_back(v.get<std::uint64_t>());
  }
  return true;
}

}  // namespace

std::vector<std::uint8_t> encode_safetensors(const Autoencoder& model, const Metadata& extra) {
  const Architecture& arch = model.architecture();
  ordered_json meta = ordered_json::object();
  meta["format"] = "latent-canvas";
  meta["format_version"] = "1";
  meta["input"] = std::to_string(arch.input);
  meta["model"] = to_string(arch.kind);
  if (arch.convolutional()) {
    meta["channels"] = arch.channel_list();
    meta["bottleneck"] = std::to_string(arch.bottleneck);
  } else {
    meta["hidden"] = arch.hidden_list();
    meta["latent"] = std::to_string(arch.latent);
  }
  meta["activation"] = to_string(arch.activation);
  meta["variational"] = arch.variational ? "true" : "false";
  meta["output"] = "sigmoid";
  for (const auto& [k, v] : extra) {
    if (!meta.contains(k)) meta[k] = v;  // free-form notes never replace the architecture
  }

  ordered_json header = ordered_json::object();
  header["__metadata__"] = meta;
  for (const ExpectedTensor& t : expected_tensors(model)) {
    // Tensors are stored in arena order, so data offsets are arena offsets in bytes.
    header[t.name] = {{"dtype", "F32"},
                      {"shape", t.shape},
                      {"data_offsets", {t.offset * sizeof(float), (t.offset + t.count) * sizeof(float)}}};
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // the format pads the header to 8 bytes with spaces

  const auto params = model.parameters();
  std::vector<std::uint8_t> bytes(8 + text.size() + params.size_bytes());
  const std::uint64_t n = text.size();
  std::memcpy(bytes.data(), &n, 8);
  std::memcpy(bytes.data() + 8, text.data(), text.size());
  std::memcpy(bytes.data() + 8 + text.size(), params.data(), params.size_bytes());
  return bytes;
}

Status save_safetensors(const std::string& path, const Autoencoder& model, const Metadata& extra) {
  return write_file_atomically(path, encode_safetensors(model, extra));
}

namespace {

// The header: its length checked against the file and the format's limit, its nesting against kMaxHeaderDepth
// (nesting costs the parser memory at every level: a header of '[' only would take gigabytes; a weights header is
// three levels deep), then parsed. `data_len` is what follows it.
Status read_header(std::span<const std::uint8_t> bytes, const std::string& name, json& header, std::uint64_t& data_len) {
  if (bytes.size() < 8) {
    return Status::error(name + ": " + std::to_string(bytes.size()) +
                         " bytes is too short for a safetensors file (at least 8 for the header length)");
  }
  std::uint64_t header_len = 0;
  std::memcpy(&header_len, bytes.data(), 8);
  if (header_len == 0) return Status::error(name + ": safetensors header length is 0");
  if (header_len > kMaxSafetensorsHeader) {
    return Status::error(name + ": safetensors header length " + std::to_string(header_len) +
                         " is over the format's limit of 100,000,000 bytes");
  }
  if (header_len > bytes.size() - 8) {
    return Status::error(name + ": safetensors header length " + std::to_string(header_len) +
                         " runs past the end of the file (" + std::to_string(bytes.size()) + " bytes)");
  }
  const auto* text = reinterpret_cast<const char*>(bytes.data() + 8);
  if (const std::size_t depth = json_depth(std::string_view(text, static_cast<std::size_t>(header_len))); depth > kMaxHeaderDepth) {
    return Status::error(name + ": safetensors header nests " + std::to_string(depth) + " levels deep; at most " +
                         std::to_string(kMaxHeaderDepth) + " are read");
  }
  header = json::parse(text, text + header_len, nullptr, false);
  if (header.is_discarded()) return Status::error(name + ": safetensors header is not valid JSON");
  if (!header.is_object()) return Status::error(name + ": safetensors header is not a JSON object");
  data_len = bytes.size() - 8 - header_len;
  return Status::ok();
}

Status read_metadata(const json& header, const std::string& name, Metadata& meta) {
  auto it = header.find("__metadata__");
  if (it == header.end()) return Status::error(name + ": safetensors header has no __metadata__, so no architecture");
  if (!it->is_object()) return Status::error(name + ": __metadata__ is not a JSON object");
  for (const auto& [k, v] : it->items()) {
    if (!v.is_string()) return Status::error(name + ": __metadata__ entry " + quote_text(k) + " is not a string");
    meta[k] = v.get<std::string>();
  }
  return Status::ok();
}

// The model the metadata describes is built only if the file holds its weights (a few bytes of metadata can name a
// model of gigabytes) and it fits the memory budget.
Status check_model_size(const Architecture& arch, std::uint64_t data_len, std::uint64_t memory_budget, const std::string& name) {
  const std::uint64_t needed = arch.parameter_count() * sizeof(float);
  if (needed != data_len) {
    return Status::error(name + ": architecture " + arch.describe() + " needs " + std::to_string(needed) +
                         " bytes of weights; the file holds " + std::to_string(data_len));
  }
  if (const std::uint64_t model_bytes = model_memory(arch); model_bytes > memory_budget) {
    return Status::error(name + ": architecture " + compact_description(arch) + " needs " + bytes_text(model_bytes) +
                         " for its weights and gradients; the memory limit is " + bytes_text(memory_budget));
  }
  return Status::ok();
}

Status check_no_stray_tensors(const json& header, const std::vector<ExpectedTensor>& expected, const Architecture& arch,
                              const std::string& name) {
  for (const auto& item : header.items()) {
    const std::string& key = item.key();
    if (key == "__metadata__") continue;
    const bool known = std::any_of(expected.begin(), expected.end(), [&](const ExpectedTensor& t) { return t.name == key; });
    if (!known) return Status::error(name + ": unexpected tensor " + quote_text(key) + " for architecture " + arch.describe());
  }
  return Status::ok();
}

// One tensor's entry: dtype F32, the architecture's shape, and data offsets inside the data that span exactly
// its size. `span` gets the offsets.
Status check_tensor_entry(const json& entry, const ExpectedTensor& t, std::uint64_t data_len, const std::string& where,
                          std::pair<std::uint64_t, std::uint64_t>& span) {
  if (!entry.is_object()) return Status::error(where + " is not a JSON object");
  auto dtype = entry.find("dtype");
  if (dtype == entry.end() || !dtype->is_string()) return Status::error(where + " has no dtype");
  if (dtype->get<std::string>() != "F32") {
    return Status::error(where + " has dtype " + quote_text(dtype->get<std::string>()) + "; only F32 is supported");
  }
  std::vector<std::uint64_t> shape, offsets;
  auto shape_it = entry.find("shape");
  if (shape_it == entry.end() || !read_u64_array(*shape_it, shape)) {
    return Status::error(where + " has no valid shape (an array of non-negative integers)");
  }
  if (shape != t.shape) {
    return Status::error(where + " has shape " + shape_text(shape) + "; the architecture needs " + shape_text(t.shape));
  }
  auto off_it = entry.find("data_offsets");
  if (off_it == entry.end() || !read_u64_array(*off_it, offsets) || offsets.size() != 2) {
    return Status::error(where + " has no valid data_offsets (two non-negative integers)");
  }
  const std::uint64_t begin = offsets[0], end = offsets[1];
  if (begin > end || end > data_len) {
    return Status::error(where + " has data_offsets [" + std::to_string(begin) + "," + std::to_string(end) +
                         "] outside the " + std::to_string(data_len) + " bytes of data");
  }
  if (end - begin != t.count * sizeof(float)) {
    return Status::error(where + " spans " + std::to_string(end - begin) + " bytes; shape " + shape_text(shape) +
                         " in F32 needs " + std::to_string(t.count * sizeof(float)));
  }
  span = {begin, end};
  return Status::ok();
}

// Every tensor's bytes into the model's arena, each checked first and its values after (finite only).
Status copy_tensors(const json& header, const std::uint8_t* data, std::uint64_t data_len, Autoencoder& model,
                    const std::string& name, std::vector<std::pair<std::uint64_t, std::uint64_t>>& spans) {
  for (const ExpectedTensor& t : expected_tensors(model)) {
    const std::string where = name + ": tensor '" + t.name + "'";
    auto it = header.find(t.name);
    if (it == header.end()) {
      return Status::error(name + ": missing tensor '" + t.name + "' for architecture " + model.architecture().describe());
    }
    std::pair<std::uint64_t, std::uint64_t> span;
    if (Status s = check_tensor_entry(*it, t, data_len, where, span); !s) return s;
    spans.push_back(span);
    float* dst = model.parameters().data() + t.offset;
    std::memcpy(dst, data + span.first, static_cast<std::size_t>(span.second - span.first));
    for (std::size_t i = 0; i < t.count; ++i) {
      if (!std::isfinite(dst[i])) {
        return Status::error(where + " holds a non-finite value (NaN or infinity) at element " + std::to_string(i));
      }
    }
  }
  return Status::ok();
}

// The tensors' data covers the data exactly: no overlaps, no gaps, nothing left over.
Status check_coverage(std::vector<std::pair<std::uint64_t, std::uint64_t>> spans, std::uint64_t data_len,
                      const std::string& name) {
  std::sort(spans.begin(), spans.end());
  std::uint64_t cursor = 0;
  for (const auto& [begin, end] : spans) {
    if (begin != cursor) return Status::error(name + ": tensor data overlaps or leaves a gap at byte " + std::to_string(cursor));
    cursor = end;
  }
  if (cursor != data_len) {
    return Status::error(name + ": " + std::to_string(data_len - cursor) + " bytes of data belong to no tensor");
  }
  return Status::ok();
}

}  // namespace

Status decode_safetensors(std::span<const std::uint8_t> bytes, const std::string& name,
                          std::unique_ptr<Autoencoder>& model, Metadata* metadata, std::uint64_t memory_budget) {
  json header;
  std::uint64_t data_len = 0;
  if (Status s = read_header(bytes, name, header, data_len); !s) return s;
  Metadata meta;
  if (Status s = read_metadata(header, name, meta); !s) return s;
  Architecture arch;
  if (Status s = architecture_from_metadata(meta, name, arch); !s) return s;
  if (Status s = check_model_size(arch, data_len, memory_budget, name); !s) return s;
  auto result = std::make_unique<Autoencoder>(arch);
  if (Status s = check_no_stray_tensors(header, expected_tensors(*result), arch, name); !s) return s;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> spans;
  const std::uint8_t* data = bytes.data() + (bytes.size() - data_len);
  if (Status s = copy_tensors(header, data, data_len, *result, name, spans); !s) return s;
  if (Status s = check_coverage(std::move(spans), data_len, name); !s) return s;
  model = std::move(result);
  if (metadata != nullptr) *metadata = std::move(meta);
  return Status::ok();
}

Status load_safetensors(const std::string& path, std::unique_ptr<Autoencoder>& model, Metadata* metadata,
                        std::uint64_t memory_budget) {
  std::vector<std::uint8_t> bytes;
  if (Status s = read_file(path, bytes); !s) return s;
  return decode_safetensors(bytes, path, model, metadata, memory_budget);
}

}  // namespace latent
