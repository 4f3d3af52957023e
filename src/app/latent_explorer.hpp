// LatentExplorer: what the page shows of the latent space, computed on the interface's thread from the views'
// copy of the snapshot's weights (never the trainer's model):
//   - the map: every test digit's code projected onto the codes' principal plane, with a grid of codes over that
//     plane decoded into one picture (the "manifold" figure), and where the drawing lands;
//   - sliders: one code, set from the drawing, a test digit or a map point, or by hand, and its decoding;
//   - interpolation: a strip of images decoded between two codes, and a morph between them;
//   - what the units learned: the first layer's weights into each unit, the last layer's weights out of each;
//   - the drawing's nearest training digits by code, and its loss as a percentile of the test set's.
//
// Encoding the data set takes longer than a frame may spend, so it is done in passes of kBlock images per frame,
// on a model copy of its own taken when the pass starts, at most every kRefreshSeconds while the weights change.
// Everything shown switches to a pass's results only when it is complete, so the map, the grid, the neighbours
// and the sliders always agree with one another. No ImGui in here: tested natively.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/autoencoder.hpp"
#include "core/dataset.hpp"
#include "core/digit_preprocessor.hpp"
#include "app/code_map.hpp"
#include "core/latent_space.hpp"

namespace latent {

// Where a code comes from: it follows its source when the weights or the drawing change.
struct CodeSource {
  enum Kind { Drawing, TestDigit, MapPoint, Manual } kind = Drawing;
  int index = 0;                // TestDigit: the test digit
  float a = 0, b = 0;           // MapPoint: the point of the map's plane
  std::vector<float> values;    // Manual: the code itself
  std::string describe() const;
};

class LatentExplorer {
 public:
  static constexpr int kGrid = 12;          // the decoded grid is kGrid x kGrid digits
  static constexpr int kStrip = 10;         // images in the interpolation strip
  static constexpr int kNeighbours = 5;
  static constexpr int kBlock = 250;        // test images per frame during a pass (training images: twice as many),
  static constexpr double kFlopsPerFrame = 30e6;  // or fewer, so that a block costs at most this (a conv model: ~14)
  // The same while paused, when no training shares the machine: a pass over a wide model (a code of 1,024, 3.2
  // MFLOP an image) or a convolutional one then takes about 2 s of frames instead of 7 to 11, so that a Step's
  // effect shows soon.
  static constexpr double kPausedFlopsPerFrame = 90e6;
  static constexpr double kRefreshSeconds = 1.0;
  // Of each frame, for t-SNE's slices: less while training shares the machine.
  static constexpr double kMapSeconds = 0.008, kMovingMapSeconds = 0.004;
  // While training changes the weights, passes over the same model take at most this share of the interface's time:
  // a pass that took D seconds is followed by the next no sooner than D / kPassShare after it started. A
  // convolutional model's pass takes seconds of frames; back to back, they took a core's worth of time from the
  // training beside them. A new model (another shape) or weights that change while paused wait kRefreshSeconds only.
  static constexpr double kPassShare = 0.25;
  static constexpr std::size_t kPixels = static_cast<std::size_t>(kDigitSide) * kDigitSide;

  using Clock = std::chrono::steady_clock;

  void init(std::shared_ptr<const DatasetSplit> data);

  // Once a frame: starts a pass when `model` (revision `weights_revision`) is newer than the last pass's and the
  // last pass started at least kRefreshSeconds ago, or goes on with the pass in progress (one block); then follows
  // the drawing. `model` must stay unchanged during the call only.
  void update(const Autoencoder& model, std::uint64_t weights_revision, const DigitImage& drawing,
              std::uint64_t drawing_revision, Clock::time_point now = Clock::now());
  // Whether training is changing the weights (the Lab says so each frame): passes then keep to kPassShare.
  void set_weights_moving(bool moving) { weights_moving_ = moving; }
  // Runs passes to completion (tests and the script API, which must not wait for frames).
  void complete(const Autoencoder& model, std::uint64_t weights_revision, const DigitImage& drawing,
                std::uint64_t drawing_revision);

