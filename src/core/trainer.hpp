// Trainer: epochs of shuffled mini-batches over a training set, one batch per step() so that a caller can
// run a bounded slice of work at a time (the browser's frame loop) or loop to the end (the CLI). The last
// batch of an epoch is the remainder (Keras' fit semantics), so every sample is seen once per epoch.
//
// With several threads a step is data-parallel: the batch's columns are split into contiguous slices, one per
// thread, each computed on its own replica of the model (the weights copied in at the start of the step); the
// slices' gradients are summed in slice order, each weighted by its share of the batch, and the update is split
// by parameter range. Each element's arithmetic is fixed by the thread count alone, so the same seed and thread
// count give bit-identical weights; different thread counts round differently (they agree to float precision).
// One thread is the plain serial step.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/autoencoder.hpp"
#include "core/dataset.hpp"
#include "core/optimizer.hpp"
#include "core/rng.hpp"
#include "core/worker_pool.hpp"

namespace latent {

struct TrainConfig {
  ModelShape shape;
  Loss loss = Loss::BinaryCrossEntropy;
  Objective objective;  // its variant also says whether the model is variational
  OptimizerConfig optimizer;
  int batch_size = 256;
  std::uint64_t seed = 1;
  int threads = 1;  // how many threads share each step (not part of the model)

  static constexpr int kMaxBatch = 65536;
  static constexpr int kMaxThreads = 64;  // and never more than kThreadsAvailable (worker_pool.hpp)
  // The model these settings train: the shape, variational when the objective is.
  Architecture architecture() const { return {shape, objective.variational()}; }
  // Takes a model's architecture: its shape, and the VAE exactly when it is variational (the other variants train
  // any plain model, so a plain one keeps the variant unless it was the VAE).
  void take_architecture(const Architecture& arch) {
    shape = arch;
    if (arch.variational) objective.variant = Variant::Variational;
    else if (objective.variational()) objective.variant = Variant::Plain;
  }
  Status validate() const;
  bool operator==(const TrainConfig&) const = default;
};

// Mean reconstruction loss of `model` over all of `data` (forward only), `chunk` images at a time. With a denoising
// objective the inputs carry its noise, drawn from the fixed test stream (objective.hpp); a variational model
// decodes the mean code.
float mean_loss(Autoencoder& model, const Dataset& data, Loss loss, const Objective& objective = {}, int chunk = 256);
// The per-image sums (Autoencoder::Sums) over images [first, first + count) of `data`, likewise.
Autoencoder::Sums sum_losses(Autoencoder& model, const Dataset& data, Loss loss, const Objective& objective, int chunk,
                             std::size_t first, std::size_t count);

// What a test evaluation found: the means per image of Autoencoder::Sums.
struct Evaluation {
  float reconstruction = 0;  // the mean per-pixel reconstruction loss (the test loss)
  float l1 = 0;              // sum |code|
  float kl = 0;              // the KL term (variational)
  float near_zero = 0;       // code units with |code| < Objective::kNearZero
  // What the objective adds to the reconstruction: sparsity * l1 (sparse), kl (variational), else 0.
  float penalty(const Objective& objective) const;
};
Evaluation mean_of(const Autoencoder::Sums& sums, std::size_t count);

// Where a trainer is: its counters, and the epoch's running sums.
struct TrainerProgress {
  int epoch = 0;                  // completed epochs
  int batch = 0;                  // batches done in the current epoch
  std::int64_t steps = 0;
  std::int64_t samples = 0;
  double epoch_loss_sum = 0;      // sample-weighted
  double epoch_reconstruction_sum = 0;
  std::int64_t epoch_samples = 0;
  float last_batch_loss = 0;
};

// Everything a trainer carries from step to step: the weights, the optimizer's moments, its batch order and where
// it is. Restored into a trainer of the same config and data, the next steps are the ones the saved trainer would
// have run, bit for bit.
struct TrainerState {
  AlignedVector<float> parameters;
  Optimizer::State optimizer;
  Rng::State rng{};                    // the batch order's stream, after the current epoch's shuffle
  std::vector<std::uint32_t> order;    // the current epoch's batch order: a permutation of the training images
  TrainerProgress progress;
};

class Trainer {
 public:
  // `train` must outlive the trainer and have architecture.input pixels per image (check with validate_data).
  Trainer(const Dataset& train, const TrainConfig& config);

  static Status validate_data(const Dataset& data, const TrainConfig& config, const char* what);

