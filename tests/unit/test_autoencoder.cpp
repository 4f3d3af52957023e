// The Autoencoder: a forward pass worked out by hand, whole-model gradient checks in double precision for
// every activation and loss, encoder/decoder consistency, the architecture rules, and the promise that a
// training step allocates nothing after the first batch.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>

#include "core/autoencoder.hpp"
#include "core/optimizer.hpp"
#include "core/trainer.hpp"
#include "helpers.hpp"

using namespace latent;
using latent::testing::central_difference;
using latent::testing::gradient_error;

// Count heap allocations: the test binary interposes glibc's malloc (operator new and Eigen both call it). Not in
// sanitizer builds, whose runtimes replace malloc themselves.
#if defined(__GLIBC__) && !defined(LATENT_SANITIZED)
extern "C" void* __libc_malloc(std::size_t size);
namespace {
std::atomic<long> g_allocations{0};
std::atomic<bool> g_counting{false};
}  // namespace
extern "C" void* malloc(std::size_t size) {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_malloc(size);
}
#define LATENT_CAN_COUNT_ALLOCATIONS 1
#endif

namespace {

// The 3 -> 2 (ReLU) -> 3 (sigmoid) network worked out in the comments below.
template <class T> void set_hand_weights(BasicAutoencoder<T>& m) {
  const double values[] = {
      1, -1, 0.5, 0, 2, -1,   // encoder.0.weight (2, 3)
      0.1, -1.0,              // encoder.0.bias
      1, 0, 0, -1, 0.5, 0.5,  // decoder.0.weight (3, 2)
      0, 0.1, -0.3,           // decoder.0.bias
  };
  REQUIRE(m.parameters().size() == std::size(values));
  std::transform(std::begin(values), std::end(values), m.parameters().begin(), [](double v) { return T(v); });
}

Architecture tiny(int input, std::vector<int> hidden, int latent, Activation act) {
  Architecture a;
  a.input = input;
  a.hidden = std::move(hidden);
  a.latent = latent;
  a.activation = act;
  return a;
}

}  // namespace

TEST_CASE("a forward pass worked out by hand", "[autoencoder]") {
  Autoencoder m(tiny(3, {}, 2, Activation::ReLU));
  set_hand_weights(m);
  const float x[3] = {1.0f, 0.5f, 0.25f};
  // z1 = W1 x + b1 = (1 - 0.5 + 0.125 + 0.1, 0 + 1 - 0.25 - 1) = (0.725, -0.25); ReLU: code = (0.725, 0)
  float code[2];
  m.encode(x, 1, code);
  CHECK(code[0] == Approx(0.725f));
  CHECK(code[1] == 0.0f);
  // z2 = W2 code + b2 = (0.725, 0.1, 0.0625); y = sigmoid(z2)
  float y[3];
  m.decode(code, 1, y);
  CHECK(y[0] == Approx(0.673707099f));
  CHECK(y[1] == Approx(0.524979187f));
  CHECK(y[2] == Approx(0.515619916f));
  // BCE = mean(-(t log y + (1 - t) log(1 - y))) with t = x; MSE = mean((y - t)^2)
  CHECK(m.loss(x, 1, Loss::BinaryCrossEntropy) == Approx(0.599538958f));
  CHECK(m.loss(x, 1, Loss::MeanSquaredError) == Approx(0.059214985f));
  float y2[3], code2[2];
  m.reconstruct(x, 1, y2, code2);
  CHECK(std::memcmp(y, y2, sizeof y) == 0);
  CHECK(std::memcmp(code, code2, sizeof code) == 0);
}

TEST_CASE("whole-model gradients match central differences (double precision)", "[autoencoder][gradcheck]") {
  const Activation act = GENERATE(Activation::ReLU, Activation::Sigmoid, Activation::Tanh, Activation::Linear);
  const Loss loss = GENERATE(Loss::BinaryCrossEntropy, Loss::MeanSquaredError);
  const std::vector<int> hidden = GENERATE(std::vector<int>{}, std::vector<int>{6, 4});
  INFO(to_string(act) << " " << to_string(loss) << " hidden layers " << hidden.size());

  BasicAutoencoder<double> m(tiny(9, hidden, 3, act));
  m.initialize(5);
  Rng rng(9);
  auto params = m.parameters();
  for (double& p : params) p += 0.05 * (rng.uniform01_double() - 0.5);  // non-zero biases too
  const int batch = 4;
  std::vector<double> x(9 * batch);
  for (double& v : x) v = rng.uniform01_double();

  m.compute_gradients(x.data(), batch, loss);
  const std::vector<double> analytic(m.gradients().begin(), m.gradients().end());
  const auto f = [&] { return m.loss(x.data(), batch, loss); };
  // h = 1e-4: behind two sigmoid layers the first layer's gradients are ~1e-6, and with h = 1e-6 rounding
  // leaves ~1e-10 of noise in the quotient (measured: h = 1e-3 agrees to 1e-7, h = 1e-6 only to 1e-4). The
  // truncation error at 1e-4 is ~1e-8 relative. A ReLU unit would flip only if its pre-activation were
  // within ~1e-4 of zero; these seeds give none (a flip would show as one large error and fail).
  for (std::size_t i = 0; i < params.size(); ++i) {
    INFO("parameter " << i);
    CHECK(gradient_error(analytic[i], central_difference(&params[i], f, 1e-4)) < latent::testing::kGradientTolerance);
  }
}

