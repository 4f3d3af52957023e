// t-SNE: it separates clusters that PCA's plane cannot, its affinities are a distribution, it is deterministic,
// and it works in slices.
#include <catch2/catch.hpp>

#include <random>
#include <vector>

#include "core/latent_space.hpp"
#include "app/code_map.hpp"
#include "core/tsne.hpp"

using namespace latent;

namespace {

// `classes` clusters of `per` points in `dim` dimensions, each around its own axis at distance 6 from the origin:
// equally far from one another, so that no plane through them keeps them apart.
struct Clusters {
  std::vector<float> points;
  std::vector<int> labels;
  int count = 0, dim = 0;
};

Clusters clusters(int classes, int per, int dim, unsigned seed) {
  Clusters c;
  c.dim = dim;
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (int i = 0; i < classes * per; ++i) {
    const int label = i % classes;
    for (int u = 0; u < dim; ++u) c.points.push_back(normal(rng) + (u == label ? 6.0f : 0.0f));
    c.labels.push_back(label);
  }
  c.count = classes * per;
  return c;
}

}  // namespace

TEST_CASE("t-SNE separates clusters that the principal plane mixes", "[tsne]") {
  const Clusters c = clusters(8, 60, 16, 3);
  std::vector<float> plane(2 * static_cast<std::size_t>(c.count));
  project(principal_plane(c.points.data(), c.count, c.dim), c.points.data(), c.count, plane.data());
  const double pca = neighbour_agreement(plane.data(), c.count, 2, c.labels.data());
  const double codes = neighbour_agreement(c.points.data(), c.count, c.dim, c.labels.data());

  Tsne tsne;
  tsne.start(c.points.data(), c.count, c.dim);
  tsne.run();
  REQUIRE(tsne.done());
  CHECK(tsne.iteration() == TsneOptions{}.iterations);
  const double map = neighbour_agreement(tsne.positions().data(), c.count, 2, c.labels.data());
  INFO("PCA " << pca << ", t-SNE " << map << ", the points themselves " << codes);
  CHECK(codes > 0.99);
  CHECK(pca < 0.7);
  CHECK(map > 0.98);
}

TEST_CASE("t-SNE's affinities sum to one, and its map is the same every time and in any slices", "[tsne]") {
  const Clusters c = clusters(4, 40, 8, 9);
  TsneOptions options;
  options.iterations = 120;
  options.exaggerated = 50;
  Tsne a, b;
  a.start(c.points.data(), c.count, c.dim, nullptr, options);
  b.start(c.points.data(), c.count, c.dim, nullptr, options);
  const std::vector<float> first = a.positions();
  int slices = 0;
  while (a.advance()) ++slices;
  // The affinity rows of so few points fit one slice; then one iteration each.
  CHECK(slices + 1 == 1 + options.iterations);
  CHECK(a.affinity_total() == Approx(1.0).epsilon(1e-5));
  b.run();
  CHECK(a.positions() == b.positions());
  CHECK(a.positions() != first);

  SECTION("a warm start begins where it is told") {
    Tsne warm;
    warm.start(c.points.data(), c.count, c.dim, a.positions().data(), options);
    CHECK(warm.positions() == a.positions());
    warm.run();
    CHECK(neighbour_agreement(warm.positions().data(), c.count, 2, c.labels.data()) > 0.95);
  }
}

TEST_CASE("t-SNE copes with fewer points than its neighbourhood, and with duplicates", "[tsne]") {
  std::vector<float> points{0, 0, 0, 0, 1, 1, 5, 5, 5, 6};  // five 2-D points, two of them the same
  Tsne tsne;
  tsne.start(points.data(), 5, 2);
  tsne.run();
  CHECK(tsne.affinity_total() == Approx(1.0).epsilon(1e-5));
  for (float v : tsne.positions()) CHECK(std::isfinite(v));
}

TEST_CASE("the code map keeps PCA's trail while codes move, and starts it over otherwise", "[tsne]") {
  Clusters c = clusters(3, 30, 6, 4);
  CodeMap map;
  map.set_codes(c.points.data(), c.count, c.dim, true);
  CHECK(map.trail().empty());  // nothing before
  const std::vector<float> first = map.xy();
  std::vector<float> moved = c.points;
  for (float& v : moved) v *= 1.1f;
  map.set_codes(moved.data(), c.count, c.dim, true);
  REQUIRE(map.trail().size() == 1);
  CHECK(map.trail()[0] == first);
  for (int k = 0; k < CodeMap::kTrail + 2; ++k) map.set_codes(moved.data(), c.count, c.dim, true);
  CHECK(static_cast<int>(map.trail().size()) == CodeMap::kTrail);
  map.set_codes(moved.data(), c.count, c.dim, false);  // a new model: the trail starts over
  CHECK(map.trail().empty());
  // t-SNE: refused past kTsneLimit points (exact: count^2 an iteration), else warm-started after new codes.
  map.set_method(CodeMap::Method::Tsne);
  REQUIRE(map.method() == CodeMap::Method::Tsne);
  map.settle();
  CHECK(map.iteration() == TsneOptions{}.iterations);
  map.set_codes(c.points.data(), c.count, c.dim, true);
  CHECK(map.iterations() == CodeMap::kWarmIterations);
  CHECK_FALSE(map.settled());
  std::vector<float> many(static_cast<std::size_t>(CodeMap::kTsneLimit + 1) * 2, 0.5f);
  map.set_codes(many.data(), CodeMap::kTsneLimit + 1, 2, false);
  CHECK_FALSE(map.tsne_refusal().empty());
  CHECK(map.method() == CodeMap::Method::Pca);  // back to PCA, without starting t-SNE on them
  map.set_method(CodeMap::Method::Tsne);
  CHECK(map.method() == CodeMap::Method::Pca);
}
