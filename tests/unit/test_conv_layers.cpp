// Convolutional layers: each forward against a naive loop written from the definition on random shapes, each
// backward against central differences in double precision ('same' and 'valid' padding, odd kernels, ceil pooling on
// odd sizes, upsampling, and the joints between images and dense columns).
#include <catch2/catch.hpp>

#include <functional>
#include <random>

#include "core/conv_layers.hpp"
#include "helpers.hpp"

using namespace latent;
using latent::testing::central_difference;
using latent::testing::gradient_error;
using latent::testing::kGradientTolerance;

namespace {

std::vector<double> random_values(std::size_t n, std::uint32_t seed, double lo = -1, double hi = 1) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(lo, hi);
  std::vector<double> v(n);
  for (double& x : v) x = u(rng);
  return v;
}

// (c, n, y, x) in the CNHW layout.
std::size_t at(ImageShape s, int n, int c, int j, int y, int x) {
  return ((static_cast<std::size_t>(c) * n + j) * s.height + y) * s.width + x;
}

// The convolution from its definition: out(co, y, x) = b(co) + sum over ci, ky, kx of
// w(co, ci, ky, kx) in(ci, y + ky - pad, x + kx - pad), with 0 outside the image.
std::vector<double> naive_conv(const std::vector<double>& in, const std::vector<double>& w, const std::vector<double>& b,
                               ImageShape s, int cout, int k, Padding padding, int n) {
  const ImageShape o = conv_output(s, cout, k, padding);
  const int pad = padding == Padding::Same ? k / 2 : 0;
  std::vector<double> out(static_cast<std::size_t>(o.size()) * n);
  for (int co = 0; co < cout; ++co) {
    for (int j = 0; j < n; ++j) {
      for (int y = 0; y < o.height; ++y) {
        for (int x = 0; x < o.width; ++x) {
          double sum = b[static_cast<std::size_t>(co)];
          for (int ci = 0; ci < s.channels; ++ci) {
            for (int ky = 0; ky < k; ++ky) {
              for (int kx = 0; kx < k; ++kx) {
                const int iy = y + ky - pad, ix = x + kx - pad;
                if (iy < 0 || iy >= s.height || ix < 0 || ix >= s.width) continue;
                sum += w[((static_cast<std::size_t>(co) * s.channels + ci) * k + ky) * k + kx] * in[at(s, n, ci, j, iy, ix)];
              }
            }
          }
          out[at(o, n, co, j, y, x)] = sum;
        }
      }
    }
  }
  return out;
}

// A scalar loss of an output: sum of out * r for fixed random r, so every output element's gradient is r.
double weighted_sum(const std::vector<double>& out, const std::vector<double>& r) {
  double s = 0;
  for (std::size_t i = 0; i < out.size(); ++i) s += out[i] * r[i];
  return s;
}

// Checks d(loss)/d(x[i]) for every i against central differences.
void check_gradient(std::vector<double>& x, const std::vector<double>& analytic, const std::function<double()>& loss,
                    const char* what) {
  REQUIRE(analytic.size() == x.size());
  double worst = 0;
  for (std::size_t i = 0; i < x.size(); ++i) worst = std::max(worst, gradient_error(analytic[i], central_difference(&x[i], loss)));
  INFO(what << ": worst relative error " << worst);
  CHECK(worst < kGradientTolerance);
}

}  // namespace