TEST_CASE("encode then decode equals reconstruct in any batch size", "[autoencoder]") {
  Autoencoder m(tiny(784, {64}, 16, Activation::ReLU));
  m.initialize(2);
  Rng rng(4);
  const int n = 300;  // more than one inference chunk
  std::vector<float> x(784 * n), code(16 * n), y(784 * n), y2(784 * n), code2(16 * n);
  for (float& v : x) v = rng.uniform01();
  m.encode(x.data(), n, code.data());
  m.decode(code.data(), n, y.data());
  m.reconstruct(x.data(), n, y2.data(), code2.data());
  CHECK(code == code2);
  CHECK(y == y2);
  // A single column gives the same code as inside a batch, up to rounding (one column takes Eigen's
  // matrix-vector path, which sums in another order).
  float one[16];
  m.encode(x.data() + 784 * 299, 1, one);
  for (int k = 0; k < 16; ++k) CHECK(one[k] == Approx(code[16 * 299 + k]).epsilon(1e-5).margin(1e-6));
}

TEST_CASE("one per-image loss: each image's BCE from the logits, whose mean is the training loss", "[autoencoder]") {
  // Real digits through a model trained a little, so the losses spread (random weights give every image ~0.69).
  const DatasetSplit& data = latent::testing::bundled_digits();
  TrainConfig config;
  config.threads = 1;
  Trainer trainer(data.train, config);
  for (int i = 0; i < 40; ++i) trainer.step();
  Autoencoder& model = trainer.model();
  constexpr int n = 300;
  std::vector<std::size_t> indices(n);
  for (std::size_t i = 0; i < indices.size(); ++i) indices[i] = i;
  std::vector<float> x(784 * n), losses(n), codes(32 * n), y(784 * n);
  gather_columns(data.test, indices.data(), n, x.data());
  model.image_losses(x.data(), x.data(), n, Loss::BinaryCrossEntropy, losses.data(), codes.data(), y.data());

  // Each image's loss is the binary cross-entropy of its reconstruction, worked out here in double precision.
  std::vector<float> reconstructed(784 * n);
  model.reconstruct(x.data(), n, reconstructed.data());
  double mean = 0;
  for (int i = 0; i < n; ++i) {
    double bce = 0;
    for (std::size_t p = 0; p < 784; ++p) {
      const double t = x[static_cast<std::size_t>(i) * 784 + p];
      const double q = std::clamp(static_cast<double>(reconstructed[static_cast<std::size_t>(i) * 784 + p]), 1e-12, 1 - 1e-12);
      bce -= t * std::log(q) + (1 - t) * std::log(1 - q);
    }
    CHECK(losses[static_cast<std::size_t>(i)] == Approx(bce / 784).epsilon(2e-3));
    mean += losses[static_cast<std::size_t>(i)] / n;
  }
  CHECK(std::equal(y.begin(), y.end(), reconstructed.begin(), [](float a, float b) { return std::abs(a - b) < 1e-6f; }));
  // Their mean is the loss training minimises on the same images, and the test loss's.
  CHECK(mean == Approx(model.compute_gradients(x.data(), n, Loss::BinaryCrossEntropy)).epsilon(1e-5));
  CHECK(mean == Approx(model.loss(x.data(), n, Loss::BinaryCrossEntropy)).epsilon(1e-5));
  // One image alone gives its own loss, whatever else is in the batch.
  float one = 0;
  model.image_losses(x.data() + 784 * 17, x.data() + 784 * 17, 1, Loss::BinaryCrossEntropy, &one);
  CHECK(one == Approx(losses[17]).epsilon(1e-6));
  const auto [lo, hi] = std::minmax_element(losses.begin(), losses.end());
  CHECK(*hi > 2 * *lo);  // the images differ: a per-image loss, not the batch's mean repeated
}

