// The `latent` binary, run as a user would: --json output parses, and bad input exits 2 with a one-line message.
#include <sys/stat.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "app/lab.hpp"
#include "core/safetensors.hpp"
#include "core/settings_schema.hpp"
#include "helpers.hpp"

using namespace latent::testing;
using json = nlohmann::json;

namespace {

struct Run {
  int status = -1;
  std::string out;
  std::string err;
};

std::string quote(const std::string& s) {
  std::string q(1, '\'');
  for (char c : s) {
    if (c == '\'') {
      q.append("'\\''");
    } else {
      q.push_back(c);
    }
  }
  q.push_back('\'');
  return q;
}

Run run(const std::vector<std::string>& args) {
  TempDir dir;
  std::string command = quote(LATENT_CLI_PATH);
  for (const auto& a : args) command.append(" ").append(quote(a));
  command.append(" >").append(quote(dir.file("out"))).append(" 2>").append(quote(dir.file("err"))).append(" </dev/null");
  const int raw = std::system(command.c_str());
  Run r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  const auto out = read_bytes(dir.file("out")), err = read_bytes(dir.file("err"));
  r.out.assign(out.begin(), out.end());
  r.err.assign(err.begin(), err.end());
  return r;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> result;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) result.push_back(line);
  return result;
}

// Exit status 2, nothing on stdout, exactly one line on stderr that contains `needle`.
void expect_bad_input(const std::vector<std::string>& args, const std::string& needle) {
  const Run r = run(args);
  INFO("args: " << [&] { std::string s; for (auto& a : args) s += a + " "; return s; }() << "\nstderr: " << r.err);
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  CHECK(lines(r.err).size() == 1);
  CHECK_THAT(r.err, Catch::StartsWith("latent: error: ") && Catch::Contains(needle));
}

}  // namespace

TEST_CASE("latent train --json prints one parseable object per epoch and saves weights", "[cli]") {
  TempDir dir;
  const std::string weights = dir.file("w.safetensors");
  const Run r = run({"train", "--epochs", "3", "--json", "--save", weights});
  REQUIRE(r.status == 0);
  const auto out = lines(r.out);
  REQUIRE(out.size() == 3);
  double previous = 1e9;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const json j = json::parse(out[i]);
    CHECK(j.size() == 5);
    CHECK(j.at("epoch") == i + 1);
    for (const char* key : {"train_loss", "test_loss", "samples_per_sec", "seconds"}) {
      CHECK(j.at(key).is_number());
      CHECK(j.at(key).get<double>() > 0);
    }
    CHECK(j.at("test_loss").get<double>() < previous);
    previous = j.at("test_loss").get<double>();
  }
  std::unique_ptr<latent::Autoencoder> model;
  latent::Metadata meta;
  REQUIRE(latent::load_safetensors(weights, model, &meta).is_ok());
  CHECK(meta.at("trained_epochs") == "3");

  SECTION("latent eval --json reports the same test loss for those weights") {
    const Run e = run({"eval", "--weights", weights, "--json"});
    REQUIRE(e.status == 0);
    const json j = json::parse(e.out);
    CHECK(j.at("test_loss").get<double>() == Approx(previous).epsilon(1e-5));
    CHECK(j.at("images") == 2000);
  }
}

TEST_CASE("weights saved in the page load in latent eval, and the CLI's load in the page, with the same test loss", "[cli][files]") {
  TempDir dir;
  latent::Dataset all = latent::testing::bundled_dataset();
  latent::Lab lab;
  latent::SessionSettings settings;
  settings.threads = 1;
  settings.target_epochs = 1;
  REQUIRE(lab.init(std::move(all), latent::SessionMode::Sliced, settings).is_ok());
  lab.set_training(true);
  for (int i = 0; i < 1000 && lab.snapshot().epoch < 1; ++i) lab.update(0.05);
  lab.update(0);
  REQUIRE(lab.snapshot().epoch == 1);
  const std::string page_file = dir.file(lab.weights_file_name());
  write_bytes(page_file, lab.weights_file());
  const Run e = run({"eval", "--weights", page_file, "--json"});
  REQUIRE(e.status == 0);
  CHECK(json::parse(e.out).at("test_loss").get<double>() == Approx(lab.snapshot().test_loss).epsilon(1e-5));

  const std::string cli_file = dir.file("cli.safetensors");
  REQUIRE(run({"train", "--epochs", "2", "--seed", "4", "--save", cli_file}).status == 0);
  latent::Metadata meta;
  std::unique_ptr<latent::Autoencoder> model;
  REQUIRE(latent::load_safetensors(cli_file, model, &meta).is_ok());
  REQUIRE(lab.load_weights(read_bytes(cli_file), "cli.safetensors").is_ok());
  lab.update(0);
  CHECK(lab.snapshot().origin == "from cli.safetensors, 2 epochs");
  CHECK(lab.snapshot().test_loss == Approx(std::stod(meta.at("test_loss"))).epsilon(1e-5));
}

