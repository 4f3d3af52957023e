// Lab: the session host, the snapshot of the frame, the views and the drawing (see lab.hpp).
#include "app/lab.hpp"

#include "core/checkpoint.hpp"
#include "core/memory.hpp"

#include "core/gzip.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

namespace latent {

int Lab::default_threads() {
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  return std::clamp(cores - 1, 1, std::min(TrainConfig::kMaxThreads, kThreadsAvailable));
}

SessionSettings Lab::default_settings() {
  SessionSettings s;
  s.threads = default_threads();
  return s;
}

Status Lab::init(Dataset all, SessionMode mode, SessionSettings settings, std::string description, DataKind kind) {
  if (all.rows != kDigitSide || all.cols != kDigitSide) {
    return Status::error("the digits are " + std::to_string(all.rows) + "x" + std::to_string(all.cols) +
                         "; Latent Canvas needs 28x28 images");
  }
  return init(split_stratified(all), mode, std::move(settings), std::move(description), kind);
}

Status Lab::replace_data(UserData data) {
  SessionSettings settings = ready() ? snapshot_->settings : default_settings();
  settings.shape.input = data.split.train.pixels();
  return init(std::move(data.split), mode_, settings, std::move(data.description), data.kind);
}

Status Lab::init(DatasetSplit parts, SessionMode mode, SessionSettings settings, std::string description,
                 DataKind kind) {
  if (parts.train.rows != kDigitSide || parts.train.cols != kDigitSide || parts.test.rows != kDigitSide ||
      parts.test.cols != kDigitSide) {
    return Status::error("the digits are " + std::to_string(parts.train.rows) + "x" + std::to_string(parts.train.cols) +
                         "; Latent Canvas needs 28x28 images");
  }
  auto split = std::make_shared<const DatasetSplit>(std::move(parts));
  if (split->train.size() == 0 || split->test.size() < static_cast<std::size_t>(ModelViews::kGalleryCount)) {
    return Status::error("the data has too few digits (" + std::to_string(split->train.size()) + " to train, " +
                         std::to_string(split->test.size()) + " to test)");
  }
  std::unique_ptr<TrainingSession> session;
  // With a thread, the session evaluates its first weights there, not on the interface's thread.
  // The budget is what this process may spend (in the browser, what WebAssembly memory can grow to); the views keep
  // three copies of the model: the gallery's and the drawing's, the explorer's, and the pretrained weights.
  const SessionLimits limits{available_memory(), kViewModels, "; try a smaller model or batch, or fewer threads"};
  if (Status s = TrainingSession::create(split, settings, session, mode != SessionMode::Thread, limits); !s) return s;
  data_ = std::move(split);
  ++model_changes_;
  description_ = std::move(description);
  kind_ = kind;
  mode_ = mode;
  views_.init(data_->test);
  explorer_.init(data_);
  explorer_waits_ = 1;
  host_.reset();  // a previous session's thread stops before the new one starts
  if (mode == SessionMode::Thread) {
    host_ = std::make_unique<SessionThread>(std::move(session));
  } else {
    host_ = std::make_unique<SlicedSession>(std::move(session));
  }
  sent_ = 0;
  take_snapshot();
  requested_ = snapshot_->settings;
  views_.update(*snapshot_, drawing_);
  return Status::ok();
}

Status Lab::decode_weights(std::span<const std::uint8_t> bytes, const std::string& name,
                           std::shared_ptr<const Autoencoder>& model, std::string& origin) const {
  if (!ready()) return Status::error("load the data before the weights");
  std::unique_ptr<Autoencoder> decoded;
  Metadata meta;
  if (Status s = decode_safetensors(bytes, name, decoded, &meta, available_memory()); !s) return s;
  if (decoded->architecture().input != data_->train.pixels()) {
    return Status::error(name + ": the model takes " + std::to_string(decoded->architecture().input) +
                         " inputs; these images have " + std::to_string(data_->train.pixels()) + " pixels (28x28)");
  }
  model = std::move(decoded);
  origin.clear();
  if (auto e = meta.find("trained_epochs"); e != meta.end()) origin = ", " + e->second + " epochs";
  // The test loss is not part of the name: the stats show the one measured here, so the two never disagree.
  return Status::ok();
}

Status Lab::load_pretrained(std::span<const std::uint8_t> bytes, const std::string& name) {
  std::vector<std::uint8_t> inflated;
  if (is_gzip(bytes)) {
    if (Status s = gunzip(bytes, name, inflated, kMaxUserFileBytes); !s) return s;
    bytes = inflated;
  }
  std::shared_ptr<const Autoencoder> model;
  std::string origin;
  if (Status s = decode_weights(bytes, name, model, origin); !s) return s;
  const ModelKind family = model->architecture().kind;
  pretrained_[index(family)] = {std::move(model), "pretrained" + origin};
  restore_pretrained(family);
  return Status::ok();
}

void Lab::forget_pretrained() { pretrained_ = {}; }

Status Lab::load_weights(std::span<const std::uint8_t> bytes, const std::string& name) {
  std::shared_ptr<const Autoencoder> model;
  std::string origin;
  if (Status s = decode_weights(bytes, name, model, origin); !s) return s;
  ++model_changes_;
  requested_.take_architecture(model->architecture());
  send(command::Adopt{std::move(model), "from " + name + origin});
  return Status::ok();
}

Status Lab::check_weights(std::span<const std::uint8_t> bytes, const std::string& name) const {
  std::shared_ptr<const Autoencoder> model;
  std::string origin;
  return decode_weights(bytes, name, model, origin);
}

std::vector<std::uint8_t> Lab::weights_file() const {
  if (!ready()) return {};
  return encode_snapshot_weights(*latest(), description_);
}

namespace {
// "latent-canvas-784-32-784-relu-e3", "latent-canvas-conv-16-8-8-relu-e0": the model and its epochs.
std::string file_stem(const Snapshot& snap) {
  std::string shape = snap.settings.architecture().describe();  // "784-32-784 relu"
  std::replace(shape.begin(), shape.end(), ' ', '-');
  std::replace(shape.begin(), shape.end(), ',', '-');  // "conv-16-8-8-relu"
  return "latent-canvas-" + shape + "-e" + std::to_string(snap.epoch);
}
}  // namespace

std::string Lab::weights_file_name() const {
  if (!ready()) return "latent-canvas.safetensors";
  return file_stem(*latest()) + ".safetensors";
}

Status Lab::export_file(ExportFormat format, ExportPart part, std::string& name, std::vector<std::uint8_t>& bytes) const {
  if (!ready()) return Status::error("there is no model yet");
  const auto snap = latest();
  // The model rebuilt from the snapshot, and the file's bytes, copied up to four times on the way (a protobuf
  // message is built inside its parent; TF.js's files go into a zip): checked before any of it is allocated.
  const Architecture arch = snap->settings.architecture();
  const std::uint64_t need = model_memory(arch) + 4 * arch.parameter_count() * sizeof(float);
  if (Status s = reserve_memory(need, "exporting " + compact_description(arch)); !s) return s;
  std::vector<ExportFile> files;
  if (Status s = export_model(*snapshot_model(*snap), training_metadata(*snap, description_), format, part, files); !s) {
    return s;
  }
  name = export_file_name(file_stem(*snap), format, part);
  if (format == ExportFormat::Onnx) {
    bytes = std::move(files.front().bytes);
    return Status::ok();
  }
  return zip_files(files, bytes);
}

std::uint64_t Lab::send(SessionCommand command) {
  sent_ = host_->send(std::move(command));
  return sent_;
}

std::uint64_t Lab::set_training(bool on) {
  return on ? send(command::Start{}) : send(command::Pause{});
}

std::uint64_t Lab::step(int steps) { return send(command::Step{steps}); }

std::uint64_t Lab::save_session() { return send(command::Save{}); }

std::shared_ptr<const std::vector<std::uint8_t>> Lab::saved_session(std::uint64_t& id) const {
  const std::shared_ptr<const Snapshot> newest = latest();
  id = newest->save_id;
  return newest->saved;
}

Status Lab::restore_session(std::span<const std::uint8_t> bytes, const std::string& name, std::uint64_t& command) {
  auto checkpoint = std::make_shared<SessionCheckpoint>();
  if (Status s = decode_checkpoint(bytes, name, *checkpoint, available_memory()); !s) return s;
  ++model_changes_;
  requested_ = checkpoint->settings;
  command = send(command::Restore{std::move(checkpoint)});
  return Status::ok();
}

std::uint64_t Lab::reset(std::uint64_t seed) {
  ++model_changes_;
  requested_.seed = seed;
  return send(command::Reset{seed});
}

std::uint64_t Lab::restore_pretrained(ModelKind family) {
  const Pretrained& p = pretrained_[index(family)];
  if (!p.model) return sent_;
  ++model_changes_;
  requested_.take_architecture(p.model->architecture());
  return send(command::Adopt{p.model, p.origin});
}

std::uint64_t Lab::apply(const SessionSettings& settings) {
  if (!settings.same_model_as(requested_)) ++model_changes_;
  requested_ = settings;
  return send(command::Apply{settings});
}

std::uint64_t Lab::bench(const SessionSettings& settings, int steps) { return send(command::Bench{settings, steps}); }

void Lab::refresh_views() {
  if (!ready()) return;
  take_snapshot();
  views_.update(*snapshot_, drawing_);
  explorer_.set_weights_moving(snapshot_->training);
  if (views_.ready()) explorer_.update(views_.model(), views_.weights_revision(), drawing_.input(), drawing_.revision());
}

void Lab::complete_explorer() {
  refresh_views();
  if (views_.ready()) explorer_.complete(views_.model(), views_.weights_revision(), drawing_.input(), drawing_.revision());
}

TrainingDiagnosis Lab::diagnosis() const {
  if (!ready() || !explorer_.ready() || explorer_.weights_revision() != views_.weights_revision()) return {};
  DiagnosisInput in;
  for (const EpochRecord& e : snapshot_->epochs) in.test_losses.push_back(e.test_loss);
  in.code_spread = explorer_.plane().total_variance;
  in.binary_cross_entropy = snapshot_->settings.loss == Loss::BinaryCrossEntropy;
  in.architecture = snapshot_->settings.architecture();
  in.learning_rate = snapshot_->settings.optimizer.learning_rate;
  return diagnose_training(in);
}

void Lab::take_snapshot() {
  snapshot_ = host_->latest();
  if (snapshot_->commands >= sent_) requested_ = snapshot_->settings;  // everything asked for has been carried out
}

void Lab::update(double training_budget_seconds) {
  if (!ready()) return;
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  host_->frame(training_budget_seconds);
  const auto trained = Clock::now();
  take_snapshot();
  views_.update(*snapshot_, drawing_);
  // The explorer's first pass (encoding the test digits) waits a frame after new data, so that the first frame
  // showing the interface is not held up by it (~100 ms in the page while it starts).
  if (views_.ready()) {
    if (explorer_waits_ > 0) {
      --explorer_waits_;
    } else {
      explorer_.set_weights_moving(snapshot_->training);
      explorer_.update(views_.model(), views_.weights_revision(), drawing_.input(), drawing_.revision());
    }
  }
  training_seconds_ = host_->off_main_thread() ? 0.0 : std::chrono::duration<double>(trained - start).count();
  views_seconds_ = std::chrono::duration<double>(Clock::now() - trained).count();
}

}  // namespace latent
