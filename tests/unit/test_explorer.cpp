// LatentExplorer through the Lab, on the shipped weights and the bundled digits: passes in blocks over frames, the
// map and its decoded grid, neighbours against brute force, the percentile, sliders, interpolation, unit images.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <tuple>

#include "app/lab.hpp"
#include "core/files.hpp"
#include "helpers.hpp"

using namespace latent;

namespace {

Lab& explorer_lab() {
  static Lab lab;
  if (!lab.ready()) {
    Dataset all = latent::testing::bundled_dataset();
    SessionSettings settings;
    settings.threads = 1;
    REQUIRE(lab.init(std::move(all), SessionMode::Sliced, settings).is_ok());
    std::vector<std::uint8_t> bytes;
    REQUIRE(read_file(std::string(LATENT_ASSETS_DIR) + "/weights/seed-784-32.safetensors", bytes).is_ok());
    REQUIRE(lab.load_pretrained(bytes, "seed.safetensors").is_ok());
    lab.update(0);
  }
  return lab;
}

// Draws a "1": one vertical stroke in the middle of a 280-pixel area.
void draw_one(Lab& lab) {
  Drawing& d = lab.drawing();
  d.clear();
  d.place(0, 0, 280, true);
  REQUIRE(d.pointer_down(1, PointerKind::Mouse, {140.f, 40.f}));
  for (float y = 50; y <= 240; y += 10) d.pointer_move(1, {140.f, y});
  d.pointer_up(1, {140.f, 240.f});
}

std::vector<float> encode_all(const Lab& lab, const Dataset& data) {
  Autoencoder model(lab.views().model().architecture());
  std::copy(lab.views().model().parameters().begin(), lab.views().model().parameters().end(), model.parameters().begin());
  std::vector<std::size_t> all(data.size());
  std::iota(all.begin(), all.end(), std::size_t{0});
  std::vector<float> x(data.size() * 784), codes(data.size() * static_cast<std::size_t>(model.architecture().latent));
  gather_columns(data, all.data(), static_cast<int>(all.size()), x.data());
  model.encode(x.data(), static_cast<int>(data.size()), codes.data());
  return codes;
}

}  // namespace

TEST_CASE("the explorer encodes the data in blocks over frames, then switches to the new results at once", "[explorer]") {
  Lab& lab = explorer_lab();
  lab.complete_explorer();  // nothing in progress
  lab.reset(5);
  lab.update(0);
  const LatentExplorer& e = lab.explorer();
  const std::uint64_t target = lab.views().weights_revision();
  const auto t0 = LatentExplorer::Clock::now() + std::chrono::seconds(10);  // past any rate limit
  int frames = 0;
  // 2000 test digits at kBlock a frame, then 8000 training digits at 2 * kBlock: 8 + 16 frames.
  while (e.weights_revision() != target && frames < 100) {
    lab.explorer().update(lab.views().model(), target, lab.drawing().input(), lab.drawing().revision(), t0);
    ++frames;
    if (e.weights_revision() != target) CHECK(e.busy());
  }
  CHECK(frames == 2000 / LatentExplorer::kBlock + 8000 / (2 * LatentExplorer::kBlock));
  CHECK_FALSE(e.busy());
  CHECK(e.map_count() == 2000);
  // A newer revision right after a pass waits for kRefreshSeconds.
  lab.explorer().update(lab.views().model(), target + 1, lab.drawing().input(), lab.drawing().revision(), t0);
  CHECK_FALSE(e.busy());
  lab.explorer().update(lab.views().model(), target + 1, lab.drawing().input(), lab.drawing().revision(),
                        t0 + std::chrono::milliseconds(1100));
  CHECK(e.busy());
  lab.restore_pretrained();
  lab.complete_explorer();
  CHECK_FALSE(e.busy());
  CHECK(e.weights_revision() == lab.views().weights_revision());
}