  bool ready() const { return model_ != nullptr; }  // a pass has completed
  bool busy() const { return pass_.model != nullptr; }
  std::uint64_t revision() const { return revision_; }          // changes when anything shown changes
  std::uint64_t weights_revision() const { return shown_weights_; }
  int latent_size() const { return dim_; }
  // Whether what it shows comes from a model of this architecture (a pass for a new shape may still be running).
  bool shows(const Architecture& a) const { return model_ != nullptr && model_->architecture() == a; }

  // --- The map (code_map.hpp: PCA or t-SNE) -----------------------------------------------------------------
  const CodeMap& code_map() const { return map_; }
  // PCA or t-SNE. t-SNE then settles in slices, a few ms of each frame's update (kMapSeconds), or at once on
  // settle_map().
  void set_map_method(CodeMap::Method method);
  void settle_map();
  const LatentPlane& plane() const { return map_.plane(); }
  const std::vector<float>& map_xy() const { return map_.xy(); }   // 2 per test digit, by the shown method
  int map_label(int i) const { return data_->test.labels[static_cast<std::size_t>(i)]; }
  int map_count() const { return static_cast<int>(map_xy().size() / 2); }
  // The map's extent: the rectangle the map shows (lo.a, lo.b, hi.a, hi.b); PCA's is also the grid's.
  const float* extent() const { return map_.extent(); }
  // kGrid * kGrid images; row 0 is the top (high b). PCA: the plane decoded over its extent; t-SNE: in each cell, the
  // test digit nearest its centre (or paper).
  const std::vector<float>& grid() const { return grid_; }
  // True when the grid is a 2-unit VAE's prior at N(0, 1) quantiles (the classic manifold), not the map's extent.
  bool grid_is_prior() const { return grid_is_prior_; }
  bool drawing_on_map() const { return drawing_present_; }
  const float* drawing_xy() const { return drawing_xy_; }
  // The test digit nearest to the map point (a, b) within `radius` (map units), or -1.
  int pick(float a, float b, float radius) const { return map_.pick(a, b, radius); }
  const float* test_code(int i) const { return test_codes_.data() + static_cast<std::size_t>(i) * dim_; }
  const float* test_image(int i) const { return test_images_.data() + static_cast<std::size_t>(i) * kPixels; }
  const float* train_image(int i) const;  // one at a time: a small cache of the last asked

  // --- Decoding -----------------------------------------------------------------------------------------------
  std::vector<float> decode(const std::vector<float>& code);                // kPixels in [0, 1]
  std::vector<float> code_of(const CodeSource& source) const;             // dim values (empty before a pass)

  // --- Sliders ------------------------------------------------------------------------------------------------
  void set_slider_source(CodeSource source);
  void set_slider_value(int unit, float value);                          // becomes Manual
  void reset_sliders();                                                  // to the test codes' mean
  void randomise_sliders(std::uint64_t seed);                            // uniform in each unit's observed range
  const CodeSource& slider_source() const { return slider_source_; }
  const std::vector<float>& slider_code() const { return slider_code_; }
  const std::vector<float>& slider_image() const { return slider_image_; }
  float unit_min(int u) const { return unit_lo_[static_cast<std::size_t>(u)]; }
  float unit_max(int u) const { return unit_hi_[static_cast<std::size_t>(u)]; }

  // --- Interpolation ------------------------------------------------------------------------------------------
  void set_end(int end, CodeSource source);  // end 0 or 1
  const CodeSource& end(int e) const { return ends_[e]; }
  const std::vector<float>& strip() const { return strip_; }  // kStrip images, from end 0 to end 1
  std::vector<float> strip_codes() const;                    // kStrip codes
  void set_morph(float t);  // 0 (end 0) .. 1 (end 1)
  float morph() const { return morph_t_; }
  const std::vector<float>& morph_image() const { return morph_image_; }

  // --- Units --------------------------------------------------------------------------------------------------
  // One kPixels image per unit of the first layer (weights into it) or of the last layer (weights out of the
  // unit before the output). For the seed model both are the 32 latent units.
  const std::vector<float>& unit_images(bool encoder) const { return encoder ? encoder_units_ : decoder_units_; }
  int unit_count(bool encoder) const {
    return static_cast<int>((encoder ? encoder_units_ : decoder_units_).size() / static_cast<std::size_t>(unit_side_ * unit_side_));
  }
  // The side of a unit's image: 28 (a dense unit's weights from or to the pixels), or a convolutional model's
  // kernel (its first layer's filters, and how each map before the last layer adds to the pixels).
  int unit_side() const { return unit_side_; }
  // A convolutional model's maps of the drawing after each convolution (Autoencoder::feature_maps), from the
  // completed pass's weights; empty without a drawing or for a dense model.
  const std::vector<Autoencoder::FeatureMaps>& drawing_maps() const { return drawing_maps_; }
  float unit_scale(bool encoder) const { return encoder ? encoder_scale_ : decoder_scale_; }  // largest |weight|

