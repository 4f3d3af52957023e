// t-SNE (see tsne.hpp).
#include "core/tsne.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <tuple>

#include "core/latent_space.hpp"

namespace latent {

namespace {

// The principal plane of the points, scaled so that the first coordinate's standard deviation is 1e-4: the start
// scikit-learn and openTSNE use (a PCA start keeps the global layout, and nothing depends on a random draw).
std::vector<float> pca_start(const float* points, int count, int dim) {
  std::vector<float> y(2 * static_cast<std::size_t>(count));
  project(principal_plane(points, count, dim), points, count, y.data());
  double sum2 = 0;
  for (int i = 0; i < count; ++i) sum2 += static_cast<double>(y[2 * static_cast<std::size_t>(i)]) * y[2 * static_cast<std::size_t>(i)];
  const double sd = std::sqrt(sum2 / count);
  const float scale = sd > 0 ? static_cast<float>(1e-4 / sd) : 1.0f;
  for (float& v : y) v *= scale;
  return y;
}

// The Gaussian p(j | i) over one point's neighbours (squared distances d2, ascending), with its precision found by
// bisection so that the distribution's perplexity is `perplexity`: entropy log(perplexity), in nats.
void conditional_row(const std::vector<double>& d2, double perplexity, float* p) {
  const double target = std::log(perplexity);
  double beta = 1, lo = 0, hi = HUGE_VAL;
  std::vector<double> w(d2.size());
  for (int step = 0; step < 100; ++step) {
    double sum = 0, weighted = 0;
    for (std::size_t j = 0; j < d2.size(); ++j) {
      w[j] = std::exp(-(d2[j] - d2[0]) * beta);  // relative to the nearest: the same distribution, no underflow
      sum += w[j];
      weighted += (d2[j] - d2[0]) * w[j];
    }
    const double entropy = std::log(sum) + beta * weighted / sum;
    if (std::abs(entropy - target) < 1e-5) break;
    if (entropy > target) {
      lo = beta;
      beta = hi == HUGE_VAL ? beta * 2 : 0.5 * (beta + hi);
    } else {
      hi = beta;
      beta = 0.5 * (beta + lo);
    }
  }
  const double sum = std::accumulate(w.begin(), w.end(), 0.0);
  for (std::size_t j = 0; j < d2.size(); ++j) p[j] = static_cast<float>(w[j] / sum);
}

}  // namespace

void Tsne::start(const float* points, int count, int dim, const float* start, TsneOptions options) {
  options_ = options;
  count_ = count;
  dim_ = dim;
  const auto n = static_cast<std::size_t>(count);
  points_.assign(points, points + n * static_cast<std::size_t>(dim));
  neighbours_ = std::clamp(static_cast<int>(3 * options.perplexity), 1, count - 1);
  options_.perplexity = std::min(options.perplexity, static_cast<float>(neighbours_));
  next_row_ = 0;
  conditional_index_.assign(n * static_cast<std::size_t>(neighbours_), 0);
  conditional_p_.assign(conditional_index_.size(), 0.0f);
  row_start_.clear();
  column_.clear();
  p_.clear();
  iteration_ = 0;
  y_ = start ? std::vector<float>(start, start + 2 * n) : pca_start(points, count, dim);
  update_.assign(2 * n, 0.0f);
  gains_.assign(2 * n, 1.0f);
}

bool Tsne::advance() {
  if (done()) return false;
  if (next_row_ < count_) {
    affinity_rows();
    if (next_row_ == count_) symmetrise();
  } else {
    iterate();
  }
  return !done();
}

// The next few points' nearest neighbours and p(j | i): as many as cost about kSliceWork (2 for 2,000 codes of
// 1,024 numbers, 62 for codes of 32).
void Tsne::affinity_rows() {
  const auto d = static_cast<std::size_t>(dim_);
  const auto k = static_cast<std::size_t>(neighbours_);
  std::vector<std::pair<float, int>> others(static_cast<std::size_t>(count_) - 1);
  std::vector<double> d2(k);
  const double row_work = static_cast<double>(count_) * dim_;
  const int end = std::min(count_, next_row_ + static_cast<int>(std::max(1.0, kSliceWork / row_work)));
  for (int i = next_row_; i < end; ++i) {
    const float* a = points_.data() + static_cast<std::size_t>(i) * d;
    std::size_t o = 0;
    for (int j = 0; j < count_; ++j) {
      if (j == i) continue;
      const float* b = points_.data() + static_cast<std::size_t>(j) * d;
      float sum = 0;
#pragma omp simd reduction(+ : sum)
      for (std::size_t u = 0; u < d; ++u) sum += (a[u] - b[u]) * (a[u] - b[u]);
      others[o++] = {sum, j};
    }
    std::partial_sort(others.begin(), others.begin() + static_cast<std::ptrdiff_t>(k), others.end());
    const std::size_t row = static_cast<std::size_t>(i) * k;
    for (std::size_t j = 0; j < k; ++j) {
      d2[j] = others[j].first;
      conditional_index_[row + j] = others[j].second;
    }
    conditional_row(d2, options_.perplexity, conditional_p_.data() + row);
  }
  next_row_ = end;
}

// P = (p(j | i) + p(i | j)) / (2 count), kept by rows: each pair once per direction.
void Tsne::symmetrise() {
  const auto k = static_cast<std::size_t>(neighbours_);
  std::vector<std::tuple<int, int, float>> edges;
  edges.reserve(2 * conditional_p_.size());
  for (int i = 0; i < count_; ++i) {
    for (std::size_t j = 0; j < k; ++j) {
      const std::size_t at = static_cast<std::size_t>(i) * k + j;
      edges.emplace_back(i, conditional_index_[at], conditional_p_[at]);
      edges.emplace_back(conditional_index_[at], i, conditional_p_[at]);
    }
  }
  std::sort(edges.begin(), edges.end());
  row_start_.assign(static_cast<std::size_t>(count_) + 1, 0);
  const float norm = 1.0f / (2.0f * static_cast<float>(count_));
  for (std::size_t e = 0; e < edges.size(); ++e) {
    const auto [i, j, p] = edges[e];
    if (e > 0 && std::get<0>(edges[e - 1]) == i && std::get<1>(edges[e - 1]) == j) {
      p_.back() += p * norm;
      continue;
    }
    column_.push_back(j);
    p_.push_back(p * norm);
    ++row_start_[static_cast<std::size_t>(i) + 1];
  }
  std::partial_sum(row_start_.begin(), row_start_.end(), row_start_.begin());
  conditional_index_ = {};
  conditional_p_ = {};
}

double Tsne::affinity_total() const { return std::accumulate(p_.begin(), p_.end(), 0.0); }

// Each point's push from all the others, sum over j of q_ij^2 (y_i - y_j) with q_ij = 1 / (1 + |y_i - y_j|^2)
// unnormalised, and z = the sum of q_ij over all pairs i != j: the whole of the exact method's cost. Each pair once
// (j > i), its force added to i and taken from j; the inner loop runs over contiguous j and vectorises.
void Tsne::repulsion(std::vector<float>& force, double& z) const {
  const auto n = static_cast<std::size_t>(count_);
  std::vector<float> xs(n), ys(n), fxs(n, 0.0f), fys(n, 0.0f);
  for (std::size_t i = 0; i < n; ++i) {
    xs[i] = y_[2 * i];
    ys[i] = y_[2 * i + 1];
  }
  z = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const float xi = xs[i], yi = ys[i];
    float zi = 0, fx = 0, fy = 0;
    float* __restrict fxj = fxs.data();
    float* __restrict fyj = fys.data();
#pragma omp simd reduction(+ : zi, fx, fy)
    for (std::size_t j = i + 1; j < n; ++j) {
      const float dx = xi - xs[j], dy = yi - ys[j];
      const float q = 1.0f / (1.0f + dx * dx + dy * dy);
      const float q2 = q * q;
      zi += q;
      fx += q2 * dx;
      fy += q2 * dy;
      fxj[j] -= q2 * dx;
      fyj[j] -= q2 * dy;
    }
    z += 2.0 * static_cast<double>(zi);
    fxs[i] += fx;
    fys[i] += fy;
  }
  for (std::size_t i = 0; i < n; ++i) {
    force[2 * i] = fxs[i];
    force[2 * i + 1] = fys[i];
  }
}

