// The autoencoder variants (objective.hpp): their noise, their gradients checked against central differences in
// double precision (the denoiser's clean target, the L1 code penalty, the VAE's reparameterised sampling with a
// fixed noise and its KL term), a KL worked out by hand, the loss falling for each on the bundled digits,
// bit-identical runs, and the variational shape in weights files.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

#include "core/safetensors.hpp"
#include "core/trainer.hpp"
#include "core/training_session.hpp"
#include "helpers.hpp"

using namespace latent;
using latent::testing::bundled_digits;
using latent::testing::objective_of;
using latent::testing::central_difference;
using latent::testing::gradient_error;

TEST_CASE("variant names parse back and out-of-range settings are refused", "[variants]") {
  for (Variant v : {Variant::Plain, Variant::Denoising, Variant::Sparse, Variant::Variational}) {
    CHECK(parse_variant(to_string(v)) == v);
  }
  CHECK_FALSE(parse_variant("VAE").has_value());
  CHECK(parse_noise("mask") == Noise::Mask);
  CHECK_FALSE(parse_noise("salt").has_value());
  Objective o;
  CHECK(o.validate());
  o.noise_level = 1.5f;
  CHECK(o.validate().message() == "noise level 1.5 is out of range (0 to 1)");
  o = {};
  o.beta = std::nanf("");
  CHECK(o.validate().message() == "beta nan is out of range (0 to 100)");
  o = {};
  o.sparsity = -1e-4f;
  CHECK(o.validate().message() == "sparsity -0.0001 is out of range (0 to 1)");
  CHECK(objective_of(Variant::Denoising).describe() == "denoising (gaussian 0.5)");
  CHECK(objective_of(Variant::Variational).describe() == "vae (beta 1)");

  // Whether the model is variational is the variant's to say: the config's architecture follows it.
  TrainConfig c;
  CHECK_FALSE(c.architecture().variational);
  c.objective.variant = Variant::Variational;
  CHECK(c.architecture().variational);
  CHECK(c.architecture().describe() == "784-32-784 relu vae");
  CHECK(c.validate());
}

TEST_CASE("denoising noise: Gaussian is clipped to [0, 1] with the level's spread, masking zeroes its fraction",
          "[variants]") {
  const int rows = 784, count = 64;
  std::vector<float> x(static_cast<std::size_t>(rows) * count, 0.5f), noisy(x.size()), again(x.size());
  Objective o = objective_of(Variant::Denoising);
  o.noise_level = 0.1f;
  corrupt(o, x.data(), noisy.data(), rows, count, 7, 3, 0);
  double sum = 0, sq = 0;
  for (float v : noisy) {
    REQUIRE(v >= 0.0f);
    REQUIRE(v <= 1.0f);
    sum += v - 0.5;
    sq += (v - 0.5) * (v - 0.5);
  }
  const double n = static_cast<double>(noisy.size());
  CHECK(std::abs(sum / n) < 0.003);
  CHECK(std::sqrt(sq / n) == Approx(0.1).epsilon(0.03));

  // The same columns drawn in two calls (as two threads would) are the same numbers: noise depends on the column.
  corrupt(o, x.data(), again.data(), rows, 20, 7, 3, 0);
  corrupt(o, x.data() + 20 * rows, again.data() + 20 * rows, rows, count - 20, 7, 3, 20);
  CHECK(std::memcmp(noisy.data(), again.data(), noisy.size() * sizeof(float)) == 0);
  corrupt(o, x.data(), again.data(), rows, count, 7, 4, 0);  // the next step draws other noise
  CHECK(std::memcmp(noisy.data(), again.data(), noisy.size() * sizeof(float)) != 0);

  o.noise = Noise::Mask;
  o.noise_level = 0.3f;
  corrupt(o, x.data(), noisy.data(), rows, count, 7, 3, 0);
  std::size_t zeros = 0;
  for (float v : noisy) {
    REQUIRE((v == 0.0f || v == 0.5f));
    zeros += v == 0.0f ? 1 : 0;
  }
  CHECK(static_cast<double>(zeros) / n == Approx(0.3).epsilon(0.03));
}