TEST_CASE("latent train --variant: each variant's --json and weights, and eval evaluates them the same way", "[cli][variants]") {
  TempDir dir;
  struct Case {
    std::vector<std::string> args;
    const char* extra_key;  // the variant's own test term, or null
    const char* variant;
  };
  const std::vector<Case> cases = {
      {{"--variant", "denoising", "--noise", "mask", "--noise-level", "0.25"}, nullptr, "denoising"},
      {{"--variant", "sparse", "--sparsity", "0.001"}, "test_penalty", "sparse"},
      {{"--variant", "vae", "--latent", "2", "--hidden", "64", "--beta", "0.5"}, "test_kl", "vae"},
  };
  for (const Case& c : cases) {
    INFO(c.variant);
    const std::string weights = dir.file(std::string(c.variant) + ".safetensors");
    std::vector<std::string> args{"train", "--epochs", "2", "--json", "--save", weights};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const Run r = run(args);
    INFO(r.err);
    REQUIRE(r.status == 0);
    const auto out = lines(r.out);
    REQUIRE(out.size() == 2);
    const json last = json::parse(out[1]);
    CHECK(last.at("test_loss").get<double>() < json::parse(out[0]).at("test_loss").get<double>());
    if (c.extra_key != nullptr) CHECK(last.at(c.extra_key).get<double>() > 0);
    std::unique_ptr<latent::Autoencoder> model;
    latent::Metadata meta;
    REQUIRE(latent::load_safetensors(weights, model, &meta).is_ok());
    CHECK(meta.at("trained_variant") == c.variant);
    // eval reads the variant from the file: the denoiser's test images get the same noise, so the loss agrees.
    const Run e = run({"eval", "--weights", weights, "--json"});
    REQUIRE(e.status == 0);
    const json j = json::parse(e.out);
    CHECK(j.at("test_loss").get<double>() == Approx(last.at("test_loss").get<double>()).epsilon(1e-5));
    if (c.extra_key != nullptr) {
      CHECK(j.at(c.extra_key).get<double>() == Approx(last.at(c.extra_key).get<double>()).epsilon(1e-4));
    }
  }
}

TEST_CASE("the same seed gives bit-identical weights in separate processes", "[cli][determinism]") {
  // Different argument and environment sizes move the heap, so buffers land at other addresses: the weights
  // must not depend on that.
  TempDir dir;
  const std::string a = dir.file("a.safetensors");
  const std::string b = dir.file("a-much-longer-file-name-that-shifts-the-heap-by-some-bytes.safetensors");
  REQUIRE(run({"train", "--epochs", "3", "--hidden", "48", "--save", a}).status == 0);
  ::setenv("LATENT_TEST_PADDING", std::string(777, 'x').c_str(), 1);
  REQUIRE(run({"train", "--epochs", "3", "--hidden", "48", "--json", "--save", b}).status == 0);
  ::unsetenv("LATENT_TEST_PADDING");
  std::unique_ptr<latent::Autoencoder> ma, mb;
  REQUIRE(latent::load_safetensors(a, ma).is_ok());
  REQUIRE(latent::load_safetensors(b, mb).is_ok());
  REQUIRE(ma->parameters().size() == mb->parameters().size());
  CHECK(std::memcmp(ma->parameters().data(), mb->parameters().data(), ma->parameters().size_bytes()) == 0);
}

