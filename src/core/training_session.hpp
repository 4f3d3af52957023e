// TrainingSession: the one owner of training state. It holds the data split (shared, read-only), the trainer (the
// model, the optimizer, the batch order) and what has been learned so far (losses, curves, epoch records). It
// takes commands, runs the steps and the end-of-epoch test evaluation, and describes itself in immutable
// snapshots. It has no UI and no threads of its own: SessionThread (session_host.hpp) runs one on a thread for the
// desktop and the page, the page's fallback runs it in slices of its frames, and `latent train` runs it to the end.
//
// Commands travel one way, as values. A command the session cannot carry out (settings out of range, weights
// that do not fit the data) changes nothing and leaves its reason in the next snapshot's `error`.
//
// A command that makes new weights (Reset, Apply with a new shape or batch, Adopt) takes effect at once; the test
// loss of those weights is work that follows, so that a host can publish the change first: the snapshot in
// between says `evaluating`, with the test loss not yet known (NaN). Every evaluation of the test set (of new
// weights, or at the end of an epoch) runs in blocks of Trainer::kEvaluationBlock images and stops between blocks
// when the host says a command is waiting, so no command waits for more than one block (or one training step).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "core/benchmark.hpp"
#include "core/memory.hpp"
#include "core/safetensors.hpp"
#include "core/trainer.hpp"

namespace latent {

// Everything about a training run that a person chooses: the training config (the model's shape, the objective,
// the optimizer, batch, seed and threads; whether the model is variational follows the objective) and the epoch
// target. Every setting's name, range and help text is one row of settings_schema.hpp, which the CLI, the page's
// link and script API, and the Training panel all read.
struct SessionSettings : TrainConfig {
  int target_epochs = 20;
  int steps_per_second = 0;  // 0: as fast as the machine goes; 1 to kMaxStepsPerSecond: slow motion, each step seen

  static constexpr int kMaxEpochs = 100000;
  static constexpr int kMaxStepsPerSecond = 50;
  static constexpr int kEpochsPerExtension = 20;  // what Start adds when the target is already reached

  const TrainConfig& train_config() const { return *this; }
  Status validate() const;
  bool same_model_as(const SessionSettings& other) const { return architecture() == other.architecture(); }
  bool operator==(const SessionSettings&) const = default;
};

struct SessionCheckpoint;  // checkpoint.hpp

namespace command {
struct Start {};                 // train; at or past the target, the target grows by kEpochsPerExtension first
struct Pause {};
struct Step {                    // exactly `steps` training steps, then a pause (while training too: it stops after
  int steps = 1;                 // them); at or past the target, the target grows first, as for Start
  static constexpr int kMax = 1000000;
};
struct Reset {                   // fresh random weights (Glorot, from `seed`) for the current architecture
  std::uint64_t seed = 1;
};
struct Apply {                   // a new architecture (or to or from the VAE) makes a new model (random weights
  SessionSettings settings;      // from settings.seed); otherwise learning rate, batch, loss, optimizer, target,
};                               // threads and the variant's settings apply to the current weights
struct SetTarget {
  int epochs = 20;
};
struct Adopt {                   // these weights, and their architecture; the counters and curves restart
  std::shared_ptr<const Autoencoder> model;
  std::string origin;            // how the interface names them, e.g. "pretrained, 50 epochs, test BCE 0.1059"
};
struct Bench {                   // times `steps` steps of a fresh model of `settings` (run_training_benchmark);
  SessionSettings settings;      // training pauses meanwhile. The result is in the next snapshot.
  int steps = 200;
};
struct Save {};                  // the whole session as a checkpoint file (checkpoint.hpp), in the next snapshot
struct Restore {                 // a saved session (decoded and checked by decode_checkpoint), in place of this one:
  std::shared_ptr<const SessionCheckpoint> checkpoint;  // paused, as it was when saved
};
}  // namespace command
using SessionCommand = std::variant<command::Start, command::Pause, command::Step, command::Reset, command::Apply,
                                    command::SetTarget, command::Adopt, command::Bench, command::Save, command::Restore>;

struct ChartPoint {
  double step = 0;  // training steps since the model was made
  float loss = 0;
};

struct EpochRecord {
  int epoch = 0;
  float train_loss = 0;      // the epoch's running mean
  float test_loss = 0;
  Evaluation test;           // the test evaluation's other terms
  std::int64_t samples = 0;
  double train_seconds = 0;  // in training steps
  double seconds = 0;        // with the test evaluation
};

// What the session was doing at one moment. Immutable once published; share it freely between threads.
struct Snapshot {
  std::uint64_t revision = 0;          // one more at every snapshot
  std::uint64_t commands = 0;          // how many commands the session has taken so far
  std::uint64_t weights_revision = 0;  // changes whenever the parameters do
  SessionSettings settings;            // in effect (the architecture is the model's)
  std::string origin;                  // where the weights came from: "random weights (seed 1)", "pretrained, ..."
  bool inherited_training = false;     // the weights carry training from before these counters (adopted, or
                                       // kept through a change of batch size, loss or optimizer)
  std::string error;                   // why the last refused command was refused, else empty
  // The divergence guard: when a step's loss became NaN or infinite, or exploded (BCE per pixel above 2 and 4x
  // the first step's), training stopped by itself and the last good weights came back. What happened and what to
  // try, until the next Start or model change; else empty.
  std::string diverged;