TEST_CASE("the variants' gradients match central differences (double precision)", "[variants][gradcheck]") {
  const Variant variant = GENERATE(Variant::Denoising, Variant::Sparse, Variant::Variational);
  const Activation act = GENERATE(Activation::ReLU, Activation::Tanh);
  const std::vector<int> hidden = GENERATE(std::vector<int>{}, std::vector<int>{6});
  INFO(to_string(variant) << " " << to_string(act) << " hidden layers " << hidden.size());

  Architecture arch;
  arch.input = 9;
  arch.hidden = hidden;
  arch.latent = 3;
  arch.activation = act;
  arch.variational = variant == Variant::Variational;
  BasicAutoencoder<double> m(arch);
  m.initialize(5);
  Rng rng(11);
  auto params = m.parameters();
  for (double& p : params) p += 0.05 * (rng.uniform01_double() - 0.5);
  const int batch = 4;
  std::vector<double> target(9 * batch), input(9 * batch), eps(3 * batch);
  for (double& v : target) v = rng.uniform01_double();
  // The denoiser sees other pixels than it must reproduce; the others see the target.
  for (std::size_t i = 0; i < input.size(); ++i) input[i] = variant == Variant::Denoising ? rng.uniform01_double() : target[i];
  for (double& v : eps) v = 2.0 * rng.uniform01_double() - 1.0;  // a fixed noise for the reparameterisation

  Objective o = objective_of(variant);
  o.sparsity = 0.05f;  // large enough that a wrong penalty gradient shows
  o.beta = 0.7f;
  BasicAutoencoder<double>::Terms terms;
  m.compute_gradients(input.data(), target.data(), batch, Loss::BinaryCrossEntropy, o, eps.data(), &terms);
  const std::vector<double> analytic(m.gradients().begin(), m.gradients().end());
  if (variant == Variant::Sparse) CHECK(terms.l1 > 0.0);
  if (variant == Variant::Variational) CHECK(terms.kl > 0.0);
  const auto f = [&] {
    return m.compute_gradients(input.data(), target.data(), batch, Loss::BinaryCrossEntropy, o, eps.data());
  };
  for (std::size_t i = 0; i < params.size(); ++i) {
    INFO("parameter " << i);
    CHECK(gradient_error(analytic[i], central_difference(&params[i], f, 1e-4)) < latent::testing::kGradientTolerance);
  }
}

TEST_CASE("a VAE's KL term and objective, worked out by hand", "[variants]") {
  // Zero weights: the encoder's output is its bias, so mu = (0.5, -1) and log-variance = (ln 2, 0) for any input.
  Architecture arch;
  arch.input = 2;
  arch.latent = 2;
  arch.variational = true;
  BasicAutoencoder<double> m(arch);
  REQUIRE(m.layers()[0].out_size() == 4);
  REQUIRE(m.parameters().size() == (2 * 4 + 4) + (2 * 2 + 2));
  auto p = m.parameters();
  const double bias[4] = {0.5, -1.0, std::log(2.0), 0.0};
  std::copy(bias, bias + 4, p.begin() + static_cast<std::ptrdiff_t>(m.layers()[0].bias));
  // KL = -1/2 sum(1 + lv - mu^2 - e^lv) = -1/2 [(1 + ln 2 - 0.25 - 2) + (1 + 0 - 1 - 1)]
  const double kl = -0.5 * ((1 + std::log(2.0) - 0.25 - 2) + (1 + 0 - 1 - 1));
  const double x[2] = {1.0, 0.0};
  BasicAutoencoder<double>::Sums sums;
  m.evaluate(x, x, 1, Loss::BinaryCrossEntropy, sums);
  CHECK(sums.kl == Approx(kl));
  // The decoder's weights are zero too: every output is sigmoid(0) = 1/2, BCE log 2 per pixel, summed over 2.
  CHECK(sums.reconstruction == Approx(std::log(2.0)));
  double code[2];
  m.encode(x, 1, code);  // the mean
  CHECK(code[0] == 0.5);
  CHECK(code[1] == -1.0);
  const double eps[2] = {1.0, 1.0};
  Objective o = objective_of(Variant::Variational);
  o.beta = 2.0f;
  BasicAutoencoder<double>::Terms terms;
  const double value = m.compute_gradients(x, x, 1, Loss::BinaryCrossEntropy, o, eps, &terms);
  CHECK(terms.kl == Approx(kl));
  CHECK(value == Approx(2 * std::log(2.0) + 2.0 * kl));
}

TEST_CASE("each variant lowers its test reconstruction loss on the bundled digits", "[variants][trainer]") {
  const Variant variant = GENERATE(Variant::Denoising, Variant::Sparse, Variant::Variational);
  const Noise noise = GENERATE(Noise::Gaussian, Noise::Mask);
  if (variant != Variant::Denoising && noise == Noise::Mask) return;
  INFO(to_string(variant) << " " << to_string(noise));
  const DatasetSplit& data = bundled_digits();
  TrainConfig config;
  config.objective = objective_of(variant);
  config.objective.noise = noise;
  config.objective.noise_level = noise == Noise::Mask ? 0.3f : 0.5f;
  config.shape.input = data.train.pixels();
  if (config.objective.variational()) {
    config.shape.hidden = {128};
    config.shape.latent = 8;
  }
  Trainer trainer(data.train, config);
  const Evaluation before = trainer.evaluate_all(data.test);
  for (int e = 0; e < 3; ++e) {
    while (!trainer.step()) {}
  }
  const Evaluation after = trainer.evaluate_all(data.test);
  CHECK(before.reconstruction > 0.6f);
  CHECK(after.reconstruction < before.reconstruction - 0.25f);
  if (variant == Variant::Variational) {
    CHECK(after.kl > 1.0f);  // the code carries information
    CHECK(after.kl < 100.0f);
  }
  if (variant == Variant::Sparse) CHECK(after.near_zero > 0.0f);
}

