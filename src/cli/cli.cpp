// The `latent` command line: argument parsing with exact error messages, and the train / eval / bench commands.
//
// [SECTION] Usage text
// [SECTION] Option parsing
// [SECTION] Data selection
// [SECTION] Progress display
// [SECTION] latent train
// [SECTION] latent eval
// [SECTION] latent bench
// [SECTION] latent export
// [SECTION] Dispatch
#include "cli/cli.hpp"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/benchmark.hpp"
#include "core/files.hpp"
#include "core/format.hpp"
#include "core/model_export.hpp"
#include "core/safetensors.hpp"
#include "core/settings_schema.hpp"
#include "core/training_session.hpp"

namespace latent {

namespace {

using ordered_json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

//-----------------------------------------------------------------------------------------------------------
// [SECTION] Usage text
//-----------------------------------------------------------------------------------------------------------

constexpr const char* kUsageHead = R"(latent: train and inspect the Latent Canvas MNIST autoencoder

usage:
  latent train [DATA] [SETTINGS] [--save F.safetensors] [--json] [--memory-limit SIZE]
  latent eval  --weights F.safetensors [--images F --labels F] [--loss bce|mse] [--memory-limit SIZE] [--json]
  latent bench [--model dense|conv] [--channels C,C,...] [--bottleneck N] [--batch N] [--threads N] [--steps N]
               [--memory-limit SIZE] [--json]
  latent export --weights F.safetensors --format onnx|tfjs [--part all|encoder|decoder] --out PATH
               [--memory-limit SIZE]
               ONNX writes the file PATH; TF.js writes model.json and weights.bin into the folder PATH
               (made if missing). docs/exports.md says how to open them.

DATA: --images F --labels F [--test-images F --test-labels F]. Without them, train and eval use the
bundled 10,000-digit MNIST subset and its fixed split (8,000 train / 2,000 test). With --images/--labels
alone, train splits those files the same way; with --test-images/--test-labels too, it trains on the
first pair and tests on the second. IDX files may be gzipped.

SETTINGS (one rule each, shared with the page's link and script API):
)";

constexpr const char* kUsageTail = R"(
Variants: denoising trains on noisy inputs to reconstruct clean ones; sparse adds sparsity * mean sum
|code| to the loss; vae encodes a mean and log-variance, samples the code, and minimises per image the
summed BCE plus beta * KL. The test loss is always the mean per-pixel reconstruction loss of clean test
images (from noisy inputs for the denoiser, from the mean code for the VAE).

Memory: what the model, the batch (on every thread) and the data need is computed before anything is
allocated, and a run that needs more than --memory-limit (default 2G; e.g. 512M, 8G) is refused with
what it would need. Exit status: 0 ok, 2 bad arguments or files, 1 other failures.
)";

std::string usage() { return kUsageHead + cli_settings_usage() + kUsageTail; }

//-----------------------------------------------------------------------------------------------------------
// [SECTION] Option parsing
//-----------------------------------------------------------------------------------------------------------

struct Options {
  std::map<std::string, std::string> values;
  std::set<std::string> flags;

  bool has(const std::string& name) const { return values.count(name) != 0 || flags.count(name) != 0; }
  std::string get(const std::string& name, const std::string& fallback = "") const {
    auto it = values.find(name);
    return it == values.end() ? fallback : it->second;
  }
};

Status parse_options(const std::vector<std::string>& args, const std::string& command,
                     const std::set<std::string>& valued, const std::set<std::string>& flags, Options& out) {
  for (std::size_t i = 1; i < args.size(); ++i) {
    std::string name = args[i];
    std::string value;
    bool has_inline_value = false;
    if (name.rfind("--", 0) != 0) {
      return Status::error("latent " + command + ": unexpected argument " + quote_text(name));
    }
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_inline_value = true;
    }
    if (flags.count(name) != 0) {
      if (has_inline_value) return Status::error("latent " + command + ": " + name + " takes no value");
      out.flags.insert(name);
    } else if (valued.count(name) != 0) {
      if (!has_inline_value) {
        if (i + 1 >= args.size()) return Status::error("latent " + command + ": " + name + " needs a value");
        value = args[++i];
      }
      out.values[name] = value;
    } else {
      return Status::error("latent " + command + ": unknown option " + quote_text(name) + " (see latent --help)");
    }
  }
  return Status::ok();
}