  // Fresh Glorot weights, fresh optimizer, epoch 0, and the batch order drawn from `seed`.
  void reset(std::uint64_t seed);
  // Keeps `model`'s weights (its architecture becomes the config's); optimizer and counters restart.
  void adopt(const Autoencoder& model);

  TrainerState state() const;
  // Takes a saved state (from a trainer of the same config, on the same data). Checks every size against the model
  // and the data, and that the order is a permutation of the training images; on a refusal nothing changes.
  Status restore(TrainerState state);

  // Runs one batch (forward, backward, update). Returns true when that batch completed an epoch.
  bool step();

  int epoch() const { return progress_.epoch; }              // completed epochs
  int batch_in_epoch() const { return progress_.batch; }     // batches done in the current epoch
  int batches_per_epoch() const;
  std::int64_t total_steps() const { return progress_.steps; }
  std::int64_t samples_seen() const { return progress_.samples; }
  float last_batch_loss() const { return progress_.last_batch_loss; }  // the objective
  const Autoencoder::Terms& last_batch_terms() const { return last_terms_; }
  // Mean training loss over the current epoch so far (sample-weighted); after step() returned true, over
  // the epoch that just ended.
  float epoch_loss() const;
  // The same for the reconstruction term alone (mean per pixel): the objective for plain and denoising models.
  float epoch_reconstruction() const;

  // Mean loss over a whole dataset (same pixel count), forward only: the sum of evaluate_sum() over consecutive
  // blocks of kEvaluationBlock images, in order, over the count.
  static constexpr std::size_t kEvaluationBlock = 500;
  float evaluate(const Dataset& data);
  Evaluation evaluate_all(const Dataset& data);
  // The summed per-image losses of images [first, first + count), shared by the threads (each sums a contiguous
  // part in chunks of the batch size; the parts are added in order).
  Autoencoder::Sums evaluate_sum(const Dataset& data, std::size_t first, std::size_t count);

  int threads() const { return config_.threads; }
  void set_threads(int threads);  // takes effect from the next step; the weights and the optimizer stay
  // The threads a step of `count` images shares: as many as asked, but each with at least kMinFlopsPerThread of
  // the step's work, since below that the threads' hand-over costs more than they save (measured on the seed
  // model, docs/benchmarks.md: two threads were slower than one up to batch 64, faster from 128). So threads are
  // never slower; which run depends only on the model, the batch and the thread count, so results stay
  // bit-identical for a seed and a thread count.
  static constexpr double kMinFlopsPerThread = 16e6;
  int threads_for(int count) const;

  Autoencoder& model() { return *model_; }
  const Autoencoder& model() const { return *model_; }
  const TrainConfig& config() const { return config_; }
  // Puts `parameters` (the model's layout) back, with a fresh optimizer: the divergence guard's way back to the
  // last good weights. The counters go on.
  void restore_parameters(std::span<const float> parameters);
  // Takes effect from the next step; the weights and the optimizer's moments are kept. The objective's
  // variational() must not change (that is another shape).
  void set_objective(const Objective& objective);
  // Takes effect from the next step; the optimizer's moments are kept.
  void set_learning_rate(float lr) {
    config_.optimizer.learning_rate = lr;
    optimizer_.set_learning_rate(lr);
  }

 private:
  void start_epoch();
  void make_replicas();
  void size_buffers();
  float parallel_step(const std::size_t* indices, int count, int slices);
  // Forward and backward of batch columns [first, first + count) on `model`: gathers them, adds the objective's
  // noise, and returns the objective (its parts in `terms`).
  float slice_gradients(Autoencoder& model, const std::size_t* indices, std::size_t first, int count,
                        Autoencoder::Terms& terms);

  const Dataset& train_;
  TrainConfig config_;
  std::unique_ptr<Autoencoder> model_;
  Optimizer optimizer_;
  Rng rng_;
  std::vector<std::size_t> order_;
  AlignedVector<float> batch_data_;  // (input, batch_size): the gathered batch
  AlignedVector<float> noisy_data_;  // (input, batch_size): the denoiser's corrupted batch
  AlignedVector<float> eps_data_;    // (latent, batch_size): the VAE's noise
  std::unique_ptr<WorkerPool> pool_;                   // null with one thread
  double flops_per_sample_ = 0;                         // the model's, for threads_for
  std::vector<std::unique_ptr<Autoencoder>> replicas_; // one per thread but the first (which uses model_)
  std::vector<float> part_loss_;                       // each thread's share of the batch loss
  std::vector<Autoencoder::Terms> part_terms_;
  TrainerProgress progress_;
  Autoencoder::Terms last_terms_;
};

}  // namespace latent
