// The one training benchmark, behind `latent bench` and the page's latentCanvas.bench(): times training steps of a
// model on a data set, after a warm-up that sizes every buffer, and reports the speed.
#pragma once

#include <string>

#include "core/dataset.hpp"
#include "core/trainer.hpp"

namespace latent {

// Matrix-product flops of one training sample through `arch`: each layer's forward product and its weight
// gradient (2 * in * out each), and the input gradient of every layer but the first. The seed model: five
// 784 x 32 products, 250,880 flops.
double training_flops_per_sample(const Architecture& arch);

inline constexpr int kMaxBenchSteps = 1000000;  // timed steps a benchmark may ask for

struct BenchmarkResult {
  double samples_per_sec = 0;
  double gflops = 0;  // GFLOP/s of the matrix products
  double ms_per_step = 0;
  double seconds = 0;
  int steps = 0;
  std::string model;             // what was timed: Architecture::describe()
  double flops_per_sample = 0;   // training_flops_per_sample of that model
};

// Runs `warmup` then `steps` training steps of a model built from `config` (its architecture, batch size and
// thread count) on `data`; times the latter. `data` must fit the architecture (Trainer::validate_data).
BenchmarkResult run_training_benchmark(const Dataset& data, const TrainConfig& config, int steps, int warmup = 5);

}  // namespace latent
