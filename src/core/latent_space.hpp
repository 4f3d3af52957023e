// Latent space: the math behind the page's views of the codes, with no model and no UI in it. Codes are rows of
// `dim` floats, `count` of them back to back.
//   - principal_plane: the plane of the codes' two largest principal components (PCA on their covariance), or,
//     with a 2-unit code, the code space itself;
//   - plane_code / project: between a point (a, b) of that plane and a code;
//   - interpolate: codes along the straight line between two codes;
//   - nearest: the codes nearest to one, by Euclidean distance;
//   - percentile_below: where a value falls among sorted values;
//   - diagnose_training: says when training has stalled, or the codes have collapsed, and what to try.
#pragma once

#include <string>
#include <vector>

#include "core/autoencoder.hpp"

namespace latent {

struct LatentPlane {
  int dim = 0;
  std::vector<float> mean;      // dim: the plane's origin (zero for a 2-unit code)
  std::vector<float> axis[2];   // dim each: unit vectors, the first and second principal directions
  float variance[2] = {0, 0};   // of the codes along each axis (the eigenvalues)
  float total_variance = 0;     // the trace of the covariance: how spread the codes are in all directions
};

// The principal plane of `count` codes (count >= 1). With dim == 2 it is the code space itself (mean 0, axes the
// units), so the map shows the codes as they are. Each axis' sign is chosen so that its largest component is
// positive, so the picture does not flip between updates for no reason.
LatentPlane principal_plane(const float* codes, int count, int dim);

// code = mean + a * axis[0] + b * axis[1]
void plane_code(const LatentPlane& plane, float a, float b, float* code);
// (a, b) of each code: its offset from the mean along the two axes. xy holds 2 * count floats.
void project(const LatentPlane& plane, const float* codes, int count, float* xy);

// `steps` codes (steps >= 2) from a to b, evenly spaced; the first is a and the last is b exactly.
std::vector<float> interpolate(const float* a, const float* b, int dim, int steps);

struct Neighbour {
  int index = 0;
  float distance = 0;
  bool operator==(const Neighbour&) const = default;
};
// The `k` codes nearest to `query`, nearest first (ties: the lower index first).
std::vector<Neighbour> nearest(const float* codes, int count, int dim, const float* query, int k);

// The percentage (0..100) of `sorted` (ascending) that is strictly below `value`.
float percentile_below(const std::vector<float>& sorted, float value);

// What the Training panel says when training has gone wrong: empty when nothing is. `test_losses` are the test
// loss after each epoch (binary cross-entropy), `plane` the test codes' spread.
struct TrainingDiagnosis {
  bool stalled = false;     // the test loss stopped moving far above what the seed model reaches
  bool collapsed = false;   // every code is nearly the same point
  std::string message;      // what happened, in a sentence or two, and what to try
};
struct DiagnosisInput {
  std::vector<float> test_losses;
  float code_spread = 0;          // LatentPlane::total_variance of the test codes
  bool binary_cross_entropy = true;
  Architecture architecture;
  float learning_rate = 0.001f;
};
TrainingDiagnosis diagnose_training(const DiagnosisInput& in);

// How well points (rows of `dim` floats: a map's 2-D positions, or the codes themselves) keep classes together: for
// each point, the share of its k nearest other points (Euclidean; ties to the lower index) with its label, averaged
// over all points. 0 for none, 1 for all; count > k.
double neighbour_agreement(const float* points, int count, int dim, const int* labels, int k = 10);

// The identity trap, as the seed article puts it: a code at least as wide as the input can carry the input through
// unchanged, so a good reconstruction is no longer evidence of learning. What to say about such a shape (else "").
std::string identity_trap_note(const ModelShape& shape);

// The thresholds diagnose_training uses, named so the tests and the docs can cite them.
struct StallRule {
  static constexpr int kEpochs = 5;                  // the test loss over this many last epochs...
  static constexpr float kRelativeChange = 0.005f;   // ...moved by less than 0.5 %...
  static constexpr float kSeedReaches = 0.106f;      // ...while above twice what the seed model reaches (50 epochs)
  static constexpr float kFarAbove = 2.0f;
  static constexpr float kCollapsedSpread = 1e-4f;   // total variance of the codes below this: collapsed
};

}  // namespace latent
