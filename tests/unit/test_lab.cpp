// Lab, what the interface works with: loading, pretrained weights, commands that reach the session, the frame's
// snapshot, views computed from snapshots only, the drawing's path to a code and a reconstruction, and the same
// with the session on its own thread while the drawing is being changed.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include "app/lab.hpp"
#include "core/files.hpp"
#include "helpers.hpp"

using namespace latent;
using latent::testing::bundled_dataset;
using latent::testing::cosine;

namespace {

std::vector<std::uint8_t> pretrained_bytes() {
  std::vector<std::uint8_t> bytes;
  REQUIRE(read_file(std::string(LATENT_ASSETS_DIR) + "/weights/seed-784-32.safetensors", bytes).is_ok());
  return bytes;
}

// The bundled digits and the shipped weights, with the session in frame slices (so each command is carried out
// at once), loaded once per process (ctest runs each case alone).
Lab& loaded_lab() {
  static Lab lab;
  if (!lab.ready()) {
    SessionSettings settings;
    settings.threads = 1;
    REQUIRE(lab.init(bundled_dataset(), SessionMode::Sliced, settings).is_ok());
    REQUIRE(lab.load_pretrained(pretrained_bytes(), "seed.safetensors").is_ok());
    lab.update(0);
  }
  return lab;
}

}  // namespace

TEST_CASE("a new lab: random weights, one gallery digit per label, a test loss", "[lab]") {
  Lab& lab = loaded_lab();
  lab.reset(3);
  lab.update(0);
  CHECK(lab.snapshot().origin == "random weights (seed 3)");
  CHECK_FALSE(lab.snapshot().has_training());
  CHECK(lab.snapshot().test_loss > 0.6f);
  for (int k = 0; k < ModelViews::kGalleryCount; ++k) CHECK(lab.views().gallery_label(k) == k);
  CHECK(lab.snapshot().test_curve.size() == 1);
  CHECK(lab.settings().seed == 3);
}

TEST_CASE("the shipped pretrained weights load and are good", "[lab]") {
  Lab& lab = loaded_lab();
  const auto bytes = pretrained_bytes();
  REQUIRE(lab.load_pretrained(bytes, "seed.safetensors").is_ok());
  lab.update(0);
  CHECK(lab.has_pretrained());
  CHECK(lab.snapshot().has_training());
  CHECK_THAT(lab.snapshot().origin, Catch::StartsWith("pretrained, 50 epochs"));
  CHECK(lab.snapshot().test_loss < 0.11f);
  lab.reset(1);
  lab.update(0);
  CHECK(lab.snapshot().test_loss > 0.6f);
  lab.restore_pretrained();
  lab.update(0);
  CHECK(lab.snapshot().test_loss < 0.11f);
}

TEST_CASE("bad weights are refused and the current model stays", "[lab][errors]") {
  Lab& lab = loaded_lab();
  lab.reset(5);
  lab.update(0);
  const float before = lab.snapshot().test_loss;
  auto bytes = pretrained_bytes();
  bytes.resize(bytes.size() - 10);
  const Status s = lab.load_pretrained(bytes, "cut.safetensors");
  CHECK_THAT(s.message(), Catch::Contains("cut.safetensors"));
  lab.update(0);
  CHECK(lab.snapshot().test_loss == before);
  CHECK(lab.snapshot().origin == "random weights (seed 5)");
}

