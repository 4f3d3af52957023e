// TrainingSession: commands, the training loop, and snapshots (see training_session.hpp).
#include "core/training_session.hpp"

#include "core/checkpoint.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "core/format.hpp"
#include "core/settings_schema.hpp"

namespace latent {

// ---------------------------------------------------------------------------------------------------------
// SessionSettings
// ---------------------------------------------------------------------------------------------------------

// Each setting by its row's rule (settings_schema.hpp), with the same message as every parser gives; then what no
// single row can say (the shape as a whole, threads this build cannot start).
Status SessionSettings::validate() const {
  const Settings wrapped{*this, DataKind::Mnist, {}};
  for (const SettingRow& row : settings_schema()) {
    if (Status s = check_setting(row, wrapped); !s) return s;
  }
  return train_config().validate();
}

// ---------------------------------------------------------------------------------------------------------
// Construction and commands
// ---------------------------------------------------------------------------------------------------------

Status TrainingSession::create(std::shared_ptr<const DatasetSplit> data, SessionSettings settings,
                               std::unique_ptr<TrainingSession>& out, bool evaluate, SessionLimits limits) {
  if (!data) return Status::error("no data");
  settings.shape.input = data->train.pixels();
  if (Status s = settings.validate(); !s) return s;
  const TrainConfig config = settings.train_config();
  if (Status s = Trainer::validate_data(data->train, config, "training"); !s) return s;
  if (Status s = Trainer::validate_data(data->test, config, "test"); !s) return s;
  const MemoryNeed need = training_memory(config, data->train.size(), data->test.size(), limits.view_models);
  if (Status s = check_memory(need, limits.memory, request_text(config), limits.hint); !s) return s;
  if (Status s = reserve_memory(need.total(), request_text(config)); !s) return s;
  out.reset(new TrainingSession(std::move(data), std::move(settings), evaluate, std::move(limits)));
  return Status::ok();
}

MemoryNeed TrainingSession::memory_needed(const SessionSettings& settings) const {
  return training_memory(settings.train_config(), data_->train.size(), data_->test.size(), limits_.view_models);
}

Status TrainingSession::check_memory_for(const SessionSettings& wanted) const {
  const TrainConfig config = wanted.train_config();
  const MemoryNeed need = memory_needed(wanted);
  const std::string what = request_text(config);
  if (Status s = check_memory(need, limits_.memory, what, limits_.hint); !s) return s;
  // What is in use now is given back first (the old trainer goes before the new one is built).
  const std::uint64_t now = memory_needed(settings_).total();
  return need.total() > now ? reserve_memory(need.total() - now, what) : Status::ok();
}

TrainingSession::TrainingSession(std::shared_ptr<const DatasetSplit> data, SessionSettings settings, bool evaluate,
                                 SessionLimits limits)
    : data_(std::move(data)), limits_(std::move(limits)), settings_(std::move(settings)) {
  new_trainer(nullptr);
  after_model_change("random weights (seed " + std::to_string(settings_.seed) + ")", false);
  if (evaluate) finish();
}

void TrainingSession::handle(const SessionCommand& command) {
  ++commands_;
  error_.clear();
  std::visit(
      [this](const auto& c) {
        using C = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<C, command::Start>) {
          start(0);
        } else if constexpr (std::is_same_v<C, command::Step>) {
          if (c.steps < 1 || c.steps > command::Step::kMax) {
            return refuse(Status::error("steps: expected a whole number from 1 to " + std::to_string(command::Step::kMax) +
                                        ", got " + std::to_string(c.steps)));
          }
          start(c.steps);
        } else if constexpr (std::is_same_v<C, command::Pause>) {
          training_ = false;
          samples_per_sec_ = 0;
        } else if constexpr (std::is_same_v<C, command::Reset>) {
          // The same shape as now, so the same memory.
          settings_.seed = c.seed;
          settings_.target_epochs = SessionSettings{}.target_epochs;  // a new model starts a new run
          new_trainer(nullptr);
          after_model_change("random weights (seed " + std::to_string(c.seed) + ")", false);
        } else if constexpr (std::is_same_v<C, command::Apply>) {
          apply(c);
        } else if constexpr (std::is_same_v<C, command::SetTarget>) {
          command::Apply a{settings_};
          a.settings.target_epochs = c.epochs;
          apply(a);
        } else if constexpr (std::is_same_v<C, command::Adopt>) {
          adopt(c);
        } else if constexpr (std::is_same_v<C, command::Bench>) {
          bench(c);
        } else if constexpr (std::is_same_v<C, command::Save>) {
          save();
        } else if constexpr (std::is_same_v<C, command::Restore>) {
          restore(c);
        }
      },
      command);
}

