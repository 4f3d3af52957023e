// Latent space math (see latent_space.hpp).
#include "core/latent_space.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/eigen.hpp"

namespace latent {

namespace {

// Flips v so that its largest-magnitude component is positive.
void orient(std::vector<float>& v) {
  const auto largest = std::max_element(v.begin(), v.end(), [](float a, float b) { return std::abs(a) < std::abs(b); });
  if (largest != v.end() && *largest < 0) {
    for (float& x : v) x = -x;
  }
}

}  // namespace

namespace {

// The two largest eigenvalues of the codes' covariance and their eigenvectors (as columns).
struct TopTwo {
  Eigen::Vector2d values;
  Eigen::MatrixXd vectors;
};

// Exactly, from the covariance itself (dim x dim): for codes up to kExactPcaDims wide.
TopTwo exact_top_two(const Eigen::MatrixXd& cov) {
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(cov);  // ascending: the last two columns
  const Eigen::Index dim = cov.rows();
  return {Eigen::Vector2d(solver.eigenvalues()(dim - 1), solver.eigenvalues()(dim - 2)),
          solver.eigenvectors().rightCols(2).rowwise().reverse()};
}

// For wide codes, without the covariance: subspace iteration on a block of kBlock directions from a fixed start,
// each step Y = X (X^T Q) / n re-orthonormalised, then the block's own small eigenproblem (Rayleigh-Ritz). For 2,000
// codes of 1,024 numbers this takes about 0.5 GFLOP, where the covariance and its full eigensolver took 630 ms
// natively (seconds in the page, in one frame).
TopTwo iterated_top_two(const Eigen::MatrixXf& x) {
  constexpr int kBlock = 8, kIterations = 12;
  const Eigen::Index dim = x.rows();
  const float n = static_cast<float>(x.cols());
  Eigen::MatrixXf q(dim, kBlock);
  for (Eigen::Index i = 0; i < dim; ++i) {
    for (int j = 0; j < kBlock; ++j) q(i, j) = std::sin(static_cast<float>(i * (2 * j + 3) + j) * 0.7071f);
  }
  for (int it = 0; it < kIterations; ++it) {
    const Eigen::MatrixXf y = x * (x.transpose() * q) / n;
    q = Eigen::HouseholderQR<Eigen::MatrixXf>(y).householderQ() * Eigen::MatrixXf::Identity(dim, kBlock);
  }
  const Eigen::MatrixXf p = x.transpose() * q;  // (n, block)
  const Eigen::MatrixXd small = (p.transpose() * p / n).cast<double>();
  const TopTwo in_block = exact_top_two(small);
  return {in_block.values, q.cast<double>() * in_block.vectors};
}

constexpr int kExactPcaDims = 64;

}  // namespace

LatentPlane principal_plane(const float* codes, int count, int dim) {
  LatentPlane plane;
  plane.dim = dim;
  const auto d = static_cast<std::size_t>(dim);
  plane.mean.assign(d, 0.0f);
  for (auto& a : plane.axis) a.assign(d, 0.0f);
  if (dim <= 0 || count <= 0) return plane;

  // The mean in double: a sum over thousands of codes.
  Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>> x(codes, dim, count);  // (dim, count)
  const Eigen::VectorXd mean = x.cast<double>().rowwise().mean();
  const Eigen::MatrixXd centred = x.cast<double>().colwise() - mean;
  plane.total_variance = static_cast<float>(centred.squaredNorm() / static_cast<double>(count));  // the trace

  if (dim <= 2) {  // the code space itself
    plane.axis[0] = dim == 1 ? std::vector<float>{1.0f} : std::vector<float>{1.0f, 0.0f};
    if (dim == 2) plane.axis[1] = {0.0f, 1.0f};
    for (int a = 0; a < dim; ++a) plane.variance[a] = static_cast<float>(centred.row(a).squaredNorm() / count);
    if (dim == 1) plane.mean[0] = static_cast<float>(mean(0));
    return plane;
  }
  for (std::size_t i = 0; i < d; ++i) plane.mean[i] = static_cast<float>(mean(static_cast<Eigen::Index>(i)));
  const TopTwo top = dim <= kExactPcaDims ? exact_top_two(centred * centred.transpose() / static_cast<double>(count))
                                          : iterated_top_two(centred.cast<float>());
  for (int a = 0; a < 2; ++a) {
    for (std::size_t i = 0; i < d; ++i) plane.axis[a][i] = static_cast<float>(top.vectors(static_cast<Eigen::Index>(i), a));
    orient(plane.axis[a]);
    plane.variance[a] = static_cast<float>(std::max(0.0, top.values(a)));
  }
  return plane;
}

void plane_code(const LatentPlane& plane, float a, float b, float* code) {
  for (std::size_t i = 0; i < static_cast<std::size_t>(plane.dim); ++i) {
    code[i] = plane.mean[i] + a * plane.axis[0][i] + b * plane.axis[1][i];
  }
}

void project(const LatentPlane& plane, const float* codes, int count, float* xy) {
  const auto d = static_cast<std::size_t>(plane.dim);
  for (std::size_t n = 0; n < static_cast<std::size_t>(count); ++n) {
    const float* c = codes + n * d;
    double a = 0, b = 0;
    for (std::size_t i = 0; i < d; ++i) {
      const double centred = static_cast<double>(c[i]) - plane.mean[i];
      a += centred * plane.axis[0][i];
      b += centred * plane.axis[1][i];
    }
    xy[2 * n] = static_cast<float>(a);
    xy[2 * n + 1] = static_cast<float>(b);
  }
}

std::vector<float> interpolate(const float* a, const float* b, int dim, int steps) {
  steps = std::max(steps, 2);
  const auto d = static_cast<std::size_t>(dim);
  std::vector<float> out(d * static_cast<std::size_t>(steps));
  for (int s = 0; s < steps; ++s) {
    const float t = static_cast<float>(s) / static_cast<float>(steps - 1);
    float* row = out.data() + static_cast<std::size_t>(s) * d;
    for (std::size_t i = 0; i < d; ++i) row[i] = s == steps - 1 ? b[i] : a[i] + t * (b[i] - a[i]);
  }
  return out;
}

std::vector<Neighbour> nearest(const float* codes, int count, int dim, const float* query, int k) {
  std::vector<Neighbour> all(static_cast<std::size_t>(std::max(count, 0)));
  const auto d = static_cast<std::size_t>(dim);
  for (std::size_t n = 0; n < all.size(); ++n) {
    const float* c = codes + n * d;
    double sum = 0;
    for (std::size_t i = 0; i < d; ++i) {
      const double diff = static_cast<double>(c[i]) - query[i];
      sum += diff * diff;
    }
    all[n] = {static_cast<int>(n), static_cast<float>(std::sqrt(sum))};
  }
  const auto take = static_cast<std::size_t>(std::clamp(k, 0, count));
  const auto closer = [](const Neighbour& x, const Neighbour& y) {
    return x.distance < y.distance || (x.distance == y.distance && x.index < y.index);
  };
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(take), all.end(), closer);
  all.resize(take);
  return all;
}

