// Layers, activations and losses: every backward checked against central differences in double precision.
#include <catch2/catch.hpp>

#include "core/layers.hpp"
#include "helpers.hpp"

using namespace latent;
using latent::testing::central_difference;
using latent::testing::gradient_error;

namespace {

constexpr double kTolerance = latent::testing::kGradientTolerance;

Matrix<double> random_matrix(Rng& rng, int rows, int cols, double lo, double hi) {
  Matrix<double> m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = lo + (hi - lo) * rng.uniform01_double();
  return m;
}

}  // namespace

TEST_CASE("dense_forward computes W x + b per column", "[layers]") {
  RowMatrix<double> w(2, 3);
  w << 1, -1, 0.5, 0, 2, -1;
  Vector<double> b(2);
  b << 0.1, -1.0;
  Matrix<double> x(3, 2);
  x << 1, 0, 0.5, 1, 0.25, 2;  // column 0: (1, 0.5, 0.25); column 1: (0, 1, 2)
  Matrix<double> out(2, 2);
  dense_forward<double>(out, x, w, b);
  CHECK(out(0, 0) == Approx(0.725));   // 1 - 0.5 + 0.125 + 0.1
  CHECK(out(1, 0) == Approx(-0.25));   // 0 + 1 - 0.25 - 1
  CHECK(out(0, 1) == Approx(0.1));     // 0 - 1 + 1 + 0.1
  CHECK(out(1, 1) == Approx(-1.0));    // 0 + 2 - 2 - 1
}

TEST_CASE("dense_backward matches central differences", "[layers][gradcheck]") {
  Rng rng(7);
  const int n_in = 5, n_out = 4, batch = 3;
  RowMatrix<double> w = random_matrix(rng, n_out, n_in, -1, 1);
  Vector<double> b = random_matrix(rng, n_out, 1, -1, 1);
  Matrix<double> x = random_matrix(rng, n_in, batch, -1, 1);
  const Matrix<double> c = random_matrix(rng, n_out, batch, -1, 1);  // L = sum(c .* out)
  const auto loss = [&] {
    Matrix<double> out(n_out, batch);
    dense_forward<double>(out, x, w, b);
    return (c.array() * out.array()).sum();
  };
  RowMatrix<double> dw(n_out, n_in);
  Vector<double> db(n_out);
  Matrix<double> dx(n_in, batch);
  dense_backward<double>(dx, dw, db, c, x, w);
  for (Eigen::Index i = 0; i < w.size(); ++i) {
    CHECK(gradient_error(dw.data()[i], central_difference(w.data() + i, loss)) < kTolerance);
  }
  for (Eigen::Index i = 0; i < b.size(); ++i) {
    CHECK(gradient_error(db[i], central_difference(b.data() + i, loss)) < kTolerance);
  }
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    CHECK(gradient_error(dx.data()[i], central_difference(x.data() + i, loss)) < kTolerance);
  }
}

TEST_CASE("dense_backward skips the input gradient when asked", "[layers]") {
  RowMatrix<double> w = RowMatrix<double>::Ones(2, 3);
  Vector<double> db(2);
  RowMatrix<double> dw(2, 3);
  Matrix<double> none(3, 0);
  const Matrix<double> dout = Matrix<double>::Ones(2, 4), x = Matrix<double>::Ones(3, 4);
  dense_backward<double>(none, dw, db, dout, x, w);
  CHECK(dw(1, 2) == 4.0);
  CHECK(db(0) == 4.0);
}