void TrainingSession::refuse(const Status& why) { error_ = why.message(); }

void TrainingSession::start(std::int64_t steps) {
  diverged_.clear();
  if (trainer_->epoch() >= settings_.target_epochs) {
    settings_.target_epochs = std::min(SessionSettings::kMaxEpochs, trainer_->epoch() + SessionSettings::kEpochsPerExtension);
  }
  if (!training_) {
    rate_start_ = Clock::now();
    rate_samples_ = 0;
  }
  training_ = true;
  steps_left_ = steps;
  next_step_ = Clock::now();
}

void TrainingSession::apply(const command::Apply& c) {
  SessionSettings wanted = c.settings;
  wanted.shape.input = data_->train.pixels();
  if (Status s = wanted.validate(); !s) return refuse(s);
  if (Status s = check_memory_for(wanted); !s) return refuse(s);
  const bool new_model = !wanted.same_model_as(settings_);
  const bool new_trainer_needed = wanted.batch_size != settings_.batch_size || wanted.loss != settings_.loss ||
                                  wanted.optimizer.kind != settings_.optimizer.kind ||
                                  wanted.optimizer.beta1 != settings_.optimizer.beta1 ||
                                  wanted.optimizer.beta2 != settings_.optimizer.beta2 ||
                                  wanted.optimizer.epsilon != settings_.optimizer.epsilon;
  const SessionSettings before = settings_;
  settings_ = wanted;
  if (settings_.steps_per_second != before.steps_per_second) next_step_ = Clock::now();  // the new pace, from now
  // A new model starts a new run: the target goes back to the default unless this command sets another.
  if (new_model && wanted.target_epochs == before.target_epochs) settings_.target_epochs = SessionSettings{}.target_epochs;
  if (new_model) {
    new_trainer(nullptr);
    after_model_change("random weights (seed " + std::to_string(settings_.seed) + ")", false);
    return;
  }
  settings_.seed = before.seed;  // the seed only matters for a new model
  if (new_trainer_needed) {
    // The weights stay; a trainer for the new batch size (or loss, or optimizer) takes them over. Its counters
    // and the optimizer's moments restart, so the curves restart too.
    const bool was_training = training_;
    const bool trained = inherited_training_ || trainer_->total_steps() > 0;
    const Autoencoder current = trainer_->model();
    new_trainer(&current);
    after_model_change(origin_, trained);
    training_ = was_training;
    if (training_) {
      rate_start_ = Clock::now();
      rate_samples_ = 0;
    }
    return;
  }
  trainer_->set_learning_rate(settings_.optimizer.learning_rate);
  trainer_->set_threads(settings_.threads);
  // Another variant of the same shape (plain, denoising, sparse) or another noise, sparsity or beta trains the
  // same weights on from the next step; the next test evaluation follows it.
  trainer_->set_objective(settings_.objective);
}

