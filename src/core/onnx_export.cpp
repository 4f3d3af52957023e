// The ONNX writer (model_export.hpp): an export graph (export_graph.hpp) as an ONNX ModelProto, opset 13, IR version
// 7, written with protobuf_writer.hpp. Field numbers are onnx.proto's (github.com/onnx/onnx, onnx/onnx.proto).
//
// How each step is spelled:
//   dense       Gemm(x, W, b, transB=1): our (out, in) weight as it is
//   conv        Conv(x, W, b), 3x3, pads 1 ('same') or 0 ('valid'): PyTorch's (out, in, k, k) layout, ours
//   pool        MaxPool 2x2, stride 2, padded at the end where a side is odd (7 -> 4, Keras' 'same')
//   upsample    Resize, nearest, scales (1, 1, 2, 2), asymmetric coordinates rounded down: pixel x reads x / 2
//   flatten     Flatten(axis 1): channel by channel, as our dense layers read maps
//   reshape     Reshape to (-1, C, H, W)
//   activation  Relu, Sigmoid or Tanh after the step, none for linear
#include "core/model_export_formats.hpp"

#include "core/protobuf_writer.hpp"

namespace latent {

namespace {

// onnx.proto's enums.
constexpr int kFloat = 1, kInt64 = 7;                       // TensorProto.DataType
constexpr int kAttrInt = 2, kAttrString = 3, kAttrInts = 7;  // AttributeProto.AttributeType

struct Attribute {
  std::string name;
  int type = kAttrInt;
  std::vector<std::int64_t> ints;
  std::string text;
};

Attribute ints(std::string name, std::vector<std::int64_t> values) { return {std::move(name), kAttrInts, std::move(values), {}}; }
Attribute integer(std::string name, std::int64_t value) { return {std::move(name), kAttrInt, {value}, {}}; }
Attribute text(std::string name, std::string value) { return {std::move(name), kAttrString, {}, std::move(value)}; }

ProtoWriter attribute_proto(const Attribute& a) {
  ProtoWriter w;
  w.string_field(1, a.name);
  w.int_field(20, a.type);
  if (a.type == kAttrInt) w.int_field(3, a.ints.front());
  if (a.type == kAttrString) w.string_field(4, a.text);
  if (a.type == kAttrInts) w.packed_ints(8, a.ints);
  return w;
}

// The graph under construction: nodes and initializers, each already encoded.
struct GraphBuilder {
  ProtoWriter graph;
  int nodes = 0;

