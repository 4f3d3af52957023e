// TrainingSession: its commands and snapshots; data-parallel steps that are bit-identical for a thread count;
// SessionThread publishing while it trains; and a storm of commands sent while it trains (run under
// ThreadSanitizer by the tsan preset).
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>

#include "core/checkpoint.hpp"
#include "core/session_host.hpp"
#include "core/training_session.hpp"
#include "helpers.hpp"

using namespace latent;

namespace {

// The bundled digits' split, loaded once per process (ctest runs each case alone).
std::shared_ptr<const DatasetSplit> bundled_split() {
  static std::shared_ptr<const DatasetSplit> split = [] {
    Dataset all = latent::testing::bundled_dataset();
    return std::make_shared<const DatasetSplit>(split_stratified(all));
  }();
  return split;
}

// A smaller split for the threaded tests: 1,200 training and 300 test digits.
std::shared_ptr<const DatasetSplit> small_split() {
  static std::shared_ptr<const DatasetSplit> split = [] {
    const DatasetSplit& all = *bundled_split();
    std::vector<std::size_t> train(1200), test(300);
    for (std::size_t i = 0; i < train.size(); ++i) train[i] = i;
    for (std::size_t i = 0; i < test.size(); ++i) test[i] = i;
    return std::make_shared<const DatasetSplit>(DatasetSplit{all.train.subset(train), all.test.subset(test)});
  }();
  return split;
}

std::unique_ptr<TrainingSession> make_session(SessionSettings settings = {},
                                              std::shared_ptr<const DatasetSplit> data = bundled_split()) {
  std::unique_ptr<TrainingSession> s;
  REQUIRE(TrainingSession::create(std::move(data), settings, s).is_ok());
  return s;
}

void train_steps(TrainingSession& s, int steps) {
  s.handle(command::Start{});
  for (int i = 0; i < steps; ++i) REQUIRE(s.run_for(0.0) == 1);
  s.handle(command::Pause{});
}

template <class Ready> bool wait_for(Ready ready, double seconds = 60) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return ready();
}

}  // namespace

TEST_CASE("a new session: random weights from the seed, nothing trained, a snapshot of it all", "[session]") {
  auto s = make_session();
  const Snapshot a = s->snapshot();
  CHECK(a.origin == "random weights (seed 1)");
  CHECK_FALSE(a.training);
  CHECK_FALSE(a.has_training());
  CHECK(a.step == 0);
  CHECK(a.commands == 0);
  CHECK(a.batches_per_epoch == 32);
  CHECK(a.settings.shape.input == 784);
  CHECK(a.test_loss > 0.6f);
  CHECK(a.test_curve.size() == 1);
  CHECK(a.parameters.size() == Autoencoder(a.settings.architecture()).parameters().size());
  CHECK(s->snapshot(false).parameters.empty());
  CHECK(s->snapshot().revision > a.revision);

  SessionSettings bad;
  bad.shape.latent = 2000;
  std::unique_ptr<TrainingSession> none;
  const Status st = TrainingSession::create(bundled_split(), bad, none);
  CHECK_FALSE(st.is_ok());
  CHECK(st.message() == "latent size: expected a whole number from 2 to 1024, got '2000'");
}

