// The training benchmark (see benchmark.hpp).
#include "core/benchmark.hpp"

#include <chrono>

namespace latent {

double training_flops_per_sample(const Architecture& arch) {
  double flops = 0;
  // Forward once; backward twice (the weights' gradient and the input's), but the first layer has no input gradient.
  bool first = true;
  for (const LayerLayout& l : arch.layers()) {
    flops += l.forward_flops() * (first ? 2 : 3);
    if (l.has_parameters()) first = false;
  }
  return flops;
}

BenchmarkResult run_training_benchmark(const Dataset& data, const TrainConfig& config, int steps, int warmup) {
  Trainer trainer(data, config);
  for (int i = 0; i < warmup; ++i) trainer.step();
  const std::int64_t before = trainer.samples_seen();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < steps; ++i) trainer.step();
  BenchmarkResult r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.steps = steps;
  const double samples = static_cast<double>(trainer.samples_seen() - before);
  if (r.seconds > 0) {
    r.samples_per_sec = samples / r.seconds;
    r.gflops = r.samples_per_sec * training_flops_per_sample(config.architecture()) / 1e9;
  }
  r.ms_per_step = steps > 0 ? r.seconds * 1000.0 / steps : 0;
  r.model = config.architecture().describe();
  r.flops_per_sample = training_flops_per_sample(config.architecture());
  return r;
}

}  // namespace latent
