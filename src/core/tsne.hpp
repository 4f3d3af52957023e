// t-SNE (van der Maaten and Hinton, 2008) for the Map: places a few thousand codes on a plane so that codes near
// each other stay near each other, which keeps a model's digit classes apart where PCA's plane mixes them.
//
// Exact gradients, O(count^2) per iteration: for the 2,000 test codes that is 4 million point pairs, a few ms in
// the page, and needs no tree. The input affinities are sparse, as in Barnes-Hut SNE: each point's 3 x perplexity
// nearest neighbours, with the Gaussian's width found by bisection so that their perplexity is the one asked for,
// then symmetrised. The optimiser is the usual one: gradient descent with momentum and per-coordinate gains, a
// first phase of early exaggeration, the learning rate count / exaggeration (Belkina et al., 2019).
//
// The work is cut in slices (affinity rows, then iterations) so that the page can run it between frames and show
// the map as it settles. Nothing is random: the same points and start give the same map.
#pragma once

#include <vector>

namespace latent {

struct TsneOptions {
  float perplexity = 30;
  int iterations = 750;     // in all, the exaggerated ones included
  int exaggerated = 250;    // the first iterations: affinities times `exaggeration`, momentum 0.5 (then 0.8)
  float exaggeration = 12;
};

class Tsne {
 public:
  // Starts over on `count` points of `dim` floats (copied; count >= 2). `start`: 2 * count positions to begin
  // from (a warm start from an earlier map), or null for the points' principal plane scaled to a spread of 1e-4.
  void start(const float* points, int count, int dim, const float* start = nullptr, TsneOptions options = {});
  // One slice of the work: affinity rows worth about kSliceWork multiply-adds, or one iteration (count^2 point
  // pairs). False once there is nothing left to do.
  bool advance();
  void run() { while (advance()) {} }

  bool done() const { return iteration_ >= options_.iterations; }
  int iteration() const { return iteration_; }
  const TsneOptions& options() const { return options_; }
  int count() const { return count_; }
  // 2 per point (x, y), centred on the origin. Before the affinities are ready: the starting positions.
  const std::vector<float>& positions() const { return y_; }
  // The sum of the symmetric affinities (1 once they are ready; a test's check).
  double affinity_total() const;

 private:
  static constexpr double kSliceWork = 4e6;
  void affinity_rows();
  void symmetrise();
  void iterate();
  void repulsion(std::vector<float>& force, double& z) const;
  void attraction(std::vector<float>& force) const;

  TsneOptions options_;
  int count_ = 0, dim_ = 0, neighbours_ = 0;
  std::vector<float> points_;
  int next_row_ = 0;                       // affinity rows done so far
  std::vector<int> conditional_index_;     // count x neighbours: each row's nearest points
  std::vector<float> conditional_p_;       // and p(j | i)
  std::vector<int> row_start_, column_;    // the symmetric affinities P, compressed by rows
  std::vector<float> p_;
  int iteration_ = 0;
  std::vector<float> y_, update_, gains_;  // 2 per point
};

}  // namespace latent