  bool training = false;
  std::int64_t steps_left = 0;         // of a Step command, while it runs (0: training runs on to the target)
  int epoch = 0;                       // completed epochs
  int batch_in_epoch = 0;
  int batches_per_epoch = 0;
  std::int64_t step = 0;
  std::int64_t samples_seen = 0;
  float train_loss = 0;                // running mean of the epoch in progress, else the last one's; 0 before any step
                                       // (the objective: for a VAE, per digit, with the KL)
  float train_reconstruction = 0;      // the same for the reconstruction term alone, per pixel like the test loss
  float test_loss = 0;                 // after the last epoch, or of the weights as they came; NaN while evaluating
  Evaluation test;                     // the same evaluation's other terms (sum |code|, KL, near-zero units)
  bool evaluating = false;             // new weights whose test loss is still being computed
  double samples_per_sec = 0;          // training, over the last quarter second or so; 0 while paused
  int threads_used = 1;                // threads a full batch shares (Trainer::threads_for): at most settings.threads
  std::vector<ChartPoint> train_curve; // smoothed batch reconstruction loss (mean per pixel), at most ~4000 points
                                       // (halved in resolution as it grows)
  std::vector<ChartPoint> test_curve;  // test loss per epoch
  // The objective's other term (sparse: sparsity * sum |code|; vae: the KL per image), for the variants with one.
  std::vector<ChartPoint> train_penalty_curve, test_penalty_curve;
  std::vector<EpochRecord> epochs;     // since the model was made

  std::uint64_t bench_id = 0;          // how many Bench commands have finished
  BenchmarkResult bench;               // the last one's result

  std::uint64_t save_id = 0;           // how many Save commands have been carried out
  std::shared_ptr<const std::vector<std::uint8_t>> saved;  // the last one's checkpoint file

  AlignedVector<float> parameters;     // the weights, in the arena layout (empty when not asked for)
  std::chrono::steady_clock::time_point taken{};

  bool has_training() const { return step > 0 || inherited_training; }
};

// What a session may spend (memory.hpp): every command that makes a model, a trainer or more threads is checked
// against `memory` first (with `view_models` inference copies that the interface keeps beside it) and refused,
// with what it would need, when it does not fit. `hint` ends that message (what to try).
struct SessionLimits {
  std::uint64_t memory = kDefaultMemoryBudget;
  int view_models = 0;
  std::string hint = "; try a smaller model or batch, or fewer threads";
};

class TrainingSession {
 public:
  // `data` (split into train and test) must fit settings.shape (input = the images' pixels) and is shared
  // read-only: nothing may change it while the session lives. Starts with random weights from settings.seed,
  // evaluated at once, or (evaluate = false) by the first finish() or run_for(): on the session's own thread.
  static Status create(std::shared_ptr<const DatasetSplit> data, SessionSettings settings,
                       std::unique_ptr<TrainingSession>& out, bool evaluate = true, SessionLimits limits = {});

  // What training `settings` on this session's data would need (memory.hpp).
  MemoryNeed memory_needed(const SessionSettings& settings) const;

  void handle(const SessionCommand& command);

  // Tells the session, between blocks of work, whether a command is waiting (then it stops and resumes later).
  // Called on the session's thread; an empty one never interrupts.
  using Interrupt = std::function<bool()>;

  // Goes on with an unfinished evaluation of the test set. Returns true when one completed.
  bool finish(const Interrupt& interrupted = {});
  bool unfinished() const { return eval_.active; }

  // Finishes an unfinished evaluation, then, while training, runs steps until `budget_seconds` have passed (at
  // least one), with the test evaluation at each epoch's end, and stops at the target. Stops early when
  // `interrupted` says a command is waiting. Returns the number of steps run.
  int run_for(double budget_seconds, const Interrupt& interrupted = {});

  // In slow motion, how long until the next step is due (0: now, or not in slow motion, or not training). run_for
  // runs no step before then; a host with a thread of its own sleeps meanwhile.
  double seconds_to_next_step() const;

