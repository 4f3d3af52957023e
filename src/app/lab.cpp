// Lab: commands, the time-sliced training loop, and the derived views (gallery, drawing).
#include "app/lab.hpp"

#include <algorithm>
#include <cmath>

namespace latent {

Status Lab::init(Dataset all, std::uint64_t seed) {
  if (all.rows != kDigitSide || all.cols != kDigitSide) {
    return Status::error("the digits are " + std::to_string(all.rows) + "x" + std::to_string(all.cols) +
                         "; Latent Canvas needs 28x28 images");
  }
  split_ = split_stratified(all);
  if (split_.train.size() == 0 || split_.test.size() < static_cast<std::size_t>(kGalleryCount)) {
    return Status::error("the data has too few digits (" + std::to_string(all.size()) + ")");
  }
  // The gallery: the first test digit of each label, in label order (fewer labels: the first test digits).
  gallery_.clear();
  for (int label = 0; label < 10; ++label) {
    for (std::size_t i = 0; i < split_.test.size(); ++i) {
      if (split_.test.labels[i] == label) {
        gallery_.push_back(i);
        break;
      }
    }
  }
  for (std::size_t i = 0; gallery_.size() < static_cast<std::size_t>(kGalleryCount); ++i) {
    if (std::find(gallery_.begin(), gallery_.end(), i) == gallery_.end()) gallery_.push_back(i);
  }
  gallery_inputs_.resize(static_cast<std::size_t>(kGalleryCount) * 784);
  gather_columns(split_.test, gallery_.data(), kGalleryCount, gallery_inputs_.data());
  gallery_recons_.resize(gallery_inputs_.size());
  gallery_losses_.resize(kGalleryCount);
  canvas_recon_.assign(784, 0.0f);

  seed_ = seed;
  rebuild_trainer(nullptr);
  trainer_->reset(seed_);
  after_model_change("random weights (seed " + std::to_string(seed_) + ")");
  return Status::ok();
}

Status Lab::load_pretrained(std::span<const std::uint8_t> bytes, const std::string& name) {
  if (!ready()) return Status::error("load the data before the weights");
  std::unique_ptr<Autoencoder> model;
  Metadata meta;
  if (Status s = decode_safetensors(bytes, name, model, &meta); !s) return s;
  if (model->architecture().input != 784) {
    return Status::error(name + ": the model takes " + std::to_string(model->architecture().input) +
                         " inputs; Latent Canvas needs 784 (28x28)");
  }
  pretrained_ = std::move(model);
  pretrained_origin_ = "pretrained";
  if (auto e = meta.find("trained_epochs"); e != meta.end()) pretrained_origin_ += ", " + e->second + " epochs";
  if (auto t = meta.find("test_loss"); t != meta.end()) {
    pretrained_origin_ += ", test BCE " + t->second.substr(0, std::min<std::size_t>(6, t->second.size()));
  }
  restore_pretrained();
  return Status::ok();
}

void Lab::restore_pretrained() {
  if (!pretrained_) return;
  const Architecture& a = pretrained_->architecture();
  settings_.latent = a.latent;
  settings_.hidden = a.hidden;
  settings_.activation = a.activation;
  rebuild_trainer(std::make_unique<Autoencoder>(*pretrained_));
  origin_pretrained_ = true;
  after_model_change(pretrained_origin_);
}

void Lab::rebuild_trainer(std::unique_ptr<Autoencoder> model) {
  TrainConfig config;
  config.architecture.input = 784;
  config.architecture.latent = settings_.latent;
  config.architecture.hidden = settings_.hidden;
  config.architecture.activation = settings_.activation;
  config.optimizer.learning_rate = settings_.learning_rate;
  config.batch_size = settings_.batch_size;
  config.seed = seed_;
  trainer_ = std::make_unique<Trainer>(split_.train, config);
  if (model) trainer_->adopt(*model);
  origin_pretrained_ = false;
}

void Lab::after_model_change(const std::string& origin) {
  training_ = false;
  model_origin_ = origin;
  ++model_revision_;
  train_curve_.clear();
  test_curve_.clear();
  curve_stride_ = 1;
  smoothed_loss_ = 0;
  train_loss_ = 0;
  test_loss_ = trainer_->evaluate(split_.test);
  test_curve_.push_back({0.0, test_loss_});
  samples_per_sec_ = 0;
  canvas_code_.assign(static_cast<std::size_t>(latent_size()), 0.0f);
  gallery_codes_.assign(static_cast<std::size_t>(kGalleryCount) * latent_size(), 0.0f);
}

void Lab::set_training(bool on) {
  if (!ready()) return;
  if (on && trainer_->epoch() >= settings_.target_epochs) {
    settings_.target_epochs = trainer_->epoch() + kEpochsPerExtension;
  }
  if (on && !training_) {
    rate_window_start_ = Clock::now();
    rate_window_samples_ = 0;
  }
  training_ = on;
  if (!on) samples_per_sec_ = 0;
}

void Lab::reset(std::uint64_t seed) {
  if (!ready()) return;
  seed_ = seed;
  rebuild_trainer(nullptr);
  trainer_->reset(seed_);
  after_model_change("random weights (seed " + std::to_string(seed_) + ")");
}

void Lab::apply(const LabSettings& s) {
  if (!ready()) return;
  const bool new_model = !s.same_model_as(settings_);
  const bool new_batch = s.batch_size != settings_.batch_size;
  const bool was_training = training_;
  settings_ = s;
  if (new_model) {
    reset(seed_);
    return;
  }
  if (new_batch) {
    // The weights stay; a trainer for the new batch size adopts them. Its step count and the optimizer's
    // moments restart, so the charts restart too.
    const Autoencoder current = trainer_->model();
    const bool pretrained = origin_pretrained_;
    const std::string origin = model_origin_;
    rebuild_trainer(std::make_unique<Autoencoder>(current));
    origin_pretrained_ = pretrained;
    after_model_change(origin);
    if (was_training) set_training(true);
  } else {
    trainer_->set_learning_rate(s.learning_rate);
  }
}

void Lab::add_train_point(float batch_loss) {
  smoothed_loss_ = train_curve_.empty() && trainer_->total_steps() <= 1 ? batch_loss : 0.9f * smoothed_loss_ + 0.1f * batch_loss;
  if (trainer_->total_steps() % curve_stride_ != 0) return;
  train_curve_.push_back({static_cast<double>(trainer_->total_steps()), smoothed_loss_});
  if (train_curve_.size() > 4000) {  // keep the chart cheap on long runs: halve the resolution
    std::vector<ChartPoint> half;
    half.reserve(2001);
    for (std::size_t i = 0; i < train_curve_.size(); i += 2) half.push_back(train_curve_[i]);
    train_curve_ = std::move(half);
    curve_stride_ *= 2;
  }
}

void Lab::run_training_slice(double budget_seconds) {
  if (!ready() || !training_) return;
  const auto start = Clock::now();
  const std::int64_t samples_before = trainer_->samples_seen();
  do {
    const bool epoch_done = trainer_->step();
    add_train_point(trainer_->last_batch_loss());
    train_loss_ = trainer_->epoch_loss();
    if (epoch_done) {
      test_loss_ = trainer_->evaluate(split_.test);
      test_curve_.push_back({static_cast<double>(trainer_->total_steps()), test_loss_});
      if (trainer_->epoch() >= settings_.target_epochs) {
        training_ = false;
        break;
      }
    }
  } while (std::chrono::duration<double>(Clock::now() - start).count() < budget_seconds);
  ++model_revision_;

  // Samples per wall-clock second (drawing included), over windows of about half a second.
  rate_window_samples_ += trainer_->samples_seen() - samples_before;
  const double window = std::chrono::duration<double>(Clock::now() - rate_window_start_).count();
  if (window >= 0.5 || !training_) {
    if (window > 0) samples_per_sec_ = static_cast<double>(rate_window_samples_) / window;
    rate_window_start_ = Clock::now();
    rate_window_samples_ = 0;
  }
  if (!training_) samples_per_sec_ = 0;
}

void Lab::refresh_views() {
  if (!ready()) return;
  Autoencoder& model = trainer_->model();
  const auto k = static_cast<std::size_t>(latent_size());
  float largest = 0;
  if (gallery_revision_ != model_revision_) {
    gallery_codes_.resize(static_cast<std::size_t>(kGalleryCount) * k);
    model.reconstruct(gallery_inputs_.data(), kGalleryCount, gallery_recons_.data(), gallery_codes_.data());
    for (int g = 0; g < kGalleryCount; ++g) {
      gallery_losses_[static_cast<std::size_t>(g)] = model.loss(gallery_input(g), 1, Loss::BinaryCrossEntropy);
    }
    gallery_revision_ = model_revision_;
  }
  for (float c : gallery_codes_) largest = std::max(largest, std::abs(c));

  if (canvas_model_revision_ != model_revision_ || canvas_sketch_revision_ != drawing_.revision()) {
    const DigitImage& input = drawing_.input();
    canvas_code_.resize(k);
    if (input.empty) {
      std::fill(canvas_code_.begin(), canvas_code_.end(), 0.0f);
      std::fill(canvas_recon_.begin(), canvas_recon_.end(), 0.0f);
      canvas_loss_ = 0;
    } else {
      model.reconstruct(input.pixels.data(), 1, canvas_recon_.data(), canvas_code_.data());
      canvas_loss_ = model.loss(input.pixels.data(), 1, Loss::BinaryCrossEntropy);
    }
    canvas_model_revision_ = model_revision_;
    canvas_sketch_revision_ = drawing_.revision();
  }
  for (float c : canvas_code_) largest = std::max(largest, std::abs(c));
  // Follow the largest value up at once and down slowly, so colours do not flicker while training.
  code_scale_ = largest > code_scale_ ? largest : std::max(1e-3f, 0.97f * code_scale_ + 0.03f * largest);
}

}  // namespace latent