// The options that are settings (settings_schema.hpp), among `only` when given; each read by its row's rule.
Status read_settings(const Options& o, Settings& settings, const std::set<std::string>& only = {}) {
  GivenSettings given;
  for (const SettingRow& row : settings_schema()) {
    if (row.flag == nullptr || !o.has(row.flag) || (!only.empty() && only.count(row.flag) == 0)) continue;
    given.emplace_back(&row, o.get(row.flag));
  }
  return apply_settings(given, settings);
}

// Every command-line flag the schema has, for parse_options.
std::set<std::string> setting_flags() {
  std::set<std::string> flags;
  for (const SettingRow& row : settings_schema()) {
    if (row.flag != nullptr) flags.insert(row.flag);
  }
  return flags;
}

Status parse_steps(const Options& o, int& steps) {
  if (!o.has("--steps")) return Status::ok();
  const std::string text = o.get("--steps");
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0 || v < 1 || v > kMaxBenchSteps) {
    return Status::error("--steps: expected a whole number from 1 to " + std::to_string(kMaxBenchSteps) + ", got " +
                         quote_text(text));
  }
  steps = static_cast<int>(v);
  return Status::ok();
}

std::string assets_dir() {
  const char* env = std::getenv("LATENT_ASSETS");
  return env != nullptr && *env != '\0' ? env : LATENT_ASSETS_DIR;
}

std::string fixed(double v, int digits) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(digits);
  s << v;
  return s.str();
}


//-----------------------------------------------------------------------------------------------------------
// [SECTION] Data selection
//-----------------------------------------------------------------------------------------------------------

struct TrainTestData {
  Dataset train;
  Dataset test;
  std::string description;
};

// --images/--labels [--test-images/--test-labels], or the bundled subset; both split 80/20 unless test files
// are given.
Status select_data(const Options& o, TrainTestData& out) {
  const bool images = o.has("--images"), labels = o.has("--labels");
  const bool test_images = o.has("--test-images"), test_labels = o.has("--test-labels");
  if (images != labels) return Status::error("--images and --labels must be given together");
  if (test_images != test_labels) return Status::error("--test-images and --test-labels must be given together");
  if (test_images && !images) return Status::error("--test-images needs --images and --labels for the training set");

  Dataset all;
  if (images) {
    if (Status s = load_dataset(o.get("--images"), o.get("--labels"), all); !s) return s;
  } else {
    if (Status s = load_bundled_mnist(assets_dir(), all); !s) return s;
  }
  if (test_images) {
    if (Status s = load_dataset(o.get("--test-images"), o.get("--test-labels"), out.test); !s) return s;
    if (out.test.pixels() != all.pixels()) {
      return Status::error(o.get("--test-images") + ": images are " + std::to_string(out.test.rows) + "x" +
                           std::to_string(out.test.cols) + " but the training images are " + std::to_string(all.rows) +
                           "x" + std::to_string(all.cols));
    }
    out.train = std::move(all);
    out.description = o.get("--images") + " (train) and " + o.get("--test-images") + " (test)";
  } else {
    DatasetSplit split = split_stratified(all);
    out.train = std::move(split.train);
    out.test = std::move(split.test);
    out.description = images ? o.get("--images") + ", stratified 80/20 split" : "bundled MNIST subset, fixed split";
  }
  if (out.train.size() < 1 || out.test.size() < 1) {
    return Status::error("the data has too few images to split into training and test sets (" +
                         std::to_string(out.train.size() + out.test.size()) + ")");
  }
  return Status::ok();
}

//-----------------------------------------------------------------------------------------------------------
// [SECTION] Progress display
//-----------------------------------------------------------------------------------------------------------