TEST_CASE("start, steps, pause; the target stops training and Start extends it", "[session]") {
  SessionSettings settings;
  settings.target_epochs = 2;
  auto s = make_session(settings);
  const std::uint64_t w0 = s->weights_revision();
  CHECK(s->run_for(1.0) == 0);  // paused: nothing
  s->handle(command::Start{});
  CHECK(s->run_for(0.0) == 1);
  CHECK(s->weights_revision() != w0);
  Snapshot a = s->snapshot();
  CHECK(a.training);
  CHECK(a.step == 1);
  CHECK(a.commands == 1);
  CHECK(a.train_loss > 0.0f);
  while (s->training()) s->run_for(0.05);
  a = s->snapshot();
  CHECK(a.epoch == 2);
  CHECK(a.step == 64);
  CHECK(a.samples_seen == 16000);
  REQUIRE(a.epochs.size() == 2);
  CHECK(a.epochs[1].epoch == 2);
  CHECK(a.epochs[1].samples == 8000);
  CHECK(a.epochs[1].test_loss == a.test_loss);
  CHECK(a.epochs[1].seconds >= a.epochs[1].train_seconds);
  CHECK(a.test_curve.size() == 3);
  CHECK(a.test_loss < a.test_curve.front().loss);
  CHECK(a.samples_per_sec == 0.0);  // not training

  s->handle(command::Start{});  // at the target: 20 more epochs
  CHECK(s->snapshot().settings.target_epochs == 22);
  CHECK(s->training());
  s->handle(command::SetTarget{3});
  CHECK(s->snapshot().settings.target_epochs == 3);
  s->handle(command::Pause{});
  CHECK_FALSE(s->training());
  CHECK(s->run_for(1.0) == 0);

  // The target resets with the model: a reset, new weights, or a new shape start a new run of the default length.
  s->handle(command::SetTarget{40});
  s->handle(command::Reset{2});
  CHECK(s->snapshot().settings.target_epochs == SessionSettings{}.target_epochs);
  s->handle(command::SetTarget{40});
  SessionSettings wider = s->settings();
  wider.shape.latent = 16;
  s->handle(command::Apply{wider});
  CHECK(s->snapshot().settings.target_epochs == SessionSettings{}.target_epochs);
  wider.shape.latent = 8;  // a new shape with a target of its own keeps it
  wider.target_epochs = 7;
  s->handle(command::Apply{wider});
  CHECK(s->snapshot().settings.target_epochs == 7);
}

TEST_CASE("Step runs exactly its steps and pauses, across an epoch's end and past the target", "[session]") {
  SessionSettings settings;
  settings.target_epochs = 1;
  auto s = make_session(settings);  // 32 batches an epoch
  s->handle(command::Step{3});
  Snapshot a = s->snapshot();
  CHECK(a.training);
  CHECK(a.steps_left == 3);
  while (s->training()) s->run_for(1.0);  // a budget for many: it still stops at 3
  a = s->snapshot();
  CHECK(a.step == 3);
  CHECK(a.steps_left == 0);
  CHECK_FALSE(a.training);
  CHECK(s->run_for(1.0) == 0);

  // Across the epoch's end: the epoch is evaluated, the target (1) reached, and Step extended it first.
  s->handle(command::Step{30});
  while (s->training() || s->unfinished()) s->run_for(1.0);
  a = s->snapshot();
  CHECK(a.step == 33);
  CHECK(a.epoch == 1);
  CHECK(a.epochs.size() == 1);
  s->handle(command::Step{1});
  CHECK(s->snapshot().settings.target_epochs == 1 + SessionSettings::kEpochsPerExtension);
  s->run_for(0.0);
  CHECK(s->snapshot().step == 34);

  // While training, Step stops it after its steps; Start after a Step trains on to the target.
  s->handle(command::Start{});
  s->run_for(0.0);
  s->handle(command::Step{2});
  CHECK(s->run_for(1.0) == 2);
  CHECK(s->snapshot().step == 37);
  CHECK_FALSE(s->training());
  s->handle(command::Step{1});
  s->handle(command::Start{});
  CHECK(s->snapshot().steps_left == 0);
  CHECK(s->run_for(0.0) == 1);
  CHECK(s->run_for(0.0) == 1);
  CHECK(s->training());

  // Refused: out of range, and nothing changes.
  s->handle(command::Pause{});
  s->handle(command::Step{0});
  CHECK(s->snapshot().error == "steps: expected a whole number from 1 to 1000000, got 0");
  CHECK_FALSE(s->training());
}