void TrainingSession::adopt(const command::Adopt& c) {
  if (!c.model) return refuse(Status::error("no weights to adopt"));
  const Architecture& a = c.model->architecture();
  if (a.input != data_->train.pixels()) {
    return refuse(Status::error("the weights take " + std::to_string(a.input) + " inputs; the images have " +
                                std::to_string(data_->train.pixels()) + " pixels"));
  }
  SessionSettings wanted = settings_;
  wanted.take_architecture(a);
  wanted.target_epochs = SessionSettings{}.target_epochs;  // new weights start a new run
  if (Status s = wanted.validate(); !s) return refuse(s);
  if (Status s = check_memory_for(wanted); !s) return refuse(s);
  settings_ = wanted;
  new_trainer(c.model.get());
  after_model_change(c.origin, true);
}

void TrainingSession::bench(const command::Bench& c) {
  SessionSettings s = c.settings;
  s.shape.input = data_->train.pixels();
  if (Status v = s.validate(); !v) return refuse(v);
  if (c.steps < 1 || c.steps > kMaxBenchSteps) {
    return refuse(Status::error("benchmark steps " + std::to_string(c.steps) + " is out of range (1 to " +
                                std::to_string(kMaxBenchSteps) + ")"));
  }
  // The benchmark's fresh trainer runs beside the session's: the two together must fit.
  {
    const MemoryNeed bench_need = training_memory(s.train_config(), data_->train.size(), 0);
    MemoryNeed both = memory_needed(settings_);
    both += bench_need;
    const std::string what = request_text(s.train_config(), "benchmarking") + " beside the session";
    if (Status m = check_memory(both, limits_.memory, what, limits_.hint); !m) return refuse(m);
    if (Status m = reserve_memory(bench_need.weights + bench_need.work, what); !m) return refuse(m);
  }
  bench_ = run_training_benchmark(data_->train, s.train_config(), c.steps);
  ++bench_id_;
  if (training_) {  // the benchmark's time is not training time
    rate_start_ = Clock::now();
    rate_samples_ = 0;
  }
}

void TrainingSession::save() {
  SessionCheckpoint c;
  c.settings = settings_;
  c.origin = origin_;
  c.inherited_training = inherited_training_;
  c.trainer = trainer_->state();
  c.train_loss = train_loss_;
  c.train_reconstruction = train_reconstruction_;
  c.test_loss = evaluating_ ? std::numeric_limits<float>::quiet_NaN() : test_loss_;
  c.test = test_;
  c.train_curve = train_curve_;
  c.test_curve = test_curve_;
  c.train_penalty_curve = train_penalty_curve_;
  c.test_penalty_curve = test_penalty_curve_;
  c.epochs = epochs_;
  c.smoothed_loss = smoothed_loss_;
  c.smoothed_penalty = smoothed_penalty_;
  c.first_reconstruction = first_reconstruction_;
  c.curve_stride = curve_stride_;
  saved_ = std::make_shared<const std::vector<std::uint8_t>>(encode_checkpoint(c));
  ++save_id_;
}

// The saved session in place of this one, paused. Its trainer is built and given the state before the current one
// goes, so that a state that does not fit (another data set's order) leaves this session as it was.
void TrainingSession::restore(const command::Restore& c) {
  if (!c.checkpoint) return refuse(Status::error("no checkpoint to restore"));
  const SessionCheckpoint& k = *c.checkpoint;
  if (k.settings.shape.input != data_->train.pixels()) {
    return refuse(Status::error("the saved model takes " + std::to_string(k.settings.shape.input) + " inputs; the images have " +
                                std::to_string(data_->train.pixels()) + " pixels"));
  }
  if (Status s = k.settings.validate(); !s) return refuse(s);
  if (Status s = check_memory_for(k.settings); !s) return refuse(s);
  auto trainer = std::make_unique<Trainer>(data_->train, k.settings.train_config());
  if (Status s = trainer->restore(k.trainer); !s) return refuse(Status::error("the saved session does not fit: " + s.message()));
  settings_ = k.settings;
  trainer_ = std::move(trainer);
  after_model_change(k.origin, k.inherited_training);
  train_loss_ = k.train_loss;
  train_reconstruction_ = k.train_reconstruction;
  train_curve_ = k.train_curve;
  test_curve_ = k.test_curve;
  train_penalty_curve_ = k.train_penalty_curve;
  test_penalty_curve_ = k.test_penalty_curve;
  epochs_ = k.epochs;
  smoothed_loss_ = k.smoothed_loss;
  smoothed_penalty_ = k.smoothed_penalty;
  first_reconstruction_ = k.first_reconstruction;
  curve_stride_ = k.curve_stride;
  if (std::isfinite(k.test_loss)) {  // known: no evaluation to wait for
    eval_.active = false;
    evaluating_ = false;
    test_loss_ = k.test_loss;
    test_ = k.test;
  }
}