TEST_CASE("conv2d_forward equals the convolution's definition on random shapes", "[conv]") {
  struct Case { ImageShape in; int cout, k; Padding padding; int n; };
  const Case cases[] = {{{1, 28, 28}, 16, 3, Padding::Same, 3}, {{16, 14, 14}, 8, 3, Padding::Same, 2},
                        {{8, 16, 16}, 16, 3, Padding::Valid, 2}, {{3, 7, 5}, 4, 5, Padding::Same, 4},
                        {{2, 9, 6}, 3, 1, Padding::Valid, 3},    {{16, 28, 28}, 1, 3, Padding::Same, 40},
                        {{3, 7, 5}, 2, 5, Padding::Valid, 2},    {{4, 6, 6}, 1, 3, Padding::Valid, 3}};  // direct
  for (const Case& c : cases) {
    INFO(c.in.channels << "x" << c.in.height << "x" << c.in.width << " -> " << c.cout << ", k " << c.k << ", n " << c.n);
    const auto in = random_values(static_cast<std::size_t>(c.in.size()) * c.n, 1);
    const auto w = random_values(static_cast<std::size_t>(c.cout * c.in.channels * c.k * c.k), 2);
    const auto b = random_values(static_cast<std::size_t>(c.cout), 3);
    const ImageShape o = conv_output(c.in, c.cout, c.k, c.padding);
    std::vector<double> out(static_cast<std::size_t>(o.size()) * c.n, 99);
    std::vector<double> scratch(conv_layer_scratch(c.in, c.cout, c.k, c.padding, c.n));
    conv2d_forward(out.data(), in.data(), w.data(), b.data(), c.in, c.cout, c.k, c.padding, c.n, scratch.data());
    const auto expected = naive_conv(in, w, b, c.in, c.cout, c.k, c.padding, c.n);
    double worst = 0;
    for (std::size_t i = 0; i < out.size(); ++i) worst = std::max(worst, std::abs(out[i] - expected[i]));
    CHECK(worst < 1e-12);
  }
  // The shapes: 'same' keeps the size, 'valid' loses k - 1 (the Keras decoder's 16 -> 14).
  CHECK(conv_output({8, 16, 16}, 16, 3, Padding::Valid) == ImageShape{16, 14, 14});
  CHECK(conv_output({1, 28, 28}, 16, 3, Padding::Same) == ImageShape{16, 28, 28});
}

// Both kernel schemes, called by name (conv_detail::use_direct picks one per layer and build): the direct loops (9
// channels in and out: a group of kSumOutputs sums and one more), and im2col with the input's gradient by col2im
// (more outputs than inputs) or as a convolution (fewer, 'same' padding).
TEST_CASE("conv2d_backward matches central differences for weights, biases and input", "[conv][gradcheck]") {
  const Padding padding = GENERATE(Padding::Same, Padding::Valid);
  const int k = GENERATE(1, 3);
  const auto shape = GENERATE(table<ImageShape, int>({{{4, 6, 5}, 2}, {{4, 6, 5}, 3}, {{4, 6, 5}, 5}, {{9, 5, 6}, 9}}));
  const ImageShape s = std::get<0>(shape);  // not a structured binding: clang 14's lambdas cannot capture one
  const int cout = std::get<1>(shape);
  const bool direct = GENERATE(false, true);
  const int n = 2;
  const ImageShape o = conv_output(s, cout, k, padding);
  auto in = random_values(static_cast<std::size_t>(s.size()) * n, 4);
  auto w = random_values(static_cast<std::size_t>(cout * s.channels * k * k), 5);
  auto b = random_values(static_cast<std::size_t>(cout), 6);
  const auto r = random_values(static_cast<std::size_t>(o.size()) * n, 7);
  const conv_detail::DirectGeometry geometry(s, k, padding);
  std::vector<double> scratch(std::max(im2col_layer_scratch(s, cout, k, padding, n), geometry.scratch(s, cout)));
  std::vector<double> out(static_cast<std::size_t>(o.size()) * n);
  const auto forward = [&] {
    if (direct) conv_detail::direct_forward(out.data(), in.data(), w.data(), b.data(), s, cout, k, padding, n, scratch.data());
    else conv_detail::im2col_forward(out.data(), in.data(), w.data(), b.data(), s, cout, k, padding, n, scratch.data());
  };
  const auto backward = [&](double* din, double* dw, double* db) {
    if (direct) conv_detail::direct_backward(din, dw, db, r.data(), in.data(), w.data(), s, cout, k, padding, n, scratch.data());
    else conv_detail::im2col_backward(din, dw, db, r.data(), in.data(), w.data(), s, cout, k, padding, n, scratch.data());
  };
  const auto loss = [&] {
    forward();
    return weighted_sum(out, r);
  };
  forward();
  const auto expected = naive_conv(in, w, b, s, cout, k, padding, n);
  for (std::size_t i = 0; i < out.size(); ++i) REQUIRE(std::abs(out[i] - expected[i]) < 1e-12);
  std::vector<double> din(in.size()), dw(w.size(), 0.0), db(b.size(), 0.0);
  backward(din.data(), dw.data(), db.data());
  INFO((direct ? "direct" : "im2col") << ", " << (padding == Padding::Same ? "same" : "valid") << ", k " << k << ", "
                                       << cout << " outputs");
  check_gradient(w, dw, loss, "weights");
  check_gradient(b, db, loss, "biases");
  check_gradient(in, din, loss, "input");
  // The weight and bias gradients are summed into (a block at a time, and across the threads' slices).
  std::vector<double> twice = dw;
  backward(nullptr, twice.data(), db.data());
  for (std::size_t i = 0; i < dw.size(); ++i) CHECK(twice[i] == Approx(2 * dw[i]));
}

