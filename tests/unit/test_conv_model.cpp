// The convolutional autoencoder: its layers as planned from the shape, its gradients end to end in double
// precision, training with every variant, bit-identical runs, weights files and their refusals. (The memory
// estimate against the measured heap: test_memory.cpp.)
#include <catch2/catch.hpp>

#include <cstring>

#include "core/benchmark.hpp"
#include "core/safetensors.hpp"
#include "core/trainer.hpp"
#include "helpers.hpp"

using namespace latent;
using latent::testing::objective_of;

namespace {

Architecture conv_model(std::vector<int> channels = {16, 8, 8}, int bottleneck = 0, bool variational = false) {
  Architecture a;
  a.kind = ModelKind::Conv;
  a.channels = std::move(channels);
  a.bottleneck = bottleneck;
  a.variational = variational;
  return a;
}

std::string shapes_text(const Architecture& a) {
  std::string text;
  for (const LayerLayout& l : a.layers()) {
    if (!text.empty()) text += ' ';
    text += std::to_string(l.out.channels) + "x" + std::to_string(l.out.height) + "x" + std::to_string(l.out.width);
  }
  return text;
}

}  // namespace

TEST_CASE("the default convolutional model is the Keras article's", "[conv][model]") {
  const Architecture keras = conv_model();
  REQUIRE(keras.validate().is_ok());
  CHECK(keras.describe() == "conv 16,8,8 relu");
  // Encoder: conv 16, pool, conv 8, pool, conv 8, pool (7 -> 4, ceil), the 4 x 4 x 8 code flattened. Decoder: the
  // code as maps, conv 8, up, conv 8, up, conv 16 'valid' (16 -> 14), up, conv 1.
  CHECK(shapes_text(keras) ==
        "16x28x28 16x14x14 8x14x14 8x7x7 8x7x7 8x4x4 128x1x1 8x4x4 8x4x4 8x8x8 8x8x8 8x16x16 16x14x14 16x28x28 1x28x28");
  CHECK(keras.code_size() == 128);
  CHECK(keras.encoder_layer_count() == 7);
  CHECK(keras.layers()[12].padding == Padding::Valid);
  CHECK(keras.parameter_count() == 4385);  // Keras' model.summary() for the article's model
  CHECK(keras.layers().back().activation == Activation::Linear);  // logits; the loss applies the sigmoid
  CHECK(tensor_name(keras, 0, false) == "encoder.0.weight");
  CHECK(tensor_name(keras, 3, true) == "decoder.0.bias");
  CHECK(tensor_name(keras, 6, false) == "decoder.3.weight");
  // About 4.3 MFLOP to train on one image: 15-20 times the seed model.
  CHECK(training_flops_per_sample(keras) == Approx(4.28e6).epsilon(0.01));

  // The course's larger model: two blocks, 28 -> 14 -> 7 and back with 'same' convolutions only.
  const Architecture course = conv_model({32, 64});
  REQUIRE(course.validate().is_ok());
  CHECK(course.code_size() == 64 * 7 * 7);
  CHECK(shapes_text(course).ends_with("64x7x7 64x14x14 32x14x14 32x28x28 1x28x28"));

  // A bottleneck: flatten -> dense N (the code) -> dense -> the maps again; a VAE's code layer is mean and variance.
  const Architecture vae = conv_model({16, 8, 8}, 2, true);
  REQUIRE(vae.validate().is_ok());
  CHECK(vae.code_size() == 2);
  CHECK(vae.layers()[7].out_size() == 4);
  CHECK(vae.describe() == "conv 16,8,8 bottleneck 2 relu vae");
}

TEST_CASE("convolutional shapes that cannot be built are refused with a message", "[conv][model]") {
  const auto refusal = [](Architecture a) { return a.validate().message(); };
  CHECK(refusal(conv_model({})) == "channels: 0 blocks; the convolutional model takes 1 to 4");
  CHECK(refusal(conv_model({8, 8, 8, 8, 8})) == "channels: 5 blocks; the convolutional model takes 1 to 4");
  CHECK(refusal(conv_model({16, 0})) == "channels: 0 is out of range (1 to 256)");
  CHECK(refusal(conv_model({256})) ==
        "channels 256 give a code of 50176 numbers; at most 4096 (fewer channels in the last block, or a bottleneck)");
  CHECK(refusal(conv_model({16, 8, 8}, 1025)) == "bottleneck 1025 is out of range (0 for none, or 1 to 1024)");
  CHECK(refusal(conv_model({16, 8, 8}, 0, true)) ==
        "a variational convolutional model needs a bottleneck (its code is a dense layer's mean and variance)");
  Architecture odd = conv_model({4, 4});
  odd.input = 36;  // 6 -> 3 -> 2, and back 2 -> 4 -> 8: no 'valid' convolution lands on 6
  CHECK(refusal(odd) == "channels 4,4: the decoder cannot come back to 6 x 6 from 2 x 2; try fewer blocks");
  Architecture flat = conv_model();
  flat.input = 700;
  CHECK(refusal(flat) == "the convolutional model needs square images of at least 4 x 4; 700 pixels is not one");
}