void TrainingSession::new_trainer(const Autoencoder* weights) {
  trainer_.reset();  // the old trainer's memory goes back before the new one takes its own (memory.hpp)
  trainer_ = std::make_unique<Trainer>(data_->train, settings_.train_config());
  if (weights != nullptr) trainer_->adopt(*weights);
}

void TrainingSession::after_model_change(std::string origin, bool inherited_training) {
  training_ = false;
  diverged_.clear();
  first_reconstruction_ = 0;
  keep_good_weights();
  origin_ = std::move(origin);
  inherited_training_ = inherited_training;
  ++weights_revision_;
  train_curve_.clear();
  test_curve_.clear();
  train_penalty_curve_.clear();
  test_penalty_curve_.clear();
  smoothed_penalty_ = 0;
  test_ = {};
  epochs_.clear();
  curve_stride_ = 1;
  smoothed_loss_ = 0;
  train_loss_ = 0;
  train_reconstruction_ = 0;
  samples_per_sec_ = 0;
  epoch_train_seconds_ = 0;
  evaluating_ = true;
  test_loss_ = std::numeric_limits<float>::quiet_NaN();
  start_evaluation(false);
}

// ---------------------------------------------------------------------------------------------------------
// Evaluation of the test set, in blocks
// ---------------------------------------------------------------------------------------------------------

void TrainingSession::start_evaluation(bool epoch_end) {
  eval_ = TestPass{};
  eval_.active = true;
  eval_.epoch_end = epoch_end;
}

bool TrainingSession::finish(const Interrupt& interrupted) {
  const Dataset& test = data_->test;
  while (eval_.active) {
    if (eval_.next >= test.size()) {
      complete_evaluation();
      return true;
    }
    if (interrupted && interrupted()) return false;
    const auto start = Clock::now();
    const std::size_t count = std::min(Trainer::kEvaluationBlock, test.size() - eval_.next);
    eval_.sums += trainer_->evaluate_sum(test, eval_.next, count);
    eval_.next += count;
    eval_.seconds += std::chrono::duration<double>(Clock::now() - start).count();
  }
  return false;
}

void TrainingSession::complete_evaluation() {
  eval_.active = false;
  const std::size_t n = data_->test.size();
  test_ = mean_of(eval_.sums, n);
  test_loss_ = test_.reconstruction;
  if (eval_.epoch_end && std::isfinite(test_loss_)) keep_good_weights();
  const float penalty = test_.penalty(settings_.objective);
  if (!eval_.epoch_end) {
    evaluating_ = false;
    test_curve_.assign(1, {0.0, test_loss_});
    test_penalty_curve_.assign(1, {0.0, penalty});
    return;
  }
  test_curve_.push_back({static_cast<double>(trainer_->total_steps()), test_loss_});
  test_penalty_curve_.push_back({static_cast<double>(trainer_->total_steps()), penalty});
  EpochRecord r;
  r.epoch = trainer_->epoch();
  r.train_loss = trainer_->epoch_loss();
  r.test_loss = test_loss_;
  r.test = test_;
  r.samples = static_cast<std::int64_t>(data_->train.size());
  r.train_seconds = epoch_train_seconds_;
  r.seconds = epoch_train_seconds_ + eval_.seconds;
  epochs_.push_back(r);
  epoch_train_seconds_ = 0;
  if (trainer_->epoch() >= settings_.target_epochs && steps_left_ == 0) training_ = false;  // a Step runs its steps
}

