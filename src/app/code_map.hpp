// CodeMap: where the Map tab puts each test digit, by one of two methods.
//   - PCA: the codes' principal plane (fast, linear: any point of the plane decodes to a code, so the plane can be
//     dragged over and decoded as a grid). While training it keeps each digit's last kTrail positions, so that the
//     clusters can be seen forming.
//   - t-SNE (core/tsne.hpp): keeps neighbours together, so the classes the codes separate stay separate, but its
//     plane has no codes of its own. It runs in slices between frames, from PCA's layout, and the map shows it
//     settling; new codes (training) restart it from its last layout.
// A code that is not a test digit's (the drawing) is placed on the PCA plane by projection, and on the t-SNE map at
// the mean position of its kPlaceNeighbours nearest test codes: t-SNE gives no position to a new point.
// No ImGui in here.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/latent_space.hpp"
#include "core/tsne.hpp"

namespace latent {

class CodeMap {
 public:
  enum class Method { Pca, Tsne };
  using Clock = std::chrono::steady_clock;
  static constexpr int kTrail = 4;              // earlier PCA positions kept per digit while training
  static constexpr int kPlaceNeighbours = 5;
  static constexpr int kTsneLimit = 5000;       // t-SNE is exact, count^2 per iteration: no more points than this
  static constexpr int kWarmIterations = 300;   // after new codes, from the last layout (of which exaggerated: 100)

  // New codes (`count` rows of `dim`, kept by the caller until the next call). `trail`: the codes moved under
  // training, so PCA's last positions join the trail; otherwise the trail starts over.
  void set_codes(const float* codes, int count, int dim, bool trail);
  void set_method(Method method);
  Method method() const { return method_; }
  // Why t-SNE is not offered for these codes ("" when it is).
  std::string tsne_refusal() const;

  // t-SNE slices until `deadline` (at least one, when any is left). True when the positions moved.
  bool advance(Clock::time_point deadline);
  void settle();  // t-SNE to its end
  bool settled() const { return method_ == Method::Pca || tsne_.done(); }
  int iteration() const { return method_ == Method::Tsne ? tsne_.iteration() : 0; }
  int iterations() const { return method_ == Method::Tsne ? tsne_.options().iterations : 0; }

  const LatentPlane& plane() const { return plane_; }
  int count() const { return count_; }
  const std::vector<float>& xy() const { return method_ == Method::Tsne ? tsne_.positions() : plane_xy_; }
  const float* extent() const { return method_ == Method::Tsne ? tsne_extent_ : plane_extent_; }  // lo a, lo b, hi a, hi b
  const float* plane_extent() const { return plane_extent_; }
  const std::vector<std::vector<float>>& trail() const { return trail_; }  // PCA's earlier positions, oldest first

  // Where `code` lands on the shown map (see above).
  void place(const float* code, float* xy) const;
  // The point nearest to (a, b) on the shown map within `radius`, or -1.
  int pick(float a, float b, float radius) const;
  // For a grid of side x side cells over the shown extent (row 0 at the top), the point nearest each cell's centre
  // when it lies within the cell, else -1.
  std::vector<int> cell_points(int side) const;

 private:
  void start_tsne(bool warm);

  Method method_ = Method::Pca;
  const float* codes_ = nullptr;
  int count_ = 0, dim_ = 0;
  LatentPlane plane_;
  std::vector<float> plane_xy_;
  float plane_extent_[4] = {-1, -1, 1, 1};
  std::vector<std::vector<float>> trail_;
  Tsne tsne_;
  bool tsne_current_ = false;  // started on the present codes
  float tsne_extent_[4] = {-1, -1, 1, 1};
};

}  // namespace latent