TEST_CASE("the convolutional model's gradients match central differences (double precision)", "[conv][model][gradcheck]") {
  // 12 x 12 images and three blocks: 12 -> 6 -> 3 -> 2 (ceil pooling on an odd side), back 2 -> 4 -> 8, a 'valid'
  // convolution 8 -> 6, and up to 12; the flatten and reshape joints; with and without a dense bottleneck.
  const Variant variant = GENERATE(Variant::Plain, Variant::Sparse, Variant::Denoising, Variant::Variational);
  const int bottleneck = variant == Variant::Variational ? 3 : GENERATE(0, 3);
  INFO(to_string(variant) << " bottleneck " << bottleneck);
  Architecture arch = conv_model({2, 3, 2}, bottleneck, variant == Variant::Variational);
  arch.input = 144;
  arch.activation = Activation::Tanh;  // smooth, so central differences are exact enough everywhere
  REQUIRE(arch.validate().is_ok());
  const std::vector<LayerLayout> layers = arch.layers();
  REQUIRE(layers[layers.size() - 3].padding == Padding::Valid);  // the last block's: 8 -> 6, then up to 12
  BasicAutoencoder<double> m(arch);
  m.initialize(3);
  Rng rng(17);
  auto params = m.parameters();
  for (double& p : params) p += 0.1 * (rng.uniform01_double() - 0.5);
  const int batch = 3;
  const int code = arch.code_size();
  std::vector<double> target(144 * batch), input(144 * batch), eps(static_cast<std::size_t>(code) * batch);
  for (double& v : target) v = rng.uniform01_double();
  for (std::size_t i = 0; i < input.size(); ++i) input[i] = variant == Variant::Denoising ? rng.uniform01_double() : target[i];
  for (double& v : eps) v = 2.0 * rng.uniform01_double() - 1.0;
  Objective o = objective_of(variant);
  o.sparsity = 0.05f;
  o.beta = 0.7f;
  m.compute_gradients(input.data(), target.data(), batch, Loss::BinaryCrossEntropy, o, eps.data());
  const std::vector<double> analytic(m.gradients().begin(), m.gradients().end());
  const auto f = [&] { return m.compute_gradients(input.data(), target.data(), batch, Loss::BinaryCrossEntropy, o, eps.data()); };
  REQUIRE(params.size() > 100);
  for (std::size_t i = 0; i < params.size(); ++i) {
    INFO("parameter " << i);
    // Relative, or, for gradients so small that the difference quotient's rounding (~1e-10) is a large share of them
    // (deep in a tanh network), absolute: a wrong formula misses both by far.
    const double numeric = testing::central_difference(&params[i], f, 1e-5);
    CHECK((testing::gradient_error(analytic[i], numeric) < testing::kGradientTolerance || std::abs(analytic[i] - numeric) < 1e-9));
  }
}

TEST_CASE("the convolutional model trains with every variant", "[conv][trainer]") {
  const DatasetSplit& data = testing::bundled_digits();
  const Variant variant = GENERATE(Variant::Plain, Variant::Denoising, Variant::Sparse, Variant::Variational);
  INFO(to_string(variant));
  TrainConfig config;
  config.shape.kind = ModelKind::Conv;
  config.shape.bottleneck = variant == Variant::Variational ? 8 : 0;
  config.objective = objective_of(variant);
  config.batch_size = 64;
  Trainer t(data.train, config);
  Dataset few;
  few.rows = data.test.rows;
  few.cols = data.test.cols;
  few.images.assign(data.test.images.begin(), data.test.images.begin() + 500 * 784);
  few.labels.assign(data.test.labels.begin(), data.test.labels.begin() + 500);
  const float before = t.evaluate(few);
  CHECK(before > 0.6f);
  for (int i = 0; i < 40; ++i) t.step();
  const float after = t.evaluate(few);
  CHECK(after < before - 0.15f);
}

TEST_CASE("a convolutional run is bit-identical for a seed and a thread count", "[conv][trainer][threads]") {
  const DatasetSplit& data = testing::bundled_digits();
  const int threads = GENERATE(1, 2);
  TrainConfig config;
  config.shape.kind = ModelKind::Conv;
  config.batch_size = 96;  // enough work for two threads (Trainer::threads_for), little for ThreadSanitizer's run
  config.threads = threads;
  const auto train = [&](std::uint64_t seed) {
    config.seed = seed;
    Trainer t(data.train, config);
    for (int i = 0; i < 4; ++i) t.step();
    CHECK(t.threads_for(config.batch_size) == threads);
    return std::vector<float>(t.model().parameters().begin(), t.model().parameters().end());
  };
  const auto a = train(5), b = train(5), c = train(6);
  CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
  CHECK(a != c);
}

