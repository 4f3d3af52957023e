// The TF.js writer (model_export.hpp): an export graph (export_graph.hpp) as a TF.js Layers model, model.json (a
// Keras functional model's config, the format tf.loadLayersModel reads) and weights.bin (every weight, float32,
// little-endian, in the manifest's order).
//
// TF.js, like Keras, keeps images channels last (height, width, channels), and its kernels as (in, out) for a dense
// layer and (k, k, in, out) for a convolution: the weights are transposed from ours as they are written. Our dense
// layers read maps channel by channel (PyTorch's flatten), so a Permute puts the channels first before Flatten, and
// after a Reshape to (C, H, W) another puts them last: the flat numbers (the code, a bottleneck's input) are the same
// as ours, in the same order, and the dense weights need no reordering.
#include "core/model_export_formats.hpp"

#include <cstring>
#include <nlohmann/json.hpp>

namespace latent {

namespace {

using json = nlohmann::ordered_json;

struct TfjsBuilder {
  json layers = json::array();
  json manifest = json::array();
  std::vector<std::uint8_t> weights;

  // A layer reading `source` (a layer's name; none for the input).
  void layer(const std::string& cls, const std::string& name, json config, const std::string& source) {
    config["name"] = name;
    config["trainable"] = true;
    config["dtype"] = "float32";
    json inbound = json::array();
    if (!source.empty()) inbound.push_back(json::array({json::array({source, 0, 0, json::object()})}));
    layers.push_back({{"class_name", cls}, {"config", config}, {"name", name}, {"inbound_nodes", inbound}});
  }
  void weight(const std::string& name, std::vector<int> shape, const std::vector<float>& values) {
    manifest.push_back({{"name", name}, {"shape", shape}, {"dtype", "float32"}});
    const std::size_t at = weights.size();
    weights.resize(at + values.size() * sizeof(float));
    std::memcpy(weights.data() + at, values.data(), values.size() * sizeof(float));
  }
};

// (out, in) -> (in, out)
std::vector<float> dense_kernel(const ExportStep& s) {
  const std::size_t out = static_cast<std::size_t>(s.out.size()), in = static_cast<std::size_t>(s.in.size());
  std::vector<float> k(out * in);
  for (std::size_t o = 0; o < out; ++o) {
    for (std::size_t i = 0; i < in; ++i) k[i * out + o] = s.weight[o * in + i];
  }
  return k;
}

// (out, in, k, k) -> (k, k, in, out)
std::vector<float> conv_kernel(const ExportStep& s) {
  const std::size_t out = static_cast<std::size_t>(s.out.channels), in = static_cast<std::size_t>(s.in.channels);
  const std::size_t n = static_cast<std::size_t>(s.kernel), taps = n * n;
  std::vector<float> k(out * in * taps);
  for (std::size_t o = 0; o < out; ++o) {
    for (std::size_t i = 0; i < in; ++i) {
      for (std::size_t t = 0; t < taps; ++t) k[(t * in + i) * out + o] = s.weight[(o * in + i) * taps + t];
    }
  }
  return k;
}

// A step's layer is named after the graph's output it gives ("code"), else after the step ("encoder_0").
std::string layer_name(const ExportGraph& g, std::size_t step) {
  for (const ExportOutput& o : g.outputs) {
    if (o.step == static_cast<int>(step)) return o.name;
  }
  std::string name = g.steps[step].name;
  for (char& c : name) c = c == '.' ? '_' : c;
  return name;
}

// One step as one or two layers, the last of them named `name`.
void add_step(TfjsBuilder& b, const ExportStep& s, const std::string& name, const std::string& source) {
  const std::string act = to_string(s.activation);
  switch (s.kind) {
    case LayerKind::Dense:
      b.layer("Dense", name, {{"units", s.out.size()}, {"activation", act}, {"use_bias", true}}, source);
      b.weight(name + "/kernel", {s.in.size(), s.out.size()}, dense_kernel(s));
      break;
    case LayerKind::Conv:
      b.layer("Conv2D", name,
              {{"filters", s.out.channels}, {"kernel_size", {s.kernel, s.kernel}}, {"strides", {1, 1}},
               {"padding", s.padding == Padding::Same ? "same" : "valid"}, {"data_format", "channels_last"},
               {"dilation_rate", {1, 1}}, {"activation", act}, {"use_bias", true}},
              source);
      b.weight(name + "/kernel", {s.kernel, s.kernel, s.in.channels, s.out.channels}, conv_kernel(s));
      break;
    case LayerKind::Pool:
      b.layer("MaxPooling2D", name,
              {{"pool_size", {2, 2}}, {"strides", {2, 2}}, {"padding", "same"}, {"data_format", "channels_last"}}, source);
      return;
    case LayerKind::Upsample:
      b.layer("UpSampling2D", name, {{"size", {2, 2}}, {"data_format", "channels_last"}}, source);
      return;
    case LayerKind::Flatten:
      b.layer("Permute", name + "_channels_first", {{"dims", {3, 1, 2}}}, source);
      b.layer("Flatten", name, {{"data_format", "channels_last"}}, name + "_channels_first");
      return;
    case LayerKind::Reshape:
      b.layer("Reshape", name + "_channels_first", {{"target_shape", {s.out.channels, s.out.height, s.out.width}}}, source);
      b.layer("Permute", name, {{"dims", {2, 3, 1}}}, name + "_channels_first");
      return;
  }
  b.weight(name + "/bias", {s.out.channels}, std::vector<float>(s.bias.begin(), s.bias.end()));
}

json input_shape(const ExportGraph& g) {
  if (g.image_input) return json::array({nullptr, g.input.height, g.input.width, g.input.channels});
  return json::array({nullptr, g.input.size()});
}

}  // namespace

TfjsModel write_tfjs(const ExportGraph& graph, const std::string& name, const Metadata& metadata) {
  TfjsBuilder b;
  b.layer("InputLayer", graph.input_name, {{"batch_input_shape", input_shape(graph)}, {"sparse", false}}, "");
  std::vector<std::string> names;
  for (std::size_t i = 0; i < graph.steps.size(); ++i) {
    const ExportStep& s = graph.steps[i];
    names.push_back(layer_name(graph, i));
    add_step(b, s, names.back(), s.source < 0 ? graph.input_name : names[static_cast<std::size_t>(s.source)]);
  }
  json outputs = json::array();
  for (const ExportOutput& o : graph.outputs) outputs.push_back({names[static_cast<std::size_t>(o.step)], 0, 0});
  json config{{"name", name}, {"layers", b.layers}, {"input_layers", {{graph.input_name, 0, 0}}}, {"output_layers", outputs}};
  json meta = json::object();
  for (const auto& [key, value] : metadata) meta[key] = value;
  json model{{"format", "layers-model"},
             {"generatedBy", "latent-canvas 0.1.0"},
             {"convertedBy", nullptr},
             {"modelTopology",
              {{"class_name", "Model"}, {"config", config}, {"keras_version", "tfjs-layers 4.22.0"}, {"backend", "tensor_flow.js"}}},
             {"weightsManifest", {{{"paths", {"weights.bin"}}, {"weights", b.manifest}}}},
             {"userDefinedMetadata", meta}};
  return {model.dump(1), std::move(b.weights)};
}

}  // namespace latent