// A one-line bar on the terminal, redrawn at most ten times a second.
class ProgressBar {
 public:
  ProgressBar(std::ostream& out, bool enabled) : out_(out), enabled_(enabled) {}
  void update(int epoch, int epochs, int batch, int batches, float loss, double samples_per_sec) {
    if (!enabled_) return;
    const auto now = Clock::now();
    if (batch != batches && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    constexpr int kWidth = 28;
    const int filled = batches > 0 ? kWidth * batch / batches : 0;
    out_ << "\r\033[Kepoch " << epoch << "/" << epochs << " [" << std::string(static_cast<std::size_t>(filled), '#')
         << std::string(static_cast<std::size_t>(kWidth - filled), '.') << "] " << batch << "/" << batches << "  loss "
         << fixed(loss, 4) << "  " << with_thousands(samples_per_sec) << " samples/s" << std::flush;
  }
  void clear() {
    if (enabled_) out_ << "\r\033[K" << std::flush;
  }

 private:
  std::ostream& out_;
  bool enabled_;
  Clock::time_point last_{};
};

//-----------------------------------------------------------------------------------------------------------
// [SECTION] latent train
//-----------------------------------------------------------------------------------------------------------

// The variant's own test terms: test_kl (vae), test_penalty and the near-zero code units (sparse).
void add_variant_terms(ordered_json& line, const Objective& objective, const Evaluation& e) {
  if (objective.variational()) line["test_kl"] = e.kl;
  if (objective.sparse()) {
    line["test_penalty"] = e.penalty(objective);
    line["near_zero_units"] = e.near_zero;
  }
}

std::string variant_terms_text(const SessionSettings& settings, const Evaluation& e) {
  if (settings.objective.variational()) return "  KL " + fixed(e.kl, 2);
  if (settings.objective.sparse()) {
    return "  near-zero units " + fixed(e.near_zero, 1) + "/" + std::to_string(settings.shape.code_size());
  }
  return "";
}

int fail(CliIo& io, const Status& s) {
  io.err << "latent: error: " << s.message() << "\n";
  return kExitBadInput;
}

constexpr const char* kMemoryHint = "; raise it with --memory-limit, or try a smaller model or batch, or fewer threads";

Status parse_memory_limit(const Options& o, std::uint64_t& budget) {
  budget = kDefaultMemoryBudget;
  if (!o.has("--memory-limit")) return Status::ok();
  if (Status s = parse_memory_size(o.get("--memory-limit"), budget); !s) return Status::error("--memory-limit: " + s.message());
  return Status::ok();
}

// What training `config` needs before the data is known (the data is checked once it is read), against `budget`.
Status check_training_memory(const TrainConfig& config, std::uint64_t budget, const char* verb) {
  return check_memory(training_memory(config, 0, 0), budget, request_text(config, verb), kMemoryHint);
}

// What `latent train` was asked to do, read and checked before any file is touched.
struct TrainRun {
  Settings settings;
  std::uint64_t budget = kDefaultMemoryBudget;
  std::string save;  // empty: not saved
  bool json = false;
  Options options;   // for the data files
};

Status read_train_run(const std::vector<std::string>& args, TrainRun& run) {
  std::set<std::string> valued = setting_flags();
  valued.insert({"--images", "--labels", "--test-images", "--test-labels", "--save", "--memory-limit"});
  Options& o = run.options;
  if (Status s = parse_options(args, "train", valued, {"--json"}, o); !s) return s;
  // Every setting is checked before any file is touched (the data's pixel count is checked against the model
  // once it is read).
  if (Status s = read_settings(o, run.settings); !s) return s;
  if (Status s = run.settings.session.validate(); !s) return s;
  if (Status s = parse_memory_limit(o, run.budget); !s) return s;
  run.settings.session.shape.input = 784;  // the bundled digits' (other data is checked again once read)
  if (Status s = check_training_memory(run.settings.session, run.budget, "training"); !s) return s;
  run.json = o.flags.count("--json") != 0;
  if (o.has("--save")) {
    run.save = o.get("--save");
    if (run.save.empty()) return Status::error("--save: the file name is empty");
    if (Status s = check_writable(run.save); !s) return s;  // before, not after, training
  }
  return Status::ok();
}

// The data, and a session on it.
Status start_session(TrainRun& run, std::string& description, std::unique_ptr<TrainingSession>& session) {
  TrainTestData data;
  if (Status s = select_data(run.options, data); !s) return s;
  description = data.description;
  auto split = std::make_shared<const DatasetSplit>(DatasetSplit{std::move(data.train), std::move(data.test)});
  if (Status s = TrainingSession::create(split, run.settings.session, session, true, SessionLimits{run.budget, 0, kMemoryHint}); !s) {
    return s;
  }
  run.settings.session = session->settings();
  return Status::ok();
}

// " (1 used: a batch of 64 is too small to share)" when a full batch runs on fewer threads than asked for.
std::string threads_note(TrainingSession& session) {
  const Snapshot snap = session.snapshot(false);
  if (snap.threads_used >= snap.settings.threads) return "";
  return " (" + std::to_string(snap.threads_used) + " used: a batch of " + std::to_string(snap.settings.batch_size) +
         " is too small to share)";
}

void print_header(const TrainRun& run, TrainingSession& session, const std::string& description, std::ostream& notes) {
  const SessionSettings& s = run.settings.session;
  notes << "training " << s.architecture().describe() << ", " << to_string(s.loss) << ", " << to_string(s.optimizer.kind)
        << " lr " << s.optimizer.learning_rate << ", " << s.objective.describe() << ", batch " << s.batch_size
        << ", seed " << s.seed << ", " << s.threads << (s.threads == 1 ? " thread" : " threads")
        << threads_note(session) << " on "
        << session.data().train.size() << " train / " << session.data().test.size() << " test images (" << description
        << ")\n";
}

void print_epoch(const TrainRun& run, const EpochRecord& e, std::ostream& out) {
  const SessionSettings& settings = run.settings.session;
  const double rate = static_cast<double>(e.samples) / std::max(e.train_seconds, 1e-9);
  if (run.json) {
    ordered_json line;
    line["epoch"] = e.epoch;
    line["train_loss"] = e.train_loss;
    line["test_loss"] = e.test_loss;
    add_variant_terms(line, settings.objective, e.test);
    line["samples_per_sec"] = std::round(rate * 10) / 10;
    line["seconds"] = std::round(e.seconds * 10000) / 10000;
    out << line.dump() << "\n" << std::flush;
    return;
  }
  out << "epoch " << e.epoch << "/" << settings.target_epochs << "  train " << fixed(e.train_loss, 4) << "  test "
      << fixed(e.test_loss, 4) << variant_terms_text(settings, e.test) << "  " << with_thousands(rate) << " samples/s  "
      << fixed(e.seconds, 2) << " s\n" << std::flush;
}

// The session's own loop, in slices of a tenth of a second: the progress bar between them, a line per epoch.
Snapshot train_to_target(const TrainRun& run, TrainingSession& session, CliIo& io) {
  ProgressBar bar(io.err, io.progress);
  session.handle(command::Start{});
  std::size_t reported = 0;
  while (session.training()) {
    session.run_for(0.1);
    const Snapshot now = session.snapshot(false);
    for (; reported < now.epochs.size(); ++reported) {
      bar.clear();
      print_epoch(run, now.epochs[reported], io.out);
    }
    if (now.training) {
      bar.update(now.epoch + 1, run.settings.session.target_epochs, now.batch_in_epoch, now.batches_per_epoch,
                 now.train_loss, now.samples_per_sec);
    }
  }
  bar.clear();
  return session.snapshot(!run.save.empty());
}

// The divergence guard stopped training and put the last good weights back: say so, and save only weights that
// were trained (an epoch or more).
int finish_training(const TrainRun& run, const Snapshot& last, const std::string& description, CliIo& io) {
  const bool diverged = !last.diverged.empty();
  if (diverged) io.err << "latent: error: " << last.diverged << "\n";
  if (!run.save.empty() && (!diverged || last.epoch > 0)) {
    if (Status s = save_safetensors(run.save, *snapshot_model(last), training_metadata(last, description)); !s) {
      return fail(io, s);
    }
    (run.json ? io.err : io.out) << "saved " << (diverged ? "the last good weights" : "weights") << " to " << run.save << "\n";
  }
  return diverged ? kExitFailure : kExitOk;
}

int train_command(const std::vector<std::string>& args, CliIo io) {
  TrainRun run;
  if (Status s = read_train_run(args, run); !s) return fail(io, s);
  std::string description;
  std::unique_ptr<TrainingSession> session;
  if (Status s = start_session(run, description, session); !s) return fail(io, s);
  if (!run.json || io.progress) print_header(run, *session, description, run.json ? io.err : io.out);
  const Snapshot last = train_to_target(run, *session, io);
  return finish_training(run, last, description, io);
}

//-----------------------------------------------------------------------------------------------------------
// [SECTION] latent eval
//-----------------------------------------------------------------------------------------------------------

// The test images: --images/--labels, or the bundled subset's test split; they must fit the model.
Status eval_data(const Options& o, const Autoencoder& model, Dataset& test, std::string& description) {
  if (o.has("--images") != o.has("--labels")) return Status::error("--images and --labels must be given together");
  if (o.has("--images")) {
    if (Status s = load_dataset(o.get("--images"), o.get("--labels"), test); !s) return s;
    description = o.get("--images");
  } else {
    Dataset all;
    if (Status s = load_bundled_mnist(assets_dir(), all); !s) return s;
    test = split_stratified(all).test;
    description = "bundled MNIST subset, test split";
  }
  if (test.pixels() != model.architecture().input) {
    return Status::error(description + ": images have " + std::to_string(test.pixels()) + " pixels; the model " +
                         o.get("--weights") + " takes " + std::to_string(model.architecture().input));
  }
  return Status::ok();
}

int eval_command(const std::vector<std::string>& args, CliIo io) {
  Options o;
  if (Status s = parse_options(args, "eval", {"--weights", "--images", "--labels", "--loss", "--memory-limit"}, {"--json"}, o);
      !s) {
    return fail(io, s);
  }
  if (!o.has("--weights")) return fail(io, Status::error("latent eval: --weights F.safetensors is required"));
  Settings settings;
  if (Status s = read_settings(o, settings, {"--loss"}); !s) return fail(io, s);
  const Loss loss = settings.session.loss;
  std::uint64_t budget = 0;
  if (Status s = parse_memory_limit(o, budget); !s) return fail(io, s);
  std::unique_ptr<Autoencoder> model;
  Metadata meta;
  if (Status s = load_safetensors(o.get("--weights"), model, &meta, budget); !s) return fail(io, s);
  Objective objective;  // as the file was trained: the denoiser sees noisy test images
  if (Status s = objective_from_metadata(meta, model->architecture(), o.get("--weights"), objective); !s) {
    return fail(io, s);
  }
  Dataset test;
  std::string description;
  if (Status s = eval_data(o, *model, test, description); !s) return fail(io, s);
  const Evaluation e = mean_of(sum_losses(*model, test, loss, objective, 256, 0, test.size()), test.size());
  if (o.flags.count("--json") != 0) {
    ordered_json line;
    line["test_loss"] = e.reconstruction;
    add_variant_terms(line, objective, e);
    line["images"] = test.size();
    line["loss"] = to_string(loss);
    io.out << line.dump() << "\n";
  } else {
    io.out << "test loss (" << to_string(loss) << "): " << fixed(e.reconstruction, 4) << " on " << test.size()
           << " images (" << description << "), model " << model->architecture().describe() << ", "
           << objective.describe() << "\n";
  }
  return kExitOk;
}

//-----------------------------------------------------------------------------------------------------------
// [SECTION] latent bench
//-----------------------------------------------------------------------------------------------------------

void print_bench(const TrainConfig& config, int steps, const BenchmarkResult& r, bool json, std::ostream& out) {
  if (json) {
    ordered_json line;
    line["model"] = config.architecture().describe();
    line["mflop_per_sample"] = std::round(training_flops_per_sample(config.architecture()) / 1e4) / 100;
    line["samples_per_sec"] = std::round(r.samples_per_sec * 10) / 10;
    line["gflops"] = std::round(r.gflops * 100) / 100;
    line["batch"] = config.batch_size;
    line["threads"] = config.threads;
    line["steps"] = steps;
    line["seconds"] = std::round(r.seconds * 10000) / 10000;
    out << line.dump() << "\n";
    return;
  }
  const Architecture arch = config.architecture();
  const bool seed = arch == Architecture{};
  out << (seed ? "seed model " : "model ") << arch.describe() << " (" << fixed(training_flops_per_sample(arch) / 1e6, 2)
      << " MFLOP per sample trained), batch " << config.batch_size << ", " << config.threads
      << (config.threads == 1 ? " thread: " : " threads: ") << with_thousands(r.samples_per_sec) << " samples/s, "
      << fixed(r.gflops, 1) << " GFLOP/s (" << steps << " steps in " << fixed(r.seconds, 3) << " s)\n";
}

int bench_command(const std::vector<std::string>& args, CliIo io) {
  Options o;
  const std::set<std::string> model_flags{"--model", "--channels", "--bottleneck", "--batch", "--threads"};
  std::set<std::string> flags = model_flags;
  flags.insert({"--steps", "--memory-limit"});
  if (Status s = parse_options(args, "bench", flags, {"--json"}, o); !s) return fail(io, s);
  Settings settings;  // the seed model, or the convolutional model asked for
  int steps = 200;
  if (Status s = read_settings(o, settings, model_flags); !s) return fail(io, s);
  if (Status s = settings.session.validate(); !s) return fail(io, s);
  if (Status s = parse_steps(o, steps); !s) return fail(io, s);
  const TrainConfig& config = settings.session;
  std::uint64_t budget = 0;
  if (Status s = parse_memory_limit(o, budget); !s) return fail(io, s);
  if (Status s = check_training_memory(config, budget, "benchmarking"); !s) return fail(io, s);
  Dataset all;
  if (Status s = load_bundled_mnist(assets_dir(), all); !s) return fail(io, s);
  print_bench(config, steps, run_training_benchmark(all, config, steps), o.flags.count("--json") != 0, io.out);
  return kExitOk;
}

//-----------------------------------------------------------------------------------------------------------
// [SECTION] latent export
//-----------------------------------------------------------------------------------------------------------

struct ExportRequest {
  ExportFormat format = ExportFormat::Onnx;
  ExportPart part = ExportPart::All;
  std::string weights, out;
};

Status read_export_request(const Options& o, ExportRequest& r) {
  for (const char* required : {"--weights", "--format", "--out"}) {
    if (!o.has(required)) {
      return Status::error("latent export: " + std::string(required) + " is required (see latent --help)");
    }
  }
  const auto format = parse_export_format(o.get("--format"));
  if (!format) return Status::error("latent export: --format " + quote_text(o.get("--format")) + " is not onnx or tfjs");
  const std::string part_text = o.has("--part") ? o.get("--part") : "all";
  const auto part = parse_export_part(part_text);
  if (!part) return Status::error("latent export: --part " + quote_text(part_text) + " is not all, encoder or decoder");
  r = {*format, *part, o.get("--weights"), o.get("--out")};
  return Status::ok();
}

// ONNX: the file PATH. TF.js: the folder PATH (made if missing) gets the two files.
Status write_export(const ExportRequest& r, const std::vector<ExportFile>& files) {
  if (r.format == ExportFormat::Onnx) return write_file_atomically(r.out, files.front().bytes);
  std::error_code error;
  std::filesystem::create_directory(r.out, error);
  if (!std::filesystem::is_directory(r.out)) return Status::error(r.out + ": cannot make a folder there for the TF.js model");
  for (const ExportFile& f : files) {
    if (Status s = write_file_atomically(r.out + "/" + f.name, f.bytes); !s) return s;
  }
  return Status::ok();
}

int export_command(const std::vector<std::string>& args, CliIo io) {
  Options o;
  if (Status s = parse_options(args, "export", {"--weights", "--format", "--part", "--out", "--memory-limit"}, {}, o); !s) {
    return fail(io, s);
  }
  ExportRequest r;
  if (Status s = read_export_request(o, r); !s) return fail(io, s);
  std::uint64_t budget = 0;
  if (Status s = parse_memory_limit(o, budget); !s) return fail(io, s);
  if (Status s = r.format == ExportFormat::Onnx ? check_writable(r.out) : check_target(r.out + "/model.json"); !s) {
    return fail(io, s);
  }
  std::unique_ptr<Autoencoder> model;
  Metadata meta;
  if (Status s = load_safetensors(r.weights, model, &meta, budget); !s) return fail(io, s);
  std::vector<ExportFile> files;
  if (Status s = export_model(*model, meta, r.format, r.part, files); !s) return fail(io, Status::error(r.weights + ": " + s.message()));
  if (Status s = write_export(r, files); !s) return fail(io, s);
  std::uint64_t bytes = 0;
  for (const ExportFile& f : files) bytes += f.bytes.size();
  io.out << "exported " << model->architecture().describe() << " (" << to_string(r.part) << ") as "
         << (r.format == ExportFormat::Onnx ? "ONNX" : "TF.js") << " to " << r.out << " (" << with_thousands(static_cast<double>(bytes))
         << " bytes)\n";
  return kExitOk;
}

}  // namespace

//-----------------------------------------------------------------------------------------------------------
// [SECTION] Dispatch
//-----------------------------------------------------------------------------------------------------------

Status parse_train_settings(const std::vector<std::string>& args, Settings& settings) {
  TrainRun run;
  if (Status s = read_train_run(args, run); !s) return s;
  settings = run.settings;
  return Status::ok();
}

int run_cli(const std::vector<std::string>& args, CliIo io) {
  if (args.empty()) {
    io.err << usage();
    return kExitBadInput;
  }
  const std::string& command = args[0];
  if (command == "--help" || command == "-h" || command == "help") {
    io.out << usage();
    return kExitOk;
  }
  if (command == "--version") {
    io.out << "latent 0.1.0\n";
    return kExitOk;
  }
  if (command == "train") return train_command(args, io);
  if (command == "eval") return eval_command(args, io);
  if (command == "bench") return bench_command(args, io);
  if (command == "export") return export_command(args, io);
  io.err << "latent: error: unknown command " << quote_text(command)
         << " (expected train, eval, bench or export; see latent --help)\n";
  return kExitBadInput;
}

}  // namespace latent