TEST_CASE("Glorot-uniform initialisation gives bounded seeded weights and zero biases", "[autoencoder]") {
  Autoencoder a(Architecture{}), b(Architecture{}), c(Architecture{});
  a.initialize(42);
  b.initialize(42);
  c.initialize(43);
  CHECK(std::equal(a.parameters().begin(), a.parameters().end(), b.parameters().begin()));
  CHECK_FALSE(std::equal(a.parameters().begin(), a.parameters().end(), c.parameters().begin()));
  const float limit = std::sqrt(6.0f / (784 + 32));
  const LayerLayout& enc = a.layers()[0];
  float lo = 1, hi = -1;
  double sum_sq = 0;
  for (std::size_t i = enc.weight; i < enc.bias; ++i) {
    lo = std::min(lo, a.parameters()[i]);
    hi = std::max(hi, a.parameters()[i]);
    sum_sq += double(a.parameters()[i]) * a.parameters()[i];
  }
  CHECK(lo >= -limit);
  CHECK(hi <= limit);
  CHECK(hi > 0.95f * limit);  // the range is actually used
  // The variance of U(-r, r) is r^2 / 3.
  CHECK(sum_sq / double(enc.bias - enc.weight) == Approx(limit * limit / 3).epsilon(0.03));
  for (std::size_t i = enc.bias; i < enc.bias + 32; ++i) CHECK(a.parameters()[i] == 0.0f);
}

TEST_CASE("the seed architecture and the tensor names", "[autoencoder]") {
  const Architecture seed;
  CHECK(seed.describe() == "784-32-784 relu");
  CHECK(seed.validate().is_ok());
  Architecture deep = seed;
  REQUIRE(parse_hidden_list("128,64", deep.hidden).is_ok());
  CHECK(deep.describe() == "784-128-64-32-64-128-784 relu");
  CHECK(deep.layer_count() == 6);
  CHECK(tensor_name(deep, 0, false) == "encoder.0.weight");
  CHECK(tensor_name(deep, 2, true) == "encoder.2.bias");
  CHECK(tensor_name(deep, 3, false) == "decoder.0.weight");
  CHECK(tensor_name(deep, 5, true) == "decoder.2.bias");
  Autoencoder m(seed);
  CHECK(m.parameters().size() == 784 * 32 + 32 + 32 * 784 + 784);
}

TEST_CASE("architecture limits give messages", "[autoencoder]") {
  Architecture a;
  a.latent = 1;
  CHECK_THAT(a.validate().message(), Catch::Contains("latent size 1 is out of range (2 to 1024)"));
  a.latent = 1025;
  CHECK_THAT(a.validate().message(), Catch::Contains("latent size 1025"));
  a.latent = 1024;
  CHECK(a.validate().is_ok());
  a.hidden = {0};
  CHECK_THAT(a.validate().message(), Catch::Contains("hidden layer width 0"));
  std::vector<int> widths;
  CHECK_THAT(parse_hidden_list("128,,64", widths).message(), Catch::Contains("expected comma-separated widths"));
  CHECK_THAT(parse_hidden_list("12a", widths).message(), Catch::Contains("'12a'"));
  CHECK_THAT(parse_hidden_list("99999", widths).message(), Catch::Contains("out of range"));
  REQUIRE(parse_hidden_list("", widths).is_ok());
  CHECK(widths.empty());
  REQUIRE(parse_hidden_list("256,128,64", widths).is_ok());
  CHECK(widths == std::vector<int>{256, 128, 64});
}

#if LATENT_CAN_COUNT_ALLOCATIONS
TEST_CASE("a training step allocates nothing after the first batch", "[autoencoder][alloc]") {
  const std::vector<int> hidden = GENERATE(std::vector<int>{}, std::vector<int>{128, 64});
  Architecture arch;
  arch.hidden = hidden;
  Autoencoder m(arch);
  m.initialize(1);
  Optimizer adam;
  const int batch = 256;
  std::vector<float> x(784 * batch, 0.5f);
  m.compute_gradients(x.data(), batch, Loss::BinaryCrossEntropy);  // the first batch sizes everything
  adam.step(m.parameters(), m.gradients());

  g_allocations = 0;
  g_counting = true;
  for (int i = 0; i < 5; ++i) {
    m.compute_gradients(x.data(), batch, Loss::BinaryCrossEntropy);
    adam.step(m.parameters(), m.gradients());
  }
  m.compute_gradients(x.data(), 17, Loss::BinaryCrossEntropy);  // a smaller last batch reuses the workspace
  g_counting = false;
  CHECK(g_allocations.load() == 0);

  // The data-parallel step too: two threads, each on its slice, then the reduction and the update.
  Dataset data;
  data.rows = data.cols = 28;
  data.images.assign(784 * 600, 100);
  data.labels.assign(600, 0);
  TrainConfig config;
  config.shape = arch;
  config.threads = 2;
  Trainer trainer(data, config);
  for (int i = 0; i < 3; ++i) trainer.step();  // sizes every workspace (the epoch's last batch is the smallest)
  g_allocations = 0;
  g_counting = true;
  for (int i = 0; i < 4; ++i) trainer.step();
  g_counting = false;
  CHECK(g_allocations.load() == 0);

  // And the counter does count: growing the batch must allocate.
  g_allocations = 0;
  g_counting = true;
  std::vector<float> bigger(784 * 300, 0.5f);
  m.compute_gradients(bigger.data(), 300, Loss::BinaryCrossEntropy);
  g_counting = false;
  CHECK(g_allocations.load() > 0);
}
#endif