TEST_CASE("latent train with explicit files and a deep model and a test pair", "[cli]") {
  TempDir dir;
  write_bytes(dir.file("i.gz"), gzip_bytes(idx_images(40, 28, 28)));
  write_bytes(dir.file("l"), idx_labels(40));
  const Run split = run({"train", "--images", dir.file("i.gz"), "--labels", dir.file("l"), "--epochs", "1",
                         "--hidden", "64,48", "--latent", "8", "--activation", "tanh", "--batch", "16", "--json"});
  REQUIRE(split.status == 0);
  CHECK(json::parse(split.out).at("epoch") == 1);
  const Run pair = run({"train", "--images", dir.file("i.gz"), "--labels", dir.file("l"), "--test-images",
                        dir.file("i.gz"), "--test-labels", dir.file("l"), "--epochs", "2", "--loss", "mse"});
  REQUIRE(pair.status == 0);
  CHECK_THAT(pair.out, Catch::Contains("on 40 train / 40 test images"));
  CHECK_THAT(pair.out, Catch::Contains("epoch 2/2"));
}

TEST_CASE("latent bench --json prints samples per second and GFLOP/s", "[cli]") {
  const Run r = run({"bench", "--steps", "3", "--json"});
  REQUIRE(r.status == 0);
  const json j = json::parse(r.out);
  CHECK(j.at("samples_per_sec").get<double>() > 0);
  CHECK(j.at("gflops").get<double>() > 0);
  CHECK(j.at("batch") == 256);
  CHECK(j.at("threads") == 1);
}

TEST_CASE("latent train and bench with --threads: the same seed twice gives the same weights", "[cli][threads]") {
  TempDir dir;
  const std::string a = dir.file("a.safetensors"), b = dir.file("b.safetensors");
  const Run one = run({"train", "--epochs", "2", "--threads", "2", "--json", "--save", a});
  REQUIRE(one.status == 0);
  REQUIRE(run({"train", "--epochs", "2", "--threads", "2", "--save", b}).status == 0);
  std::unique_ptr<latent::Autoencoder> ma, mb;
  REQUIRE(latent::load_safetensors(a, ma).is_ok());
  REQUIRE(latent::load_safetensors(b, mb).is_ok());
  CHECK(std::memcmp(ma->parameters().data(), mb->parameters().data(), ma->parameters().size_bytes()) == 0);
  const Run single = run({"train", "--epochs", "2", "--json"});
  const double loss2 = json::parse(one.out.substr(one.out.rfind('{'))).at("test_loss").get<double>();
  const double loss1 = json::parse(single.out.substr(single.out.rfind('{'))).at("test_loss").get<double>();
  CHECK(loss2 == Approx(loss1).epsilon(1e-4));
  const Run bench = run({"bench", "--steps", "3", "--threads", "2", "--json"});
  REQUIRE(bench.status == 0);
  CHECK(json::parse(bench.out).at("threads") == 2);
  expect_bad_input({"train", "--threads", "0"}, "thread count: expected a whole number from 1 to 64, got '0'");
}

TEST_CASE("bad arguments exit 2 with a one-line message", "[cli][errors]") {
  expect_bad_input({"frobnicate"}, "unknown command 'frobnicate'");
  expect_bad_input({"train", "--epoch", "3"}, "unknown option '--epoch'");
  expect_bad_input({"train", "--epochs"}, "--epochs needs a value");
  expect_bad_input({"train", "--epochs", "abc"}, "epoch target: expected a whole number from 1 to 100000, got 'abc'");
  expect_bad_input({"train", "--epochs", "0"}, "got '0'");
  expect_bad_input({"train", "--batch", "-5"}, "batch size: expected a whole number");
  expect_bad_input({"train", "--lr", "fast"}, "learning rate: expected a number from 1e-06 to 10, got 'fast'");
  expect_bad_input({"train", "--lr", "-1"}, "learning rate");
  expect_bad_input({"train", "--latent", "1"}, "latent size: expected a whole number from 2 to 1024, got '1'");
  expect_bad_input({"train", "--hidden", "128;64"}, "hidden layers: expected up to 6 widths");
  expect_bad_input({"train", "--activation", "gelu"}, "activation: expected relu, sigmoid, tanh or linear");
  expect_bad_input({"train", "--loss", "l1"}, "loss: expected bce or mse");
  expect_bad_input({"train", "--optimizer", "lbfgs"}, "optimizer: expected adam or sgd");
  expect_bad_input({"train", "--seed", "-1"}, "seed: expected a whole number from 0 to 9007199254740991");
  expect_bad_input({"train", "--json=yes"}, "--json takes no value");
  expect_bad_input({"train", "stray"}, "unexpected argument 'stray'");
  expect_bad_input({"train", "--images", "a.idx"}, "--images and --labels must be given together");
  expect_bad_input({"train", "--test-images", "a", "--test-labels", "b"}, "--test-images needs --images");
  expect_bad_input({"eval"}, "--weights F.safetensors is required");
  expect_bad_input({"bench", "--steps", "x"}, "--steps: expected a whole number");
  expect_bad_input({"train", "--variant", "contractive"}, "variant: expected plain, denoising, sparse or vae, got 'contractive'");
  expect_bad_input({"train", "--beta", "2"}, "beta applies to variant vae only");
  expect_bad_input({"train", "--variant", "sparse", "--noise", "mask"}, "noise applies to variant denoising only");
  expect_bad_input({"train", "--variant", "denoising", "--noise", "salt"}, "noise: expected gaussian or mask, got 'salt'");
  expect_bad_input({"train", "--variant", "denoising", "--noise-level", "2"}, "noise level: expected a number from 0 to 1, got '2'");
  expect_bad_input({"train", "--variant", "sparse", "--sparsity", "x\n"}, "sparsity: expected a number from 0 to 1, got 'x\\n'");
  const Run none = run({});
  CHECK(none.status == 2);
  CHECK_THAT(none.err, Catch::Contains("usage:"));
}