TEST_CASE("a convolution over many images in several im2col blocks equals one image at a time", "[conv]") {
  const ImageShape s{16, 28, 28};
  REQUIRE(conv_block_images(s, 3, Padding::Same) < 5);  // this shape needs several blocks for 5 images
  const int n = 5, cout = 4;
  const auto in = random_values(static_cast<std::size_t>(s.size()) * n, 8);
  const auto w = random_values(static_cast<std::size_t>(cout * 16 * 9), 9);
  const auto b = random_values(static_cast<std::size_t>(cout), 10);
  std::vector<double> scratch(im2col_layer_scratch(s, cout, 3, Padding::Same, n));
  const ImageShape o = conv_output(s, cout, 3, Padding::Same);
  std::vector<double> all(static_cast<std::size_t>(o.size()) * n);
  conv_detail::im2col_forward(all.data(), in.data(), w.data(), b.data(), s, cout, 3, Padding::Same, n, scratch.data());
  for (int j = 0; j < n; ++j) {
    std::vector<double> one_in(static_cast<std::size_t>(s.size())), one_out(static_cast<std::size_t>(o.size()));
    for (int c = 0; c < s.channels; ++c) {
      std::copy_n(in.begin() + static_cast<std::ptrdiff_t>(at(s, n, c, j, 0, 0)), s.pixels(),
                  one_in.begin() + static_cast<std::ptrdiff_t>(c * s.pixels()));
    }
    conv_detail::im2col_forward(one_out.data(), one_in.data(), w.data(), b.data(), s, cout, 3, Padding::Same, 1, scratch.data());
    for (int c = 0; c < cout; ++c) {
      for (int p = 0; p < o.pixels(); ++p) {
        CHECK(all[at(o, n, c, j, 0, 0) + static_cast<std::size_t>(p)] == Approx(one_out[static_cast<std::size_t>(c * o.pixels() + p)]).margin(1e-12));
      }
    }
  }
}

TEST_CASE("max pooling takes each 2x2 block's largest value, rounding up on odd sizes (7 -> 4)", "[conv]") {
  const ImageShape s{1, 3, 3};
  const std::vector<double> in{1, 5, 2,
                               4, 3, 9,
                               7, 6, 8};
  std::vector<double> out(4);
  maxpool_forward(out.data(), in.data(), s, 1);
  CHECK(out == std::vector<double>{5, 9, 7, 8});  // the last row and column pool alone
  CHECK(pool_output({8, 7, 7}) == ImageShape{8, 4, 4});
  CHECK(pool_output({16, 28, 28}) == ImageShape{16, 14, 14});
  // The gradient goes to each block's largest input only.
  std::vector<double> din(9);
  maxpool_backward(din.data(), std::vector<double>{10, 20, 30, 40}.data(), in.data(), out.data(), s, 1);
  CHECK(din == std::vector<double>{0, 10, 0, 0, 0, 20, 30, 0, 40});
}

