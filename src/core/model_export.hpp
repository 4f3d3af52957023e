// Exports: a model, or its encoder or decoder alone, as files other tools open (docs/exports.md).
//   - ONNX (opset 13): one file, model.onnx, for onnxruntime, Netron and every ONNX runtime. Named inputs and outputs
//     with their shapes (the batch dimension named "batch"), the training details in metadata_props.
//   - TF.js Layers: model.json and weights.bin, for tf.loadLayersModel (and Keras through the TF.js converter).
// Inputs and outputs, by part (n: the pixels, 784; a convolutional model's images are 1 x 28 x 28, channels first
// in ONNX and last in TF.js):
//   all      input (batch, n) or an image          -> reconstruction, the same shape, in [0, 1]
//   encoder  input                                 -> code (batch, code size); a VAE: mean and log_var
//   decoder  code (batch, code size)               -> reconstruction
// The whole VAE decodes the code's mean, as the page and `latent eval` do.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/autoencoder.hpp"
#include "core/export_graph.hpp"
#include "core/safetensors.hpp"
#include "core/status.hpp"

namespace latent {

enum class ExportFormat { Onnx, Tfjs };

const char* to_string(ExportFormat format);  // "onnx", "tfjs"
const char* to_string(ExportPart part);      // "all", "encoder", "decoder"
std::optional<ExportFormat> parse_export_format(std::string_view text);
std::optional<ExportPart> parse_export_part(std::string_view text);

struct ExportFile {
  std::string name;  // "model.onnx"; "model.json", "weights.bin"
  std::vector<std::uint8_t> bytes;
};

// The limit a format sets, checked from the shape alone before anything is built: an ONNX model is one protobuf
// message, and protobuf refuses messages of 2 GB or more (its weights could go into side files, which a single
// download cannot carry, so such an export is refused with the reason).
Status check_export(const Architecture& arch, ExportFormat format, ExportPart part);

// The files of one export. Refuses, with the reason, what cannot be expressed: a model past the format's limit, or
// weights that hold NaN or infinity (a model that diverged; any runtime would give NaN for every image). `metadata`
// (training_metadata(), or a weights file's) goes into the files with the architecture and the part.
Status export_model(const Autoencoder& model, const Metadata& metadata, ExportFormat format, ExportPart part,
                    std::vector<ExportFile>& files);

// The name a download of the export takes: `stem` + "-encoder" + ".onnx", or ".tfjs.zip" for TF.js's two files.
std::string export_file_name(const std::string& stem, ExportFormat format, ExportPart part);

// The files as one zip archive, stored without compression: how the page hands over TF.js's two files as one
// download. Refuses files of 4 GB or more (the format's limit without its 64-bit extension).
Status zip_files(const std::vector<ExportFile>& files, std::vector<std::uint8_t>& zip);

}  // namespace latent