TEST_CASE("activations match their definitions and central differences", "[layers][gradcheck]") {
  const Activation which = GENERATE(Activation::ReLU, Activation::Sigmoid, Activation::Tanh, Activation::Linear);
  INFO("activation " << to_string(which));
  Rng rng(11);
  Matrix<double> z = random_matrix(rng, 6, 4, -3, 3);
  // Keep ReLU away from its kink: no pre-activation within 0.1 of zero.
  for (Eigen::Index i = 0; i < z.size(); ++i) {
    if (std::abs(z.data()[i]) < 0.1) z.data()[i] += 0.2;
  }
  const Matrix<double> c = random_matrix(rng, 6, 4, -1, 1);
  Matrix<double> a = z;
  activation_forward<double>(which, a);
  for (Eigen::Index i = 0; i < z.size(); ++i) {
    const double v = z.data()[i];
    const double expected = which == Activation::ReLU      ? std::max(0.0, v)
                            : which == Activation::Sigmoid ? 1 / (1 + std::exp(-v))
                            : which == Activation::Tanh    ? std::tanh(v)
                                                           : v;
    CHECK(a.data()[i] == Approx(expected).epsilon(1e-12));
  }
  const auto loss = [&] {
    Matrix<double> y = z;
    activation_forward<double>(which, y);
    return (c.array() * y.array()).sum();
  };
  Matrix<double> d = c;
  activation_backward<double>(which, d, a);
  for (Eigen::Index i = 0; i < z.size(); ++i) {
    CHECK(gradient_error(d.data()[i], central_difference(z.data() + i, loss)) < kTolerance);
  }
}

TEST_CASE("sigmoid does not overflow at extreme inputs", "[layers]") {
  Matrix<float> z(4, 1);
  z << -1000.f, -90.f, 90.f, 1000.f;
  activation_forward<float>(Activation::Sigmoid, z);
  CHECK(z(0) >= 0.0f);  // e^-|z| is clamped at e^-87 (no denormals): about 1.6e-38, never NaN
  CHECK(z(0) < 1e-30f);
  CHECK(z(1) >= 0.0f);
  CHECK(z(1) < 1e-30f);
  CHECK(z(2) == 1.0f);
  CHECK(z(3) == 1.0f);
}

TEST_CASE("BCE from logits equals the textbook formula and stays finite when saturated", "[layers][loss]") {
  Matrix<double> z(3, 1), t(3, 1), p(3, 1);
  z << 0.725, 0.1, 0.0625;
  t << 1, 0.5, 0.25;
  const double loss = bce_with_logits_forward<double>(p, z, t);
  double expected = 0;
  for (int i = 0; i < 3; ++i) {
    const double s = 1 / (1 + std::exp(-z(i)));
    CHECK(p(i) == Approx(s).epsilon(1e-12));
    expected += -(t(i) * std::log(s) + (1 - t(i)) * std::log(1 - s));
  }
  CHECK(loss == Approx(expected / 3).epsilon(1e-12));

  // Logits of +-200 would give log(0) in the naive formula; here the loss is exact: |z| for a wrong target.
  Matrix<float> zs(2, 1), ts(2, 1), ps(2, 1);
  zs << 200.f, -200.f;
  ts << 0.f, 1.f;
  const float big = bce_with_logits_forward<float>(ps, zs, ts);
  CHECK(std::isfinite(big));
  CHECK(big == Approx(200.0f));
}

TEST_CASE("loss gradients match central differences", "[layers][loss][gradcheck]") {
  const Loss which = GENERATE(Loss::BinaryCrossEntropy, Loss::MeanSquaredError);
  INFO("loss " << to_string(which));
  Rng rng(3);
  Matrix<double> z = random_matrix(rng, 7, 3, -4, 4);
  const Matrix<double> t = random_matrix(rng, 7, 3, 0, 1);
  Matrix<double> p(7, 3), dz(7, 3);
  const auto loss = [&] {
    Matrix<double> scratch(7, 3);
    return loss_forward<double>(which, scratch, z, t);
  };
  loss_forward<double>(which, p, z, t);
  loss_backward<double>(which, dz, p, t);
  for (Eigen::Index i = 0; i < z.size(); ++i) {
    CHECK(gradient_error(dz.data()[i], central_difference(z.data() + i, loss)) < kTolerance);
  }
}

TEST_CASE("activation and loss names round-trip", "[layers]") {
  for (Activation a : {Activation::ReLU, Activation::Sigmoid, Activation::Tanh, Activation::Linear}) {
    CHECK(parse_activation(to_string(a)) == a);
  }
  CHECK(parse_loss("bce") == Loss::BinaryCrossEntropy);
  CHECK(parse_loss("mse") == Loss::MeanSquaredError);
  CHECK_FALSE(parse_activation("gelu").has_value());
  CHECK_FALSE(parse_loss("").has_value());
}
