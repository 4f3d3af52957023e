// Training on the bundled data: the test loss falls, a seed gives bit-identical weights, epochs count right.
#include <catch2/catch.hpp>

#include <cstring>

#include "core/trainer.hpp"
#include "helpers.hpp"

using namespace latent;
using latent::testing::bundled_digits;

TEST_CASE("training on the bundled digits lowers the test loss", "[trainer]") {
  const DatasetSplit& data = bundled_digits();
  Trainer trainer(data.train, TrainConfig{});
  const float before = trainer.evaluate(data.test);
  CHECK(before > 0.6f);  // random weights: near log(2) per pixel
  for (int e = 0; e < 2; ++e) {
    while (!trainer.step()) {}
  }
  const float after = trainer.evaluate(data.test);
  CHECK(after < 0.30f);
  CHECK(after < before - 0.3f);
  CHECK(trainer.epoch() == 2);
}

TEST_CASE("the same seed gives bit-identical weights and another seed does not", "[trainer]") {
  const DatasetSplit& data = bundled_digits();
  TrainConfig config;
  config.shape.hidden = {64};
  const auto train = [&](std::uint64_t seed) {
    config.seed = seed;
    Trainer t(data.train, config);
    for (int i = 0; i < 40; ++i) t.step();  // more than an epoch: covers the reshuffle
    const auto p = t.model().parameters();
    return std::vector<float>(p.begin(), p.end());
  };
  const auto a = train(7), b = train(7), c = train(8);
  REQUIRE(a.size() == b.size());
  CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
  CHECK(a != c);
}

TEST_CASE("reset restarts from the seed's weights", "[trainer]") {
  const DatasetSplit& data = bundled_digits();
  Trainer t(data.train, TrainConfig{});
  const auto p0 = std::vector<float>(t.model().parameters().begin(), t.model().parameters().end());
  for (int i = 0; i < 5; ++i) t.step();
  t.reset(1);
  CHECK(std::vector<float>(t.model().parameters().begin(), t.model().parameters().end()) == p0);
  CHECK(t.total_steps() == 0);
  CHECK(t.epoch() == 0);
}

TEST_CASE("an epoch is every sample once with the remainder as the last batch", "[trainer]") {
  const DatasetSplit& data = bundled_digits();
  TrainConfig config;
  config.batch_size = 256;  // 8000 = 31 x 256 + 64
  Trainer t(data.train, config);
  CHECK(t.batches_per_epoch() == 32);
  int steps = 1;
  while (!t.step()) ++steps;
  CHECK(steps == 32);
  CHECK(t.samples_seen() == 8000);
  CHECK(t.epoch_loss() > 0.0f);
}

TEST_CASE("other architectures and activations and losses and optimizers train", "[trainer]") {
  const DatasetSplit& data = bundled_digits();
  TrainConfig config;
  config.shape.hidden = {128, 64};
  config.shape.activation = GENERATE(Activation::ReLU, Activation::Tanh, Activation::Sigmoid, Activation::Linear);
  config.loss = GENERATE(Loss::BinaryCrossEntropy, Loss::MeanSquaredError);
  INFO(to_string(config.shape.activation) << " " << to_string(config.loss));
  Trainer t(data.train, config);
  const float before = t.evaluate(data.test);
  for (int i = 0; i < 32; ++i) t.step();
  CHECK(t.evaluate(data.test) < before * 0.9f);

  config.optimizer.kind = OptimizerKind::SGD;
  config.optimizer.learning_rate = 1.0f;
  Trainer sgd(data.train, config);
  const float sgd_before = sgd.evaluate(data.test);
  for (int i = 0; i < 32; ++i) sgd.step();
  CHECK(sgd.evaluate(data.test) < sgd_before);
}

TEST_CASE("data that does not fit the model is refused with a message", "[trainer][errors]") {
  Dataset d;
  d.rows = 10;
  d.cols = 10;
  d.images.assign(100, 0);
  d.labels.assign(1, 0);
  CHECK_THAT(Trainer::validate_data(d, TrainConfig{}, "training").message(),
             Catch::Contains("training images have 100 pixels; the model's input has 784"));
  CHECK_THAT(Trainer::validate_data(Dataset{}, TrainConfig{}, "test").message(), Catch::Contains("test set is empty"));
  TrainConfig bad;
  bad.batch_size = 0;
  CHECK_THAT(bad.validate().message(), Catch::Contains("batch size 0"));
}