// Sum over j of p_ij q_ij (y_i - y_j): along the affinities only.
void Tsne::attraction(std::vector<float>& force) const {
  for (int i = 0; i < count_; ++i) {
    const auto a = 2 * static_cast<std::size_t>(i);
    float fx = 0, fy = 0;
    for (int e = row_start_[static_cast<std::size_t>(i)]; e < row_start_[static_cast<std::size_t>(i) + 1]; ++e) {
      const auto b = 2 * static_cast<std::size_t>(column_[static_cast<std::size_t>(e)]);
      const float dx = y_[a] - y_[b], dy = y_[a + 1] - y_[b + 1];
      const float pq = p_[static_cast<std::size_t>(e)] / (1.0f + dx * dx + dy * dy);
      fx += pq * dx;
      fy += pq * dy;
    }
    force[a] = fx;
    force[a + 1] = fy;
  }
}

// One step of gradient descent with momentum and gains (Jacobs' delta-bar-delta, as in the reference code). The
// gradient is 4 (exaggeration x attraction - repulsion / z).
void Tsne::iterate() {
  const bool early = iteration_ < options_.exaggerated;
  const float exaggeration = early ? options_.exaggeration : 1.0f;
  const float momentum = early ? 0.5f : 0.8f;
  const float rate = std::max(static_cast<float>(count_) / options_.exaggeration, 50.0f);
  std::vector<float> pull(y_.size()), push(y_.size());
  double z = 0;
  repulsion(push, z);
  attraction(pull);
  const float inv_z = static_cast<float>(1.0 / std::max(z, 1e-12));
  for (std::size_t c = 0; c < y_.size(); ++c) {
    const float gradient = 4.0f * (exaggeration * pull[c] - push[c] * inv_z);
    const bool same_sign = (gradient > 0) == (update_[c] > 0);
    gains_[c] = std::max(same_sign ? gains_[c] * 0.8f : gains_[c] + 0.2f, 0.01f);
    update_[c] = momentum * update_[c] - rate * gains_[c] * gradient;
    y_[c] += update_[c];
  }
  float mean[2] = {0, 0};
  for (std::size_t c = 0; c < y_.size(); ++c) mean[c % 2] += y_[c];
  for (std::size_t c = 0; c < y_.size(); ++c) y_[c] -= mean[c % 2] / static_cast<float>(count_);
  ++iteration_;
}

}  // namespace latent
