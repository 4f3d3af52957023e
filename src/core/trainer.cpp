// Trainer: batch order, the step, and evaluation.
#include "core/trainer.hpp"

#include "core/benchmark.hpp"

#include <algorithm>
#include <numeric>
#include <string>

namespace latent {

Status TrainConfig::validate() const {
  if (Status s = architecture().validate(); !s) return s;
  if (Status s = optimizer.validate(); !s) return s;
  if (Status s = objective.validate(); !s) return s;
  if (batch_size < 1 || batch_size > kMaxBatch) {
    return Status::error("batch size " + std::to_string(batch_size) + " is out of range (1 to " +
                         std::to_string(kMaxBatch) + ")");
  }
  if (threads < 1 || threads > kMaxThreads) {
    return Status::error("thread count " + std::to_string(threads) + " is out of range (1 to " +
                         std::to_string(kMaxThreads) + ")");
  }
  if (threads > kThreadsAvailable) {
    return Status::error("this build cannot start threads (the page is not cross-origin isolated): 1 thread only");
  }
  return Status::ok();
}

Status Trainer::validate_data(const Dataset& data, const TrainConfig& config, const char* what) {
  if (data.size() == 0) return Status::error(std::string(what) + " set is empty");
  if (data.pixels() != config.shape.input) {
    return Status::error(std::string(what) + " images have " + std::to_string(data.pixels()) +
                         " pixels; the model's input has " + std::to_string(config.shape.input));
  }
  return Status::ok();
}

Trainer::Trainer(const Dataset& train, const TrainConfig& config)
    : train_(train), config_(config), optimizer_(config.optimizer) {
  order_.resize(train_.size());
  const int threads = config_.threads;
  config_.threads = 1;
  set_threads(threads);
  reset(config_.seed);
}

void Trainer::set_threads(int threads) {
  threads = std::clamp(threads, 1, std::min(TrainConfig::kMaxThreads, kThreadsAvailable));
  if (threads == config_.threads && (threads == 1) == (pool_ == nullptr)) return;
  config_.threads = threads;
  pool_ = threads > 1 ? std::make_unique<WorkerPool>(threads) : nullptr;
  part_loss_.assign(static_cast<std::size_t>(threads), 0.0f);
  if (model_) make_replicas();
}

void Trainer::set_objective(const Objective& objective) {
  if (objective.variational() != config_.objective.variational()) return;
  config_.objective = objective;
  size_buffers();
}

void Trainer::restore_parameters(std::span<const float> parameters) {
  if (parameters.size() != model_->parameters().size()) return;
  std::copy(parameters.begin(), parameters.end(), model_->parameters().begin());
  optimizer_.reset();
}

void Trainer::size_buffers() {
  // A batch larger than the training set is the whole set.
  const auto batch = std::min(static_cast<std::size_t>(config_.batch_size), std::max<std::size_t>(train_.size(), 1));
  batch_data_.resize(static_cast<std::size_t>(config_.shape.input) * batch);
  noisy_data_.resize(config_.objective.denoising() ? batch_data_.size() : 0);
  eps_data_.resize(config_.objective.variational() ? static_cast<std::size_t>(config_.shape.code_size()) * batch : 0);
  part_terms_.assign(static_cast<std::size_t>(config_.threads), {});
}

void Trainer::make_replicas() {
  size_buffers();
  flops_per_sample_ = training_flops_per_sample(model_->architecture());
  replicas_.clear();
  for (int k = 1; k < config_.threads; ++k) replicas_.push_back(std::make_unique<Autoencoder>(config_.architecture()));
}

void Trainer::reset(std::uint64_t seed) {
  config_.seed = seed;
  model_ = std::make_unique<Autoencoder>(config_.architecture());
  model_->initialize(seed);
  make_replicas();
  // A separate stream for the batch order, so that weights and order do not depend on each other's use.
  rng_.reseed(seed ^ 0x5eed0fba7c4e5ULL);
  optimizer_.reset();
  progress_.epoch = 0;
  progress_.steps = 0;
  progress_.samples = 0;
  progress_.last_batch_loss = 0;
  start_epoch();
}

void Trainer::adopt(const Autoencoder& model) {
  config_.take_architecture(model.architecture());
  model_ = std::make_unique<Autoencoder>(model);
  make_replicas();
  optimizer_.reset();
  progress_.epoch = 0;
  progress_.steps = 0;
  progress_.samples = 0;
  start_epoch();
}

TrainerState Trainer::state() const {
  TrainerState s;
  s.parameters.assign(model_->parameters().begin(), model_->parameters().end());
  s.optimizer = optimizer_.state();
  s.rng = rng_.state();
  s.order.assign(order_.begin(), order_.end());
  s.progress = progress_;
  return s;
}

namespace {
Status check_order(const std::vector<std::uint32_t>& order, std::size_t images) {
  if (order.size() != images) {
    return Status::error("the batch order has " + std::to_string(order.size()) + " images; the training set has " +
                         std::to_string(images));
  }
  std::vector<bool> seen(images, false);
  for (const std::uint32_t i : order) {
    if (i >= images || seen[i]) return Status::error("the batch order is not a permutation of the training images");
    seen[i] = true;
  }
  return Status::ok();
}
}  // namespace

Status Trainer::restore(TrainerState state) {
  const std::size_t n = model_->parameters().size();
  if (state.parameters.size() != n) {
    return Status::error("the state holds " + std::to_string(state.parameters.size()) + " weights; the model has " +
                         std::to_string(n));
  }
  if (Status s = check_order(state.order, train_.size()); !s) return s;
  const TrainerProgress& p = state.progress;
  if (p.epoch < 0 || p.steps < 0 || p.samples < 0 || p.epoch_samples < 0 || p.batch < 0 || p.batch > batches_per_epoch()) {
    return Status::error("the state's counters are out of range");
  }
  if (Status s = optimizer_.restore(std::move(state.optimizer), n); !s) return s;
  std::copy(state.parameters.begin(), state.parameters.end(), model_->parameters().begin());
  rng_.set_state(state.rng);
  order_.assign(state.order.begin(), state.order.end());
  progress_ = p;
  return Status::ok();
}

void Trainer::start_epoch() {
  std::iota(order_.begin(), order_.end(), std::size_t{0});
  rng_.shuffle(order_.begin(), order_.end());
  progress_.batch = 0;
  progress_.epoch_loss_sum = 0;
  progress_.epoch_reconstruction_sum = 0;
  progress_.epoch_samples = 0;
}

int Trainer::batches_per_epoch() const {
  const auto n = static_cast<std::int64_t>(train_.size());
  return static_cast<int>((n + config_.batch_size - 1) / config_.batch_size);
}

bool Trainer::step() {
  if (progress_.batch >= batches_per_epoch()) start_epoch();
  const std::size_t start = static_cast<std::size_t>(progress_.batch) * static_cast<std::size_t>(config_.batch_size);
  const int count = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(config_.batch_size), train_.size() - start));
  if (const int slices = threads_for(count); slices > 1) {
    progress_.last_batch_loss = parallel_step(order_.data() + start, count, slices);
  } else {
    progress_.last_batch_loss = slice_gradients(*model_, order_.data() + start, 0, count, last_terms_);
    optimizer_.step(model_->parameters(), model_->gradients());
  }

  progress_.epoch_loss_sum += static_cast<double>(progress_.last_batch_loss) * count;
  progress_.epoch_reconstruction_sum += static_cast<double>(last_terms_.reconstruction) * count;
  progress_.epoch_samples += count;
  progress_.samples += count;
  ++progress_.steps;
  ++progress_.batch;
  if (progress_.batch < batches_per_epoch()) return false;
  ++progress_.epoch;
  return true;
}

