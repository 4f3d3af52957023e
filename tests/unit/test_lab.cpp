// Lab, the state behind the interface: loading, pretrained weights, time-sliced training that stops at its
// target, settings that keep or replace the model, and the drawing's path to a code and a reconstruction.
#include <catch2/catch.hpp>

#include "app/lab.hpp"
#include "core/files.hpp"

using namespace latent;

namespace {

std::vector<std::uint8_t> pretrained_bytes() {
  std::vector<std::uint8_t> bytes;
  REQUIRE(read_file(std::string(LATENT_ASSETS_DIR) + "/weights/seed-784-32.safetensors", bytes).is_ok());
  return bytes;
}

// The bundled digits and the shipped weights, loaded once per process (ctest runs each case alone).
Lab& loaded_lab() {
  static Lab lab;
  if (!lab.ready()) {
    Dataset all;
    REQUIRE(load_bundled_mnist(LATENT_ASSETS_DIR, all).is_ok());
    REQUIRE(lab.init(std::move(all)).is_ok());
    REQUIRE(lab.load_pretrained(pretrained_bytes(), "seed.safetensors").is_ok());
  }
  return lab;
}

}  // namespace

TEST_CASE("a new lab: random weights, one gallery digit per label, a test loss", "[lab]") {
  Lab& lab = loaded_lab();
  lab.reset(3);
  CHECK(lab.model_origin() == "random weights (seed 3)");
  CHECK_FALSE(lab.model_has_training());
  CHECK(lab.test_loss() > 0.6f);
  for (int k = 0; k < Lab::kGalleryCount; ++k) CHECK(lab.gallery_label(k) == k);
  CHECK(lab.test_curve().size() == 1);
}

TEST_CASE("the shipped pretrained weights load and are good", "[lab]") {
  Lab& lab = loaded_lab();
  const auto bytes = pretrained_bytes();
  REQUIRE(lab.load_pretrained(bytes, "seed.safetensors").is_ok());
  CHECK(lab.has_pretrained());
  CHECK(lab.model_has_training());
  CHECK_THAT(lab.model_origin(), Catch::StartsWith("pretrained, 50 epochs"));
  CHECK(lab.test_loss() < 0.11f);
  lab.reset(1);
  CHECK(lab.test_loss() > 0.6f);
  lab.restore_pretrained();
  CHECK(lab.test_loss() < 0.11f);
}

TEST_CASE("bad weights are refused and the current model stays", "[lab][errors]") {
  Lab& lab = loaded_lab();
  lab.reset(5);
  const float before = lab.test_loss();
  auto bytes = pretrained_bytes();
  bytes.resize(bytes.size() - 10);
  const Status s = lab.load_pretrained(bytes, "cut.safetensors");
  CHECK_THAT(s.message(), Catch::Contains("cut.safetensors"));
  CHECK(lab.test_loss() == before);
  CHECK(lab.model_origin() == "random weights (seed 5)");
}

TEST_CASE("data that is not 28x28 digits is refused", "[lab][errors]") {
  Dataset d;
  d.rows = 10;
  d.cols = 10;
  d.images.assign(100 * 50, 0);
  d.labels.assign(50, 1);
  Lab lab;
  CHECK_THAT(lab.init(std::move(d)).message(), Catch::Contains("the digits are 10x10; Latent Canvas needs 28x28"));
  CHECK_FALSE(lab.ready());
}

TEST_CASE("training runs in slices, lowers the loss and stops at its target", "[lab]") {
  Lab& lab = loaded_lab();
  lab.reset(2);
  LabSettings s = lab.settings();
  s.target_epochs = 2;
  s.batch_size = 256;
  lab.apply(s);
  const float start = lab.test_loss();
  lab.run_training_slice(0.01);  // paused: nothing happens
  CHECK(lab.trainer().total_steps() == 0);
  lab.set_training(true);
  lab.run_training_slice(0.0);  // a zero budget still makes progress: one step
  CHECK(lab.trainer().total_steps() == 1);
  for (int i = 0; i < 1000 && lab.training(); ++i) lab.run_training_slice(0.005);
  CHECK_FALSE(lab.training());
  CHECK(lab.trainer().epoch() == 2);
  CHECK(lab.test_curve().size() == 3);  // the start and two epochs
  CHECK(lab.test_loss() < start - 0.3f);
  CHECK(lab.train_curve().size() == static_cast<std::size_t>(lab.trainer().total_steps()));
  lab.set_training(true);  // at the target: starting again extends it
  CHECK(lab.settings().target_epochs == 2 + Lab::kEpochsPerExtension);
  lab.set_training(false);
}

TEST_CASE("settings: the learning rate keeps the model, the shape replaces it", "[lab]") {
  Lab& lab = loaded_lab();
  lab.restore_pretrained();
  const std::vector<float> weights(lab.trainer().model().parameters().begin(), lab.trainer().model().parameters().end());
  LabSettings s = lab.settings();
  s.learning_rate = 0.01f;
  lab.apply(s);
  CHECK(std::equal(weights.begin(), weights.end(), lab.trainer().model().parameters().begin()));
  CHECK(lab.trainer().config().optimizer.learning_rate == 0.01f);
  s.batch_size = 64;
  lab.apply(s);
  CHECK(lab.trainer().config().batch_size == 64);
  CHECK(std::equal(weights.begin(), weights.end(), lab.trainer().model().parameters().begin()));
  CHECK(lab.model_has_training());  // still the pretrained weights
  s.latent = 16;
  s.hidden = {128};
  lab.apply(s);
  CHECK(lab.architecture().describe() == "784-128-16-128-784 relu");
  CHECK(lab.latent_size() == 16);
  CHECK_FALSE(lab.model_has_training());
  CHECK(lab.test_loss() > 0.6f);
  s = LabSettings{};
  lab.apply(s);
}

TEST_CASE("the drawing becomes an input, a code and a reconstruction", "[lab]") {
  Lab& lab = loaded_lab();
  lab.restore_pretrained();
  Drawing& drawing = lab.drawing();
  drawing.clear();
  lab.refresh_views();
  CHECK(lab.canvas_input().empty);
  CHECK(lab.canvas_loss() == 0.0f);
  // A "1": one vertical stroke, by pointer events on a drawing area placed at (100, 50), 280 px wide.
  drawing.place(100.f, 50.f, 280.f, true);
  REQUIRE(drawing.pointer_down(1, PointerKind::Mouse, {240.f, 90.f}));
  drawing.pointer_up(1, {235.f, 290.f});
  lab.refresh_views();
  REQUIRE_FALSE(lab.canvas_input().empty);
  const InkStats ink = ink_stats(lab.canvas_input().pixels.data(), 28, 28);
  CHECK(ink.box_height() == 20);
  CHECK(lab.canvas_code().size() == 32);
  double ab = 0, aa = 0, bb = 0;
  for (int i = 0; i < 784; ++i) {
    const double a = lab.canvas_input().pixels[static_cast<std::size_t>(i)], b = lab.canvas_reconstruction()[static_cast<std::size_t>(i)];
    ab += a * b;
    aa += a * a;
    bb += b * b;
  }
  CHECK(ab / std::sqrt(aa * bb) > 0.8);  // the pretrained model rebuilds a clean "1" well
  CHECK(lab.code_scale() > 0.0f);
  drawing.clear();
}