TEST_CASE("every argument is checked before any file is touched; special files are refused", "[cli][errors]") {
  TempDir dir;
  // A bad learning rate with missing data files: the rate is named, not the files.
  expect_bad_input({"train", "--images", dir.file("missing-images"), "--labels", dir.file("missing-labels"), "--lr", "-1"},
                   "learning rate");
  // ... nor is --save tried first.
  expect_bad_input({"train", "--save", dir.file("w.safetensors"), "--batch", "64", "--lr", "0"}, "learning rate");
  CHECK_FALSE(std::filesystem::exists(dir.file("w.safetensors.partial")));
  // A FIFO as input is refused at once (opening it would wait for a writer forever), and as --save it stays a FIFO.
  const std::string fifo = dir.file("pipe");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  expect_bad_input({"train", "--images", fifo, "--labels", fifo}, fifo + ": is a FIFO (named pipe), not a regular file");
  expect_bad_input({"eval", "--weights", fifo}, fifo + ": is a FIFO (named pipe), not a regular file");
  expect_bad_input({"eval", "--weights", "/dev/zero"}, "/dev/zero: is a character device, not a regular file");
  expect_bad_input({"train", "--epochs", "1", "--save", fifo}, fifo + ": is a FIFO (named pipe); weights are written only to a regular file");
  CHECK(std::filesystem::is_fifo(fifo));
  // Text from the command line comes back quoted and escaped, on one line.
  expect_bad_input({"train", "--activation", "re\nlu"}, "got 're\\nlu'");
  expect_bad_input({"train", std::string("--bad\x1b[2J")}, "unknown option '--bad\\x1b[2J'");
}

TEST_CASE("a run that needs more memory than --memory-limit is refused before any file is touched", "[cli][errors][memory]") {
  TempDir dir;
  // The largest shape allowed at the largest batch: about 21 GB, refused at once with what it needs (the data files
  // are missing: they are not read first). Before, the process grew until it was killed.
  expect_bad_input({"train", "--hidden", "4096,4096,4096,4096,4096,4096", "--batch", "65536", "--images",
                    dir.file("missing"), "--labels", dir.file("missing")},
                   "training 784-4096x6-32-4096x6-784 relu at batch 65536 on "
                   "1 thread(s) needs 21 GB (weights 5.9 GB, batch work 15 GB); the memory limit is 2.0 GB; raise it with "
                   "--memory-limit");
  expect_bad_input({"bench", "--batch", "65536", "--threads", "2", "--memory-limit", "1G"},
                   "benchmarking 784-32-784 relu at batch 65536 on 2 thread(s) needs");
  expect_bad_input({"train", "--memory-limit", "lots"}, "--memory-limit: memory size 'lots' is not a size such as 2G");
  expect_bad_input({"train", "--memory-limit", "0"}, "--memory-limit: memory size '0'");
  // The seed model with its data under a 4 MiB limit: refused once the data's size is known.
  expect_bad_input({"train", "--epochs", "1", "--memory-limit", "4M"}, "needs");
  // A raised limit lets a large run through (one short epoch of a wide model on the bundled digits); its weights
  // file is refused by eval under a limit below its model, before the model is built.
  const std::string weights = dir.file("wide.safetensors");
  const Run wide = run({"train", "--hidden", "2048", "--epochs", "1", "--batch", "512", "--memory-limit", "4G", "--json",
                        "--save", weights});
  CHECK(wide.status == 0);
  expect_bad_input({"eval", "--weights", weights, "--memory-limit", "8M"},
                   weights + ": architecture 784-2048-32-2048-784 relu needs 26 MB for its weights and gradients; the "
                   "memory limit is 8.0 MB");
}

