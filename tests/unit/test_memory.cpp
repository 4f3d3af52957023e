// Memory budgets (core/memory.hpp): the estimate against the heap that sessions really use, the refusals before
// anything is allocated (sessions, weights files), and the sizes people type.
#include <catch2/catch.hpp>

#include <cstdio>

#include "core/memory.hpp"
#include "core/safetensors.hpp"
#include "core/training_session.hpp"
#include "helpers.hpp"

#if defined(__GLIBC__) && !defined(LATENT_SANITIZED)
#include <malloc.h>
#define LATENT_MEASURE_HEAP 1
#endif

using namespace latent;

namespace {

std::shared_ptr<const DatasetSplit> small_digits() {
  static std::shared_ptr<const DatasetSplit> split = [] {
    const DatasetSplit& all = testing::bundled_digits();
    std::vector<std::size_t> train(1500), test(500);
    for (std::size_t i = 0; i < train.size(); ++i) train[i] = i;
    for (std::size_t i = 0; i < test.size(); ++i) test[i] = i;
    return std::make_shared<const DatasetSplit>(DatasetSplit{all.train.subset(train), all.test.subset(test)});
  }();
  return split;
}

SessionSettings settings_for(std::vector<int> hidden, int latent, int batch, int threads, Variant variant) {
  SessionSettings s;
  s.shape.hidden = std::move(hidden);
  s.shape.latent = latent;
  s.batch_size = batch;
  s.threads = std::min(threads, kThreadsAvailable);
  s.objective.variant = variant;
  return s;
}

}  // namespace

#ifdef LATENT_MEASURE_HEAP
namespace {
SessionSettings conv_settings(std::vector<int> channels, int bottleneck, int batch, int threads, Variant variant) {
  SessionSettings s = settings_for({}, 32, batch, threads, variant);
  s.shape.kind = ModelKind::Conv;
  s.shape.channels = std::move(channels);
  s.shape.bottleneck = bottleneck;
  return s;
}

// Bytes the program holds on the heap now, in every arena and in mmapped blocks (glibc).
std::int64_t heap_in_use() {
  const struct mallinfo2 m = mallinfo2();
  return static_cast<std::int64_t>(m.uordblks + m.hblkhd);
}
}  // namespace

TEST_CASE("memory: the estimate covers what a training session holds, and is not far above it", "[memory]") {
  const auto data = small_digits();
  struct Case {
    const char* name;
    SessionSettings settings;
  };
  const Case cases[] = {
      {"seed model, batch 256", settings_for({}, 32, 256, 1, Variant::Plain)},
      {"512-128, batch 1024, 2 threads", settings_for({512, 128}, 32, 1024, 2, Variant::Plain)},
      {"denoising, batch 4096", settings_for({}, 32, 4096, 1, Variant::Denoising)},
      {"VAE 256-2, batch 128, 2 threads", settings_for({256}, 2, 128, 2, Variant::Variational)},
      {"1024-1024, batch 64", settings_for({1024, 1024}, 16, 64, 1, Variant::Plain)},
      {"latent 1024 (wider than the input), batch 256", settings_for({}, 1024, 256, 1, Variant::Plain)},
      {"conv 16,8,8, batch 256, 2 threads", conv_settings({16, 8, 8}, 0, 256, 2, Variant::Plain)},
      {"conv 32,64, batch 64", conv_settings({32, 64}, 0, 64, 1, Variant::Denoising)},
      {"conv VAE 16,8,8 bottleneck 2, batch 128", conv_settings({16, 8, 8}, 2, 128, 1, Variant::Variational)},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    malloc_trim(0);
    const std::int64_t before = heap_in_use();
    std::int64_t used = 0;
    {
      std::unique_ptr<TrainingSession> session;
      REQUIRE(TrainingSession::create(data, c.settings, session).is_ok());
      session->handle(command::Start{});
      // Past an epoch's end, so the end-of-epoch test evaluation has run on every thread too.
      const int steps = session->snapshot(false).batches_per_epoch + 2;
      for (int i = 0; i < steps; ++i) session->run_for(0.0);
      const Snapshot held = session->snapshot(true);  // an interface holds one snapshot with the weights
      REQUIRE(held.epoch >= 1);
      used = heap_in_use() - before;
    }
    const MemoryNeed need = training_memory(c.settings.train_config(), data->train.size(), data->test.size());
    // The data was on the heap before; the estimate's data part beyond it is the batch order.
    const auto estimate = static_cast<std::int64_t>(need.weights + need.work) +
                          static_cast<std::int64_t>(data->train.size() * sizeof(std::size_t));
    std::printf("memory estimate for %-34s %10lld bytes, measured %10lld (%.2fx)\n", c.name,
                static_cast<long long>(estimate), static_cast<long long>(used),
                static_cast<double>(estimate) / static_cast<double>(used));
    CHECK(used <= estimate);
    // Conservative (it counts the transient copies too) but within 1.6x of the steady state.
    CHECK(static_cast<double>(estimate) <= 1.6 * static_cast<double>(used));
  }
}
#endif