// ---------------------------------------------------------------------------------------------------------
// The training loop
// ---------------------------------------------------------------------------------------------------------

int TrainingSession::run_for(double budget_seconds, const Interrupt& interrupted) {
  if (eval_.active && !finish(interrupted)) return 0;  // a command is waiting
  if (!training_ || seconds_to_next_step() > 0) return 0;
  const auto start = Clock::now();
  const std::int64_t samples_before = trainer_->samples_seen();
  int steps = 0;
  do {
    ++steps;
    if (!train_one_step(interrupted)) break;
  } while (seconds_to_next_step() <= 0 && std::chrono::duration<double>(Clock::now() - start).count() < budget_seconds);
  ++weights_revision_;
  update_rate(samples_before);
  return steps;
}

double TrainingSession::seconds_to_next_step() const {
  if (settings_.steps_per_second <= 0 || !training_) return 0;
  return std::max(0.0, std::chrono::duration<double>(next_step_ - Clock::now()).count());
}

// One step, its point on the curves, and the evaluation of the epoch it ends. False where training goes no further
// now: the loss diverged, a command waits during the evaluation, the target is reached, or a Step's steps are done.
bool TrainingSession::train_one_step(const Interrupt& interrupted) {
  const auto step_start = Clock::now();
  const bool epoch_done = trainer_->step();
  epoch_train_seconds_ += std::chrono::duration<double>(Clock::now() - step_start).count();
  schedule_next_step();
  if (diverging(trainer_->last_batch_loss(), trainer_->last_batch_terms())) {
    recover();
    return false;
  }
  add_train_point(trainer_->last_batch_terms());
  train_loss_ = trainer_->epoch_loss();
  train_reconstruction_ = trainer_->epoch_reconstruction();
  if (steps_left_ > 0 && --steps_left_ == 0) training_ = false;
  if (epoch_done) {
    start_evaluation(true);
    if (!finish(interrupted)) return false;  // a command is waiting: the evaluation goes on after it
  }
  return training_;
}

// In slow motion, the next step one period after this one's turn; a host that fell behind (a slow step, a frame
// that came late) skips the backlog instead of catching up in a burst.
void TrainingSession::schedule_next_step() {
  if (settings_.steps_per_second <= 0) return;
  const auto period = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / settings_.steps_per_second));
  next_step_ = std::max(next_step_ + period, Clock::now());
}

// Samples per wall-clock second (whatever else the machine did meanwhile), over windows of a quarter second.
void TrainingSession::update_rate(std::int64_t samples_before) {
  rate_samples_ += trainer_->samples_seen() - samples_before;
  const double window = std::chrono::duration<double>(Clock::now() - rate_start_).count();
  if (window >= 0.25 || !training_) {
    if (window > 0) samples_per_sec_ = static_cast<double>(rate_samples_) / window;
    rate_start_ = Clock::now();
    rate_samples_ = 0;
  }
  if (!training_) samples_per_sec_ = 0;
}

void TrainingSession::keep_good_weights() {
  const auto p = trainer_->model().parameters();
  good_parameters_.assign(p.begin(), p.end());
  good_step_ = trainer_->total_steps();
}

bool TrainingSession::diverging(float objective, const Autoencoder::Terms& terms) const {
  if (!std::isfinite(objective) || !std::isfinite(terms.reconstruction)) return true;
  if (settings_.loss != Loss::BinaryCrossEntropy || first_reconstruction_ <= 0) return false;
  // BCE per pixel starts near log 2 = 0.69 from random weights and only falls from there when training works. A
  // loss above 2 and four times where it started has exploded: measured on the seed model, Adam at a rate of 0.3
  // reaches 9 in its second step and 10 reaches 1e4, and both then sink into the collapsed model (every image
  // decoded to the mean, BCE 0.266) instead of coming back; at 0.1 and below no step comes near it.
  return terms.reconstruction > 2.0f && terms.reconstruction > 4.0f * first_reconstruction_;
}