// Phase 1, one slice of the batch per thread: gather it, copy the weights into the thread's replica, forward and
// backward. Phase 2, one range of the parameters per thread: g = sum over slices k, in order, of (n_k / n) g_k,
// then the optimizer's update of that range. Ranges are whole 64-byte blocks, so no two threads write one line.
int Trainer::threads_for(int count) const {
  if (!pool_) return 1;
  const double work = static_cast<double>(count) * flops_per_sample_;
  return std::clamp(static_cast<int>(work / kMinFlopsPerThread), 1, pool_->parts());
}

// The batch's columns are split into `slices` (2 to the pool's parts); threads past them have no slice, but all
// share the update.
float Trainer::parallel_step(const std::size_t* indices, int count, int slices) {
  const int parts = pool_->parts();
  const auto columns = static_cast<std::size_t>(count);
  auto forward_backward = [&](int k) {
    part_loss_[static_cast<std::size_t>(k)] = 0.0f;
    if (k >= slices) return;
    const Range r = split_range(columns, slices, k);
    if (r.count == 0) return;
    Autoencoder& m = k == 0 ? *model_ : *replicas_[static_cast<std::size_t>(k - 1)];
    if (k > 0) std::copy(model_->parameters().begin(), model_->parameters().end(), m.parameters().begin());
    part_loss_[static_cast<std::size_t>(k)] =
        slice_gradients(m, indices + r.first, r.first, static_cast<int>(r.count), part_terms_[static_cast<std::size_t>(k)]);
  };
  pool_->run(forward_backward);

  const std::size_t n = model_->parameters().size();
  optimizer_.begin_step(n);
  auto reduce_update = [&](int part) {
    const Range range = split_range(n, parts, part, 16);
    if (range.count == 0) return;
    const auto len = static_cast<Eigen::Index>(range.count);
    auto g = VectorMap<float>(model_->gradients().data() + range.first, len).array();
    g *= static_cast<float>(split_range(columns, slices, 0).count) / static_cast<float>(count);
    for (int k = 1; k < slices; ++k) {
      const float share = static_cast<float>(split_range(columns, slices, k).count) / static_cast<float>(count);
      if (share == 0.0f) continue;  // an empty slice (a batch smaller than the thread count) has no gradient
      const Autoencoder& replica = *replicas_[static_cast<std::size_t>(k - 1)];
      g += share * ConstVectorMap<float>(replica.gradients().data() + range.first, len).array();
    }
    optimizer_.update(model_->parameters(), model_->gradients(), range.first, range.count);
  };
  pool_->run(reduce_update);

  float loss = 0;
  last_terms_ = {};
  for (int k = 0; k < slices; ++k) {
    const float share = static_cast<float>(split_range(columns, slices, k).count) / static_cast<float>(count);
    const auto i = static_cast<std::size_t>(k);
    loss += share * part_loss_[i];
    last_terms_.reconstruction += share * part_terms_[i].reconstruction;
    last_terms_.l1 += share * part_terms_[i].l1;
    last_terms_.kl += share * part_terms_[i].kl;
  }
  return loss;
}