float percentile_below(const std::vector<float>& sorted, float value) {
  if (sorted.empty()) return 0.0f;
  const auto below = std::lower_bound(sorted.begin(), sorted.end(), value) - sorted.begin();
  return 100.0f * static_cast<float>(below) / static_cast<float>(sorted.size());
}

TrainingDiagnosis diagnose_training(const DiagnosisInput& in) {
  TrainingDiagnosis d;
  const auto& losses = in.test_losses;
  d.collapsed = !losses.empty() && in.code_spread < StallRule::kCollapsedSpread;
  if (in.binary_cross_entropy && static_cast<int>(losses.size()) >= StallRule::kEpochs) {
    const auto last = losses.end() - StallRule::kEpochs;
    const auto [lo, hi] = std::minmax_element(last, losses.end());
    d.stalled = std::isfinite(*lo) && *lo > StallRule::kFarAbove * StallRule::kSeedReaches &&
                (*hi - *lo) <= StallRule::kRelativeChange * *lo;
  }
  if (!d.stalled && !d.collapsed) return d;

  char what[256];
  if (d.collapsed) {
    std::snprintf(what, sizeof what,
                  "The codes have collapsed: every test digit gets nearly the same code, so the decoder can only "
                  "draw one average digit.");
  } else {
    std::snprintf(what, sizeof what,
                  "Training has stalled: the test loss has stayed at %.3f for %d epochs, far above the %.3f the "
                  "seed model reaches.",
                  static_cast<double>(losses.back()), StallRule::kEpochs, static_cast<double>(StallRule::kSeedReaches));
  }
  std::vector<std::string> tries;
  if (in.architecture.activation != Activation::ReLU) {
    tries.emplace_back(std::string("relu instead of ") + to_string(in.architecture.activation) +
                       " (saturated units stop learning)");
  }
  if (in.learning_rate > 0.0011f) tries.emplace_back("a lower learning rate, such as 0.001");
  if (in.architecture.code_size() < 8) tries.emplace_back("a wider code, such as 8 or 32 units");
  if (!in.architecture.hidden.empty()) tries.emplace_back("fewer hidden layers");
  tries.emplace_back("training from scratch with another seed");
  d.message = what;
  d.message += " Try ";
  for (std::size_t i = 0; i < tries.size(); ++i) {
    if (i > 0) d.message += i + 1 == tries.size() ? ", or " : ", ";
    d.message += tries[i];
  }
  d.message += ".";
  return d;
}

double neighbour_agreement(const float* points, int count, int dim, const int* labels, int k) {
  if (count <= k || k <= 0) return 0;
  const auto d = static_cast<std::size_t>(dim);
  std::vector<std::pair<float, int>> others(static_cast<std::size_t>(count) - 1);
  std::size_t agree = 0;
  for (int i = 0; i < count; ++i) {
    const float* p = points + static_cast<std::size_t>(i) * d;
    std::size_t o = 0;
    for (int j = 0; j < count; ++j) {
      if (j == i) continue;
      const float* q = points + static_cast<std::size_t>(j) * d;
      float sum = 0;
      for (std::size_t u = 0; u < d; ++u) sum += (p[u] - q[u]) * (p[u] - q[u]);
      others[o++] = {sum, j};
    }
    std::nth_element(others.begin(), others.begin() + (k - 1), others.end());
    for (int n = 0; n < k; ++n) agree += labels[others[static_cast<std::size_t>(n)].second] == labels[i] ? 1 : 0;
  }
  return static_cast<double>(agree) / (static_cast<double>(count) * k);
}

std::string identity_trap_note(const ModelShape& shape) {
  if (shape.code_size() < shape.input) return "";
  return "A code of " + std::to_string(shape.code_size()) + " numbers is as wide as the " + std::to_string(shape.input) +
         " pixels or wider: the model can learn to copy its input, so a good reconstruction no longer shows that it "
         "learned anything about digits. Draw a scribble, and compare with a code of 32.";
}

}  // namespace latent