TEST_CASE("a variant trains to bit-identical weights for a seed and thread count", "[variants][trainer][threads]") {
  const Variant variant = GENERATE(Variant::Denoising, Variant::Variational);
  INFO(to_string(variant));
  const DatasetSplit& data = bundled_digits();
  TrainConfig config;
  config.objective = objective_of(variant);
  config.shape.input = data.train.pixels();
  config.threads = std::min(2, kThreadsAvailable);
  const auto run = [&](int threads, std::uint64_t seed) {
    TrainConfig c = config;
    c.threads = threads;
    c.seed = seed;
    Trainer t(data.train, c);
    for (int i = 0; i < 12; ++i) t.step();
    const auto p = t.model().parameters();
    return std::vector<float>(p.begin(), p.end());
  };
  const std::vector<float> a = run(config.threads, 3), b = run(config.threads, 3), c = run(config.threads, 4);
  CHECK(a == b);
  CHECK(a != c);
  // Another thread count draws the same noise (it depends on the column, not the thread) and agrees to rounding.
  const std::vector<float> one = run(1, 3);
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, static_cast<double>(std::abs(a[i] - one[i])));
  CHECK(worst < 1e-3);
}

TEST_CASE("a VAE's weights file records its shape and loads back to the same model", "[variants][safetensors]") {
  Architecture arch;
  arch.hidden = {64};
  arch.latent = 2;
  arch.variational = true;
  Autoencoder m(arch);
  m.initialize(3);
  const std::vector<std::uint8_t> bytes = encode_safetensors(m);
  std::unique_ptr<Autoencoder> back;
  Metadata meta;
  REQUIRE(decode_safetensors(bytes, "vae.safetensors", back, &meta));
  CHECK(meta.at("variational") == "true");
  CHECK(back->architecture() == arch);
  CHECK(std::equal(m.parameters().begin(), m.parameters().end(), back->parameters().begin()));
  CHECK(arch.describe() == "784-64-2-64-784 relu vae");

  // The same tensors claimed as a plain model do not fit: the mean-and-variance layer is twice as tall.
  std::string text(bytes.begin(), bytes.end());
  const auto at = text.find("\"variational\":\"true\"");
  REQUIRE(at != std::string::npos);
  text.replace(at, 20, "\"variational\":\"nope\"");
  std::vector<std::uint8_t> bad(text.begin(), text.end());
  CHECK(decode_safetensors(bad, "vae.safetensors", back).message() ==
        "vae.safetensors: metadata variational 'nope' is not true or false");
  text.replace(at, 20, "\"variational\":false ");
  // (a JSON boolean, not a string: refused as metadata that is not text)
  bad.assign(text.begin(), text.end());
  CHECK_FALSE(decode_safetensors(bad, "vae.safetensors", back));
}

TEST_CASE("a session trains a VAE, reports its KL apart and adopts VAE weights", "[variants][session]") {
  auto data = std::make_shared<DatasetSplit>(bundled_digits());
  SessionSettings settings;
  settings.objective.variant = Variant::Variational;
  settings.shape.latent = 2;
  settings.shape.hidden = {64};
  settings.target_epochs = 1;
  std::unique_ptr<TrainingSession> session;
  REQUIRE(TrainingSession::create(data, settings, session));
  session->handle(command::Start{});
  while (session->training()) session->run_for(0.05);
  const Snapshot s = session->snapshot();
  CHECK(s.settings.architecture().variational);
  CHECK(s.epoch == 1);
  CHECK(s.test.kl > 0.5f);
  CHECK(s.test_loss < 0.35f);
  CHECK_FALSE(s.train_penalty_curve.empty());
  CHECK(s.test_penalty_curve.size() == 2);
  const Metadata meta = training_metadata(s, "bundled");
  CHECK(meta.at("trained_variant") == "vae");
  CHECK(meta.at("trained_beta") == "1");
  CHECK(meta.count("test_kl") == 1);

  // A plain session that adopts VAE weights becomes a VAE; plain weights make it plain again.
  SessionSettings plain;
  plain.target_epochs = 1;
  std::unique_ptr<TrainingSession> other;
  REQUIRE(TrainingSession::create(data, plain, other));
  other->handle(command::Adopt{snapshot_model(s), "a VAE"});
  const Snapshot adopted = other->snapshot();
  CHECK(adopted.error.empty());
  CHECK(adopted.settings.objective.variant == Variant::Variational);
  CHECK(adopted.settings.architecture() == s.settings.architecture());
  other->handle(command::Adopt{std::make_shared<Autoencoder>(Architecture{}), "plain"});
  CHECK(other->snapshot().settings.objective.variant == Variant::Plain);
}
