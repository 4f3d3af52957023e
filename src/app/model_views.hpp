// ModelViews: what the interface shows of the model, computed on the interface's thread from a snapshot's weights:
// the gallery's codes and reconstructions, and the drawing's code and reconstruction. It has a model copy and a
// workspace of its own and never touches the session or its trainer; it recomputes only when the weights (the
// snapshot's weights_revision) or the drawing (its revision) have changed.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "app/drawing.hpp"
#include "core/training_session.hpp"

namespace latent {

class ModelViews {
 public:
  static constexpr int kGalleryCount = 10;  // one test digit of each label

  // The gallery: the first test digit of each label, in label order (with fewer labels, the first test digits).
  // `test` must have at least kGalleryCount images of kDigitSide x kDigitSide.
  void init(const Dataset& test);

  // Brings the views up to `snapshot` (which must carry its parameters when its weights are new) and `drawing`.
  void update(const Snapshot& snapshot, const Drawing& drawing);

  bool ready() const { return model_ != nullptr; }
  const Autoencoder& model() const { return *model_; }  // the views' copy of the latest weights (when ready)
  int latent_size() const { return latent_; }
  std::uint64_t weights_revision() const { return weights_revision_; }
  std::uint64_t drawing_revision() const { return drawing_revision_; }  // the drawing's, as last shown

  int gallery_label(int k) const { return gallery_labels_[static_cast<std::size_t>(k)]; }
  const float* gallery_input(int k) const { return gallery_inputs_.data() + static_cast<std::size_t>(k) * kPixels; }
  const float* gallery_code(int k) const { return gallery_codes_.data() + static_cast<std::size_t>(k) * latent_; }
  const float* gallery_reconstruction(int k) const { return gallery_recons_.data() + static_cast<std::size_t>(k) * kPixels; }
  float gallery_loss(int k) const { return gallery_losses_[static_cast<std::size_t>(k)]; }

  // A denoiser's views: the gallery's inputs carry the test noise (the clean digits are its targets), and the
  // drawing may too ("noisy drawing"). Noise is drawn from the fixed test stream, so it stays put between frames.
  bool denoising() const { return objective_.denoising(); }
  const float* gallery_noisy(int k) const { return gallery_noisy_.data() + static_cast<std::size_t>(k) * kPixels; }
  void set_noisy_drawing(bool on) { noisy_drawing_ = on; }
  bool noisy_drawing() const { return noisy_drawing_ && denoising(); }
  // What the model was fed for the drawing: the drawing's input, or it with noise.
  const float* canvas_fed() const { return canvas_fed_.data(); }

  // A VAE's new digits: kGalleryCount codes drawn from the prior N(0, I), decoded. new_samples() draws others.
  bool variational() const { return model_ && model_->architecture().variational; }
  const float* sample(int k) const { return samples_.data() + static_cast<std::size_t>(k) * kPixels; }
  void new_samples() { ++sample_draw_; }
  std::uint64_t sample_draw() const { return sample_draw_; }

  const std::vector<float>& canvas_code() const { return canvas_code_; }
  const std::vector<float>& canvas_reconstruction() const { return canvas_recon_; }
  float canvas_loss() const { return canvas_loss_; }

  // The largest |code| across the gallery and the drawing, smoothed over updates: a stable scale for colours.
  float code_scale() const { return code_scale_; }

 private:
  static constexpr std::size_t kPixels = static_cast<std::size_t>(kDigitSide) * kDigitSide;
  bool take_weights(const Snapshot& snapshot);
  void refresh_gallery();
  void refresh_samples();
  void refresh_canvas(const Drawing& drawing, bool noisy);

  std::unique_ptr<Autoencoder> model_;  // the views' own copy of the snapshot's weights
  std::uint64_t weights_revision_ = ~std::uint64_t{0};
  std::uint64_t drawing_revision_ = ~std::uint64_t{0};
  int latent_ = 0;

  std::vector<int> gallery_labels_;
  std::vector<float> gallery_inputs_, gallery_codes_, gallery_recons_, gallery_losses_;
  std::vector<float> gallery_noisy_;
  std::vector<float> canvas_code_, canvas_recon_, canvas_fed_;
  Objective objective_;
  std::vector<float> samples_;
  std::uint64_t sample_draw_ = 1, samples_shown_ = 0;
  bool noisy_drawing_ = false;
  bool canvas_was_noisy_ = false;
  float canvas_loss_ = 0;
  float code_scale_ = 1;
};

}  // namespace latent