TEST_CASE("a convolutional model's weights file round-trips, and bad metadata is refused", "[conv][safetensors]") {
  Autoencoder m(conv_model({16, 8, 8}, 4, true));
  m.initialize(9);
  const std::vector<std::uint8_t> bytes = encode_safetensors(m);
  std::unique_ptr<Autoencoder> back;
  REQUIRE(decode_safetensors(bytes, "w.safetensors", back).is_ok());
  CHECK(back->architecture() == m.architecture());
  CHECK(std::equal(m.parameters().begin(), m.parameters().end(), back->parameters().begin()));

  // The same file with one metadata entry changed (same length, so the header's size holds).
  const auto with = [&](const std::string& from, const std::string& to) {
    std::string text(bytes.begin(), bytes.end());
    const std::size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
    const std::vector<std::uint8_t> changed(text.begin(), text.end());
    std::unique_ptr<Autoencoder> out;
    return decode_safetensors(changed, "w.safetensors", out).message();
  };
  CHECK(with("\"model\":\"conv\"", "\"model\":\"cnnn\"") == "w.safetensors: metadata model 'cnnn' is not dense or conv");
  CHECK(with("\"channels\":\"16,8,8\"", "\"channels\":\"16,8,x\"") ==
        "w.safetensors: metadata channels: expected comma-separated numbers like 16,8,8, got '16,8,x'");
  CHECK(with("\"channels\":\"16,8,8\"", "\"channels\":\"16,0,8\"") == "w.safetensors: metadata channels 0 is out of range (1 to 256)");
  CHECK(with("\"bottleneck\":\"4\"", "\"bottleneck\":\"x\"") == "w.safetensors: metadata bottleneck 'x' is not a number");
  CHECK(with("\"bottleneck\":\"4\"", "\"bottleneck\":\"0\"") ==
        "w.safetensors: a variational convolutional model needs a bottleneck (its code is a dense layer's mean and variance)");
  CHECK(with("\"channels\":\"16,8,8\"", "\"channels\":\"16,8,9\"") ==
        "w.safetensors: architecture conv 16,8,9 bottleneck 4 relu vae needs 26256 bytes of weights; the file holds 24228");
  CHECK(with("\"channels\"", "\"chennals\"") ==
        "w.safetensors: __metadata__ has no 'channels' entry; it is not a Latent Canvas weights file");
}

TEST_CASE("a drawing's feature maps: every convolution's output, the last one the reconstruction", "[conv][model]") {
  Autoencoder m(conv_model());
  m.initialize(4);
  const DatasetSplit& data = testing::bundled_digits();
  std::vector<float> x(784), y(784);
  for (std::size_t p = 0; p < 784; ++p) x[p] = static_cast<float>(data.test.images[7 * 784 + p]) / 255.0f;
  const auto maps = m.feature_maps(x.data());
  REQUIRE(maps.size() == 8);  // seven convolutions, and the code between encoder and decoder
  const ImageShape shapes[] = {{16, 28, 28}, {8, 14, 14}, {8, 7, 7}, {8, 4, 4}, {8, 4, 4}, {8, 8, 8}, {16, 14, 14}, {1, 28, 28}};
  for (std::size_t k = 0; k < 8; ++k) {
    INFO("maps " << k);
    CHECK(maps[k].shape == shapes[k]);
    CHECK(maps[k].values.size() == static_cast<std::size_t>(shapes[k].size()));
    CHECK(maps[k].code == (k == 3));
  }
  // The code's maps are the code: encode() gives the same 128 numbers, channel by channel.
  std::vector<float> code(128);
  m.encode(x.data(), 1, code.data());
  for (std::size_t i = 0; i < 128; ++i) CHECK(maps[3].values[i] == code[i]);
  for (float v : maps[0].values) REQUIRE(v >= 0.0f);  // after the ReLU
  m.reconstruct(x.data(), 1, y.data());
  for (std::size_t p = 0; p < 784; ++p) CHECK(maps[7].values[p] == Approx(y[p]).margin(1e-6));
  Autoencoder narrow(conv_model({16, 8, 8}, 2));  // with a bottleneck the code is a dense layer's: no code maps
  CHECK(narrow.feature_maps(x.data()).size() == 7);
  // The first map set is the first convolution of the image: pixel (14, 14) of map 3 by hand.
  const LayerLayout& first = m.layers().front();
  const auto w = m.parameters().subspan(first.weight, 16 * 9);
  double sum = m.parameters()[first.bias + 3];
  for (int dy = -1; dy <= 1; ++dy) {
    for (int dx = -1; dx <= 1; ++dx) sum += w[3 * 9 + (dy + 1) * 3 + dx + 1] * x[(14 + dy) * 28 + 14 + dx];
  }
  CHECK(maps[0].values[3 * 784 + 14 * 28 + 14] == Approx(std::max(0.0, sum)).margin(1e-6));
  CHECK(Autoencoder(Architecture{}).feature_maps(x.data()).empty());  // a dense model has none
}