TEST_CASE("memory: a session refuses what does not fit its limit, before allocating, and keeps its model", "[memory]") {
  const auto data = small_digits();
  const SessionSettings seed = settings_for({}, 32, 256, 1, Variant::Plain);
  const std::uint64_t seed_need = training_memory(seed.train_config(), data->train.size(), data->test.size()).total();
  SessionLimits limits;
  limits.memory = seed_need + (std::uint64_t{1} << 20);  // the seed model fits; 6 x 4096 does not

  // At creation: a limit below the seed model's need.
  {
    std::unique_ptr<TrainingSession> none;
    SessionLimits tiny = limits;
    tiny.memory = seed_need / 2;
    const Status s = TrainingSession::create(data, seed, none, true, tiny);
    REQUIRE_FALSE(s);
    CHECK(none == nullptr);
    CHECK_THAT(s.message(), Catch::Contains("training 784-32-784 relu at batch 256 on 1 thread(s) needs") &&
                                Catch::Contains("the memory limit is") && Catch::Contains("try a smaller model"));
    CHECK(s.message().find('\n') == std::string::npos);
  }

  std::unique_ptr<TrainingSession> session;
  REQUIRE(TrainingSession::create(data, seed, session, true, limits).is_ok());
  const std::uint64_t revision = session->snapshot(false).weights_revision;

  // The largest shape allowed, a larger batch, more threads: each refused with what it needs; the model stays.
  SessionSettings huge = seed;
  huge.shape.hidden = std::vector<int>(Architecture::kMaxHiddenLayers, Architecture::kMaxWidth);
  session->handle(command::Apply{huge});
  Snapshot after = session->snapshot(false);
  CHECK_THAT(after.error, Catch::Contains("needs") && Catch::Contains("GB (weights"));
  CHECK(after.weights_revision == revision);
  CHECK(after.settings.shape.hidden.empty());

  SessionSettings big_batch = seed;
  big_batch.batch_size = 1500;
  session->handle(command::Apply{big_batch});
  after = session->snapshot(false);
  CHECK_THAT(after.error, Catch::Contains("at batch 1500") && Catch::Contains("needs"));
  CHECK(after.settings.batch_size == 256);

  // Adopting weights of a model too large for the limit.
  SessionSettings wide = seed;
  wide.shape.hidden = {1024};
  auto model = std::make_shared<Autoencoder>(wide.architecture());
  session->handle(command::Adopt{model, "wide"});
  after = session->snapshot(false);
  CHECK_THAT(after.error, Catch::Contains("784-1024-32-1024-784") && Catch::Contains("needs"));
  CHECK(after.weights_revision == revision);

  // The benchmark's trainer runs beside the session's: the two together must fit.
  session->handle(command::Bench{seed, 5});
  after = session->snapshot(false);
  CHECK_THAT(after.error, Catch::Contains("benchmarking 784-32-784 relu at batch 256 on 1 thread(s) beside the session needs"));
  CHECK(after.bench_id == 0);

  // What fits still applies, and the session still trains.
  SessionSettings smaller = seed;
  smaller.batch_size = 128;
  session->handle(command::Apply{smaller});
  after = session->snapshot(false);
  CHECK(after.error.empty());
  CHECK(after.settings.batch_size == 128);
  session->handle(command::Start{});
  for (int i = 0; i < 3; ++i) CHECK(session->run_for(0.0) == 1);
}

TEST_CASE("memory: a weights file's model is checked against the limit before it is built", "[memory]") {
  Architecture arch;
  arch.hidden = {256};
  Autoencoder model(arch);
  model.initialize(3);
  const std::vector<std::uint8_t> bytes = encode_safetensors(model);
  std::unique_ptr<Autoencoder> loaded;
  const Status refused = decode_safetensors(bytes, "wide.safetensors", loaded, nullptr, model_memory(arch) - 1);
  REQUIRE_FALSE(refused);
  CHECK(loaded == nullptr);
  CHECK(refused.message() == "wide.safetensors: architecture 784-256-32-256-784 relu needs " +
                                 bytes_text(model_memory(arch)) +
                                 " for its weights and gradients; the memory limit is " +
                                 bytes_text(model_memory(arch) - 1));
  REQUIRE(decode_safetensors(bytes, "wide.safetensors", loaded, nullptr, model_memory(arch)).is_ok());
  CHECK(loaded->architecture() == arch);
  CHECK(model_memory(arch) == 2 * arch.parameter_count() * sizeof(float));
}

TEST_CASE("memory: sizes are read and written the way people write them", "[memory]") {
  std::uint64_t b = 0;
  REQUIRE(parse_memory_size("2G", b));
  CHECK(b == (std::uint64_t{2} << 30));
  REQUIRE(parse_memory_size("512M", b));
  CHECK(b == (std::uint64_t{512} << 20));
  REQUIRE(parse_memory_size("1500", b));  // MiB
  CHECK(b == (std::uint64_t{1500} << 20));
  REQUIRE(parse_memory_size("1.5GB", b));
  CHECK(b == (std::uint64_t{3} << 29));
  REQUIRE(parse_memory_size("2048k", b));
  CHECK(b == (std::uint64_t{2} << 20));
  for (const char* bad : {"", "G", "0", "-1G", "+1G", " 1G", "1X", "1GG", "nan", "inf", "1e30", "512K", "2T", "1G "}) {
    INFO(bad);
    const Status s = parse_memory_size(bad, b);
    CHECK_FALSE(s);
  }
  Architecture deep;
  deep.hidden = {4096, 4096, 4096, 4096, 4096, 4096};
  CHECK(compact_description(deep) == "784-4096x6-32-4096x6-784 relu");
  deep.hidden = {512, 512};
  deep.variational = true;
  CHECK(compact_description(deep) == "784-512-512-32-512-512-784 relu vae");
  deep.hidden = {};
  deep.latent = 784;
  CHECK(compact_description(deep) == "784x3 relu vae");
  CHECK(bytes_text(0) == "0 bytes");
  CHECK(bytes_text(1023) == "1023 bytes");
  CHECK(bytes_text(1536) == "1.5 KB");
  CHECK(bytes_text(std::uint64_t{2} << 30) == "2.0 GB");
  CHECK(bytes_text(std::uint64_t{300} << 20) == "300 MB");
}
