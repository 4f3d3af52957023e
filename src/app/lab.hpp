// Lab: what the interface works with, and nothing it does not. It holds no training state of its own:
//   - the session host (session_host.hpp), which owns the training, takes commands and publishes snapshots;
//   - the latest snapshot, taken once per frame, which the panels and the script API read;
//   - ModelViews, the gallery and the drawing's code and reconstruction, computed from that snapshot's weights;
//   - LatentExplorer, the map, sliders, interpolation, units and neighbours, from the same weights;
//   - the Drawing, which the panels and the script API command directly.
// Commands go one way: each returns its number, and the snapshot's `commands` reaches it once it is carried out.
// No ImGui in here, so it is tested natively like the core.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "app/drawing.hpp"
#include "app/latent_explorer.hpp"
#include "app/model_views.hpp"
#include "core/model_export.hpp"
#include "core/safetensors.hpp"
#include "core/session_host.hpp"
#include "core/user_files.hpp"

namespace latent {

enum class SessionMode {
  Thread,  // the session on its own thread (desktop; the page when threads are available)
  Sliced,  // the session in slices of the interface's frames (the page without threads)
};

class Lab {
 public:
  // Threads to train with when nobody says: all cores but the one the interface draws with, at least one.
  static int default_threads();

  // Splits `all` (the fixed stratified split) and starts a session on random weights from settings.seed.
  // `description` names the data in saved weights' metadata.
  static constexpr const char* kBundledData = "bundled MNIST subset, fixed split";
  Status init(Dataset all, SessionMode mode, SessionSettings settings = default_settings(),
              std::string description = kBundledData, DataKind kind = DataKind::Mnist);
  // The same with the split given (a person's own training and test sets).
  Status init(DatasetSplit split, SessionMode mode, SessionSettings settings, std::string description,
              DataKind kind = DataKind::Own);
  // New data (user_files.hpp) in place of the current: a new session on it, with the current settings and
  // random weights from their seed. The drawing and the pretrained weights stay. The model is gone: the
  // interface asks first.
  Status replace_data(UserData data);
  bool ready() const { return host_ != nullptr; }
  static SessionSettings default_settings();
  static constexpr int kViewModels = 3;  // inference copies of the model beside the session's (memory budget)

  // Pretrained weights (a safetensors file's bytes, plain or gzipped): adopted now, and kept, one per model family
  // (dense, convolutional), so restore_pretrained(family) can return to them. A built-in data set brings its own
  // (forget_pretrained first): the other family's file is fetched when a person asks for it.
  Status load_pretrained(std::span<const std::uint8_t> bytes, const std::string& name);
  bool has_pretrained(ModelKind family) const { return pretrained_[index(family)].model != nullptr; }
  bool has_pretrained() const { return has_pretrained(ModelKind::Dense) || has_pretrained(ModelKind::Conv); }
  void forget_pretrained();

  // --- Weights files a person saves and brings ----------------------------------------------------------------
  // The latest weights as a safetensors file, with what `latent train --save` records (training_metadata), and
  // a file name for them ("latent-canvas-784-32-784-relu-e5.safetensors").
  std::vector<std::uint8_t> weights_file() const;
  std::string weights_file_name() const;
  // The current model, or its encoder or decoder, as ONNX (one .onnx file) or TF.js (its model.json and weights.bin
  // in a .zip), with the training details: the page's Export menu (model_export.hpp). Refusals say why.
  Status export_file(ExportFormat format, ExportPart part, std::string& name, std::vector<std::uint8_t>& bytes) const;
  // Weights from a file (`name` is used in messages): checked to fit the data (784 inputs), then adopted, with
  // the counters and curves restarting. The model they replace is gone: the interface asks first.
  Status load_weights(std::span<const std::uint8_t> bytes, const std::string& name);
  Status check_weights(std::span<const std::uint8_t> bytes, const std::string& name) const;  // the same checks only
  const std::string& data_description() const { return description_; }
  // What the data is, and how to name its classes and its items ("digits" for MNIST, else "images").
  DataKind data_kind() const { return kind_; }
  std::string class_name(int label, bool brief = false) const { return latent::class_name(kind_, label, brief); }
  const char* items() const { return kind_ == DataKind::Mnist ? "digits" : "images"; }
  // Counts the commands that replace the model (reset, pretrained, a new shape, weights or data from files): what
  // the interface says about one model goes stale when it changes.
  std::uint64_t model_changes() const { return model_changes_; }

