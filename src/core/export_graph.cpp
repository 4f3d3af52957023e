#include "core/export_graph.hpp"

#include <string_view>

namespace latent {

namespace {

const char* kind_name(LayerKind kind) {
  switch (kind) {
    case LayerKind::Dense: return "dense";
    case LayerKind::Conv: return "conv";
    case LayerKind::Pool: return "pool";
    case LayerKind::Upsample: return "upsample";
    case LayerKind::Flatten: return "flatten";
    case LayerKind::Reshape: return "reshape";
  }
  return "layer";
}

// One step per layer of the model, named as its weights are in the safetensors file ("encoder.0"), or, without
// weights, by its kind and place ("encoder.pool1"); `source` is the previous step.
std::vector<ExportStep> model_steps(const Autoencoder& model) {
  const std::vector<LayerLayout>& layers = model.layers();
  const int enc = model.architecture().encoder_layer_count();
  const std::span<const float> params = model.parameters();
  std::vector<ExportStep> steps;
  int weighted = 0;
  for (int l = 0; l < static_cast<int>(layers.size()); ++l) {
    const LayerLayout& d = layers[static_cast<std::size_t>(l)];
    const bool encoder = l < enc;
    ExportStep s;
    static_cast<LayerLayout&>(s) = d;
    s.source = l - 1;
    if (d.has_parameters()) {
      s.weight = params.subspan(d.weight, d.weight_count);
      s.bias = params.subspan(d.bias, static_cast<std::size_t>(d.out.channels));
      const std::string weight_name = tensor_name(model.architecture(), weighted++, false);  // "encoder.0.weight"
      s.name = weight_name.substr(0, weight_name.size() - std::string_view(".weight").size());
    } else {
      s.name = std::string(encoder ? "encoder." : "decoder.") + kind_name(d.kind) + std::to_string(encoder ? l : l - enc);
    }
    steps.push_back(std::move(s));
  }
  steps.back().activation = Activation::Sigmoid;  // the loss applies it in training; an export gives probabilities
  return steps;
}

// A variational code layer (mean over log-variance, one dense layer) as two steps on the same input, or, for the
// whole model (which decodes the mean and gives no log-variance), as its mean alone.
void split_variational_code(std::vector<ExportStep>& steps, int code, bool keep_log_var) {
  ExportStep& both = steps[static_cast<std::size_t>(code)];
  const int n = both.out.channels / 2;
  const std::size_t rows = static_cast<std::size_t>(n) * static_cast<std::size_t>(both.in.size());
  ExportStep log_var = both;
  both.out = log_var.out = {n, 1, 1};
  log_var.weight = both.weight.subspan(rows, rows);
  log_var.bias = both.bias.subspan(static_cast<std::size_t>(n));
  both.weight = both.weight.first(rows);
  both.bias = both.bias.first(static_cast<std::size_t>(n));
  log_var.name += ".log_var";
  both.name += ".mean";
  if (!keep_log_var) return;
  steps.insert(steps.begin() + code + 1, std::move(log_var));
  // The steps after it sit one place further on; the first of them reads the mean.
  for (std::size_t i = static_cast<std::size_t>(code) + 2; i < steps.size(); ++i) {
    steps[i].source = steps[i].source == code ? code : steps[i].source + 1;
  }
}

// Keeps steps [first, end) and renumbers their sources; the first step reads the graph's input.
void keep_steps(std::vector<ExportStep>& steps, int first, int end) {
  steps.erase(steps.begin() + end, steps.end());
  steps.erase(steps.begin(), steps.begin() + first);
  for (ExportStep& s : steps) s.source = s.source < first ? -1 : s.source - first;
}

}  // namespace

ExportGraph build_export_graph(const Autoencoder& model, ExportPart part) {
  const Architecture& arch = model.architecture();
  ExportGraph g;
  g.steps = model_steps(model);
  int code = arch.encoder_layer_count() - 1;  // the step that gives the code (its mean)
  const bool log_var = arch.variational && part != ExportPart::All;
  if (arch.variational) split_variational_code(g.steps, code, log_var);
  const int decoder = code + (log_var ? 2 : 1);
  const int total = static_cast<int>(g.steps.size());
  if (part == ExportPart::Encoder) {
    keep_steps(g.steps, 0, decoder);
    g.outputs = arch.variational ? std::vector<ExportOutput>{{"mean", code}, {"log_var", code + 1}}
                                 : std::vector<ExportOutput>{{"code", code}};
  } else if (part == ExportPart::Decoder) {
    keep_steps(g.steps, decoder, total);
    g.outputs = {{"reconstruction", total - decoder - 1}};
  } else {
    g.outputs = {{"reconstruction", total - 1}};
  }
  g.input_name = part == ExportPart::Decoder ? "code" : "input";
  g.input = g.steps.front().in;
  g.image_input = arch.convolutional() && part != ExportPart::Decoder;
  g.image_output = arch.convolutional() && part != ExportPart::Encoder;
  return g;
}

}  // namespace latent