void TrainingSession::recover() {
  char text[320];
  const std::string rate = float_text(settings_.optimizer.learning_rate);
  const float loss = trainer_->last_batch_loss();
  std::snprintf(text, sizeof text,
                "training diverged at step %lld (batch loss %g) and stopped; the weights from step %lld are back. "
                "Try a lower learning rate than %s.",
                static_cast<long long>(trainer_->total_steps()), static_cast<double>(loss),
                static_cast<long long>(good_step_), rate.c_str());
  trainer_->restore_parameters(good_parameters_);
  ++weights_revision_;
  training_ = false;
  samples_per_sec_ = 0;
  diverged_ = text;
}

void TrainingSession::add_train_point(const Autoencoder::Terms& terms) {
  if (first_reconstruction_ <= 0) first_reconstruction_ = terms.reconstruction;
  const Objective& o = settings_.objective;
  const float penalty = o.sparse() ? o.sparsity * terms.l1 : o.variational() ? terms.kl : 0.0f;
  const bool first = train_curve_.empty() && trainer_->total_steps() <= 1;
  smoothed_loss_ = first ? terms.reconstruction : 0.9f * smoothed_loss_ + 0.1f * terms.reconstruction;
  smoothed_penalty_ = first ? penalty : 0.9f * smoothed_penalty_ + 0.1f * penalty;
  if (trainer_->total_steps() % curve_stride_ != 0) return;
  const auto at = static_cast<double>(trainer_->total_steps());
  train_curve_.push_back({at, smoothed_loss_});
  train_penalty_curve_.push_back({at, smoothed_penalty_});
  if (train_curve_.size() > 4000) {  // keep the chart cheap on long runs: halve the resolution
    const auto halve = [](std::vector<ChartPoint>& curve) {
      std::vector<ChartPoint> half;
      half.reserve(2001);
      for (std::size_t i = 0; i < curve.size(); i += 2) half.push_back(curve[i]);
      curve = std::move(half);
    };
    halve(train_curve_);
    halve(train_penalty_curve_);
    curve_stride_ *= 2;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Snapshots
// ---------------------------------------------------------------------------------------------------------

Snapshot TrainingSession::snapshot(bool with_parameters) {
  Snapshot s;
  s.revision = ++revision_;
  s.commands = commands_;
  s.weights_revision = weights_revision_;
  s.settings = settings_;
  s.origin = origin_;
  s.inherited_training = inherited_training_;
  s.error = error_;
  s.diverged = diverged_;
  s.training = training_;
  s.steps_left = training_ ? steps_left_ : 0;
  s.epoch = trainer_->epoch();
  s.batch_in_epoch = trainer_->batch_in_epoch();
  s.batches_per_epoch = trainer_->batches_per_epoch();
  s.step = trainer_->total_steps();
  s.samples_seen = trainer_->samples_seen();
  s.train_loss = train_loss_;
  s.train_reconstruction = train_reconstruction_;
  s.test_loss = test_loss_;
  s.test = test_;
  s.evaluating = evaluating_;
  s.samples_per_sec = samples_per_sec_;
  s.threads_used = trainer_->threads_for(settings_.batch_size);
  s.train_curve = train_curve_;
  s.test_curve = test_curve_;
  if (settings_.objective.sparse() || settings_.objective.variational()) {
    s.train_penalty_curve = train_penalty_curve_;
    s.test_penalty_curve = test_penalty_curve_;
  }
  s.epochs = epochs_;
  s.bench_id = bench_id_;
  s.bench = bench_;
  s.save_id = save_id_;
  s.saved = saved_;
  if (with_parameters) {
    const auto p = trainer_->model().parameters();
    s.parameters.assign(p.begin(), p.end());
  }
  s.taken = Clock::now();
  return s;
}

std::unique_ptr<Autoencoder> snapshot_model(const Snapshot& snapshot) {
  auto model = std::make_unique<Autoencoder>(snapshot.settings.architecture());
  if (snapshot.parameters.size() == model->parameters().size()) {
    std::copy(snapshot.parameters.begin(), snapshot.parameters.end(), model->parameters().begin());
  }
  return model;
}

Metadata training_metadata(const Snapshot& snapshot, const std::string& data) {
  const SessionSettings& s = snapshot.settings;
  Metadata m{{"trained_epochs", std::to_string(snapshot.epoch)},
             {"trained_loss", to_string(s.loss)},
             {"trained_optimizer", to_string(s.optimizer.kind)},
             {"trained_learning_rate", float_text(s.optimizer.learning_rate)},
             {"trained_batch", std::to_string(s.batch_size)},
             {"trained_seed", std::to_string(s.seed)},
             {"trained_data", data},
             {"trained_from", snapshot.origin}};
  const Objective& o = s.objective;
  m["trained_variant"] = to_string(o.variant);
  if (o.denoising()) {
    m["trained_noise"] = to_string(o.noise);
    m["trained_noise_level"] = float_text(o.noise_level);
  }
  if (o.sparse()) m["trained_sparsity"] = float_text(o.sparsity);
  if (o.variational()) m["trained_beta"] = float_text(o.beta);
  if (std::isfinite(snapshot.test_loss) && !snapshot.evaluating) {
    char loss[32];
    std::snprintf(loss, sizeof loss, "%.6f", static_cast<double>(snapshot.test_loss));
    m["test_loss"] = loss;
    if (o.sparse() || o.variational()) {
      std::snprintf(loss, sizeof loss, "%.6f", static_cast<double>(snapshot.test.penalty(o)));
      m[o.sparse() ? "test_penalty" : "test_kl"] = loss;
    }
  }
  return m;
}

Status objective_from_metadata(const Metadata& metadata, const Architecture& arch, const std::string& name,
                               Objective& objective) {
  Objective o;
  const auto text = [&](const char* key) -> const std::string* {
    auto it = metadata.find(key);
    return it == metadata.end() ? nullptr : &it->second;
  };
  const auto number = [&](const char* key, float& value) -> Status {
    const std::string* t = text(key);
    if (t == nullptr) return Status::ok();
    char* end = nullptr;
    const float v = std::strtof(t->c_str(), &end);
    if (t->empty() || end != t->c_str() + t->size() || !std::isfinite(v)) {
      return Status::error(name + ": metadata " + key + " " + quote_text(*t) + " is not a number");
    }
    value = v;
    return Status::ok();
  };
  if (const std::string* v = text("trained_variant")) {
    auto parsed = parse_variant(*v);
    if (!parsed) return Status::error(name + ": metadata trained_variant " + quote_text(*v) + " is unknown");
    o.variant = *parsed;
  }
  if (const std::string* n = text("trained_noise")) {
    auto parsed = parse_noise(*n);
    if (!parsed) return Status::error(name + ": metadata trained_noise " + quote_text(*n) + " is unknown");
    o.noise = *parsed;
  }
  if (Status s = number("trained_noise_level", o.noise_level); !s) return s;
  if (Status s = number("trained_sparsity", o.sparsity); !s) return s;
  if (Status s = number("trained_beta", o.beta); !s) return s;
  if (arch.variational) o.variant = Variant::Variational;
  else if (o.variational()) return Status::error(name + ": metadata says a VAE trained these weights, but they are not variational");
  if (Status s = o.validate(); !s) return Status::error(name + ": metadata " + s.message());
  objective = o;
  return Status::ok();
}

std::vector<std::uint8_t> encode_snapshot_weights(const Snapshot& snapshot, const std::string& data) {
  return encode_safetensors(*snapshot_model(snapshot), training_metadata(snapshot, data));
}

}  // namespace latent
