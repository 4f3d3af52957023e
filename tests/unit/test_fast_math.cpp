// The float kernels of fast_math.hpp against the C library in double precision, and the float loss path
// against the double (Eigen) reference that the gradient checks use.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/fast_math.hpp"
#include "core/layers.hpp"
#include "core/rng.hpp"

using namespace latent;

TEST_CASE("exp_nonpositive is within 2e-7 relative of exp over [-87, 0]", "[fast_math]") {
  double worst = 0;
  for (int i = 0; i <= 2'000'000; ++i) {
    const float x = -87.0f * static_cast<float>(i) / 2'000'000.0f;
    const double exact = std::exp(static_cast<double>(x));
    worst = std::max(worst, std::abs(fast::exp_nonpositive(x) - exact) / exact);
  }
  INFO("worst relative error " << worst);
  CHECK(worst < 2e-7);
  CHECK(fast::exp_nonpositive(0.0f) == 1.0f);
  CHECK(fast::exp_nonpositive(-1000.0f) > 0.0f);  // clamped, never zero or denormal
}

TEST_CASE("log1p_unit is within 3e-7 of log1p over [0, 1], tiny values included", "[fast_math]") {
  double worst = 0, worst_rel_tiny = 0;
  for (int i = 0; i <= 2'000'000; ++i) {
    const float e = static_cast<float>(i) / 2'000'000.0f;
    worst = std::max(worst, std::abs(fast::log1p_unit(e) - std::log1p(static_cast<double>(e))));
  }
  for (float e = 1e-30f; e < 1e-3f; e *= 1.7f) {  // where log(1 + e) in float would round to 0
    worst_rel_tiny = std::max(worst_rel_tiny, std::abs(fast::log1p_unit(e) - std::log1p(double(e))) / std::log1p(double(e)));
  }
  INFO("worst absolute error " << worst << ", worst relative error below 1e-3: " << worst_rel_tiny);
  CHECK(worst < 3e-7);
  CHECK(worst_rel_tiny < 3e-7);
}

TEST_CASE("the float BCE and sigmoid match the double reference", "[fast_math][loss]") {
  Rng rng(12);
  const int rows = 784, cols = 37;  // not a multiple of any vector width
  Matrix<float> z(rows, cols), t(rows, cols), p(rows, cols), s(rows, cols);
  for (Eigen::Index i = 0; i < z.size(); ++i) {
    z.data()[i] = (rng.uniform01() - 0.5f) * (i % 97 == 0 ? 400.0f : 16.0f);  // some saturated logits
    t.data()[i] = rng.uniform01() < 0.8f ? 0.0f : rng.uniform01();
  }
  const Matrix<double> zd = z.cast<double>(), td = t.cast<double>();
  Matrix<double> pd(rows, cols);
  const double reference = bce_with_logits_forward<double>(pd, zd, td);
  const float fast = bce_with_logits_forward<float>(p, z, t);
  CHECK(fast == Approx(reference).epsilon(1e-6));
  CHECK((p.cast<double>() - pd).cwiseAbs().maxCoeff() < 2e-7);
  s = z;
  activation_forward<float>(Activation::Sigmoid, s);
  CHECK((s.cast<double>() - pd).cwiseAbs().maxCoeff() < 2e-7);
  // A block that is not contiguous takes the generic path and agrees too.
  Matrix<float> wide(rows, 2 * cols), wide_p(rows, 2 * cols);
  wide.leftCols(cols) = z;
  const float strided = bce_with_logits_forward<float>(wide_p.topRows(rows / 2).leftCols(cols), wide.topRows(rows / 2).leftCols(cols),
                                                       t.topRows(rows / 2));
  Matrix<double> half_p(rows / 2, cols);
  CHECK(strided == Approx(bce_with_logits_forward<double>(half_p, zd.topRows(rows / 2), td.topRows(rows / 2))).epsilon(1e-5));
}