float Trainer::slice_gradients(Autoencoder& model, const std::size_t* indices, std::size_t first, int count,
                               Autoencoder::Terms& terms) {
  const auto input = static_cast<std::size_t>(config_.shape.input);
  const auto step = static_cast<std::uint64_t>(progress_.steps);
  float* x = batch_data_.data() + first * input;
  gather_columns(train_, indices, count, x);
  const float* fed = x;
  if (config_.objective.denoising()) {
    float* noisy = noisy_data_.data() + first * input;
    corrupt(config_.objective, x, noisy, static_cast<int>(input), count, config_.seed, step, first);
    fed = noisy;
  }
  float* eps = nullptr;
  if (config_.objective.variational()) {
    const auto latent = static_cast<std::size_t>(config_.shape.code_size());
    eps = eps_data_.data() + first * latent;
    draw_normals(eps, static_cast<int>(latent), count, config_.seed, step, first);
  }
  return model.compute_gradients(fed, x, count, config_.loss, config_.objective, eps, &terms);
}

float Trainer::epoch_reconstruction() const {
  return progress_.epoch_samples > 0 ? static_cast<float>(progress_.epoch_reconstruction_sum / static_cast<double>(progress_.epoch_samples)) : 0.0f;
}

float Trainer::epoch_loss() const {
  return progress_.epoch_samples > 0 ? static_cast<float>(progress_.epoch_loss_sum / static_cast<double>(progress_.epoch_samples)) : 0.0f;
}

