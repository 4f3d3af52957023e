// Trainer: batch order, the step, and evaluation.
#include "core/trainer.hpp"

#include <algorithm>
#include <numeric>
#include <string>

namespace latent {

Status TrainConfig::validate() const {
  if (Status s = architecture.validate(); !s) return s;
  if (Status s = optimizer.validate(); !s) return s;
  if (batch_size < 1 || batch_size > kMaxBatch) {
    return Status::error("batch size " + std::to_string(batch_size) + " is out of range (1 to " +
                         std::to_string(kMaxBatch) + ")");
  }
  return Status::ok();
}

Status Trainer::validate_data(const Dataset& data, const TrainConfig& config, const char* what) {
  if (data.size() == 0) return Status::error(std::string(what) + " set is empty");
  if (data.pixels() != config.architecture.input) {
    return Status::error(std::string(what) + " images have " + std::to_string(data.pixels()) +
                         " pixels; the model's input has " + std::to_string(config.architecture.input));
  }
  return Status::ok();
}

Trainer::Trainer(const Dataset& train, const TrainConfig& config)
    : train_(train), config_(config), optimizer_(config.optimizer) {
  order_.resize(train_.size());
  batch_data_.resize(static_cast<std::size_t>(config_.architecture.input) * static_cast<std::size_t>(config_.batch_size));
  reset(config_.seed);
}

void Trainer::reset(std::uint64_t seed) {
  config_.seed = seed;
  model_ = std::make_unique<Autoencoder>(config_.architecture);
  model_->initialize(seed);
  // A separate stream for the batch order, so that weights and order do not depend on each other's use.
  rng_.reseed(seed ^ 0x5eed0fba7c4e5ULL);
  optimizer_.reset();
  epoch_ = 0;
  steps_ = 0;
  samples_ = 0;
  last_batch_loss_ = 0;
  start_epoch();
}

void Trainer::adopt(const Autoencoder& model) {
  config_.architecture = model.architecture();
  model_ = std::make_unique<Autoencoder>(model);
  batch_data_.resize(static_cast<std::size_t>(config_.architecture.input) * static_cast<std::size_t>(config_.batch_size));
  optimizer_.reset();
  epoch_ = 0;
  steps_ = 0;
  samples_ = 0;
  start_epoch();
}

void Trainer::start_epoch() {
  std::iota(order_.begin(), order_.end(), std::size_t{0});
  rng_.shuffle(order_.begin(), order_.end());
  batch_ = 0;
  epoch_loss_sum_ = 0;
  epoch_samples_ = 0;
}

int Trainer::batches_per_epoch() const {
  const auto n = static_cast<std::int64_t>(train_.size());
  return static_cast<int>((n + config_.batch_size - 1) / config_.batch_size);
}

bool Trainer::step() {
  if (batch_ >= batches_per_epoch()) start_epoch();
  const std::size_t start = static_cast<std::size_t>(batch_) * static_cast<std::size_t>(config_.batch_size);
  const int count = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(config_.batch_size), train_.size() - start));
  gather_columns(train_, order_.data() + start, count, batch_data_.data());
  last_batch_loss_ = model_->compute_gradients(batch_data_.data(), count, config_.loss);
  optimizer_.step(model_->parameters(), model_->gradients());

  epoch_loss_sum_ += static_cast<double>(last_batch_loss_) * count;
  epoch_samples_ += count;
  samples_ += count;
  ++steps_;
  ++batch_;
  if (batch_ < batches_per_epoch()) return false;
  ++epoch_;
  return true;
}

float Trainer::epoch_loss() const {
  return epoch_samples_ > 0 ? static_cast<float>(epoch_loss_sum_ / static_cast<double>(epoch_samples_)) : 0.0f;
}

float Trainer::evaluate(const Dataset& data) { return mean_loss(*model_, data, config_.loss, config_.batch_size); }

float mean_loss(Autoencoder& model, const Dataset& data, Loss loss, int chunk) {
  std::vector<std::size_t> idx(static_cast<std::size_t>(chunk));
  AlignedVector<float> x(static_cast<std::size_t>(data.pixels()) * static_cast<std::size_t>(chunk));
  double total = 0;
  for (std::size_t start = 0; start < data.size(); start += static_cast<std::size_t>(chunk)) {
    const int n = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(chunk), data.size() - start));
    std::iota(idx.begin(), idx.begin() + n, start);
    gather_columns(data, idx.data(), n, x.data());
    total += static_cast<double>(model.loss(x.data(), n, loss)) * n;
  }
  return data.size() > 0 ? static_cast<float>(total / static_cast<double>(data.size())) : 0.0f;
}

}  // namespace latent