TEST_CASE("weights saved from the lab load back, with what they were trained on; a file's weights are adopted", "[lab][files]") {
  Lab& lab = loaded_lab();
  lab.reset(7);
  SessionSettings s = lab.settings();
  s.target_epochs = 1;
  lab.apply(s);
  lab.set_training(true);
  for (int i = 0; i < 1000 && lab.snapshot().epoch < 1; ++i) lab.update(0.05);
  lab.update(0);
  REQUIRE(lab.snapshot().epoch == 1);
  REQUIRE_FALSE(lab.snapshot().training);  // the target is reached
  const std::vector<std::uint8_t> file = lab.weights_file();
  CHECK(lab.weights_file_name() == "latent-canvas-784-32-784-relu-e1.safetensors");

  std::unique_ptr<Autoencoder> model;
  Metadata meta;
  REQUIRE(decode_safetensors(file, "saved", model, &meta).is_ok());
  CHECK(model->architecture() == lab.snapshot().settings.architecture());
  CHECK(std::equal(model->parameters().begin(), model->parameters().end(), lab.snapshot().parameters.begin()));
  CHECK(meta.at("trained_epochs") == "1");
  CHECK(meta.at("trained_data") == "bundled MNIST subset, fixed split");
  CHECK(meta.at("trained_from") == "random weights (seed 7)");
  CHECK(meta.at("trained_learning_rate") == "0.001");
  CHECK(std::stod(meta.at("test_loss")) == Approx(lab.snapshot().test_loss).epsilon(1e-5));

  // Back to other weights, then the file: its weights, named after it, with the test loss measured again.
  const float trained_loss = lab.snapshot().test_loss;
  lab.reset(8);
  lab.update(0);
  REQUIRE(lab.snapshot().test_loss != trained_loss);
  REQUIRE(lab.load_weights(file, "mine.safetensors").is_ok());
  lab.update(0);
  CHECK(lab.snapshot().origin == "from mine.safetensors, 1 epochs");
  CHECK(lab.snapshot().test_loss == Approx(trained_loss).epsilon(1e-6));
  CHECK_FALSE(lab.snapshot().training);

  // A model for other images is refused, and the current one stays.
  Architecture other;
  other.input = 100;
  const Status refused = lab.load_weights(encode_safetensors(Autoencoder(other)), "small.safetensors");
  CHECK(refused.message() == "small.safetensors: the model takes 100 inputs; these images have 784 pixels (28x28)");
  lab.update(0);
  CHECK(lab.snapshot().origin == "from mine.safetensors, 1 epochs");
}

TEST_CASE("the lab exports its latest weights as ONNX or as a zip of TF.js's two files, with the training details", "[lab][files][export]") {
  Lab& lab = loaded_lab();
  lab.reset(5);
  lab.update(0);
  std::string name;
  std::vector<std::uint8_t> bytes;
  REQUIRE(lab.export_file(ExportFormat::Onnx, ExportPart::Encoder, name, bytes).is_ok());
  CHECK(name == "latent-canvas-784-32-784-relu-e0-encoder.onnx");
  const std::string onnx(bytes.begin(), bytes.end());
  CHECK(onnx.find("trained_from") != std::string::npos);
  CHECK(onnx.find("random weights (seed 5)") != std::string::npos);
  // The encoder's weights are the snapshot's, as they are: the first layer's first weight's bytes are in the file.
  const float first = lab.snapshot().parameters[0];
  CHECK(std::search(bytes.begin(), bytes.end(), reinterpret_cast<const std::uint8_t*>(&first),
                    reinterpret_cast<const std::uint8_t*>(&first) + sizeof first) != bytes.end());
  REQUIRE(lab.export_file(ExportFormat::Tfjs, ExportPart::All, name, bytes).is_ok());
  CHECK(name == "latent-canvas-784-32-784-relu-e0.tfjs.zip");
  CHECK(bytes.size() > 2 * 784 * 32 * sizeof(float));
  CHECK(std::string(bytes.begin() + 30, bytes.begin() + 40) == "model.json");  // the zip's first entry
}

