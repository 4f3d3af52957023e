// ModelViews: gallery and drawing inference on the interface's own copy of the weights.
#include "app/model_views.hpp"

#include <algorithm>
#include <cmath>

namespace latent {

void ModelViews::init(const Dataset& test) {
  std::vector<std::size_t> chosen;
  for (int label = 0; label < kGalleryCount; ++label) {
    for (std::size_t i = 0; i < test.size(); ++i) {
      if (test.labels[i] == label) {
        chosen.push_back(i);
        break;
      }
    }
  }
  for (std::size_t i = 0; chosen.size() < static_cast<std::size_t>(kGalleryCount) && i < test.size(); ++i) {
    if (std::find(chosen.begin(), chosen.end(), i) == chosen.end()) chosen.push_back(i);
  }
  gallery_labels_.clear();
  for (std::size_t i : chosen) gallery_labels_.push_back(test.labels[i]);
  gallery_inputs_.assign(static_cast<std::size_t>(kGalleryCount) * kPixels, 0.0f);
  gather_columns(test, chosen.data(), static_cast<int>(chosen.size()), gallery_inputs_.data());
  gallery_recons_.assign(gallery_inputs_.size(), 0.0f);
  gallery_losses_.assign(kGalleryCount, 0.0f);
  gallery_noisy_ = gallery_inputs_;
  canvas_recon_.assign(kPixels, 0.0f);
  canvas_fed_.assign(kPixels, 0.0f);
  model_.reset();
  weights_revision_ = drawing_revision_ = ~std::uint64_t{0};
}

// The snapshot's weights into the views' own model, when they are new. Returns whether they were.
bool ModelViews::take_weights(const Snapshot& snapshot) {
  if (snapshot.weights_revision == weights_revision_ || snapshot.parameters.empty()) return false;
  const Architecture arch = snapshot.settings.architecture();
  if (!model_ || !(model_->architecture() == arch)) model_ = std::make_unique<Autoencoder>(arch);
  std::copy(snapshot.parameters.begin(), snapshot.parameters.end(), model_->parameters().begin());
  weights_revision_ = snapshot.weights_revision;
  latent_ = arch.code_size();
  return true;
}

// The ten test digits: codes, reconstructions and losses (a denoiser's from the digits with their noise: gallery
// digit g gets the noise of column g of the test stream).
void ModelViews::refresh_gallery() {
  gallery_codes_.resize(static_cast<std::size_t>(kGalleryCount) * static_cast<std::size_t>(latent_));
  const float* fed = gallery_inputs_.data();
  if (objective_.denoising()) {
    corrupt(objective_, gallery_inputs_.data(), gallery_noisy_.data(), static_cast<int>(kPixels), kGalleryCount,
            kTestNoiseSeed, kTestNoiseStep, 0);
    fed = gallery_noisy_.data();
  }
  model_->image_losses(fed, gallery_inputs_.data(), kGalleryCount, Loss::BinaryCrossEntropy, gallery_losses_.data(),
                       gallery_codes_.data(), gallery_recons_.data());
}

// A VAE's new digits: codes drawn from N(0, I), decoded.
void ModelViews::refresh_samples() {
  std::vector<float> codes(static_cast<std::size_t>(kGalleryCount) * static_cast<std::size_t>(latent_));
  draw_normals(codes.data(), latent_, kGalleryCount, 0x5a3b1e5ULL, sample_draw_, 0);
  samples_.assign(static_cast<std::size_t>(kGalleryCount) * kPixels, 0.0f);
  model_->decode(codes.data(), kGalleryCount, samples_.data());
  samples_shown_ = sample_draw_;
}

// The drawing's code, reconstruction and loss (with the denoiser's noise when asked: one fixed column of the test
// stream past the test sets' sizes, the same every stroke).
void ModelViews::refresh_canvas(const Drawing& drawing, bool noisy) {
  const DigitImage& input = drawing.input();
  canvas_code_.resize(static_cast<std::size_t>(latent_));
  std::copy(input.pixels.begin(), input.pixels.end(), canvas_fed_.begin());
  if (input.empty) {
    std::fill(canvas_code_.begin(), canvas_code_.end(), 0.0f);
    std::fill(canvas_recon_.begin(), canvas_recon_.end(), 0.0f);
    canvas_loss_ = 0;
  } else {
    if (noisy) corrupt(objective_, input.pixels.data(), canvas_fed_.data(), static_cast<int>(kPixels), 1,
                       kTestNoiseSeed, kTestNoiseStep, std::uint64_t{1} << 40);
    model_->image_losses(canvas_fed_.data(), input.pixels.data(), 1, Loss::BinaryCrossEntropy, &canvas_loss_,
                         canvas_code_.data(), canvas_recon_.data());
  }
  drawing_revision_ = drawing.revision();
  canvas_was_noisy_ = noisy;
}

void ModelViews::update(const Snapshot& snapshot, const Drawing& drawing) {
  const bool new_weights = take_weights(snapshot);
  if (!model_) return;
  const bool new_objective = !(snapshot.settings.objective == objective_);
  objective_ = snapshot.settings.objective;
  if (new_weights || new_objective) refresh_gallery();
  if (variational() && (new_weights || samples_shown_ != sample_draw_)) refresh_samples();
  const bool noisy = noisy_drawing();
  if (new_weights || new_objective || noisy != canvas_was_noisy_ || drawing_revision_ != drawing.revision()) {
    refresh_canvas(drawing, noisy);
  }
  // The codes' colour scale follows the largest value up at once and down slowly, so colours do not flicker
  // while training.
  float largest = 0;
  for (float c : gallery_codes_) largest = std::max(largest, std::abs(c));
  for (float c : canvas_code_) largest = std::max(largest, std::abs(c));
  code_scale_ = largest > code_scale_ ? largest : std::max(1e-3f, 0.97f * code_scale_ + 0.03f * largest);
}

}  // namespace latent
