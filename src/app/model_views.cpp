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
  canvas_recon_.assign(kPixels, 0.0f);
  model_.reset();
  weights_revision_ = drawing_revision_ = ~std::uint64_t{0};
}

void ModelViews::update(const Snapshot& snapshot, const Drawing& drawing) {
  const bool new_weights = snapshot.weights_revision != weights_revision_ && !snapshot.parameters.empty();
  if (new_weights) {
    const Architecture& arch = snapshot.settings.architecture;
    if (!model_ || !(model_->architecture() == arch)) model_ = std::make_unique<Autoencoder>(arch);
    std::copy(snapshot.parameters.begin(), snapshot.parameters.end(), model_->parameters().begin());
    weights_revision_ = snapshot.weights_revision;
    latent_ = arch.latent;
    const auto k = static_cast<std::size_t>(latent_);
    gallery_codes_.resize(static_cast<std::size_t>(kGalleryCount) * k);
    model_->reconstruct(gallery_inputs_.data(), kGalleryCount, gallery_recons_.data(), gallery_codes_.data());
    for (int g = 0; g < kGalleryCount; ++g) {
      gallery_losses_[static_cast<std::size_t>(g)] = model_->loss(gallery_input(g), 1, Loss::BinaryCrossEntropy);
    }
  }
  if (!model_) return;
  float largest = 0;
  for (float c : gallery_codes_) largest = std::max(largest, std::abs(c));

  if (new_weights || drawing_revision_ != drawing.revision()) {
    const DigitImage& input = drawing.input();
    canvas_code_.resize(static_cast<std::size_t>(latent_));
    if (input.empty) {
      std::fill(canvas_code_.begin(), canvas_code_.end(), 0.0f);
      std::fill(canvas_recon_.begin(), canvas_recon_.end(), 0.0f);
      canvas_loss_ = 0;
    } else {
      model_->reconstruct(input.pixels.data(), 1, canvas_recon_.data(), canvas_code_.data());
      canvas_loss_ = model_->loss(input.pixels.data(), 1, Loss::BinaryCrossEntropy);
    }
    drawing_revision_ = drawing.revision();
  }
  for (float c : canvas_code_) largest = std::max(largest, std::abs(c));
  // Follow the largest value up at once and down slowly, so colours do not flicker while training.
  code_scale_ = largest > code_scale_ ? largest : std::max(1e-3f, 0.97f * code_scale_ + 0.03f * largest);
}

}  // namespace latent