TEST_CASE("new data replaces the session: its sizes, fresh weights from the seed, the settings kept", "[lab][files]") {
  Lab& lab = loaded_lab();
  SessionSettings s = lab.settings();
  s.batch_size = 64;
  lab.apply(s);
  lab.update(0);
  UserData data;
  const Dataset all = bundled_dataset();
  std::vector<std::size_t> first(3000), rest(500);
  for (std::size_t i = 0; i < first.size(); ++i) first[i] = i;
  for (std::size_t i = 0; i < rest.size(); ++i) rest[i] = 5000 + i;
  data.split.train = all.subset(first);
  data.split.test = all.subset(rest);
  data.description = "mine";
  REQUIRE(lab.replace_data(std::move(data)).is_ok());
  lab.update(0);
  CHECK(lab.data().train.size() == 3000);
  CHECK(lab.data().test.size() == 500);
  CHECK(lab.data_description() == "mine");
  CHECK(lab.snapshot().settings.batch_size == 64);
  CHECK(lab.snapshot().origin == "random weights (seed " + std::to_string(s.seed) + ")");
  CHECK_FALSE(lab.snapshot().has_training());
  CHECK(lab.has_pretrained());
  CHECK(lab.views().ready());
  // It trains on the new data.
  lab.set_training(true);
  for (int i = 0; i < 200 && lab.snapshot().step < 60; ++i) lab.update(0.05);
  CHECK(lab.snapshot().batches_per_epoch == 47);  // 3,000 / 64, rounded up
}

TEST_CASE("data that is not 28x28 digits is refused", "[lab][errors]") {
  Dataset d;
  d.rows = 10;
  d.cols = 10;
  d.images.assign(100 * 50, 0);
  d.labels.assign(50, 1);
  Lab lab;
  CHECK_THAT(lab.init(std::move(d), SessionMode::Sliced).message(),
             Catch::Contains("the digits are 10x10; Latent Canvas needs 28x28"));
  CHECK_FALSE(lab.ready());
}

TEST_CASE("training runs in frame slices, lowers the loss and stops at its target", "[lab]") {
  Lab& lab = loaded_lab();
  lab.reset(2);
  SessionSettings s = lab.settings();
  s.target_epochs = 2;
  lab.apply(s);
  lab.update(0.01);  // paused: nothing happens
  const float start = lab.snapshot().test_loss;
  CHECK(lab.snapshot().step == 0);
  lab.set_training(true);
  lab.update(0.0);  // a zero budget still makes progress: one step
  CHECK(lab.snapshot().step == 1);
  CHECK(lab.training_seconds() > 0);
  for (int i = 0; i < 1000 && lab.snapshot().training; ++i) lab.update(0.005);
  const Snapshot& done = lab.snapshot();
  CHECK_FALSE(done.training);
  CHECK(done.epoch == 2);
  CHECK(done.test_curve.size() == 3);  // the start and two epochs
  CHECK(done.test_loss < start - 0.3f);
  CHECK(done.train_curve.size() == static_cast<std::size_t>(done.step));
  lab.set_training(true);  // at the target: starting again extends it
  lab.update(0);
  CHECK(lab.snapshot().settings.target_epochs == 2 + SessionSettings::kEpochsPerExtension);
  lab.set_training(false);
  lab.update(0);
}

TEST_CASE("settings: the learning rate keeps the model, the shape replaces it", "[lab]") {
  Lab& lab = loaded_lab();
  lab.restore_pretrained();
  lab.update(0);
  const AlignedVector<float> weights = lab.snapshot().parameters;
  SessionSettings s = lab.settings();
  s.optimizer.learning_rate = 0.01f;
  lab.apply(s);
  lab.update(0);
  CHECK(lab.snapshot().parameters == weights);
  CHECK(lab.snapshot().settings.optimizer.learning_rate == 0.01f);
  s.batch_size = 64;
  lab.apply(s);
  lab.update(0);
  CHECK(lab.snapshot().settings.batch_size == 64);
  CHECK(lab.snapshot().parameters == weights);
  CHECK(lab.snapshot().has_training());  // still the pretrained weights
  s.shape.latent = 16;
  s.shape.hidden = {128};
  lab.apply(s);
  lab.update(0);
  CHECK(lab.snapshot().settings.architecture().describe() == "784-128-16-128-784 relu");
  CHECK(lab.latent_size() == 16);
  CHECK_FALSE(lab.snapshot().has_training());
  CHECK(lab.snapshot().test_loss > 0.6f);
  // A refused setting: the session says why, and the settings shown snap back to the session's.
  SessionSettings bad = lab.settings();
  bad.optimizer.learning_rate = -1.0f;
  lab.apply(bad);
  lab.update(0);
  CHECK_THAT(lab.snapshot().error, Catch::StartsWith("learning rate: expected a number from 1e-06 to 10, got '-1'"));
  CHECK(lab.settings().optimizer.learning_rate == 0.01f);
  lab.apply(SessionSettings{});
  lab.update(0);
}

