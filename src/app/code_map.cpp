// CodeMap (see code_map.hpp).
#include "app/code_map.hpp"

#include <algorithm>
#include <cmath>

namespace latent {

namespace {

// A robust extent of 2-D points, per coordinate: from the 0.5th to the 99.5th percentile, widened by 8 % each side,
// so a few far-off points do not squeeze the rest into a corner. extent: lo x, lo y, hi x, hi y.
void robust_extent(const std::vector<float>& xy, float* extent) {
  const std::size_t count = xy.size() / 2;
  for (std::size_t axis = 0; axis < 2; ++axis) {
    if (count == 0) {
      extent[axis] = -1;
      extent[axis + 2] = 1;
      continue;
    }
    std::vector<float> values(count);
    for (std::size_t n = 0; n < count; ++n) values[n] = xy[2 * n + axis];
    std::sort(values.begin(), values.end());
    const auto at = [&](double q) { return values[static_cast<std::size_t>(q * static_cast<double>(count - 1))]; };
    const float lo = at(0.005), hi = at(0.995);
    const float spread = 0.08f * (hi - lo);
    const float pad = spread > 0 ? spread : 1e-3f;  // all at one point (collapsed codes): a small square around it
    extent[axis] = lo - pad;
    extent[axis + 2] = hi + pad;
  }
}

// A square extent around the same centre: t-SNE's plane has the same scale in both directions.
void make_square(float* extent) {
  const float half = 0.5f * std::max(extent[2] - extent[0], extent[3] - extent[1]);
  for (int axis = 0; axis < 2; ++axis) {
    const float mid = 0.5f * (extent[axis] + extent[axis + 2]);
    extent[axis] = mid - half;
    extent[axis + 2] = mid + half;
  }
}

}  // namespace

void CodeMap::set_codes(const float* codes, int count, int dim, bool trail) {
  const bool same_points = count == count_ && dim == dim_;
  if (trail && same_points && !plane_xy_.empty()) {
    trail_.push_back(plane_xy_);
    if (static_cast<int>(trail_.size()) > kTrail) trail_.erase(trail_.begin());
  } else {
    trail_.clear();
  }
  codes_ = codes;
  count_ = count;
  dim_ = dim;
  plane_ = principal_plane(codes, count, dim);
  plane_xy_.assign(2 * static_cast<std::size_t>(count), 0.0f);
  project(plane_, codes, count, plane_xy_.data());
  robust_extent(plane_xy_, plane_extent_);
  tsne_current_ = false;
  if (method_ == Method::Tsne && !tsne_refusal().empty()) method_ = Method::Pca;  // too many points now
  if (method_ == Method::Tsne) start_tsne(same_points && tsne_.count() == count);
}

std::string CodeMap::tsne_refusal() const {
  if (count_ > kTsneLimit) {
    return "t-SNE is offered for up to " + std::to_string(kTsneLimit) + " test images (its cost grows with their "
           "square); these are " + std::to_string(count_) + ".";
  }
  if (count_ < 2) return "t-SNE needs at least 2 test images.";
  return "";
}

void CodeMap::set_method(Method method) {
  if (method == Method::Tsne && !tsne_refusal().empty()) method = Method::Pca;
  method_ = method;
  if (method_ == Method::Tsne && !tsne_current_) start_tsne(false);
}

// From PCA's layout on first use (scaled small, as t-SNE wants); from its own last layout, for a shorter run, when
// training moved the codes it had mapped.
void CodeMap::start_tsne(bool warm) {
  if (!warm) {
    tsne_.start(codes_, count_, dim_);
  } else {
    const std::vector<float> last = tsne_.positions();
    TsneOptions options;
    options.iterations = kWarmIterations;
    options.exaggerated = kWarmIterations / 3;
    tsne_.start(codes_, count_, dim_, last.data(), options);
  }
  tsne_current_ = true;
  robust_extent(tsne_.positions(), tsne_extent_);
  make_square(tsne_extent_);
}

bool CodeMap::advance(Clock::time_point deadline) {
  if (settled()) return false;
  do {
    tsne_.advance();
  } while (!tsne_.done() && Clock::now() < deadline);
  robust_extent(tsne_.positions(), tsne_extent_);
  make_square(tsne_extent_);
  return true;
}

void CodeMap::settle() {
  if (settled()) return;
  tsne_.run();
  robust_extent(tsne_.positions(), tsne_extent_);
  make_square(tsne_extent_);
}

void CodeMap::place(const float* code, float* xy) const {
  if (method_ == Method::Pca) {
    project(plane_, code, 1, xy);
    return;
  }
  const std::vector<Neighbour> near = nearest(codes_, count_, dim_, code, kPlaceNeighbours);
  xy[0] = xy[1] = 0;
  for (const Neighbour& n : near) {
    xy[0] += tsne_.positions()[2 * static_cast<std::size_t>(n.index)] / static_cast<float>(near.size());
    xy[1] += tsne_.positions()[2 * static_cast<std::size_t>(n.index) + 1] / static_cast<float>(near.size());
  }
}

int CodeMap::pick(float a, float b, float radius) const {
  const std::vector<float>& p = xy();
  int best = -1;
  float best_d = radius * radius;
  for (int i = 0; i < count_; ++i) {
    const float da = p[2 * static_cast<std::size_t>(i)] - a, db = p[2 * static_cast<std::size_t>(i) + 1] - b;
    const float d2 = da * da + db * db;
    if (d2 <= best_d) {
      best_d = d2;
      best = i;
    }
  }
  return best;
}

std::vector<int> CodeMap::cell_points(int side) const {
  const float* e = extent();
  const float w = (e[2] - e[0]) / static_cast<float>(side), h = (e[3] - e[1]) / static_cast<float>(side);
  std::vector<int> cells(static_cast<std::size_t>(side * side), -1);
  std::vector<float> best(cells.size(), HUGE_VALF);
  const std::vector<float>& p = xy();
  for (int i = 0; i < count_; ++i) {
    const float x = (p[2 * static_cast<std::size_t>(i)] - e[0]) / w, y = (e[3] - p[2 * static_cast<std::size_t>(i) + 1]) / h;
    if (!(x >= 0 && y >= 0 && x < static_cast<float>(side) && y < static_cast<float>(side))) continue;
    const int c = static_cast<int>(x), r = static_cast<int>(y);
    const float dx = x - (static_cast<float>(c) + 0.5f), dy = y - (static_cast<float>(r) + 0.5f);
    const auto cell = static_cast<std::size_t>(r * side + c);
    if (dx * dx + dy * dy < best[cell]) {
      best[cell] = dx * dx + dy * dy;
      cells[cell] = i;
    }
  }
  return cells;
}

}  // namespace latent
