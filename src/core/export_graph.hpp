// A model as the exporters write it (model_export.hpp): one part of it (the whole autoencoder, the encoder or the
// decoder) as a chain of steps, each a layer of the model with its weights, in the order they run. Formats differ in
// how they spell a step, not in which steps there are, so both exporters walk this one list.
//
// What the list settles, once, for every format:
//   - where a part starts and ends: the encoder is the model's first encoder_layer_count() layers, the decoder the
//     rest, and the last layer gets the sigmoid that the loss applies during training;
//   - a variational encoder's last layer, which gives the code's mean over its log-variance, becomes two steps that
//     read the same input: `mean` (the first half of the rows) and `log_var` (the second). The whole model decodes
//     the mean, as the page and `latent eval` do (no sampling);
//   - the names of the graph's inputs and outputs, and each step's name (its weights' names in the safetensors file).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/autoencoder.hpp"

namespace latent {

enum class ExportPart { All, Encoder, Decoder };

// A layer as the model runs it (its kind, shapes, kernel, padding and activation; the arena offsets are not used),
// with its weights and its place in the chain.
struct ExportStep : LayerLayout {
  std::span<const float> weight;  // ours: dense (out, in), conv (out, in, k, k), row-major; empty without parameters
  std::span<const float> bias;
  std::string name;  // "encoder.0", "encoder.1.mean", "decoder.2"; a step without parameters: "encoder.pool3"
  int source = -1;   // the step whose output it reads; -1 for the graph's input
};

struct ExportOutput {
  std::string name;  // "reconstruction", "code", "mean", "log_var"
  int step = 0;
};

struct ExportGraph {
  std::string input_name;  // "input" (an image, or a dense model's pixels) or "code" (the decoder)
  ImageShape input;        // {1, 28, 28} for a convolutional model's image; {n, 1, 1} for a vector of n
  bool image_input = false;   // the input is an image (convolutional encoder or whole model)
  bool image_output = false;  // the reconstruction is an image (convolutional decoder or whole model)
  std::vector<ExportStep> steps;
  std::vector<ExportOutput> outputs;
};

ExportGraph build_export_graph(const Autoencoder& model, ExportPart part);

}  // namespace latent