TEST_CASE("a learning rate that explodes stops training with a one-line error and exit 1", "[cli][errors]") {
  TempDir dir;
  const Run r = run({"train", "--lr", "10", "--epochs", "2", "--json", "--save", dir.file("w.safetensors")});
  CHECK(r.status == 1);
  CHECK(r.out.empty());  // no epoch finished
  REQUIRE(lines(r.err).size() == 1);
  CHECK_THAT(r.err, Catch::StartsWith("latent: error: training diverged at step ") &&
                        Catch::Contains("Try a lower learning rate than 10."));
  CHECK_FALSE(std::filesystem::exists(dir.file("w.safetensors")));  // untrained weights are not saved
}

TEST_CASE("bad files exit 2 with a message that names the file", "[cli][errors]") {
  TempDir dir;
  write_bytes(dir.file("junk"), {'h', 'e', 'l', 'l', 'o', '!', '!', '!', '!', '!'});
  write_bytes(dir.file("labels"), idx_labels(3));
  write_bytes(dir.file("images"), idx_images(4, 28, 28));
  write_bytes(dir.file("images3"), idx_images(3, 28, 28));
  write_bytes(dir.file("small"), idx_images(3, 10, 10));
  expect_bad_input({"train", "--images", dir.file("nope"), "--labels", dir.file("labels")}, dir.file("nope") + ": cannot open");
  expect_bad_input({"train", "--images", dir.file("junk"), "--labels", dir.file("labels")},
                   dir.file("junk") + ": bad magic number");
  expect_bad_input({"train", "--images", dir.file("images"), "--labels", dir.file("labels")},
                   "holds 4 images but " + dir.file("labels") + " holds 3 labels");
  expect_bad_input({"train", "--images", dir.file("images3"), "--labels", dir.file("labels"), "--test-images",
                    dir.file("small"), "--test-labels", dir.file("labels")}, "images are 10x10 but the training images are 28x28");
  expect_bad_input({"eval", "--weights", dir.file("junk")}, dir.file("junk") + ": safetensors header length");
  expect_bad_input({"eval", "--weights", dir.file("missing.safetensors")}, "missing.safetensors: cannot open");
  expect_bad_input({"train", "--epochs", "1", "--save", dir.file("no/such/dir/w.safetensors")}, "cannot write");
  expect_bad_input({"train", "--epochs", "1", "--save", dir.path().string()}, "is a folder");

  // A model for 784 pixels evaluated on 10x10 images.
  const Run saved = run({"train", "--epochs", "1", "--save", dir.file("w.safetensors"), "--json"});
  REQUIRE(saved.status == 0);
  write_bytes(dir.file("small-labels"), idx_labels(3));
  expect_bad_input({"eval", "--weights", dir.file("w.safetensors"), "--images", dir.file("small"), "--labels",
                    dir.file("small-labels")}, "images have 100 pixels; the model");
}

TEST_CASE("docs/cli.md shows exactly what latent --help prints", "[cli][docs]") {
  const Run help = run({"--help"});
  REQUIRE(help.status == 0);
  const auto bytes = read_bytes(std::string(LATENT_SOURCE_DIR) + "/docs/cli.md");
  const std::string doc(bytes.begin(), bytes.end());
  const std::string open = "<!-- latent --help -->\n```text\n", close = "```\n<!-- end of latent --help -->";
  const std::size_t from = doc.find(open), to = doc.find(close);
  REQUIRE(from != std::string::npos);
  REQUIRE(to != std::string::npos);
  INFO("regenerate the block in docs/cli.md from build/native/latent --help");
  CHECK(doc.substr(from + open.size(), to - from - open.size()) == help.out);
  // The usage lists every setting flag of the schema (test_settings_schema.cpp checks its lines).
  for (const latent::SettingRow& row : latent::settings_schema()) {
    if (row.flag != nullptr) CHECK_THAT(help.out, Catch::Contains(std::string("  ") + row.flag + " "));
  }
}

