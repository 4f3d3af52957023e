// The `latent` command line: argument parsing with exact error messages, and the train / eval / bench commands.
//
// [SECTION] Usage text
// [SECTION] Option parsing
// [SECTION] Data selection
// [SECTION] Progress display
// [SECTION] latent train
// [SECTION] latent eval
// [SECTION] latent bench
// [SECTION] Dispatch
#include "cli/cli.hpp"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/benchmark.hpp"
#include "core/files.hpp"
#include "core/format.hpp"
#include "core/safetensors.hpp"
#include "core/training_session.hpp"

namespace latent {

namespace {

using ordered_json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

//-----------------------------------------------------------------------------------------------------------
// [SECTION] Usage text
//-----------------------------------------------------------------------------------------------------------

constexpr const char* kUsage = R"(latent: train and inspect the Latent Canvas MNIST autoencoder

usage:
  latent train [--images F --labels F [--test-images F --test-labels F]] [--epochs N] [--batch B]
               [--lr X] [--latent K] [--hidden 128,64] [--activation relu|sigmoid|tanh|linear]
               [--loss bce|mse] [--optimizer adam|sgd] [--seed S] [--threads T] [--save F.safetensors] [--json]
               [--variant plain|denoising|sparse|vae] [--noise gaussian|mask] [--noise-level X]
               [--sparsity X] [--beta X] [--memory-limit SIZE]
  latent eval  --weights F.safetensors [--images F --labels F] [--loss bce|mse] [--memory-limit SIZE] [--json]
  latent bench [--batch B] [--steps N] [--threads T] [--memory-limit SIZE] [--json]

Without data files, train and eval use the bundled 10,000-digit MNIST subset and its fixed split
(8,000 train / 2,000 test). With --images/--labels alone, train splits those files the same way;
with --test-images/--test-labels too, it trains on the first pair and tests on the second.
IDX files may be gzipped. Defaults: 20 epochs, batch 256, Adam lr 0.001, latent 32, no hidden
layers, relu, bce, seed 1, 1 thread, variant plain.

Variants: denoising trains on noisy inputs (--noise gaussian: x + level * N(0,1) clipped, level 0.5;
--noise mask: each pixel zeroed with probability level) to reconstruct clean ones; sparse adds
--sparsity (1e-4) * mean sum |code| to the loss; vae encodes a mean and log-variance, samples the code,
and minimises per image the summed BCE plus --beta (1) * KL. The test loss is always the mean per-pixel
reconstruction loss of clean test images (from noisy inputs for the denoiser, from the mean code for the
VAE).

Memory: what the model, the batch (on every thread) and the data need is computed before anything is
allocated, and a run that needs more than --memory-limit (default 2G; e.g. 512M, 8G) is refused with
what it would need. Exit status: 0 ok, 2 bad arguments or files, 1 other failures.
)";

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

Status parse_int_option(const Options& o, const std::string& name, long long lo, long long hi, long long& value) {
  if (!o.has(name)) return Status::ok();
  const std::string text = o.get(name);
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0 || v < lo || v > hi) {
    return Status::error(name + ": expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
                         ", got " + quote_text(text));
  }
  value = v;
  return Status::ok();
}

Status parse_int_option(const Options& o, const std::string& name, int lo, int hi, int& value) {
  long long v = value;
  if (Status s = parse_int_option(o, name, static_cast<long long>(lo), static_cast<long long>(hi), v); !s) return s;
  value = static_cast<int>(v);
  return Status::ok();
}

