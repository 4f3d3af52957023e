// Lab: the state behind the UI and every command the UI (or the page's script API) can send. It owns the data,
// the trainer and the drawing; panels read it and call its commands, and never touch the model directly.
// No ImGui in here, so it is tested natively like the core.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "app/drawing.hpp"
#include "core/safetensors.hpp"
#include "core/trainer.hpp"

namespace latent {

struct LabSettings {
  int latent = 32;
  std::vector<int> hidden;
  Activation activation = Activation::ReLU;
  float learning_rate = 1e-3f;
  int batch_size = 256;
  int target_epochs = 20;

  // Settings that change the shape of the model: applying them needs new weights.
  bool same_model_as(const LabSettings& other) const {
    return latent == other.latent && hidden == other.hidden && activation == other.activation;
  }
};

struct ChartPoint {
  double step = 0;   // training steps since the model was made
  float loss = 0;
};

class Lab {
 public:
  static constexpr int kGalleryCount = 10;  // one test digit of each label
  static constexpr int kEpochsPerExtension = 20;

  // Splits `all` (the fixed stratified split) and starts from random weights drawn from `seed`.
  Status init(Dataset all, std::uint64_t seed = 1);
  bool ready() const { return trainer_ != nullptr; }

  // Pretrained weights (a safetensors file's bytes): adopted now, and kept so restore_pretrained() can return.
  Status load_pretrained(std::span<const std::uint8_t> bytes, const std::string& name);
  bool has_pretrained() const { return pretrained_ != nullptr; }

  // --- Commands -----------------------------------------------------------------------------------------
  // Starting at or past the target epochs extends the target by kEpochsPerExtension.
  void set_training(bool on);
  void reset(std::uint64_t seed);  // train from scratch: fresh random weights from `seed`
  void set_seed(std::uint64_t seed) { seed_ = seed; }  // for the next new model
  void restore_pretrained();
  // A new model when the architecture changes (random weights from the current seed); otherwise the learning
  // rate, batch size and target apply to the current model.
  void apply(const LabSettings& settings);

  // --- Per frame --------------------------------------------------------------------------------------
  // Runs training steps until `budget_seconds` is spent (at least one step), evaluating the test set at each
  // epoch's end; stops at the target epochs. Does nothing while paused.
  void run_training_slice(double budget_seconds);
  // Recomputes the gallery's and the drawing's codes and reconstructions if the weights or the drawing changed.
  void refresh_views();

  // --- State ----------------------------------------------------------------------------------------
  bool training() const { return training_; }
  const LabSettings& settings() const { return settings_; }
  const Trainer& trainer() const { return *trainer_; }
  std::uint64_t seed() const { return seed_; }
  const Architecture& architecture() const { return trainer_->model().architecture(); }
  int latent_size() const { return architecture().latent; }
  float train_loss() const { return train_loss_; }  // running mean of the current epoch, else the last one's
  float test_loss() const { return test_loss_; }
  double samples_per_sec() const { return samples_per_sec_; }
  const std::string& model_origin() const { return model_origin_; }  // "pretrained (...)" or "random weights (seed 1)"
  bool model_has_training() const { return trainer_->total_steps() > 0 || origin_pretrained_; }
  const std::vector<ChartPoint>& train_curve() const { return train_curve_; }
  const std::vector<ChartPoint>& test_curve() const { return test_curve_; }
  const DatasetSplit& data() const { return split_; }

  // Gallery: kGalleryCount test digits, their codes and reconstructions (one per column).
  int gallery_label(int k) const { return split_.test.labels[gallery_[static_cast<std::size_t>(k)]]; }
  const float* gallery_input(int k) const { return gallery_inputs_.data() + static_cast<std::size_t>(k) * 784; }
  const float* gallery_code(int k) const { return gallery_codes_.data() + static_cast<std::size_t>(k) * latent_size(); }
  const float* gallery_reconstruction(int k) const { return gallery_recons_.data() + static_cast<std::size_t>(k) * 784; }
  float gallery_loss(int k) const { return gallery_losses_[static_cast<std::size_t>(k)]; }
  // The largest |code| across the gallery and the drawing, smoothed over frames: a stable scale for colours.
  float code_scale() const { return code_scale_; }

  // The drawing and what the model makes of it.
  Drawing& drawing() { return drawing_; }
  const Drawing& drawing() const { return drawing_; }
  const DigitImage& canvas_input() const { return drawing_.input(); }
  const std::vector<float>& canvas_code() const { return canvas_code_; }
  const std::vector<float>& canvas_reconstruction() const { return canvas_recon_; }
  float canvas_loss() const { return canvas_loss_; }

 private:
  void rebuild_trainer(std::unique_ptr<Autoencoder> model);  // new trainer with settings_, keeps `model` if given
  void after_model_change(const std::string& origin);
  void add_train_point(float batch_loss);

  using Clock = std::chrono::steady_clock;

  DatasetSplit split_;
  LabSettings settings_;
  std::uint64_t seed_ = 1;
  std::unique_ptr<Trainer> trainer_;
  std::unique_ptr<Autoencoder> pretrained_;
  std::string pretrained_origin_;
  std::string model_origin_;
  bool origin_pretrained_ = false;
  bool training_ = false;
  std::uint64_t model_revision_ = 0;

  float train_loss_ = 0;
  float test_loss_ = 0;
  double samples_per_sec_ = 0;
  Clock::time_point rate_window_start_{};
  std::int64_t rate_window_samples_ = 0;

  std::vector<ChartPoint> train_curve_, test_curve_;
  float smoothed_loss_ = 0;
  int curve_stride_ = 1;

  std::vector<std::size_t> gallery_;
  std::vector<float> gallery_inputs_, gallery_codes_, gallery_recons_, gallery_losses_;
  std::uint64_t gallery_revision_ = ~std::uint64_t{0};
  float code_scale_ = 1;

  Drawing drawing_;
  std::vector<float> canvas_code_, canvas_recon_;
  float canvas_loss_ = 0;
  std::uint64_t canvas_model_revision_ = ~std::uint64_t{0}, canvas_sketch_revision_ = ~std::uint64_t{0};
};

}  // namespace latent