TEST_CASE("max pooling's backward gives a tie to the block's first value, in vectors too", "[conv]") {
  const int width = GENERATE(6, 10, 16, 28);  // 5 blocks: 4 lanes twice, overlapping; 14: 8 lanes twice, overlapping
  const ImageShape s{1, 2, width};
  std::vector<double> in(static_cast<std::size_t>(s.size()), 1.0), out(static_cast<std::size_t>(width / 2));
  in[static_cast<std::size_t>(width + 3)] = 2.0;  // block 1's maximum, in its second row and column
  maxpool_forward(out.data(), in.data(), s, 1);
  std::vector<double> grad(out.size()), din(in.size(), -1.0);
  for (std::size_t x = 0; x < grad.size(); ++x) grad[x] = 10.0 + static_cast<double>(x);
  maxpool_backward(din.data(), grad.data(), in.data(), out.data(), s, 1);
  for (int x = 0; x < width / 2; ++x) {
    INFO("block " << x << " of a row of " << width);
    const std::size_t first = static_cast<std::size_t>(2 * x);
    const std::size_t takes = x == 1 ? static_cast<std::size_t>(width + 3) : first;  // all equal: the first
    for (std::size_t i : {first, first + 1, first + width, first + width + 1}) CHECK(din[i] == (i == takes ? grad[x] : 0.0));
  }
}

namespace {

// Pooling and upsampling from their definitions, on one plane of floats (the engine's type).
struct PlaneReference {
  ImageShape s;
  std::vector<float> in, grad_pooled, grad_upsampled;
  float value(int y, int x) const { return y < s.height && x < s.width ? in[static_cast<std::size_t>(y * s.width + x)] : NAN; }
  std::vector<float> pooled() const {
    const ImageShape p = pool_output(s);
    std::vector<float> out;
    for (int y = 0; y < p.height; ++y)
      for (int x = 0; x < p.width; ++x) {
        float m = value(2 * y, 2 * x);
        for (float v : {value(2 * y, 2 * x + 1), value(2 * y + 1, 2 * x), value(2 * y + 1, 2 * x + 1)}) m = v > m ? v : m;
        out.push_back(m);
      }
    return out;
  }
  // The gradient of each block goes to its first value equal to the block's maximum.
  std::vector<float> unpooled(const std::vector<float>& best) const {
    const ImageShape p = pool_output(s);
    std::vector<float> din(in.size(), 0.0f);
    for (int y = 0; y < p.height; ++y)
      for (int x = 0; x < p.width; ++x) {
        const auto i = static_cast<std::size_t>(y * p.width + x);
        bool given = false;
        for (int t = 0; t < 4 && !given; ++t) {
          const int yy = 2 * y + t / 2, xx = 2 * x + t % 2;
          if ((given = value(yy, xx) == best[i])) din[static_cast<std::size_t>(yy * s.width + xx)] = grad_pooled[i];
        }
      }
    return din;
  }
  std::vector<float> upsampled() const {
    std::vector<float> out;
    for (int y = 0; y < 2 * s.height; ++y)
      for (int x = 0; x < 2 * s.width; ++x) out.push_back(value(y / 2, x / 2));
    return out;
  }
  std::vector<float> block_sums() const {
    std::vector<float> din;
    const auto g = [this](int y, int x) { return grad_upsampled[static_cast<std::size_t>(y * 2 * s.width + x)]; };
    for (int y = 0; y < s.height; ++y)
      for (int x = 0; x < s.width; ++x) din.push_back(g(2 * y, 2 * x) + g(2 * y, 2 * x + 1) + g(2 * y + 1, 2 * x) + g(2 * y + 1, 2 * x + 1));
    return din;
  }
};

std::vector<float> random_floats(std::size_t n, std::uint32_t seed) {
  const auto v = random_values(n, seed);
  return {v.begin(), v.end()};
}

}  // namespace