Status parse_float_option(const Options& o, const std::string& name, float& value) {
  if (!o.has(name)) return Status::ok();
  const std::string text = o.get(name);
  char* end = nullptr;
  const float v = std::strtof(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(v)) {
    return Status::error(name + ": expected a number, got " + quote_text(text));
  }
  value = v;
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

// --variant and its settings; a setting that belongs to another variant is a mistake worth naming.
Status parse_objective(const Options& o, Objective& objective) {
  if (o.has("--variant")) {
    auto v = parse_variant(o.get("--variant"));
    if (!v) return Status::error("--variant: expected plain, denoising, sparse or vae, got " + quote_text(o.get("--variant")));
    objective.variant = *v;
  }
  const auto belongs = [&](const char* option, Variant variant) -> Status {
    if (!o.has(option) || objective.variant == variant) return Status::ok();
    return Status::error(std::string(option) + " applies to --variant " + to_string(variant) + " only");
  };
  if (Status s = belongs("--noise", Variant::Denoising); !s) return s;
  if (Status s = belongs("--noise-level", Variant::Denoising); !s) return s;
  if (Status s = belongs("--sparsity", Variant::Sparse); !s) return s;
  if (Status s = belongs("--beta", Variant::Variational); !s) return s;
  if (o.has("--noise")) {
    auto n = parse_noise(o.get("--noise"));
    if (!n) return Status::error("--noise: expected gaussian or mask, got " + quote_text(o.get("--noise")));
    objective.noise = *n;
  }
  if (Status s = parse_float_option(o, "--noise-level", objective.noise_level); !s) return s;
  if (Status s = parse_float_option(o, "--sparsity", objective.sparsity); !s) return s;
  if (Status s = parse_float_option(o, "--beta", objective.beta); !s) return s;
  if (Status s = objective.validate(); !s) return Status::error("--variant " + std::string(to_string(objective.variant)) + ": " + s.message());
  return Status::ok();
}

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
    return "  near-zero units " + fixed(e.near_zero, 1) + "/" + std::to_string(settings.architecture.latent);
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

int train_command(const std::vector<std::string>& args, CliIo io) {
  Options o;
  if (Status s = parse_options(args, "train",
                               {"--images", "--labels", "--test-images", "--test-labels", "--epochs", "--batch", "--lr",
                                "--latent", "--hidden", "--activation", "--loss", "--optimizer", "--seed", "--save",
                                "--threads", "--variant", "--noise", "--noise-level", "--sparsity", "--beta",
                                "--memory-limit"},
                               {"--json"}, o);
      !s) {
    return fail(io, s);
  }
  SessionSettings settings;
  long long seed = 1;
  if (Status s = parse_int_option(o, "--epochs", 1, SessionSettings::kMaxEpochs, settings.target_epochs); !s) return fail(io, s);
  if (Status s = parse_int_option(o, "--batch", 1, TrainConfig::kMaxBatch, settings.batch_size); !s) return fail(io, s);
  if (Status s = parse_int_option(o, "--threads", 1, TrainConfig::kMaxThreads, settings.threads); !s) return fail(io, s);
  if (Status s = parse_float_option(o, "--lr", settings.optimizer.learning_rate); !s) return fail(io, s);
  if (Status s = parse_int_option(o, "--latent", Architecture::kMinLatent, Architecture::kMaxLatent,
                                  settings.architecture.latent);
      !s) {
    return fail(io, s);
  }
  if (Status s = parse_int_option(o, "--seed", 0LL, 9007199254740991LL, seed); !s) return fail(io, s);
  settings.seed = static_cast<std::uint64_t>(seed);
  if (o.has("--hidden")) {
    if (Status s = parse_hidden_list(o.get("--hidden"), settings.architecture.hidden); !s) return fail(io, s);
  }
  if (o.has("--activation")) {
    auto a = parse_activation(o.get("--activation"));
    if (!a) return fail(io, Status::error("--activation: expected relu, sigmoid, tanh or linear, got " + quote_text(o.get("--activation"))));
    settings.architecture.activation = *a;
  }
  if (o.has("--loss")) {
    auto l = parse_loss(o.get("--loss"));
    if (!l) return fail(io, Status::error("--loss: expected bce or mse, got " + quote_text(o.get("--loss"))));
    settings.loss = *l;
  }
  if (o.has("--optimizer")) {
    auto k = parse_optimizer(o.get("--optimizer"));
    if (!k) return fail(io, Status::error("--optimizer: expected adam or sgd, got " + quote_text(o.get("--optimizer"))));
    settings.optimizer.kind = *k;
  }
  if (Status s = parse_objective(o, settings.objective); !s) return fail(io, s);
  // Every setting is checked before any file is touched (the data's pixel count is checked against the model
  // once it is read).
  if (Status s = settings.validate(); !s) return fail(io, s);
  std::uint64_t budget = 0;
  if (Status s = parse_memory_limit(o, budget); !s) return fail(io, s);
  settings.architecture.input = 784;  // the bundled digits' (other data is checked again once read)
  if (Status s = check_training_memory(settings.train_config(), budget, "training"); !s) return fail(io, s);
  if (o.has("--save")) {
    if (o.get("--save").empty()) return fail(io, Status::error("--save: the file name is empty"));
    if (Status s = check_writable(o.get("--save")); !s) return fail(io, s);  // before, not after, training
  }

  auto data = std::make_shared<TrainTestData>();
  if (Status s = select_data(o, *data); !s) return fail(io, s);
  auto split = std::make_shared<const DatasetSplit>(DatasetSplit{std::move(data->train), std::move(data->test)});
  std::unique_ptr<TrainingSession> session;
  if (Status s = TrainingSession::create(split, settings, session, true, SessionLimits{budget, 0, kMemoryHint}); !s) {
    return fail(io, s);
  }
  settings = session->settings();

  const bool json = o.flags.count("--json") != 0;
  std::ostream& notes = json ? io.err : io.out;
  if (!json || io.progress) {
    notes << "training " << settings.architecture.describe() << ", " << to_string(settings.loss) << ", "
          << to_string(settings.optimizer.kind) << " lr " << settings.optimizer.learning_rate << ", "
          << settings.objective.describe() << ", batch "
          << settings.batch_size << ", seed " << settings.seed << ", " << settings.threads
          << (settings.threads == 1 ? " thread" : " threads") << " on " << split->train.size() << " train / "
          << split->test.size() << " test images (" << data->description << ")\n";
  }

  // The session's own loop, in slices of a tenth of a second: the progress bar between them, a line per epoch.
  ProgressBar bar(io.err, io.progress);
  session->handle(command::Start{});
  std::size_t reported = 0;
  while (session->training()) {
    session->run_for(0.1);
    const Snapshot now = session->snapshot(false);
    for (; reported < now.epochs.size(); ++reported) {
      const EpochRecord& e = now.epochs[reported];
      const double rate = static_cast<double>(e.samples) / std::max(e.train_seconds, 1e-9);
      bar.clear();
      if (json) {
        ordered_json line;
        line["epoch"] = e.epoch;
        line["train_loss"] = e.train_loss;
        line["test_loss"] = e.test_loss;
        add_variant_terms(line, settings.objective, e.test);
        line["samples_per_sec"] = std::round(rate * 10) / 10;
        line["seconds"] = std::round(e.seconds * 10000) / 10000;
        io.out << line.dump() << "\n" << std::flush;
      } else {
        io.out << "epoch " << e.epoch << "/" << settings.target_epochs << "  train " << fixed(e.train_loss, 4)
               << "  test " << fixed(e.test_loss, 4) << variant_terms_text(settings, e.test) << "  "
               << with_thousands(rate) << " samples/s  "
               << fixed(e.seconds, 2) << " s\n" << std::flush;
      }
    }
    if (now.training) {
      bar.update(now.epoch + 1, settings.target_epochs, now.batch_in_epoch, now.batches_per_epoch, now.train_loss,
                 now.samples_per_sec);
    }
  }

  const Snapshot last = session->snapshot(o.has("--save"));
  // The divergence guard stopped training and put the last good weights back: say so, and save only weights
  // that were trained (an epoch or more).
  const bool diverged = !last.diverged.empty();
  if (diverged) {
    bar.clear();
    io.err << "latent: error: " << last.diverged << "\n";
  }
  if (o.has("--save") && (!diverged || last.epoch > 0)) {
    const auto model = snapshot_model(last);
    const Metadata extra = training_metadata(last, data->description);
    if (Status s = save_safetensors(o.get("--save"), *model, extra); !s) return fail(io, s);
    notes << "saved " << (diverged ? "the last good weights" : "weights") << " to " << o.get("--save") << "\n";
  }
  return diverged ? kExitFailure : kExitOk;
}

//-----------------------------------------------------------------------------------------------------------
// [SECTION] latent eval
//-----------------------------------------------------------------------------------------------------------

int eval_command(const std::vector<std::string>& args, CliIo io) {
  Options o;
  if (Status s = parse_options(args, "eval", {"--weights", "--images", "--labels", "--loss", "--memory-limit"}, {"--json"}, o);
      !s) {
    return fail(io, s);
  }
  if (!o.has("--weights")) return fail(io, Status::error("latent eval: --weights F.safetensors is required"));
  Loss loss = Loss::BinaryCrossEntropy;
  if (o.has("--loss")) {
    auto l = parse_loss(o.get("--loss"));
    if (!l) return fail(io, Status::error("--loss: expected bce or mse, got " + quote_text(o.get("--loss"))));
    loss = *l;
  }
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
  if (o.has("--images") != o.has("--labels")) return fail(io, Status::error("--images and --labels must be given together"));
  if (o.has("--images")) {
    if (Status s = load_dataset(o.get("--images"), o.get("--labels"), test); !s) return fail(io, s);
    description = o.get("--images");
  } else {
    Dataset all;
    if (Status s = load_bundled_mnist(assets_dir(), all); !s) return fail(io, s);
    test = split_stratified(all).test;
    description = "bundled MNIST subset, test split";
  }
  if (test.pixels() != model->architecture().input) {
    return fail(io, Status::error(description + ": images have " + std::to_string(test.pixels()) + " pixels; the model " +
                                  o.get("--weights") + " takes " + std::to_string(model->architecture().input)));
  }
  const Evaluation e = mean_of(sum_losses(*model, test, loss, objective, 256, 0, test.size()), test.size());
  const float value = e.reconstruction;
  if (o.flags.count("--json") != 0) {
    ordered_json line;
    line["test_loss"] = value;
    add_variant_terms(line, objective, e);
    line["images"] = test.size();
    line["loss"] = to_string(loss);
    io.out << line.dump() << "\n";
  } else {
    io.out << "test loss (" << to_string(loss) << "): " << fixed(value, 4) << " on " << test.size() << " images ("
           << description << "), model " << model->architecture().describe() << ", " << objective.describe() << "\n";
  }
  return kExitOk;
}

//-----------------------------------------------------------------------------------------------------------
// [SECTION] latent bench
//-----------------------------------------------------------------------------------------------------------

int bench_command(const std::vector<std::string>& args, CliIo io) {
  Options o;
  if (Status s = parse_options(args, "bench", {"--batch", "--steps", "--threads", "--memory-limit"}, {"--json"}, o); !s) {
    return fail(io, s);
  }
  TrainConfig config;  // the seed model
  int steps = 200;
  if (Status s = parse_int_option(o, "--batch", 1, TrainConfig::kMaxBatch, config.batch_size); !s) return fail(io, s);
  if (Status s = parse_int_option(o, "--steps", 1, 1000000, steps); !s) return fail(io, s);
  if (Status s = parse_int_option(o, "--threads", 1, TrainConfig::kMaxThreads, config.threads); !s) return fail(io, s);
  std::uint64_t budget = 0;
  if (Status s = parse_memory_limit(o, budget); !s) return fail(io, s);
  if (Status s = check_training_memory(config, budget, "benchmarking"); !s) return fail(io, s);

  Dataset all;
  if (Status s = load_bundled_mnist(assets_dir(), all); !s) return fail(io, s);
  const BenchmarkResult r = run_training_benchmark(all, config, steps);
  if (o.flags.count("--json") != 0) {
    ordered_json line;
    line["samples_per_sec"] = std::round(r.samples_per_sec * 10) / 10;
    line["gflops"] = std::round(r.gflops * 100) / 100;
    line["batch"] = config.batch_size;
    line["threads"] = config.threads;
    line["steps"] = steps;
    line["seconds"] = std::round(r.seconds * 10000) / 10000;
    io.out << line.dump() << "\n";
  } else {
    io.out << "seed model " << config.architecture.describe() << ", batch " << config.batch_size << ", "
           << config.threads << (config.threads == 1 ? " thread: " : " threads: ") << with_thousands(r.samples_per_sec)
           << " samples/s, " << fixed(r.gflops, 1) << " GFLOP/s (" << steps << " steps in " << fixed(r.seconds, 3)
           << " s)\n";
  }
  return kExitOk;
}

}  // namespace

//-----------------------------------------------------------------------------------------------------------
// [SECTION] Dispatch
//-----------------------------------------------------------------------------------------------------------

int run_cli(const std::vector<std::string>& args, CliIo io) {
  if (args.empty()) {
    io.err << kUsage;
    return kExitBadInput;
  }
  const std::string& command = args[0];
  if (command == "--help" || command == "-h" || command == "help") {
    io.out << kUsage;
    return kExitOk;
  }
  if (command == "--version") {
    io.out << "latent 0.1.0\n";
    return kExitOk;
  }
  if (command == "train") return train_command(args, io);
  if (command == "eval") return eval_command(args, io);
  if (command == "bench") return bench_command(args, io);
  io.err << "latent: error: unknown command " << quote_text(command) << " (expected train, eval or bench; see latent --help)\n";
  return kExitBadInput;
}

}  // namespace latent