  // --- Commands (to the session) -----------------------------------------------------------------------------
  std::uint64_t set_training(bool on);
  std::uint64_t step(int steps);  // exactly `steps` training steps, then a pause
  // The whole session as a checkpoint file (checkpoint.hpp, for the page's autosave): save_session() asks the
  // session for one; saved_session() is the newest made, with its number (0 and null before any).
  std::uint64_t save_session();
  std::shared_ptr<const std::vector<std::uint8_t>> saved_session(std::uint64_t& id) const;
  // Decodes and checks a checkpoint file here, against the memory budget, then hands it to the session in place of
  // the model; refuses, changing nothing, what does not decode. `command`: the command's number.
  Status restore_session(std::span<const std::uint8_t> bytes, const std::string& name, std::uint64_t& command);
  std::uint64_t reset(std::uint64_t seed);   // train from scratch: fresh random weights from `seed`
  std::uint64_t restore_pretrained(ModelKind family = ModelKind::Dense);  // nothing when that family has none
  // A new architecture makes a new model (random weights from settings.seed); otherwise the learning rate, batch
  // size, target and threads apply to the current one.
  std::uint64_t apply(const SessionSettings& settings);
  std::uint64_t bench(const SessionSettings& settings, int steps);

  // --- Per frame --------------------------------------------------------------------------------------------
  // Gives the host the frame's spare time (only the sliced host trains in it), takes the latest snapshot and
  // brings the views up to date with it and with the drawing.
  void update(double training_budget_seconds);
  // The same without training: for the script API, to show what changed since the last frame.
  void refresh_views();
  double training_seconds() const { return training_seconds_; }  // the last update's: training (sliced session only)
  double views_seconds() const { return views_seconds_; }        // the last update's: snapshot and views

  // --- State ------------------------------------------------------------------------------------------------
  const Snapshot& snapshot() const { return *snapshot_; }  // the one this frame shows
  std::shared_ptr<const Snapshot> latest() const { return host_->latest(); }  // newer, between frames
  // The settings the interface should show: what was last asked for until the session has carried it out, then
  // the session's own (so a refused command's values snap back).
  const SessionSettings& settings() const { return requested_; }
  std::uint64_t commands_sent() const { return sent_; }
  bool off_main_thread() const { return host_->off_main_thread(); }
  const DatasetSplit& data() const { return *data_; }
  const ModelViews& views() const { return views_; }
  // A denoiser's "noisy drawing": the drawing is fed with noise, to watch the denoiser at work.
  void new_samples() {  // a VAE's "new digits"
    views_.new_samples();
    refresh_views();
  }
  void set_noisy_drawing(bool on) {
    views_.set_noisy_drawing(on);
    refresh_views();
  }
  LatentExplorer& explorer() { return explorer_; }
  const LatentExplorer& explorer() const { return explorer_; }
  // Brings the explorer fully up to date with the latest weights and the drawing now (the script API).
  void complete_explorer();
  // Whether training has stalled or the codes collapsed, and what to try (empty message when neither).
  TrainingDiagnosis diagnosis() const;
  int latent_size() const { return views_.latent_size(); }

  Drawing& drawing() { return drawing_; }
  const Drawing& drawing() const { return drawing_; }
  const DigitImage& canvas_input() const { return drawing_.input(); }

 private:
  std::uint64_t send(SessionCommand command);
  void take_snapshot();

  // The file's model, if it fits the data; `origin` says where it came from ("NAME, 12 epochs").
  Status decode_weights(std::span<const std::uint8_t> bytes, const std::string& name,
                        std::shared_ptr<const Autoencoder>& model, std::string& origin) const;

  std::shared_ptr<const DatasetSplit> data_;
  std::string description_;
  DataKind kind_ = DataKind::Mnist;
  std::unique_ptr<SessionHost> host_;
  SessionMode mode_ = SessionMode::Thread;
  std::shared_ptr<const Snapshot> snapshot_;
  SessionSettings requested_;
  std::uint64_t sent_ = 0;
  std::uint64_t model_changes_ = 0;
  int explorer_waits_ = 0;  // frames the explorer sits out after new data (see update)
  struct Pretrained {
    std::shared_ptr<const Autoencoder> model;
    std::string origin;  // "pretrained, 50 epochs"
  };
  static std::size_t index(ModelKind family) { return family == ModelKind::Conv ? 1 : 0; }
  std::array<Pretrained, 2> pretrained_;  // by family: dense, convolutional
  ModelViews views_;
  LatentExplorer explorer_;
  Drawing drawing_;
  double training_seconds_ = 0;
  double views_seconds_ = 0;
};

}  // namespace latent
