// Trainer: epochs of shuffled mini-batches over a training set, one batch per step() so that a caller can
// run a bounded slice of work at a time (the browser's frame loop) or loop to the end (the CLI). The last
// batch of an epoch is the remainder (Keras' fit semantics), so every sample is seen once per epoch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/autoencoder.hpp"
#include "core/dataset.hpp"
#include "core/optimizer.hpp"
#include "core/rng.hpp"

namespace latent {

struct TrainConfig {
  Architecture architecture;
  Loss loss = Loss::BinaryCrossEntropy;
  OptimizerConfig optimizer;
  int batch_size = 256;
  std::uint64_t seed = 1;

  static constexpr int kMaxBatch = 65536;
  Status validate() const;
};

// Mean loss of `model` over all of `data` (forward only), `chunk` images at a time.
float mean_loss(Autoencoder& model, const Dataset& data, Loss loss, int chunk = 256);

class Trainer {
 public:
  // `train` must outlive the trainer and have architecture.input pixels per image (check with validate_data).
  Trainer(const Dataset& train, const TrainConfig& config);

  static Status validate_data(const Dataset& data, const TrainConfig& config, const char* what);

  // Fresh Glorot weights, fresh optimizer, epoch 0, and the batch order drawn from `seed`.
  void reset(std::uint64_t seed);
  // Keeps `model`'s weights (its architecture becomes the config's); optimizer and counters restart.
  void adopt(const Autoencoder& model);

  // Runs one batch (forward, backward, update). Returns true when that batch completed an epoch.
  bool step();

  int epoch() const { return epoch_; }                       // completed epochs
  int batch_in_epoch() const { return batch_; }              // batches done in the current epoch
  int batches_per_epoch() const;
  std::int64_t total_steps() const { return steps_; }
  std::int64_t samples_seen() const { return samples_; }
  float last_batch_loss() const { return last_batch_loss_; }
  // Mean training loss over the current epoch so far (sample-weighted); after step() returned true, over
  // the epoch that just ended.
  float epoch_loss() const;

  // Mean loss over a whole dataset (same pixel count), forward only, in chunks of the batch size.
  float evaluate(const Dataset& data);

  Autoencoder& model() { return *model_; }
  const Autoencoder& model() const { return *model_; }
  const TrainConfig& config() const { return config_; }
  // Takes effect from the next step; the optimizer's moments are kept.
  void set_learning_rate(float lr) {
    config_.optimizer.learning_rate = lr;
    optimizer_.set_learning_rate(lr);
  }

 private:
  void start_epoch();

  const Dataset& train_;
  TrainConfig config_;
  std::unique_ptr<Autoencoder> model_;
  Optimizer optimizer_;
  Rng rng_;
  std::vector<std::size_t> order_;
  AlignedVector<float> batch_data_;  // (input, batch_size): the gathered batch
  int epoch_ = 0;
  int batch_ = 0;
  std::int64_t steps_ = 0;
  std::int64_t samples_ = 0;
  double epoch_loss_sum_ = 0;
  std::int64_t epoch_samples_ = 0;
  float last_batch_loss_ = 0;
};

}  // namespace latent