TEST_CASE("while training moves the weights, passes take at most a quarter of the frames; paused, 1 s apart",
          "[explorer]") {
  Lab& lab = explorer_lab();
  lab.reset(6);
  lab.update(0);
  LatentExplorer& e = lab.explorer();
  const std::uint64_t base = lab.views().weights_revision();
  e.complete(lab.views().model(), base, lab.drawing().input(), lab.drawing().revision());  // nothing in progress
  e.set_weights_moving(false);
  const auto t0 = LatentExplorer::Clock::now() + std::chrono::seconds(10);  // past any rate limit
  const auto at = [&](int k) { return t0 + k * std::chrono::milliseconds(100); };  // frame k
  const auto step = [&](std::uint64_t revision, int k) {
    e.update(lab.views().model(), revision, lab.drawing().input(), lab.drawing().revision(), at(k));
  };
  int k = 0;
  while (e.weights_revision() != base + 1 && k < 100) step(base + 1, k++);
  REQUIRE(e.weights_revision() == base + 1);
  const double pass = 0.1 * (k - 1);  // started at frame 0, finished at frame k - 1
  REQUIRE(pass > 1.0);
  // Training: the next pass over the same model waits pass / kPassShare from the last one's start.
  e.set_weights_moving(true);
  const int wait = static_cast<int>(std::ceil(pass / LatentExplorer::kPassShare / 0.1));
  step(base + 2, wait - 2);
  CHECK_FALSE(e.busy());
  step(base + 2, wait + 1);
  CHECK(e.busy());
  // Paused (weights adopted or reset): kRefreshSeconds after the last start, however long passes take.
  for (k = wait + 2; e.busy() && k < wait + 200; ++k) step(base + 2, k);
  REQUIRE(e.weights_revision() == base + 2);
  e.set_weights_moving(false);
  step(base + 3, wait + 1 + 11);  // 1.1 s after that pass started
  CHECK(e.busy());
  e.complete(lab.views().model(), base + 3, lab.drawing().input(), lab.drawing().revision());
}

TEST_CASE("the map: the test codes on their principal plane, a decoded grid over it, the drawing on it", "[explorer]") {
  Lab& lab = explorer_lab();
  lab.restore_pretrained();
  draw_one(lab);
  lab.complete_explorer();
  LatentExplorer& e = lab.explorer();
  REQUIRE(e.ready());
  REQUIRE(e.latent_size() == 32);
  const std::vector<float> codes = encode_all(lab, lab.data().test);
  // The map is the projection of the same codes the model gives.
  std::vector<float> xy(codes.size() / 32 * 2);
  project(e.plane(), codes.data(), static_cast<int>(codes.size() / 32), xy.data());
  for (std::size_t i = 0; i < xy.size(); i += 97) CHECK(e.map_xy()[i] == Approx(xy[i]).margin(1e-4));
  // Almost every point lies inside the extent.
  int inside = 0;
  for (int i = 0; i < e.map_count(); ++i) {
    const float a = e.map_xy()[2 * i], b = e.map_xy()[2 * i + 1];
    inside += a >= e.extent()[0] && a <= e.extent()[2] && b >= e.extent()[1] && b <= e.extent()[3];
  }
  CHECK(inside >= 0.98 * e.map_count());
  // Grid cell (r, c) is the decoding of the plane's point at that cell's centre (row 0 at the top).
  REQUIRE(e.grid().size() == static_cast<std::size_t>(LatentExplorer::kGrid * LatentExplorer::kGrid * 784));
  for (const auto& [r, c] : {std::pair{0, 0}, std::pair{5, 7}, std::pair{11, 11}}) {
    const float* ext = e.extent();
    const float a = ext[0] + (ext[2] - ext[0]) * (static_cast<float>(c) + 0.5f) / LatentExplorer::kGrid;
    const float b = ext[3] - (ext[3] - ext[1]) * (static_cast<float>(r) + 0.5f) / LatentExplorer::kGrid;
    std::vector<float> code(32);
    plane_code(e.plane(), a, b, code.data());
    const std::vector<float> image = e.decode(code);
    const float* cell = e.grid().data() + static_cast<std::size_t>(r * LatentExplorer::kGrid + c) * 784;
    for (std::size_t p = 0; p < 784; p += 13) CHECK(cell[p] == Approx(image[p]).margin(1e-5));
  }
  // The drawing is on the map where its code projects.
  REQUIRE(e.drawing_on_map());
  CHECK(std::isfinite(e.drawing_xy()[0]));
  // pick() finds a point at its own position.
  CHECK(e.pick(e.map_xy()[2 * 123], e.map_xy()[2 * 123 + 1], 1e-6f) == 123);
}

