// Exports (model_export.hpp): the graph each format is written from, the ONNX file's first fields, the zip that
// carries TF.js's two files, and the refusals. That real readers get our numbers from every export is
// tests/browser/export.test.mjs (onnxruntime-node, @tensorflow/tfjs, python3-onnx's checker).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <zlib.h>

#include "core/export_graph.hpp"
#include "core/model_export.hpp"
#include "core/protobuf_writer.hpp"

using namespace latent;

namespace {

Architecture dense_arch(std::vector<int> hidden, int latent, bool variational) {
  ModelShape shape;
  shape.hidden = std::move(hidden);
  shape.latent = latent;
  return {shape, variational};
}

Autoencoder initialized(const Architecture& arch) {
  Autoencoder model(arch);
  model.initialize(7);
  return model;
}

std::vector<std::string> step_names(const ExportGraph& g) {
  std::vector<std::string> names;
  for (const ExportStep& s : g.steps) names.push_back(s.name);
  return names;
}

std::uint32_t read32(const std::vector<std::uint8_t>& b, std::size_t at) {
  return b[at] | b[at + 1] << 8 | b[at + 2] << 16 | static_cast<std::uint32_t>(b[at + 3]) << 24;
}

}  // namespace

TEST_CASE("each part of a dense model is its layers, the last through a sigmoid", "[export]") {
  const Autoencoder model = initialized(dense_arch({128}, 16, false));
  const ExportGraph all = build_export_graph(model, ExportPart::All);
  CHECK(step_names(all) == std::vector<std::string>{"encoder.0", "encoder.1", "decoder.0", "decoder.1"});
  CHECK(all.input_name == "input");
  CHECK(all.outputs.size() == 1);
  CHECK(all.outputs[0].name == "reconstruction");
  CHECK(all.steps.back().activation == Activation::Sigmoid);
  CHECK(all.steps[1].activation == model.layers()[1].activation);

  const ExportGraph encoder = build_export_graph(model, ExportPart::Encoder);
  CHECK(step_names(encoder) == std::vector<std::string>{"encoder.0", "encoder.1"});
  CHECK(encoder.outputs[0].name == "code");
  CHECK(encoder.steps.back().out.size() == 16);

  const ExportGraph decoder = build_export_graph(model, ExportPart::Decoder);
  CHECK(step_names(decoder) == std::vector<std::string>{"decoder.0", "decoder.1"});
  CHECK(decoder.input_name == "code");
  CHECK(decoder.input.size() == 16);
  CHECK(decoder.steps[0].source == -1);
  CHECK(decoder.steps[1].source == 0);
  // The weights are the model's own, not copies.
  CHECK(decoder.steps[0].weight.data() == model.parameters().data() + model.layers()[2].weight);
}

TEST_CASE("a variational encoder gives its mean and log-variance; the whole model decodes the mean", "[export]") {
  const Autoencoder model = initialized(dense_arch({64}, 8, true));
  const LayerLayout& code = model.layers()[1];  // (2 x 8, 64): mean rows over log-variance rows
  const ExportGraph encoder = build_export_graph(model, ExportPart::Encoder);
  CHECK(step_names(encoder) == std::vector<std::string>{"encoder.0", "encoder.1.mean", "encoder.1.log_var"});
  REQUIRE(encoder.outputs.size() == 2);
  CHECK(encoder.outputs[0].name == "mean");
  CHECK(encoder.outputs[1].name == "log_var");
  const ExportStep& mean = encoder.steps[1];
  const ExportStep& log_var = encoder.steps[2];
  CHECK(mean.source == 0);
  CHECK(log_var.source == 0);
  CHECK(mean.out.size() == 8);
  CHECK(mean.weight.data() == model.parameters().data() + code.weight);
  CHECK(log_var.weight.data() == model.parameters().data() + code.weight + 8 * 64);
  CHECK(log_var.bias.data() == model.parameters().data() + code.bias + 8);
  CHECK(mean.activation == Activation::Linear);

  const ExportGraph all = build_export_graph(model, ExportPart::All);
  CHECK(step_names(all) == std::vector<std::string>{"encoder.0", "encoder.1.mean", "decoder.0", "decoder.1"});
  CHECK(all.steps[2].source == 1);  // the decoder reads the mean
  const ExportGraph decoder = build_export_graph(model, ExportPart::Decoder);
  CHECK(decoder.input.size() == 8);
}

TEST_CASE("a convolutional model's parts take and give images, with the code flat between them", "[export]") {
  ModelShape shape;
  shape.kind = ModelKind::Conv;
  const Autoencoder model = initialized(Architecture(shape, false));
  const ExportGraph all = build_export_graph(model, ExportPart::All);
  CHECK(all.image_input);
  CHECK(all.image_output);
  CHECK(all.input == ImageShape{1, 28, 28});
  const ExportGraph encoder = build_export_graph(model, ExportPart::Encoder);
  CHECK(encoder.steps.back().kind == LayerKind::Flatten);
  CHECK(encoder.steps.back().out.size() == 8 * 4 * 4);
  CHECK_FALSE(encoder.image_output);
  const ExportGraph decoder = build_export_graph(model, ExportPart::Decoder);
  CHECK(decoder.steps.front().kind == LayerKind::Reshape);
  CHECK_FALSE(decoder.image_input);
  CHECK(decoder.image_output);
}