TEST_CASE("slow motion: steps come at the pace asked for, on a session thread and in a sliced session", "[session][threads]") {
  SessionSettings settings;
  settings.steps_per_second = 20;
  using Clock = std::chrono::steady_clock;
  {
    SessionThread host(make_session(settings, small_split()));
    const auto t0 = Clock::now();
    const std::uint64_t n = host.send(command::Step{6});
    REQUIRE(wait_for([&] { return host.latest()->commands >= n && !host.latest()->training; }));
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    CHECK(host.latest()->step == 6);
    CHECK(seconds >= 0.2);  // the first at once, five more 50 ms apart
    // Every step of a slow run is published: a reader sees each one.
    settings.steps_per_second = 10;
    host.send(command::Apply{settings});
    std::vector<std::int64_t> seen;
    const std::uint64_t m = host.send(command::Step{4});
    REQUIRE(wait_for([&] {
      const auto snap = host.latest();
      if (snap->commands >= m && (seen.empty() || seen.back() != snap->step)) seen.push_back(snap->step);
      return snap->commands >= m && !snap->training;
    }));
    if (!seen.empty() && seen.front() == 6) seen.erase(seen.begin());  // before the first step, if read in time
    CHECK(seen == std::vector<std::int64_t>{7, 8, 9, 10});
  }
  // Two steps a second: far longer between steps than one step takes, even under ThreadSanitizer (a step of 100
  // ms or more there ran two in a frame at ten a second, the next being due as soon as the first was done).
  settings.steps_per_second = 2;
  SlicedSession sliced(make_session(settings, small_split()));
  sliced.send(command::Start{});
  sliced.frame(0.2);  // one step, then the next is not due for 500 ms
  CHECK(sliced.latest()->step == 1);
  sliced.frame(0.2);
  CHECK(sliced.latest()->step == 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  sliced.frame(0.2);
  CHECK(sliced.latest()->step >= 2);
  CHECK(sliced.latest()->step <= 3);  // a late frame catches up one step at most, not a burst
}

TEST_CASE("reset gives the seed's weights; apply keeps or replaces the model; bad commands change nothing", "[session]") {
  auto s = make_session();
  train_steps(*s, 5);
  s->handle(command::Reset{7});
  const Snapshot fresh = s->snapshot();
  CHECK(fresh.origin == "random weights (seed 7)");
  CHECK(fresh.step == 0);
  CHECK(fresh.settings.seed == 7);
  SessionSettings seven;
  seven.seed = 7;
  CHECK(make_session(seven)->snapshot().parameters == fresh.parameters);

  // The learning rate applies to the current weights and keeps the counters.
  train_steps(*s, 3);
  SessionSettings lr = s->settings();
  lr.optimizer.learning_rate = 0.01f;
  s->handle(command::Apply{lr});
  Snapshot a = s->snapshot();
  CHECK(a.step == 3);
  CHECK(a.settings.optimizer.learning_rate == 0.01f);

  // A batch size keeps the weights; the counters restart, but the weights still carry their training.
  SessionSettings batch = a.settings;
  batch.batch_size = 64;
  s->handle(command::Apply{batch});
  s->finish();
  const Snapshot b = s->snapshot();
  CHECK(b.parameters == a.parameters);
  CHECK(b.step == 0);
  CHECK(b.batches_per_epoch == 125);
  CHECK(b.has_training());

  // A new shape is a new model.
  SessionSettings shape = b.settings;
  shape.shape.latent = 16;
  shape.shape.hidden = {64};
  s->handle(command::Apply{shape});
  const Snapshot c = s->snapshot();
  CHECK(c.settings.architecture().describe() == "784-64-16-64-784 relu");
  CHECK_FALSE(c.has_training());
  CHECK(c.error.empty());

  // Refused: out-of-range settings and weights that do not fit. Nothing changes but the error.
  SessionSettings bad = c.settings;
  bad.batch_size = 0;
  s->handle(command::Apply{bad});
  Snapshot d = s->snapshot();
  CHECK(d.error == "batch size: expected a whole number from 1 to 65536, got '0'");
  CHECK(d.parameters == c.parameters);
  CHECK(d.settings == c.settings);
  Architecture wrong;
  wrong.input = 100;
  s->handle(command::Adopt{std::make_shared<const Autoencoder>(wrong), "elsewhere"});
  d = s->snapshot();
  CHECK(d.error == "the weights take 100 inputs; the images have 784 pixels");
  CHECK(d.parameters == c.parameters);
  s->handle(command::Adopt{nullptr, "nothing"});
  CHECK(s->snapshot().error == "no weights to adopt");
  s->handle(command::SetTarget{0});
  CHECK(s->snapshot().error == "epoch target: expected a whole number from 1 to 100000, got '0'");
  s->handle(command::Pause{});
  CHECK(s->snapshot().error.empty());  // the next command clears it
}

TEST_CASE("adopted weights are the model's from then on, with their architecture and origin", "[session]") {
  auto s = make_session();
  Architecture a;
  a.latent = 8;
  auto model = std::make_shared<Autoencoder>(a);
  model->initialize(42);
  s->handle(command::Adopt{model, "pretrained here"});
  // The new weights at once; their test loss is work that follows.
  const Snapshot first = s->snapshot();
  CHECK(first.evaluating);
  CHECK(std::isnan(first.test_loss));
  CHECK(first.test_curve.empty());
  CHECK(s->finish());
  CHECK_FALSE(s->finish());
  const Snapshot snap = s->snapshot();
  CHECK_FALSE(snap.evaluating);
  CHECK(snap.test_curve.size() == 1);
  CHECK(snap.origin == "pretrained here");
  CHECK(snap.settings.shape.latent == 8);
  CHECK(snap.has_training());
  CHECK(std::equal(snap.parameters.begin(), snap.parameters.end(), model->parameters().begin()));
  CHECK(snap.test_loss == Approx(mean_loss(*model, bundled_split()->test, Loss::BinaryCrossEntropy)));
}

TEST_CASE("test evaluations stop between blocks when a command waits, and resume to the same result", "[session]") {
  auto s = make_session();
  const float whole = s->snapshot().test_loss;  // evaluated in one go by create()
  s->handle(command::Reset{1});                 // the same weights again, evaluated anew
  int asked = 0;
  const TrainingSession::Interrupt after_one_block = [&] { return ++asked > 1; };
  CHECK_FALSE(s->finish(after_one_block));      // one block of 500, then "a command is waiting"
  CHECK(s->unfinished());
  CHECK(s->snapshot().evaluating);
  CHECK(s->run_for(1.0, after_one_block) == 0);  // no steps while a command waits
  CHECK(s->finish());
  CHECK_FALSE(s->unfinished());
  CHECK(s->snapshot().test_loss == whole);

  // At an epoch's end: the epoch's record waits for its evaluation; training goes on after it.
  SessionSettings two;
  two.target_epochs = 2;
  s->handle(command::Apply{two});
  s->handle(command::Start{});
  bool waiting = false;
  const TrainingSession::Interrupt when_told = [&] { return waiting; };
  while (s->snapshot(false).batch_in_epoch < 31) s->run_for(0.0, when_told);
  waiting = true;
  CHECK(s->run_for(0.0, when_told) == 1);  // the epoch's last step; its evaluation is interrupted
  CHECK(s->unfinished());
  CHECK(s->snapshot(false).epochs.empty());
  waiting = false;
  CHECK(s->finish(when_told));
  const Snapshot done = s->snapshot(false);
  REQUIRE(done.epochs.size() == 1);
  CHECK(done.training);
  CHECK(done.test_curve.size() == 2);
}

TEST_CASE("the benchmark command times steps of a fresh model and reports it", "[session]") {
  auto s = make_session();
  SessionSettings b;
  b.batch_size = 128;
  s->handle(command::Bench{b, 10});
  const Snapshot snap = s->snapshot();
  CHECK(snap.bench_id == 1);
  CHECK(snap.bench.steps == 10);
  CHECK(snap.bench.samples_per_sec > 0);
  CHECK(snap.bench.gflops == Approx(snap.bench.samples_per_sec * training_flops_per_sample(b.architecture()) / 1e9));
  CHECK(snap.step == 0);  // the session's own model is untouched
  s->handle(command::Bench{b, 0});
  CHECK(s->snapshot().error == "benchmark steps 0 is out of range (1 to 1000000)");
  CHECK(training_flops_per_sample(Architecture{}) == 5.0 * 2 * 784 * 32);
}

TEST_CASE("data-parallel steps: bit-identical for a thread count, and close across thread counts", "[session][threads]") {
  const auto weights = [](int threads, int batch) {
    SessionSettings settings;
    settings.threads = threads;
    settings.batch_size = batch;
    auto s = make_session(settings);
    train_steps(*s, 40);  // includes the end of the first epoch for batch 200 (40 steps = 8,000 digits)
    return s->snapshot();
  };
  for (int threads : {2, 3}) {
    INFO(threads << " threads");
    const Snapshot a = weights(threads, 200), b = weights(threads, 200);
    CHECK(a.parameters == b.parameters);
    CHECK(a.test_loss == b.test_loss);
    const Snapshot one = weights(1, 200);
    double worst = 0;
    for (std::size_t i = 0; i < a.parameters.size(); ++i) {
      worst = std::max(worst, static_cast<double>(std::abs(a.parameters[i] - one.parameters[i])));
    }
    CHECK(worst < 1e-3);
    CHECK(a.test_loss == Approx(one.test_loss).epsilon(1e-3));
  }
  // More threads than a batch has samples: a batch that small runs on one thread.
  SessionSettings tiny;
  tiny.threads = 4;
  tiny.batch_size = 3;
  auto s = make_session(tiny, small_split());
  train_steps(*s, 5);
  CHECK(std::isfinite(s->snapshot().train_loss));
  CHECK(s->snapshot().threads_used == 1);
}

TEST_CASE("threads are never slower: a batch too small to share runs on fewer threads, and the state says so", "[session][threads]") {
  const auto trained = [](int threads, int batch) {
    SessionSettings settings;
    settings.threads = threads;
    settings.batch_size = batch;
    auto s = make_session(settings);
    train_steps(*s, 20);
    return s->snapshot();
  };
  // The seed model: 250,880 flops a sample, so a thread needs at least 64 of a step's images (16 MFLOP).
  const Snapshot small = trained(2, 64), small_one = trained(1, 64);
  CHECK(small.threads_used == 1);
  CHECK(small.parameters == small_one.parameters);  // the same serial steps as one thread, bit for bit
  const Snapshot shared = trained(2, 256), shared_one = trained(1, 256);
  CHECK(shared.threads_used == 2);
  CHECK(shared.parameters != shared_one.parameters);  // two slices: summed in another order
  CHECK(trained(3, 128).threads_used == 2);
  CHECK(trained(3, 192).threads_used == 3);
  // A larger model shares smaller batches: 784-512-32-512-784 does 4.2 MFLOP a sample.
  SessionSettings deep;
  deep.threads = 2;
  deep.batch_size = 8;
  deep.shape.hidden = {512};
  auto s = make_session(deep);
  CHECK(s->snapshot(false).threads_used == 2);
}

TEST_CASE("a session thread trains off the caller's thread and publishes as it goes", "[session][threads]") {
  SessionSettings settings;
  settings.target_epochs = 3;
  SessionThread host(make_session(settings, small_split()));
  CHECK(host.off_main_thread());
  CHECK(host.latest()->revision >= 1);
  const std::uint64_t n = host.send(command::Start{});
  REQUIRE(wait_for([&] { return host.latest()->commands >= n; }));
  // Published while training (every kPublishSeconds): revisions climb and steps advance between them.
  std::vector<std::int64_t> steps;
  REQUIRE(wait_for([&] {
    auto snap = host.latest();
    if (steps.empty() || steps.back() != snap->step) steps.push_back(snap->step);
    return !snap->training && snap->epoch == 3;
  }));
  CHECK(steps.size() >= 2);
  const auto done = host.latest();
  CHECK(done->epochs.size() == 3);
  CHECK(done->test_loss < done->test_curve.front().loss);

  // Pause takes effect before the next step; the snapshot says so.
  const std::uint64_t start = host.send(command::Start{});
  REQUIRE(wait_for([&] { return host.latest()->commands >= start && host.latest()->step > done->step; }));
  const std::uint64_t pause = host.send(command::Pause{});
  REQUIRE(wait_for([&] { return host.latest()->commands >= pause; }));
  const auto paused = host.latest();
  CHECK_FALSE(paused->training);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(host.latest()->step == paused->step);
}

TEST_CASE("commands in a tight loop while training leave a consistent session whose loss still falls", "[session][threads]") {
  SessionSettings settings;
  settings.threads = 2;
  settings.target_epochs = 1000;
  SessionThread host(make_session(settings, small_split()));
  Architecture small;
  small.latent = 16;
  auto weights = std::make_shared<Autoencoder>(small);
  weights->initialize(3);

  // A reader on another thread, as the interface is: every snapshot it sees is whole.
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::thread reader([&] {
    while (!done.load()) {
      auto snap = host.latest();
      const std::size_t expected = Autoencoder(snap->settings.architecture()).parameters().size();
      if (snap->parameters.size() != expected || snap->batch_in_epoch > snap->batches_per_epoch ||
          std::isfinite(snap->test_loss) == snap->evaluating) {
        ++bad;
      }
    }
  });
  std::uint64_t last = 0;
  for (int i = 0; i < 400; ++i) {
    SessionSettings s = settings;
    switch (i % 7) {
      case 0: last = host.send(command::Start{}); break;
      case 1: last = host.send(command::Pause{}); break;
      case 2: last = host.send(command::Reset{static_cast<std::uint64_t>(i)}); break;
      case 3:
        s.batch_size = 128 + i % 5 * 64;  // large enough to share (Trainer::threads_for): the threads really run
        s.threads = 1 + i % 3;
        last = host.send(command::Apply{s});
        break;
      case 4: last = host.send(command::Adopt{weights, "adopted"}); break;
      case 5: last = host.send(command::SetTarget{5 + i}); break;
      default: last = host.send(command::Start{}); break;
    }
    if (i % 50 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  REQUIRE(wait_for([&] { return host.latest()->commands == last; }));
  done = true;
  reader.join();
  CHECK(bad.load() == 0);
  const auto after = host.latest();
  CHECK(after->commands == 400);
  CHECK(after->error.empty());

  // And it still learns: from fresh weights, two epochs lower the test loss.
  const std::uint64_t reset = host.send(command::Reset{11});
  host.send(command::SetTarget{2});
  const std::uint64_t go = host.send(command::Start{});
  REQUIRE(wait_for([&] { return host.latest()->commands >= go; }));
  REQUIRE(wait_for([&] { return !host.latest()->training; }));
  const auto trained = host.latest();
  CHECK(reset < go);
  CHECK(trained->epoch == 2);
  CHECK(trained->test_loss < trained->test_curve.front().loss - 0.1f);
}

TEST_CASE("a sliced session trains in the slices it is given, on the caller's thread", "[session]") {
  SlicedSession host(make_session({}, small_split()));
  CHECK_FALSE(host.off_main_thread());
  CHECK(host.send(command::Start{}) == 1);
  CHECK(host.latest()->training);  // carried out at once
  const auto before = host.latest()->step;
  host.frame(0.0);
  CHECK(host.latest()->step == before + 1);
  host.send(command::Pause{});
  host.frame(1.0);
  CHECK(host.latest()->step == before + 1);
}

TEST_CASE("a worker pool runs every part once per job, and its ranges cover everything once", "[threads]") {
  for (int parts : {1, 2, 5}) {
    WorkerPool pool(parts);
    CHECK(pool.parts() == parts);
    std::vector<int> hits(static_cast<std::size_t>(parts), 0);  // each part writes only its own element
    auto job = [&](int part) { ++hits[static_cast<std::size_t>(part)]; };
    for (int run = 0; run < 200; ++run) pool.run(job);
    for (int h : hits) CHECK(h == 200);
  }
  for (std::size_t n : {0u, 1u, 17u, 1000u, 25450u}) {
    for (int parts : {1, 2, 3, 7}) {
      std::size_t next = 0;
      for (int k = 0; k < parts; ++k) {
        const Range r = split_range(n, parts, k, 16);
        CHECK(r.first == next);
        if (r.count > 0 && k > 0) CHECK(r.first % 16 == 0);
        next = r.first + r.count;
      }
      CHECK(next == n);
    }
  }
}

TEST_CASE("the divergence guard: a loss that explodes stops training and brings the last good weights back", "[session][errors]") {
  SessionSettings settings;
  settings.target_epochs = 5;
  auto session = make_session(settings);
  // An epoch at a sane rate: those weights are the last good ones.
  session->handle(command::SetTarget{1});
  session->handle(command::Start{});
  while (session->training()) session->run_for(0.05);
  const Snapshot good = session->snapshot();
  REQUIRE(good.epoch == 1);
  REQUIRE(good.diverged.empty());
  // A rate of 10 explodes within a few steps.
  SessionSettings wild = good.settings;
  wild.optimizer.learning_rate = 10.0f;
  wild.target_epochs = 5;
  session->handle(command::Apply{wild});
  session->handle(command::Start{});
  for (int i = 0; i < 100 && session->training(); ++i) session->run_for(0.05);
  const Snapshot after = session->snapshot();
  CHECK_FALSE(after.training);
  CHECK_THAT(after.diverged, Catch::StartsWith("training diverged at step ") &&
                                 Catch::Contains("the weights from step 32 are back. Try a lower learning rate than 10."));
  CHECK(after.step > good.step);
  CHECK(after.parameters == good.parameters);  // exactly the weights of the epoch's end
  CHECK(after.weights_revision > good.weights_revision);
  CHECK(std::isfinite(after.test_loss));
  // A sane rate again: Start clears the message and training goes on from the good weights.
  wild.optimizer.learning_rate = 0.001f;
  session->handle(command::Apply{wild});
  session->handle(command::Start{});
  CHECK(session->snapshot(false).diverged.empty());
  session->run_for(0.2);
  CHECK(std::isfinite(session->snapshot(false).train_loss));
  CHECK(session->snapshot(false).diverged.empty());
}

// --- Saved sessions (checkpoint.hpp) ----------------------------------------------------------------------------

namespace {

std::vector<std::uint8_t> save_session(TrainingSession& s) {
  const std::uint64_t before = s.snapshot(false).save_id;
  s.handle(command::Save{});
  const Snapshot snap = s.snapshot(false);
  REQUIRE(snap.save_id == before + 1);
  REQUIRE(snap.saved);
  return *snap.saved;
}

std::shared_ptr<const SessionCheckpoint> decoded(const std::vector<std::uint8_t>& bytes) {
  auto c = std::make_shared<SessionCheckpoint>();
  const Status s = decode_checkpoint(bytes, "test.ckpt", *c);
  INFO(s.message());
  REQUIRE(s.is_ok());
  return c;
}

}  // namespace

TEST_CASE("a saved session goes on after a restore exactly as if it had never stopped", "[session][checkpoint]") {
  SessionSettings settings;
  settings.threads = 1;
  settings.batch_size = 64;
  settings.objective.variant = Variant::Denoising;  // its noise must follow the step count
  auto a = make_session(settings, small_split());
  train_steps(*a, 25);  // past the first epoch's end (19 batches): a test point and an epoch record
  while (a->unfinished()) a->finish();
  const std::vector<std::uint8_t> bytes = save_session(*a);
  const Snapshot at_save = a->snapshot();
  train_steps(*a, 10);
  const Snapshot went_on = a->snapshot();

  auto b = make_session(settings, small_split());
  b->handle(command::Restore{decoded(bytes)});
  const Snapshot restored = b->snapshot();
  CHECK(restored.error.empty());
  CHECK_FALSE(restored.training);
  CHECK(restored.parameters == at_save.parameters);
  CHECK(restored.step == 25);
  CHECK(restored.epoch == at_save.epoch);
  CHECK(restored.batch_in_epoch == at_save.batch_in_epoch);
  CHECK(restored.test_loss == at_save.test_loss);
  CHECK(restored.origin == at_save.origin);
  CHECK(restored.train_curve.size() == at_save.train_curve.size());
  CHECK(restored.test_curve.size() == 2);  // the first weights, and epoch 1
  CHECK(restored.epochs.size() == 1);
  CHECK(restored.settings == at_save.settings);
  train_steps(*b, 10);
  const Snapshot after = b->snapshot();
  CHECK(after.parameters == went_on.parameters);  // bit for bit: the moments, the order and the noise went on
  CHECK(after.train_loss == went_on.train_loss);
  REQUIRE(after.train_curve.size() == went_on.train_curve.size());
  CHECK(after.train_curve.back().loss == went_on.train_curve.back().loss);
}

TEST_CASE("a checkpoint that is cut short, altered or for other data is refused, and changes nothing", "[session][checkpoint]") {
  SessionSettings settings;
  settings.threads = 1;
  settings.batch_size = 64;
  auto a = make_session(settings, small_split());
  train_steps(*a, 3);
  const std::vector<std::uint8_t> bytes = save_session(*a);
  SessionCheckpoint c;
  for (const std::size_t cut : {std::size_t{0}, std::size_t{7}, std::size_t{12}, bytes.size() / 3, bytes.size() - 1}) {
    const std::vector<std::uint8_t> part(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(cut));
    const Status s = decode_checkpoint(part, "cut.ckpt", c);
    INFO("cut at " << cut << ": " << s.message());
    CHECK_FALSE(s.is_ok());
    CHECK(s.message().rfind("cut.ckpt: ", 0) == 0);
  }
  std::vector<std::uint8_t> extra = bytes;
  extra.push_back(0);
  CHECK(decode_checkpoint(extra, "x", c).message() == "x: has bytes after its last part");
  std::vector<std::uint8_t> header = bytes;
  header[16] = '!';  // the JSON header's first character
  CHECK(decode_checkpoint(header, "x", c).message() == "x: the header is not JSON");
  std::vector<std::uint8_t> order = bytes;  // the last two order entries made the same: not a permutation
  std::copy(order.end() - 8, order.end() - 4, order.end() - 4);
  auto k = decoded(order);
  auto b = make_session(settings, small_split());
  const Snapshot before = b->snapshot();
  b->handle(command::Restore{k});
  const Snapshot refused = b->snapshot();
  CHECK(refused.error == "the saved session does not fit: the batch order is not a permutation of the training images");
  CHECK(refused.parameters == before.parameters);
  // Another training set (the full bundled split): the order's length does not fit.
  auto full = make_session(settings);
  full->handle(command::Restore{decoded(bytes)});
  CHECK(full->snapshot(false).error ==
        "the saved session does not fit: the batch order has 1200 images; the training set has 8000");
}
