// The Network tab's blocks follow the model: dense, deep, variational and convolutional, each layer's shape and
// activation, and the code marked; and each block's live values come from the layer it names.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "app/network_view.hpp"

using namespace latent;

namespace {

std::vector<std::string> titles(const std::vector<NetworkBlock>& blocks) {
  std::vector<std::string> out;
  for (const NetworkBlock& b : blocks) out.push_back(b.title + " " + b.shape + (b.code ? " (code)" : ""));
  return out;
}

Architecture dense(std::vector<int> hidden, int latent, bool vae) {
  ModelShape s;
  s.hidden = std::move(hidden);
  s.latent = latent;
  return Architecture(s, vae);
}

}  // namespace

TEST_CASE("the network view's blocks for the seed model", "[network]") {
  const auto blocks = network_blocks(dense({}, 32, false));
  CHECK(titles(blocks) == std::vector<std::string>{"Input 28 x 28", "Dense, ReLU 32 (code)", "Output, sigmoid 28 x 28"});
  CHECK(blocks[0].kind == NetworkBlock::Image);
  CHECK(blocks[1].kind == NetworkBlock::Units);
  CHECK(blocks[1].layer == 0);
  CHECK(blocks[2].layer == 1);
}

TEST_CASE("the network view's blocks for a deep model, with the code at the narrowest point", "[network]") {
  const auto blocks = network_blocks(dense({128, 64}, 8, false));
  CHECK(titles(blocks) == std::vector<std::string>{"Input 28 x 28", "Dense, ReLU 128", "Dense, ReLU 64",
                                                   "Dense, ReLU 8 (code)", "Dense, ReLU 64", "Dense, ReLU 128",
                                                   "Output, sigmoid 28 x 28"});
  for (std::size_t b = 1; b + 1 < blocks.size(); ++b) CHECK(blocks[b].layer == static_cast<int>(b) - 1);
}

TEST_CASE("the network view's blocks for a VAE: the code shows its mean, and the layer gives mean and log-variance", "[network]") {
  const Architecture arch = dense({512}, 2, true);
  const auto blocks = network_blocks(arch);
  CHECK(titles(blocks) == std::vector<std::string>{"Input 28 x 28", "Dense, ReLU 512", "Code: mean, spread 2 (code)",
                                                   "Dense, ReLU 512", "Output, sigmoid 28 x 28"});
  CHECK(blocks[2].variational);
  // The layer it reads holds the mean, then the log-variance.
  Autoencoder model(arch);
  model.initialize(3);
  const std::vector<float> x(784, 0.5f);
  const auto outputs = model.layer_outputs(x.data());
  REQUIRE(outputs.size() == 4);
  CHECK(outputs[static_cast<std::size_t>(blocks[2].layer)].size() == 4);
  std::vector<float> code(2);
  model.encode(x.data(), 1, code.data());
  CHECK(outputs[1][0] == Approx(code[0]));
  CHECK(outputs[1][1] == Approx(code[1]));
  std::vector<float> y(784);
  model.reconstruct(x.data(), 1, y.data());
  CHECK(outputs.back()[100] == Approx(y[100]));
}

TEST_CASE("the network view's blocks for the convolutional model, with and without a bottleneck", "[network]") {
  ModelShape s;
  s.kind = ModelKind::Conv;
  const auto blocks = network_blocks(Architecture(s, false));
  CHECK(titles(blocks) == std::vector<std::string>{
                              "Input 28 x 28", "Conv 3x3, ReLU 16 x 28 x 28", "Max pool 2x2 16 x 14 x 14",
                              "Conv 3x3, ReLU 8 x 14 x 14", "Max pool 2x2 8 x 7 x 7", "Conv 3x3, ReLU 8 x 7 x 7",
                              "Max pool 2x2 8 x 4 x 4 (code)", "Conv 3x3, ReLU 8 x 4 x 4", "Upsample 2x 8 x 8 x 8",
                              "Conv 3x3, ReLU 8 x 8 x 8", "Upsample 2x 8 x 16 x 16", "Conv 3x3 valid, ReLU 16 x 14 x 14",
                              "Upsample 2x 16 x 28 x 28", "Output, sigmoid 28 x 28"});
  s.bottleneck = 2;
  const auto narrow = network_blocks(Architecture(s, true));
  int codes = 0;
  for (const NetworkBlock& b : narrow) {
    if (!b.code) continue;
    ++codes;
    CHECK(b.shape == "2");
    CHECK(b.variational);
  }
  CHECK(codes == 1);
}