TEST_CASE("the drawing becomes an input, a code and a reconstruction", "[lab]") {
  Lab& lab = loaded_lab();
  lab.restore_pretrained();
  Drawing& drawing = lab.drawing();
  drawing.clear();
  lab.update(0);
  CHECK(lab.canvas_input().empty);
  CHECK(lab.views().canvas_loss() == 0.0f);
  // A "1": one vertical stroke, by pointer events on a drawing area placed at (100, 50), 280 px wide.
  drawing.place(100.f, 50.f, 280.f, true);
  REQUIRE(drawing.pointer_down(1, PointerKind::Mouse, {240.f, 90.f}));
  drawing.pointer_up(1, {235.f, 290.f});
  lab.update(0);
  REQUIRE_FALSE(lab.canvas_input().empty);
  const InkStats ink = ink_stats(lab.canvas_input().pixels.data(), 28, 28);
  CHECK(ink.box_height() == 20);
  CHECK(lab.views().canvas_code().size() == 32);
  // The pretrained model rebuilds a clean "1" well.
  CHECK(cosine(lab.canvas_input().pixels.data(), lab.views().canvas_reconstruction().data(), 784) > 0.8);
  CHECK(lab.views().code_scale() > 0.0f);
  drawing.clear();
}

TEST_CASE("views are computed from a snapshot's weights alone", "[lab][views]") {
  Lab& lab = loaded_lab();
  lab.restore_pretrained();
  lab.update(0);
  // A snapshot made by hand with other weights: the views follow it, and nothing else.
  Snapshot other = lab.snapshot();
  Autoencoder model(other.settings.architecture());
  model.initialize(99);
  other.parameters.assign(model.parameters().begin(), model.parameters().end());
  other.weights_revision += 1000;
  ModelViews views;
  views.init(lab.data().test);
  Drawing none;
  views.update(other, none);
  std::vector<float> expected(784), code(32);
  model.reconstruct(views.gallery_input(3), 1, expected.data(), code.data());
  for (std::size_t i = 0; i < 784; ++i) REQUIRE(views.gallery_reconstruction(3)[i] == Approx(expected[i]).margin(1e-6));
  for (std::size_t i = 0; i < 32; ++i) REQUIRE(views.gallery_code(3)[i] == Approx(code[i]).margin(1e-6));
  // A snapshot without parameters (not asked for) leaves them as they were.
  Snapshot bare = other;
  bare.parameters.clear();
  bare.weights_revision += 1;
  views.update(bare, none);
  CHECK(views.weights_revision() == other.weights_revision);
}