  // --- The network view -------------------------------------------------------------------------------------------
  // Every layer's output (Autoencoder::layer_outputs) for the drawing, or for test digit #0 while the canvas is empty,
  // from the completed pass's weights; and that input. The weights shown are the same model's.
  const std::vector<std::vector<float>>& network_outputs() const { return network_outputs_; }
  const std::vector<float>& network_input() const { return network_input_; }
  const Autoencoder* shown_model() const { return model_.get(); }

  // --- The drawing --------------------------------------------------------------------------------------------
  const std::vector<Neighbour>& neighbours() const { return neighbours_; }  // training digits, nearest first
  int train_label(int i) const { return data_->train.labels[static_cast<std::size_t>(i)]; }
  bool has_drawing() const { return drawing_present_; }
  float drawing_loss() const { return drawing_loss_; }
  float drawing_percentile() const { return drawing_percentile_; }  // % of test digits reconstructed better
  const std::vector<float>& sorted_test_losses() const { return sorted_losses_; }

 private:
  struct Pass {
    std::unique_ptr<Autoencoder> model;
    std::uint64_t weights_revision = 0;
    std::size_t next_test = 0, next_train = 0;
    std::size_t block = 0;  // test images per frame, for this model's cost
    std::vector<float> test_codes, test_losses, train_codes;
  };
  void start_pass(const Autoencoder& model, std::uint64_t weights_revision, Clock::time_point now);
  void run_block();
  void finish_pass();
  void find_unit_ranges();
  void advance_map();
  void decode_grid();
  void decode_plane();
  void place_drawing();
  void follow_drawing(const DigitImage& drawing, std::uint64_t drawing_revision, bool force);
  void refresh_sliders();
  void refresh_strip();
  void refresh_morph();
  void refresh_units();

  std::shared_ptr<const DatasetSplit> data_;
  std::vector<float> test_images_;  // the test set as floats, (kPixels, count)
  Pass pass_;
  Clock::time_point last_pass_start_{};
  double last_pass_seconds_ = 0;  // how long the last pass over frames took, start to finish
  bool weights_moving_ = false;
  std::uint64_t pass_weights_ = ~std::uint64_t{0};  // the revision of the last pass started

  std::unique_ptr<Autoencoder> model_;  // the completed pass's weights: everything shown is from these
  std::uint64_t shown_weights_ = ~std::uint64_t{0};
  std::uint64_t revision_ = 0;
  int dim_ = 0;
  std::vector<float> test_codes_, train_codes_, sorted_losses_;
  std::vector<float> unit_lo_, unit_hi_;
  CodeMap map_;
  std::vector<float> grid_;
  bool grid_is_prior_ = false;

  std::uint64_t drawing_revision_ = ~std::uint64_t{0};
  bool drawing_present_ = false;
  std::vector<float> drawing_input_, drawing_code_;
  float drawing_xy_[2] = {0, 0};
  float drawing_loss_ = 0, drawing_percentile_ = 0;
  std::vector<Neighbour> neighbours_;

  CodeSource slider_source_;
  std::vector<float> slider_code_, slider_image_;
  CodeSource ends_[2];
  std::vector<float> strip_;
  float morph_t_ = 0.5f;
  std::vector<float> morph_image_;

  std::vector<float> encoder_units_, decoder_units_;
  float encoder_scale_ = 1, decoder_scale_ = 1;
  int unit_side_ = kDigitSide;
  std::vector<Autoencoder::FeatureMaps> drawing_maps_;
  std::vector<std::vector<float>> network_outputs_;
  std::vector<float> network_input_;

  mutable int cached_train_ = -1;
  mutable std::vector<float> cached_train_image_;
};

}  // namespace latent