TEST_CASE("protobuf fields are written as the wire format says", "[export]") {
  ProtoWriter w;
  w.int_field(1, 7);
  w.int_field(2, 300);
  w.string_field(3, "ab");
  w.packed_ints(4, std::vector<std::int64_t>{-1});
  const std::vector<std::uint8_t> want{0x08, 7, 0x10, 0xac, 0x02, 0x1a, 2, 'a', 'b',
                                       0x22, 10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
  CHECK(w.bytes() == want);
}

TEST_CASE("an ONNX export starts with IR version 7 and carries the training details", "[export]") {
  const Autoencoder model = initialized(dense_arch({}, 32, false));
  std::vector<ExportFile> files;
  REQUIRE(export_model(model, {{"trained_epochs", "12"}}, ExportFormat::Onnx, ExportPart::All, files));
  REQUIRE(files.size() == 1);
  CHECK(files[0].name == "model.onnx");
  const std::vector<std::uint8_t>& b = files[0].bytes;
  CHECK(b[0] == 0x08);
  CHECK(b[1] == 7);
  const std::string text(b.begin(), b.end());
  CHECK(text.find("Gemm") != std::string::npos);
  CHECK(text.find("trained_epochs") != std::string::npos);
  CHECK(text.find("784-32-784 relu") != std::string::npos);
  // Both weights and biases go in whole: at least 2 x 784 x 32 floats.
  CHECK(b.size() > 2 * 784 * 32 * sizeof(float));
}

TEST_CASE("a TF.js export is model.json and weights.bin, with Keras' kernel layout", "[export]") {
  const Autoencoder model = initialized(dense_arch({}, 32, false));
  std::vector<ExportFile> files;
  REQUIRE(export_model(model, {}, ExportFormat::Tfjs, ExportPart::Encoder, files));
  REQUIRE(files.size() == 2);
  CHECK(files[0].name == "model.json");
  CHECK(files[1].name == "weights.bin");
  const auto model_json = nlohmann::json::parse(files[0].bytes);
  CHECK(model_json["format"] == "layers-model");
  const auto& weights = model_json["weightsManifest"][0]["weights"];
  REQUIRE(weights.size() == 2);
  CHECK(weights[0]["name"] == "code/kernel");
  CHECK(weights[0]["shape"] == nlohmann::json::array({784, 32}));
  REQUIRE(files[1].bytes.size() == (784 * 32 + 32) * sizeof(float));
  // kernel[i][o] is our weight (o, i).
  const LayerLayout& d = model.layers()[0];
  float k = 0;
  std::memcpy(&k, files[1].bytes.data() + (5 * 32 + 3) * sizeof(float), sizeof k);
  CHECK(k == model.parameters()[d.weight + 3 * 784 + 5]);
}

TEST_CASE("exports that cannot be expressed are refused with the reason", "[export][errors]") {
  SECTION("weights that are not finite numbers") {
    Autoencoder model = initialized(dense_arch({}, 32, false));
    model.parameters()[model.layers()[1].bias + 4] = std::numeric_limits<float>::quiet_NaN();
    std::vector<ExportFile> files;
    const Status s = export_model(model, {}, ExportFormat::Onnx, ExportPart::All, files);
    REQUIRE_FALSE(s);
    CHECK(s.message() == "cannot export: weight decoder.0.bias[4] is not a finite number (the model diverged; reset it or "
                         "train with a smaller learning rate)");
    CHECK(files.empty());
  }
  SECTION("an ONNX file past protobuf's 2 GB, judged from the shape alone") {
    ModelShape shape;
    shape.input = 65536;
    shape.hidden = {4096};
    const Architecture huge(shape, false);  // 2 x 65536 x 4096 weights: 2.1 GB; never allocated here
    const Status s = check_export(huge, ExportFormat::Onnx, ExportPart::All);
    REQUIRE_FALSE(s);
    CHECK(s.message().find("more than the 2 GB that one ONNX (protobuf) file can hold") != std::string::npos);
    CHECK(check_export(huge, ExportFormat::Onnx, ExportPart::Encoder));
    CHECK(check_export(huge, ExportFormat::Tfjs, ExportPart::All));
  }
}

TEST_CASE("a zip of the files holds each one whole, stored, with its CRC", "[export]") {
  const std::vector<ExportFile> files{{"model.json", {'{', '}'}}, {"weights.bin", {1, 2, 3, 4, 5}}};
  std::vector<std::uint8_t> zip;
  REQUIRE(zip_files(files, zip));
  CHECK(read32(zip, 0) == 0x04034b50);
  CHECK(read32(zip, 14) == static_cast<std::uint32_t>(crc32(0, files[0].bytes.data(), 2)));
  CHECK(read32(zip, 18) == 2);  // stored: compressed size = size
  CHECK(std::string(zip.begin() + 30, zip.begin() + 40) == "model.json");
  CHECK(zip[40] == '{');
  const std::size_t second = 30 + 10 + 2;
  CHECK(read32(zip, second) == 0x04034b50);
  CHECK(std::string(zip.begin() + static_cast<std::ptrdiff_t>(second) + 30, zip.begin() + static_cast<std::ptrdiff_t>(second) + 41) == "weights.bin");
  // The end record: two entries, the directory right after the last file.
  const std::size_t end = zip.size() - 22;
  CHECK(read32(zip, end) == 0x06054b50);
  CHECK((zip[end + 10] | zip[end + 11] << 8) == 2);
  CHECK(read32(zip, end + 16) == second + 30 + 11 + 5);
  CHECK(export_file_name("latent-canvas-784-32-784-relu-e3", ExportFormat::Tfjs, ExportPart::Encoder) ==
        "latent-canvas-784-32-784-relu-e3-encoder.tfjs.zip");
  CHECK(export_file_name("m", ExportFormat::Onnx, ExportPart::All) == "m.onnx");
}