TEST_CASE("max pooling and upsampling match their definitions exactly, at every width the vectors split", "[conv]") {
  const int width = GENERATE(range(1, 35));  // one by one below 4, 4 and 8 lanes, and last blocks that overlap
  for (const int height : {3, 4}) {
    INFO(height << " x " << width);
    const ImageShape s{1, height, width};
    PlaneReference r{s, random_floats(static_cast<std::size_t>(s.size()), 21),
                     random_floats(static_cast<std::size_t>(pool_output(s).size()), 22),
                     random_floats(static_cast<std::size_t>(upsample_output(s).size()), 23)};
    r.in[1] = r.in[0];  // a tie: the gradient goes to the first
    std::vector<float> pooled(r.grad_pooled.size()), unpooled(r.in.size()), upsampled(r.grad_upsampled.size()),
        summed(r.in.size());
    maxpool_forward(pooled.data(), r.in.data(), s, 1);
    maxpool_backward(unpooled.data(), r.grad_pooled.data(), r.in.data(), pooled.data(), s, 1);
    upsample_forward(upsampled.data(), r.in.data(), s, 1);
    upsample_backward(summed.data(), r.grad_upsampled.data(), s, 1);
    CHECK(pooled == r.pooled());
    CHECK(unpooled == r.unpooled(pooled));
    CHECK(upsampled == r.upsampled());
    CHECK(summed == r.block_sums());
  }
}

TEST_CASE("max pooling and upsampling: gradients match central differences, odd sizes too", "[conv][gradcheck]") {
  const ImageShape s = GENERATE(ImageShape{2, 7, 7}, ImageShape{3, 4, 6}, ImageShape{1, 5, 2}, ImageShape{1, 5, 28},
                                ImageShape{1, 4, 33});
  const int n = 2;
  INFO(s.channels << "x" << s.height << "x" << s.width);
  // Distinct values, so no block has a tie (where the function has no derivative).
  auto in = random_values(static_cast<std::size_t>(s.size()) * n, 11);
  const ImageShape p = pool_output(s), u = upsample_output(s);
  const auto rp = random_values(static_cast<std::size_t>(p.size()) * n, 12);
  const auto ru = random_values(static_cast<std::size_t>(u.size()) * n, 13);
  std::vector<double> pooled(rp.size()), upsampled(ru.size());
  const auto pool_loss = [&] {
    maxpool_forward(pooled.data(), in.data(), s, n);
    return weighted_sum(pooled, rp);
  };
  const auto up_loss = [&] {
    upsample_forward(upsampled.data(), in.data(), s, n);
    return weighted_sum(upsampled, ru);
  };
  std::vector<double> dpool(in.size()), dup(in.size());
  pool_loss();
  maxpool_backward(dpool.data(), rp.data(), in.data(), pooled.data(), s, n);
  upsample_backward(dup.data(), ru.data(), s, n);
  check_gradient(in, dpool, pool_loss, "max pooling");
  check_gradient(in, dup, up_loss, "upsampling");
  upsample_forward(upsampled.data(), in.data(), s, n);
  CHECK(upsampled[at(u, n, 0, 1, 3, 1)] == in[at(s, n, 0, 1, 1, 0)]);  // nearest: (3, 1) reads (1, 0)
}

TEST_CASE("the joints: images to dense columns (PyTorch's flatten order) and back", "[conv]") {
  const ImageShape s{3, 2, 4};
  const int n = 3;
  const auto images = random_values(static_cast<std::size_t>(s.size()) * n, 14);
  std::vector<double> columns(images.size()), back(images.size());
  images_to_columns(columns.data(), images.data(), s, n);
  // Image j's column is its channels one after the other, each row by row: (c * H + y) * W + x.
  CHECK(columns[static_cast<std::size_t>(1 * s.size() + (2 * s.height + 1) * s.width + 3)] == images[at(s, n, 2, 1, 1, 3)]);
  columns_to_images(back.data(), columns.data(), s, n);
  CHECK(back == images);
  // One channel: the layouts are the same bytes (the model's input and output).
  const ImageShape one{1, 28, 28};
  const auto pixels = random_values(784 * 2, 15);
  std::vector<double> as_columns(pixels.size());
  images_to_columns(as_columns.data(), pixels.data(), one, 2);
  CHECK(as_columns == pixels);
}