float Trainer::evaluate(const Dataset& data) { return evaluate_all(data).reconstruction; }

Evaluation Trainer::evaluate_all(const Dataset& data) {
  Autoencoder::Sums total;
  for (std::size_t first = 0; first < data.size(); first += kEvaluationBlock) {
    total += evaluate_sum(data, first, std::min(kEvaluationBlock, data.size() - first));
  }
  return mean_of(total, data.size());
}

Autoencoder::Sums Trainer::evaluate_sum(const Dataset& data, std::size_t first, std::size_t count) {
  if (!pool_ || count < static_cast<std::size_t>(pool_->parts())) {
    return sum_losses(*model_, data, config_.loss, config_.objective, config_.batch_size, first, count);
  }
  // Each thread takes a contiguous part on its own model (replicas get the weights first); the parts' sums are
  // added in order.
  const int parts = pool_->parts();
  std::vector<Autoencoder::Sums> sums(static_cast<std::size_t>(parts));
  auto evaluate_part = [&](int k) {
    const Range r = split_range(count, parts, k);
    Autoencoder& m = k == 0 ? *model_ : *replicas_[static_cast<std::size_t>(k - 1)];
    if (k > 0) std::copy(model_->parameters().begin(), model_->parameters().end(), m.parameters().begin());
    sums[static_cast<std::size_t>(k)] =
        sum_losses(m, data, config_.loss, config_.objective, config_.batch_size, first + r.first, r.count);
  };
  pool_->run(evaluate_part);
  Autoencoder::Sums total;
  for (const Autoencoder::Sums& part : sums) total += part;
  return total;
}

float Evaluation::penalty(const Objective& objective) const {
  if (objective.sparse()) return objective.sparsity * l1;
  if (objective.variational()) return kl;
  return 0.0f;
}

Evaluation mean_of(const Autoencoder::Sums& sums, std::size_t count) {
  Evaluation e;
  if (count == 0) return e;
  const auto n = static_cast<double>(count);
  e.reconstruction = static_cast<float>(sums.reconstruction / n);
  e.l1 = static_cast<float>(sums.l1 / n);
  e.kl = static_cast<float>(sums.kl / n);
  e.near_zero = static_cast<float>(sums.near_zero / n);
  return e;
}

float mean_loss(Autoencoder& model, const Dataset& data, Loss loss, const Objective& objective, int chunk) {
  return mean_of(sum_losses(model, data, loss, objective, chunk, 0, data.size()), data.size()).reconstruction;
}

Autoencoder::Sums sum_losses(Autoencoder& model, const Dataset& data, Loss loss, const Objective& objective, int chunk,
                             std::size_t first, std::size_t count) {
  chunk = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(std::max(chunk, 1)), std::max<std::size_t>(count, 1)));
  std::vector<std::size_t> idx(static_cast<std::size_t>(chunk));
  const auto pixels = static_cast<std::size_t>(data.pixels());
  AlignedVector<float> x(pixels * static_cast<std::size_t>(chunk));
  AlignedVector<float> noisy(objective.denoising() ? x.size() : 0);
  Autoencoder::Sums total;
  for (std::size_t start = first; start < first + count; start += static_cast<std::size_t>(chunk)) {
    const int n = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(chunk), first + count - start));
    std::iota(idx.begin(), idx.begin() + n, start);
    gather_columns(data, idx.data(), n, x.data());
    const float* fed = x.data();
    if (objective.denoising()) {
      corrupt(objective, x.data(), noisy.data(), static_cast<int>(pixels), n, kTestNoiseSeed, kTestNoiseStep, start);
      fed = noisy.data();
    }
    model.evaluate(fed, x.data(), n, loss, total);
  }
  return total;
}

}  // namespace latent
