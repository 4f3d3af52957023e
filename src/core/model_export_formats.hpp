// The two writers behind model_export.hpp, each from the same export graph (export_graph.hpp). Internal to the core.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/export_graph.hpp"
#include "core/safetensors.hpp"

namespace latent {

// An ONNX ModelProto (onnx_export.cpp); `metadata` goes into its metadata_props.
std::vector<std::uint8_t> write_onnx(const ExportGraph& graph, const std::string& name, const Metadata& metadata);

// A TF.js Layers model (tfjs_export.cpp): model.json's text and weights.bin's bytes.
struct TfjsModel {
  std::string json;
  std::vector<std::uint8_t> weights;
};
TfjsModel write_tfjs(const ExportGraph& graph, const std::string& name, const Metadata& metadata);

}  // namespace latent