TEST_CASE("the t-SNE map keeps the seed model's digits apart, settles over frames, and places the drawing", "[explorer][tsne]") {
  Lab& lab = explorer_lab();
  lab.restore_pretrained();
  draw_one(lab);
  lab.complete_explorer();
  LatentExplorer& e = lab.explorer();
  std::vector<int> labels(static_cast<std::size_t>(e.map_count()));
  for (int i = 0; i < e.map_count(); ++i) labels[static_cast<std::size_t>(i)] = e.map_label(i);
  const double pca = neighbour_agreement(e.map_xy().data(), e.map_count(), 2, labels.data());
  e.set_map_method(CodeMap::Method::Tsne);
  REQUIRE(e.code_map().method() == CodeMap::Method::Tsne);
  CHECK_FALSE(e.code_map().settled());
  // Frames move it along, a few ms each.
  const std::uint64_t before = e.revision();
  int frames = 0;
  while (e.code_map().iteration() < 5 && frames < 500) {
    lab.update(0);
    ++frames;
  }
  CHECK(e.revision() > before);
  CHECK(e.code_map().iteration() >= 5);
  CHECK_FALSE(e.code_map().settled());
  const auto start = std::chrono::steady_clock::now();
  e.settle_map();
  INFO("settled in " << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s");
  REQUIRE(e.code_map().settled());
  const double tsne = neighbour_agreement(e.map_xy().data(), e.map_count(), 2, labels.data());
  const double codes = neighbour_agreement(e.test_code(0), e.map_count(), 32, labels.data());
  INFO("PCA " << pca << ", t-SNE " << tsne << ", codes " << codes);
  CHECK(tsne > 0.75);
  CHECK(tsne > codes - 0.05);
  CHECK(tsne > pca + 0.4);
  // The grid shows, in each cell, the test digit nearest its centre; hover and pick use the t-SNE positions.
  CHECK(e.pick(e.map_xy()[2 * 77], e.map_xy()[2 * 77 + 1], 1e-6f) == 77);
  const std::vector<int> cells = e.code_map().cell_points(LatentExplorer::kGrid);
  const auto filled = std::find_if(cells.begin(), cells.end(), [](int i) { return i >= 0; });
  REQUIRE(filled != cells.end());
  const float* cell = e.grid().data() + static_cast<std::size_t>(filled - cells.begin()) * 784;
  CHECK(std::equal(cell, cell + 784, e.test_image(*filled)));
  // The drawing sits at the mean position of its 5 nearest test codes.
  const std::vector<float> code = lab.explorer().code_of(CodeSource{});
  const auto near = nearest(e.test_code(0), e.map_count(), 32, code.data(), CodeMap::kPlaceNeighbours);
  float x = 0;
  for (const Neighbour& n : near) x += e.map_xy()[2 * static_cast<std::size_t>(n.index)] / CodeMap::kPlaceNeighbours;
  CHECK(e.drawing_xy()[0] == Approx(x).margin(1e-4));
  e.set_map_method(CodeMap::Method::Pca);
  CHECK(neighbour_agreement(e.map_xy().data(), e.map_count(), 2, labels.data()) == pca);
}

TEST_CASE("the drawing's neighbours agree with brute force, and its percentile with the test losses", "[explorer]") {
  Lab& lab = explorer_lab();
  lab.restore_pretrained();
  draw_one(lab);
  lab.complete_explorer();
  const LatentExplorer& e = lab.explorer();
  const std::vector<float> train_codes = encode_all(lab, lab.data().train);
  const std::vector<float>& code = lab.views().canvas_code();
  const std::vector<Neighbour> brute = nearest(train_codes.data(), static_cast<int>(lab.data().train.size()), 32, code.data(), 5);
  REQUIRE(e.neighbours().size() == 5);
  for (std::size_t k = 0; k < 5; ++k) {
    CHECK(e.neighbours()[k].index == brute[k].index);
    CHECK(e.neighbours()[k].distance == Approx(brute[k].distance).epsilon(1e-4));
  }
  // A drawn "1" is near training ones.
  int ones = 0;
  for (const Neighbour& n : e.neighbours()) ones += e.train_label(n.index) == 1;
  CHECK(ones >= 3);
  // The percentile: the share of test digits whose loss is below the drawing's.
  const auto& losses = e.sorted_test_losses();
  REQUIRE(losses.size() == 2000);
  CHECK(std::is_sorted(losses.begin(), losses.end()));
  const auto below = std::count_if(losses.begin(), losses.end(), [&](float l) { return l < e.drawing_loss(); });
  CHECK(e.drawing_percentile() == Approx(100.0 * static_cast<double>(below) / 2000.0));
  CHECK(e.drawing_loss() == Approx(lab.views().canvas_loss()).epsilon(1e-4));
  // The mean test loss from the explorer's per-digit losses matches the session's test loss.
  const double mean = std::accumulate(losses.begin(), losses.end(), 0.0) / 2000.0;
  CHECK(mean == Approx(lab.snapshot().test_loss).epsilon(2e-3));
}

TEST_CASE("sliders and interpolation follow their sources; the strip runs from one code to the other", "[explorer]") {
  Lab& lab = explorer_lab();
  lab.restore_pretrained();
  draw_one(lab);
  lab.complete_explorer();
  LatentExplorer& e = lab.explorer();

  CodeSource digit;
  digit.kind = CodeSource::TestDigit;
  digit.index = 17;
  e.set_slider_source(digit);
  CHECK(e.slider_code() == std::vector<float>(e.test_code(17), e.test_code(17) + 32));
  CHECK(e.slider_image() == e.decode(e.slider_code()));
  e.set_slider_value(3, 2.5f);
  CHECK(e.slider_source().kind == CodeSource::Manual);
  CHECK(e.slider_code()[3] == 2.5f);
  CHECK(e.slider_code()[4] == e.test_code(17)[4]);
  e.randomise_sliders(9);
  for (int u = 0; u < 32; ++u) {
    CHECK(e.slider_code()[static_cast<std::size_t>(u)] >= e.unit_min(u));
    CHECK(e.slider_code()[static_cast<std::size_t>(u)] <= e.unit_max(u));
  }
  CodeSource drawing;  // the drawing: follows it as it changes
  e.set_slider_source(drawing);
  CHECK(e.slider_code() == lab.views().canvas_code());

  e.set_end(0, drawing);
  e.set_end(1, digit);
  const std::vector<float> path = e.strip_codes();
  REQUIRE(path.size() == static_cast<std::size_t>(LatentExplorer::kStrip * 32));
  CHECK(std::vector<float>(path.begin(), path.begin() + 32) == lab.views().canvas_code());
  CHECK(std::vector<float>(path.end() - 32, path.end()) == std::vector<float>(e.test_code(17), e.test_code(17) + 32));
  // Decoded in one batch, the strip's first image is the drawing's decoding (to float rounding).
  const std::vector<float> first = e.decode(std::vector<float>(path.begin(), path.begin() + 32));
  for (std::size_t p = 0; p < 784; ++p) CHECK(e.strip()[p] == Approx(first[p]).margin(1e-5));
  e.set_morph(1.0f);
  CHECK(e.morph_image() == e.decode(std::vector<float>(e.test_code(17), e.test_code(17) + 32)));
}

TEST_CASE("unit images are the first layer's rows and the last layer's columns", "[explorer]") {
  Lab& lab = explorer_lab();
  lab.restore_pretrained();
  lab.complete_explorer();
  const LatentExplorer& e = lab.explorer();
  const Autoencoder& m = lab.views().model();
  REQUIRE(e.unit_count(true) == 32);
  REQUIRE(e.unit_count(false) == 32);
  const auto p = m.parameters();
  const LayerLayout& enc = m.layers().front();
  const LayerLayout& dec = m.layers().back();
  CHECK(e.unit_images(true)[5 * 784 + 300] == p[enc.weight + 5 * 784 + 300]);
  CHECK(e.unit_images(false)[7 * 784 + 300] == p[dec.weight + 300 * 32 + 7]);
  float largest = 0;
  for (std::size_t i = 0; i < 32 * 784; ++i) largest = std::max(largest, std::abs(p[enc.weight + i]));
  CHECK(e.unit_scale(true) == largest);
}

TEST_CASE("a VAE with a 2-unit code: the grid is its prior at N(0, 1) quantiles, the classic manifold", "[explorer][variants]") {
  Lab lab;
  Dataset all = latent::testing::bundled_dataset();
  SessionSettings settings;
  settings.threads = 1;
  settings.shape.latent = 2;
  settings.shape.hidden = {64};
  settings.objective.variant = Variant::Variational;
  REQUIRE(lab.init(std::move(all), SessionMode::Sliced, settings).is_ok());
  lab.update(0);
  lab.complete_explorer();
  const LatentExplorer& e = lab.explorer();
  REQUIRE(e.ready());
  CHECK(e.grid_is_prior());
  // The top-left cell decodes (Phi^-1(0.05), Phi^-1(0.95)) = (-1.6449, 1.6449); the bottom-right the opposite.
  Autoencoder model(lab.views().model());
  const auto pixels = static_cast<std::size_t>(784);
  const auto last = static_cast<std::size_t>(LatentExplorer::kGrid * LatentExplorer::kGrid - 1);
  for (const auto& [cell, a, b] : {std::tuple{std::size_t{0}, -1.644854f, 1.644854f}, std::tuple{last, 1.644854f, -1.644854f}}) {
    const float code[2] = {a, b};
    std::vector<float> y(pixels);
    model.decode(code, 1, y.data());
    for (std::size_t i = 0; i < pixels; ++i) CHECK(e.grid()[cell * pixels + i] == Approx(y[i]).margin(1e-4));
  }

  // A plain 2-unit model keeps the map's own extent.
  settings.objective.variant = Variant::Plain;
  lab.apply(settings);
  lab.update(0);
  lab.complete_explorer();
  CHECK_FALSE(lab.explorer().grid_is_prior());
}

TEST_CASE("a convolutional model's units are its first filters and how its last layer's maps draw", "[explorer][conv]") {
  Lab lab;
  Dataset all = latent::testing::bundled_dataset();
  SessionSettings settings;
  settings.threads = 1;
  settings.shape.kind = ModelKind::Conv;
  REQUIRE(lab.init(std::move(all), SessionMode::Sliced, settings).is_ok());
  lab.update(0);
  lab.complete_explorer();
  const LatentExplorer& e = lab.explorer();
  const Autoencoder& m = lab.views().model();
  REQUIRE(m.architecture().convolutional());
  CHECK(e.latent_size() == 128);
  CHECK(e.unit_side() == 3);
  REQUIRE(e.unit_count(true) == 16);   // conv 1 -> 16: its 16 filters
  REQUIRE(e.unit_count(false) == 16);  // conv 16 -> 1: one 3x3 kernel per map it reads
  const auto p = m.parameters();
  const LayerLayout& first = m.layers().front();
  const LayerLayout& last = m.layers().back();
  CHECK(e.unit_images(true)[5 * 9 + 4] == p[first.weight + 5 * 9 + 4]);  // filter 5's centre
  CHECK(e.unit_images(false)[11 * 9 + 0] == p[last.weight + 11 * 9]);
  float largest = 0;
  for (std::size_t i = 0; i < 16 * 9; ++i) largest = std::max(largest, std::abs(p[first.weight + i]));
  CHECK(e.unit_scale(true) == largest);
  // A drawing's maps, layer by layer, from the same weights: the last is its reconstruction.
  CHECK(e.drawing_maps().empty());
  draw_one(lab);
  lab.complete_explorer();
  REQUIRE(e.drawing_maps().size() == 8);
  CHECK(e.drawing_maps().back().values.size() == 784);
  // The explorer's codes are the model's: the 4 x 4 x 8 maps of each test digit.
  std::vector<float> code(128);
  Autoencoder copy = m;
  copy.encode(e.test_image(3), 1, code.data());
  for (std::size_t i = 0; i < 128; ++i) CHECK(e.test_code(3)[i] == Approx(code[i]).margin(1e-5));  // one image or a block
}

TEST_CASE("the network view's values: every layer's output for the drawing, or test digit #0 without one", "[explorer][network]") {
  Lab& lab = explorer_lab();
  lab.restore_pretrained();
  lab.drawing().clear();
  lab.complete_explorer();
  const LatentExplorer& e = lab.explorer();
  REQUIRE(e.network_outputs().size() == 2);
  CHECK(std::equal(e.network_input().begin(), e.network_input().end(), e.test_image(0)));
  for (std::size_t u = 0; u < 32; ++u) CHECK(e.network_outputs()[0][u] == Approx(e.test_code(0)[u]).margin(1e-5));
  draw_one(lab);
  lab.update(0);
  REQUIRE(e.has_drawing());
  const std::vector<float> code = lab.explorer().code_of(CodeSource{});
  for (std::size_t u = 0; u < 32; ++u) CHECK(e.network_outputs()[0][u] == Approx(code[u]).margin(1e-5));
  CHECK(e.network_outputs()[1].size() == 784);
}
