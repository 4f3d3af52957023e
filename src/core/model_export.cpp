#include "core/model_export.hpp"

#include <cmath>
#include <zlib.h>

#include "core/model_export_formats.hpp"

namespace latent {

const char* to_string(ExportFormat format) { return format == ExportFormat::Onnx ? "onnx" : "tfjs"; }

const char* to_string(ExportPart part) {
  switch (part) {
    case ExportPart::All: return "all";
    case ExportPart::Encoder: return "encoder";
    case ExportPart::Decoder: return "decoder";
  }
  return "all";
}

std::optional<ExportFormat> parse_export_format(std::string_view text) {
  if (text == "onnx") return ExportFormat::Onnx;
  if (text == "tfjs") return ExportFormat::Tfjs;
  return std::nullopt;
}

std::optional<ExportPart> parse_export_part(std::string_view text) {
  for (ExportPart p : {ExportPart::All, ExportPart::Encoder, ExportPart::Decoder}) {
    if (text == to_string(p)) return p;
  }
  return std::nullopt;
}

namespace {

constexpr std::uint64_t kOnnxLimit = (std::uint64_t{1} << 31) - 1;  // protobuf's limit on one message
constexpr std::uint64_t kOnnxOverhead = 1 << 20;  // names, shapes and nodes: far less than this for any of our models

std::uint64_t part_parameters(const Architecture& arch, ExportPart part) {
  const std::vector<LayerLayout> layers = arch.layers();
  const int enc = arch.encoder_layer_count();
  std::uint64_t n = 0;
  for (int l = 0; l < static_cast<int>(layers.size()); ++l) {
    const bool encoder = l < enc;
    if ((part == ExportPart::Encoder && !encoder) || (part == ExportPart::Decoder && encoder)) continue;
    n += layers[static_cast<std::size_t>(l)].parameter_count();
  }
  return n;
}

// The first weight that is NaN or infinite, by its tensor's name, or "" when all are finite.
std::string first_non_finite(const Autoencoder& model) {
  const std::span<const float> params = model.parameters();
  int weighted = 0;
  for (const LayerLayout& d : model.layers()) {
    if (!d.has_parameters()) continue;
    for (bool bias : {false, true}) {
      const auto values = bias ? params.subspan(d.bias, static_cast<std::size_t>(d.out.channels)) : params.subspan(d.weight, d.weight_count);
      for (std::size_t i = 0; i < values.size(); ++i) {
        if (!std::isfinite(values[i])) return tensor_name(model.architecture(), weighted, bias) + "[" + std::to_string(i) + "]";
      }
    }
    ++weighted;
  }
  return "";
}

Metadata export_metadata(const Architecture& arch, const Metadata& metadata, ExportPart part) {
  Metadata m = metadata;
  m["architecture"] = arch.describe();
  m["code_size"] = std::to_string(arch.code_size());
  m["part"] = to_string(part);
  m["source"] = "Latent Canvas (latent export, or the page's Export menu)";
  return m;
}

}  // namespace

Status check_export(const Architecture& arch, ExportFormat format, ExportPart part) {
  const std::uint64_t bytes = part_parameters(arch, part) * sizeof(float) + kOnnxOverhead;
  if (format == ExportFormat::Onnx && bytes > kOnnxLimit) {
    return Status::error("cannot export " + arch.describe() + " (" + to_string(part) + ") to ONNX: its " +
                         std::to_string(part_parameters(arch, part)) +
                         " weights need more than the 2 GB that one ONNX (protobuf) file can hold; export the encoder "
                         "or decoder alone, or use --format tfjs");
  }
  return Status::ok();
}

Status export_model(const Autoencoder& model, const Metadata& metadata, ExportFormat format, ExportPart part,
                    std::vector<ExportFile>& files) {
  const Architecture& arch = model.architecture();
  if (Status s = check_export(arch, format, part); !s) return s;
  if (const std::string bad = first_non_finite(model); !bad.empty()) {
    return Status::error("cannot export: weight " + bad + " is not a finite number (the model diverged; reset it or "
                         "train with a smaller learning rate)");
  }
  const ExportGraph graph = build_export_graph(model, part);
  const Metadata meta = export_metadata(arch, metadata, part);
  const std::string name = std::string("latent_canvas_") + to_string(part);
  files.clear();
  if (format == ExportFormat::Onnx) {
    files.push_back({"model.onnx", write_onnx(graph, name, meta)});
    return Status::ok();
  }
  TfjsModel tfjs = write_tfjs(graph, name, meta);
  files.push_back({"model.json", std::vector<std::uint8_t>(tfjs.json.begin(), tfjs.json.end())});
  files.push_back({"weights.bin", std::move(tfjs.weights)});
  return Status::ok();
}

std::string export_file_name(const std::string& stem, ExportFormat format, ExportPart part) {
  const std::string which = part == ExportPart::All ? "" : std::string("-") + to_string(part);
  return stem + which + (format == ExportFormat::Onnx ? ".onnx" : ".tfjs.zip");
}

namespace {

void put16(std::vector<std::uint8_t>& out, std::uint32_t v) {
  out.push_back(static_cast<std::uint8_t>(v));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  put16(out, v & 0xffff);
  put16(out, v >> 16);
}

// The fields a local header and a central directory entry share, from "version needed" to the name's length
// (APPNOTE.TXT 4.3.7): stored, no flags, 1980-01-01 00:00.
void put_entry_fields(std::vector<std::uint8_t>& out, const ExportFile& f, std::uint32_t crc) {
  put16(out, 20);          // version needed: 2.0
  put16(out, 0);           // flags
  put16(out, 0);           // method: stored
  put16(out, 0);           // time
  put16(out, (0 << 9) | (1 << 5) | 1);  // date: 1980-01-01
  put32(out, crc);
  put32(out, static_cast<std::uint32_t>(f.bytes.size()));  // compressed size
  put32(out, static_cast<std::uint32_t>(f.bytes.size()));  // size
  put16(out, static_cast<std::uint32_t>(f.name.size()));
  put16(out, 0);  // extra field's length
}

}  // namespace

Status zip_files(const std::vector<ExportFile>& files, std::vector<std::uint8_t>& zip) {
  std::uint64_t total = 0;
  for (const ExportFile& f : files) total += f.bytes.size() + 100 + 2 * f.name.size();
  if (total >= (std::uint64_t{1} << 32) || files.size() > 0xffff) {
    return Status::error("cannot make a zip of " + std::to_string(total) + " bytes: the limit is 4 GB");
  }
  zip.clear();
  zip.reserve(static_cast<std::size_t>(total) + 22);
  std::vector<std::uint8_t> directory;
  for (const ExportFile& f : files) {
    const auto crc = static_cast<std::uint32_t>(crc32(0, f.bytes.data(), static_cast<uInt>(f.bytes.size())));
    const auto offset = static_cast<std::uint32_t>(zip.size());
    put32(zip, 0x04034b50);
    put_entry_fields(zip, f, crc);
    zip.insert(zip.end(), f.name.begin(), f.name.end());
    zip.insert(zip.end(), f.bytes.begin(), f.bytes.end());
    put32(directory, 0x02014b50);
    put16(directory, 20);  // made by: 2.0
    put_entry_fields(directory, f, crc);
    for (int i = 0; i < 4; ++i) put16(directory, 0);  // comment length, disk, internal attributes, external (low)
    put16(directory, 0);                               // external attributes (high)
    put32(directory, offset);
    directory.insert(directory.end(), f.name.begin(), f.name.end());
  }
  const auto directory_at = static_cast<std::uint32_t>(zip.size());
  zip.insert(zip.end(), directory.begin(), directory.end());
  put32(zip, 0x06054b50);
  put16(zip, 0);
  put16(zip, 0);
  put16(zip, static_cast<std::uint32_t>(files.size()));
  put16(zip, static_cast<std::uint32_t>(files.size()));
  put32(zip, static_cast<std::uint32_t>(directory.size()));
  put32(zip, directory_at);
  put16(zip, 0);  // comment length
  return Status::ok();
}

}  // namespace latent