  void node(const std::string& op, std::vector<std::string> inputs, const std::string& output,
            const std::vector<Attribute>& attributes = {}) {
    ProtoWriter n;
    for (const std::string& in : inputs) n.string_field(1, in);
    n.string_field(2, output);
    n.string_field(3, op + "_" + std::to_string(nodes++));
    n.string_field(4, op);
    for (const Attribute& a : attributes) n.message_field(5, attribute_proto(a));
    graph.message_field(1, n);
  }
  void floats(const std::string& name, std::vector<std::int64_t> dims, std::span<const float> values) {
    ProtoWriter t;
    t.packed_ints(1, dims);
    t.int_field(2, kFloat);
    t.string_field(8, name);
    t.float_bytes_field(9, values);
    graph.message_field(5, t);
  }
  void int64s(const std::string& name, std::vector<std::int64_t> values) {
    ProtoWriter t;
    t.packed_ints(1, std::vector<std::int64_t>{static_cast<std::int64_t>(values.size())});
    t.int_field(2, kInt64);
    t.string_field(8, name);
    t.packed_ints(7, values);
    graph.message_field(5, t);
  }
  // A graph input or output (ValueInfoProto): float, the batch dimension named "batch".
  void value(int field, const std::string& name, const std::vector<std::int64_t>& dims) {
    ProtoWriter shape;
    ProtoWriter batch;
    batch.string_field(2, "batch");
    shape.message_field(1, batch);
    for (std::int64_t d : dims) {
      ProtoWriter dim;
      dim.int_field(1, d);
      shape.message_field(1, dim);
    }
    ProtoWriter tensor;
    tensor.int_field(1, kFloat);
    tensor.message_field(2, shape);
    ProtoWriter type;
    type.message_field(1, tensor);
    ProtoWriter info;
    info.string_field(1, name);
    info.message_field(2, type);
    graph.message_field(field, info);
  }
};

std::vector<std::int64_t> dims_of(ImageShape s, bool image) {
  if (!image) return {s.size()};
  return {s.channels, s.height, s.width};
}

// One step's node (and its weights), reading `in`, writing `out` before its activation.
void add_step_node(GraphBuilder& g, const ExportStep& s, const std::string& in, const std::string& out) {
  const std::string w = s.name + ".weight", b = s.name + ".bias";
  switch (s.kind) {
    case LayerKind::Dense:
      g.floats(w, {s.out.size(), s.in.size()}, s.weight);
      g.floats(b, {s.out.size()}, s.bias);
      g.node("Gemm", {in, w, b}, out, {integer("transB", 1)});
      break;
    case LayerKind::Conv: {
      const std::int64_t pad = s.padding == Padding::Same ? s.kernel / 2 : 0;
      g.floats(w, {s.out.channels, s.in.channels, s.kernel, s.kernel}, s.weight);
      g.floats(b, {s.out.channels}, s.bias);
      g.node("Conv", {in, w, b}, out, {ints("kernel_shape", {s.kernel, s.kernel}), ints("pads", {pad, pad, pad, pad})});
      break;
    }
    case LayerKind::Pool:
      g.node("MaxPool", {in}, out,
             {ints("kernel_shape", {2, 2}), ints("strides", {2, 2}),
              ints("pads", {0, 0, 2 * s.out.height - s.in.height, 2 * s.out.width - s.in.width})});
      break;
    case LayerKind::Upsample:
      g.floats(s.name + ".scales", {4}, std::vector<float>{1, 1, 2, 2});
      g.node("Resize", {in, "", s.name + ".scales"}, out,
             {text("mode", "nearest"), text("coordinate_transformation_mode", "asymmetric"), text("nearest_mode", "floor")});
      break;
    case LayerKind::Flatten: g.node("Flatten", {in}, out, {integer("axis", 1)}); break;
    case LayerKind::Reshape:
      g.int64s(s.name + ".shape", {-1, s.out.channels, s.out.height, s.out.width});
      g.node("Reshape", {in, s.name + ".shape"}, out);
      break;
  }
}

const char* activation_op(Activation a) {
  switch (a) {
    case Activation::ReLU: return "Relu";
    case Activation::Sigmoid: return "Sigmoid";
    case Activation::Tanh: return "Tanh";
    case Activation::Linear: return nullptr;
  }
  return nullptr;
}

// Every step, each output named after the step ("encoder.0"), the graph's outputs by their own names.
void add_steps(GraphBuilder& g, const ExportGraph& graph) {
  std::vector<std::string> names(graph.steps.size());
  for (std::size_t i = 0; i < graph.steps.size(); ++i) {
    const ExportStep& s = graph.steps[i];
    std::string out = s.name;
    for (const ExportOutput& o : graph.outputs) out = o.step == static_cast<int>(i) ? o.name : out;
    const char* act = activation_op(s.activation);
    const std::string in = s.source < 0 ? graph.input_name : names[static_cast<std::size_t>(s.source)];
    add_step_node(g, s, in, act ? s.name + ".linear" : out);
    if (act) g.node(act, {s.name + ".linear"}, out);
    names[i] = out;
  }
}

ProtoWriter graph_proto(const ExportGraph& graph, const std::string& name) {
  GraphBuilder g;
  add_steps(g, graph);
  g.graph.string_field(2, name);
  g.value(11, graph.input_name, dims_of(graph.input, graph.image_input));
  for (const ExportOutput& o : graph.outputs) {
    const ExportStep& s = graph.steps[static_cast<std::size_t>(o.step)];
    g.value(12, o.name, dims_of(s.out, o.name == "reconstruction" && graph.image_output));
  }
  return std::move(g.graph);
}

}  // namespace

std::vector<std::uint8_t> write_onnx(const ExportGraph& graph, const std::string& name, const Metadata& metadata) {
  ProtoWriter model;
  model.int_field(1, 7);  // IR version 7: opset 13's
  model.string_field(2, "latent-canvas");
  model.string_field(3, "0.1.0");
  model.message_field(7, graph_proto(graph, name));
  ProtoWriter opset;
  opset.string_field(1, "");
  opset.int_field(2, 13);
  model.message_field(8, opset);
  for (const auto& [key, value] : metadata) {
    ProtoWriter entry;
    entry.string_field(1, key);
    entry.string_field(2, value);
    model.message_field(14, entry);
  }
  return model.take();
}

}  // namespace latent