  bool training() const { return training_; }
  const SessionSettings& settings() const { return settings_; }
  const DatasetSplit& data() const { return *data_; }
  std::uint64_t weights_revision() const { return weights_revision_; }

  // The session as it is now. Copying the weights is the expensive part; ask for them only when needed.
  Snapshot snapshot(bool with_parameters = true);

 private:
  TrainingSession(std::shared_ptr<const DatasetSplit> data, SessionSettings settings, bool evaluate,
                  SessionLimits limits);
  // Refuses `wanted` when it needs more than the limit, or (in the browser) more than the heap can grow to.
  Status check_memory_for(const SessionSettings& wanted) const;
  void start(std::int64_t steps);  // train: on to the target (steps 0), or for `steps` steps
  void apply(const command::Apply& c);
  void adopt(const command::Adopt& c);
  void bench(const command::Bench& c);
  void save();
  void restore(const command::Restore& c);
  void new_trainer(const Autoencoder* weights);  // from settings_; keeps `weights` if given, else random
  // New weights: counters and curves restart, and their test evaluation starts.
  void after_model_change(std::string origin, bool inherited_training);
  void start_evaluation(bool epoch_end);
  void complete_evaluation();
  bool train_one_step(const Interrupt& interrupted);
  void schedule_next_step();
  void update_rate(std::int64_t samples_before);
  void add_train_point(const Autoencoder::Terms& terms);
  bool diverging(float objective, const Autoencoder::Terms& terms) const;
  void recover();           // the last good weights back, training stopped, the reason in diverged_
  void keep_good_weights();
  void refuse(const Status& why);

  using Clock = std::chrono::steady_clock;

  std::shared_ptr<const DatasetSplit> data_;
  SessionLimits limits_;
  SessionSettings settings_;
  std::unique_ptr<Trainer> trainer_;
  std::string origin_;
  bool inherited_training_ = false;
  std::string error_;
  std::string diverged_;
  AlignedVector<float> good_parameters_;  // the last weights known good: as the model came, then at each epoch's end
  std::int64_t good_step_ = 0;
  float first_reconstruction_ = 0;        // the first step's, the yardstick for "blew up"
  bool training_ = false;
  std::int64_t steps_left_ = 0;           // of a Step command; meaningful while training_
  Clock::time_point next_step_{};         // in slow motion, when the next step is due
  std::uint64_t revision_ = 0;
  std::uint64_t commands_ = 0;
  std::uint64_t weights_revision_ = 0;

  float train_loss_ = 0;
  float train_reconstruction_ = 0;
  float test_loss_ = 0;
  bool evaluating_ = false;  // new weights whose test loss is not known yet

  struct TestPass {          // of the test set, in blocks
    bool active = false;
    bool epoch_end = false;  // for the epoch just finished (else: for new weights)
    std::size_t next = 0;    // the first image of the next block
    Autoencoder::Sums sums;
    double seconds = 0;
  } eval_;
  Evaluation test_;
  double samples_per_sec_ = 0;
  Clock::time_point rate_start_{};
  std::int64_t rate_samples_ = 0;
  double epoch_train_seconds_ = 0;

  std::vector<ChartPoint> train_curve_, test_curve_, train_penalty_curve_, test_penalty_curve_;
  std::vector<EpochRecord> epochs_;
  float smoothed_loss_ = 0;
  float smoothed_penalty_ = 0;
  int curve_stride_ = 1;

  std::uint64_t bench_id_ = 0;
  BenchmarkResult bench_;

  std::uint64_t save_id_ = 0;
  std::shared_ptr<const std::vector<std::uint8_t>> saved_;
};

// A snapshot's weights (taken with its parameters) as a model of its architecture.
std::unique_ptr<Autoencoder> snapshot_model(const Snapshot& snapshot);

// What a weights file records about how they were trained, beside the architecture: the CLI's `train --save` and
// the page's download write the same keys (trained_epochs, trained_loss, trained_optimizer, trained_learning_rate,
// trained_batch, trained_seed, trained_data, trained_from, test_loss). `data` describes the training data.
Metadata training_metadata(const Snapshot& snapshot, const std::string& data);

// The objective a weights file was trained with (trained_variant, trained_noise, ...; plain when absent), for
// evaluating it the same way. A variational architecture is always the VAE. Refuses values it cannot read.
Status objective_from_metadata(const Metadata& metadata, const Architecture& arch, const std::string& name,
                               Objective& objective);

// The snapshot's weights as a safetensors file with that metadata.
std::vector<std::uint8_t> encode_snapshot_weights(const Snapshot& snapshot, const std::string& data);

}  // namespace latent