TEST_CASE("the lab with a session thread: the interface draws while training runs and commands arrive", "[lab][threads]") {
  Lab lab;
  SessionSettings settings;
  settings.threads = 2;
  settings.target_epochs = 1000;
  REQUIRE(lab.init(bundled_dataset(), SessionMode::Thread, settings).is_ok());
  REQUIRE(lab.off_main_thread());
  lab.set_training(true);
  Drawing& drawing = lab.drawing();
  drawing.place(0.f, 0.f, 280.f, true);
  // The interface's loop, sped up: frames that draw, clear and command, while the session trains.
  std::uint64_t last = 0, seen_revision = 0, seen_commands = 0;
  for (int frame = 0; frame < 300; ++frame) {
    if (drawing.pointer_down(1, PointerKind::Mouse, {100.f, 60.f})) drawing.pointer_up(1, {120.f, 200.f + static_cast<float>(frame % 40)});
    if (frame % 3 == 0) drawing.clear();
    if (frame % 25 == 0) last = lab.set_training(frame % 50 == 0);
    if (frame % 40 == 0) last = lab.reset(static_cast<std::uint64_t>(frame));
    if (frame % 60 == 0) {
      SessionSettings s = lab.settings();
      s.batch_size = frame % 120 == 0 ? 128 : 256;
      last = lab.apply(s);
    }
    lab.update(0.005);
    // Each frame's snapshot is the newest whole one: never older than the last frame's, and the views show its
    // weights, not the trainer's (which move on meanwhile).
    const Snapshot& snap = lab.snapshot();
    CHECK(snap.revision >= seen_revision);
    CHECK(snap.commands >= seen_commands);
    CHECK(lab.views().weights_revision() == snap.weights_revision);
    CHECK(snap.parameters.size() == Autoencoder(snap.settings.architecture()).parameters().size());
    seen_revision = snap.revision;
    seen_commands = snap.commands;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (lab.latest()->commands < last && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  lab.update(0);
  CHECK(lab.snapshot().commands == last);
  // Training on from a fresh model, the views follow the snapshots and the loss falls.
  lab.reset(4);
  const std::uint64_t go = lab.set_training(true);
  while ((lab.latest()->commands < go || lab.latest()->evaluating) && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  lab.update(0);
  REQUIRE(lab.snapshot().origin == "random weights (seed 4)");
  REQUIRE_FALSE(lab.snapshot().test_curve.empty());
  const float start = lab.snapshot().test_curve.front().loss;
  while (lab.latest()->epoch < 1 && std::chrono::steady_clock::now() < end + std::chrono::seconds(30)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  lab.set_training(false);
  lab.update(0);
  CHECK(lab.snapshot().epoch >= 1);
  CHECK(lab.snapshot().test_loss < start - 0.2f);
  CHECK(lab.views().weights_revision() == lab.snapshot().weights_revision);
}

TEST_CASE("Fashion-MNIST with its pretrained weights: class names, its own words, the weights' test loss", "[lab][fashion]") {
  // The page's Fashion-MNIST: Debian's test set (the test command installs dataset-fashion-mnist), sorted like a
  // person's files and split 80/20 by class, with the shipped weights trained on it.
  const std::string dir = "/usr/share/datasets/fashion-mnist/";
  std::vector<UserFile> files(3);
  files[0].name = "t10k-images-idx3-ubyte.gz";
  files[1].name = "t10k-labels-idx1-ubyte.gz";
  files[2].name = "fashion-784-32.safetensors";
  REQUIRE(read_file(dir + files[0].name, files[0].bytes).is_ok());
  REQUIRE(read_file(dir + files[1].name, files[1].bytes).is_ok());
  REQUIRE(read_file(std::string(LATENT_ASSETS_DIR) + "/weights/" + files[2].name, files[2].bytes).is_ok());
  UserFiles sorted;
  REQUIRE(sort_user_files(std::move(files), sorted).is_ok());
  REQUIRE(sorted.data);
  REQUIRE(sorted.weights);
  sorted.data->kind = DataKind::Fashion;
  sorted.data->description = kFashionData;
  Lab lab;
  SessionSettings settings;
  settings.threads = 1;
  REQUIRE(lab.init(bundled_dataset(), SessionMode::Sliced, settings).is_ok());
  CHECK(lab.data_kind() == DataKind::Mnist);
  CHECK(std::string(lab.items()) == "digits");
  REQUIRE(lab.replace_data(std::move(*sorted.data)).is_ok());
  REQUIRE(lab.load_pretrained(sorted.weights->bytes, sorted.weights->name).is_ok());
  lab.update(0);
  CHECK(lab.data_kind() == DataKind::Fashion);
  CHECK(std::string(lab.items()) == "images");
  CHECK(lab.class_name(0) == "T-shirt/top");
  CHECK(lab.data().train.size() == 8000);
  CHECK(lab.data().test.size() == 2000);
  // The gallery has one image of each class, in class order.
  for (int k = 0; k < ModelViews::kGalleryCount; ++k) CHECK(lab.views().gallery_label(k) == k);
  CHECK(lab.snapshot().origin == "pretrained, 50 epochs");
  CHECK(lab.snapshot().test_loss == Approx(0.2947).epsilon(0.002));  // as the weights' README says
}

namespace {

std::vector<std::uint8_t> conv_pretrained_bytes() {
  std::vector<std::uint8_t> bytes;
  REQUIRE(read_file(std::string(LATENT_ASSETS_DIR) + "/weights/mnist-conv-16-8-8.safetensors.gz", bytes).is_ok());
  return bytes;
}

}  // namespace

TEST_CASE("the shipped convolutional model loads gzipped, is good, and is kept beside the dense one", "[lab][conv]") {
  Lab& lab = loaded_lab();
  const auto bytes = conv_pretrained_bytes();
  REQUIRE(bytes.size() > 2);
  CHECK((bytes[0] == 0x1f && bytes[1] == 0x8b));  // shipped gzipped
  REQUIRE(lab.load_pretrained(bytes, "mnist-conv-16-8-8.safetensors.gz").is_ok());
  lab.update(0);
  CHECK(lab.snapshot().settings.shape.kind == ModelKind::Conv);
  CHECK(lab.snapshot().settings.shape.channel_list() == "16,8,8");
  CHECK_THAT(lab.snapshot().origin, Catch::StartsWith("pretrained, 200 epochs"));
  const float conv_loss = lab.snapshot().test_loss;
  CHECK(conv_loss < 0.105f);
  CHECK(lab.has_pretrained(ModelKind::Dense));
  CHECK(lab.has_pretrained(ModelKind::Conv));
  lab.restore_pretrained(ModelKind::Dense);
  lab.update(0);
  CHECK(lab.snapshot().settings.shape.kind == ModelKind::Dense);
  CHECK(lab.snapshot().test_loss < 0.11f);
  lab.restore_pretrained(ModelKind::Conv);
  lab.update(0);
  CHECK(lab.snapshot().settings.shape.kind == ModelKind::Conv);
  CHECK(lab.snapshot().test_loss == conv_loss);
  // A new built-in data set brings its own: the kept ones are forgotten, and restoring does nothing.
  lab.forget_pretrained();
  CHECK_FALSE(lab.has_pretrained());
  const std::uint64_t sent = lab.commands_sent();
  CHECK(lab.restore_pretrained(ModelKind::Conv) == sent);
  CHECK(lab.commands_sent() == sent);
}

TEST_CASE("a cut or corrupt gzipped weights file is refused by name and the model stays", "[lab][conv][errors]") {
  Lab& lab = loaded_lab();
  lab.reset(4);
  lab.update(0);
  const ModelKind kind = lab.snapshot().settings.shape.kind;
  auto cut = conv_pretrained_bytes();
  cut.resize(cut.size() / 2);
  const Status s = lab.load_pretrained(cut, "cut.safetensors.gz");
  CHECK_FALSE(s.is_ok());
  CHECK_THAT(s.message(), Catch::StartsWith("cut.safetensors.gz"));
  auto corrupt = conv_pretrained_bytes();
  for (std::size_t i = 20; i < 60 && i < corrupt.size(); ++i) corrupt[i] ^= 0x5a;
  const Status c = lab.load_pretrained(corrupt, "corrupt.safetensors.gz");
  CHECK_FALSE(c.is_ok());
  CHECK_THAT(c.message(), Catch::StartsWith("corrupt.safetensors.gz"));
  lab.update(0);
  CHECK(lab.snapshot().origin == "random weights (seed 4)");
  CHECK(lab.snapshot().settings.shape.kind == kind);
}
