// Adam and SGD steps worked out by hand.
#include <catch2/catch.hpp>

#include <vector>

#include "core/optimizer.hpp"

using namespace latent;

TEST_CASE("two Adam steps worked out by hand (Keras' update rule)", "[optimizer]") {
  OptimizerConfig config;  // beta1 0.9, beta2 0.999, eps 1e-7
  config.learning_rate = 0.1f;
  Optimizer adam(config);
  std::vector<float> p{1.0f, -2.0f};

  // t = 1, g = (0.5, -0.25): m = 0.1 g = (0.05, -0.025); v = 0.001 g^2 = (2.5e-4, 6.25e-5)
  // alpha = 0.1 sqrt(1 - 0.999) / (1 - 0.9) = 0.0316228; step = alpha m / (sqrt v + eps), about 0.1 sign(g)
  const std::vector<float> g1{0.5f, -0.25f};
  adam.step(p, g1);
  CHECK(p[0] == Approx(0.900000632f).epsilon(1e-6));
  CHECK(p[1] == Approx(-1.900001265f).epsilon(1e-6));

  // t = 2, g = (-0.1, 0.3): m = 0.9 m + 0.1 g = (0.035, 0.0075); v = 0.999 v + 0.001 g^2 = (2.5975e-4, 1.524375e-4)
  // alpha = 0.1 sqrt(1 - 0.999^2) / (1 - 0.9^2) = 0.0235317
  const std::vector<float> g2{-0.1f, 0.3f};
  adam.step(p, g2);
  CHECK(p[0] == Approx(0.848898342f).epsilon(1e-6));
  CHECK(p[1] == Approx(-1.914295622f).epsilon(1e-6));
  CHECK(adam.steps() == 2);

  adam.reset();  // forgets the moments: the next step is a first step again, lr sqrt(v) / (sqrt(v) + eps)
  std::vector<float> q{0.0f, 0.0f};
  adam.step(q, g1);
  CHECK(q[0] == Approx(-0.1 * 0.0158113883 / (0.0158113883 + 1e-7)).epsilon(1e-6));
  CHECK(q[1] == Approx(0.1 * 0.0079056942 / (0.0079056942 + 1e-7)).epsilon(1e-6));
}

TEST_CASE("SGD moves against the gradient by lr times it", "[optimizer]") {
  OptimizerConfig config;
  config.kind = OptimizerKind::SGD;
  config.learning_rate = 0.5f;
  Optimizer sgd(config);
  std::vector<float> p{1.0f, -1.0f, 0.0f};
  const std::vector<float> g{0.2f, -0.4f, 0.0f};
  sgd.step(p, g);
  CHECK(p[0] == Approx(0.9f));
  CHECK(p[1] == Approx(-0.8f));
  CHECK(p[2] == 0.0f);
}

TEST_CASE("optimizer settings are validated", "[optimizer]") {
  OptimizerConfig c;
  CHECK(c.validate().is_ok());
  c.learning_rate = 0;
  CHECK_THAT(c.validate().message(), Catch::Contains("learning rate"));
  c.learning_rate = std::numeric_limits<float>::quiet_NaN();
  CHECK_FALSE(c.validate().is_ok());
  c = {};
  c.beta2 = 1.0f;
  CHECK_FALSE(c.validate().is_ok());
  CHECK(parse_optimizer("adam") == OptimizerKind::Adam);
  CHECK(parse_optimizer("sgd") == OptimizerKind::SGD);
  CHECK_FALSE(parse_optimizer("rmsprop").has_value());
}
