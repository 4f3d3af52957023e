// LatentExplorer: passes over the data set on the views' weights, and the views built from them (see
// latent_explorer.hpp).
#include "app/latent_explorer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "core/rng.hpp"

namespace latent {

namespace {

}  // namespace

std::string CodeSource::describe() const {
  char text[64];
  switch (kind) {
    case Drawing: return "the drawing";
    case TestDigit: std::snprintf(text, sizeof text, "test digit #%d", index); return text;
    case MapPoint: std::snprintf(text, sizeof text, "map point (%.2f, %.2f)", static_cast<double>(a), static_cast<double>(b)); return text;
    case Manual: return "set by hand";
  }
  return "";
}

void LatentExplorer::init(std::shared_ptr<const DatasetSplit> data) {
  data_ = std::move(data);
  const Dataset& test = data_->test;
  std::vector<std::size_t> all(test.size());
  std::iota(all.begin(), all.end(), std::size_t{0});
  test_images_.assign(test.size() * kPixels, 0.0f);
  gather_columns(test, all.data(), static_cast<int>(all.size()), test_images_.data());
  pass_ = Pass{};
  model_.reset();
  pass_weights_ = shown_weights_ = ~std::uint64_t{0};
  last_pass_start_ = {};
  last_pass_seconds_ = 0;
  drawing_revision_ = ~std::uint64_t{0};
  slider_source_ = CodeSource{};
  slider_source_.kind = CodeSource::TestDigit;
  ends_[0] = CodeSource{};  // the drawing
  ends_[1] = CodeSource{};
  ends_[1].kind = CodeSource::TestDigit;
  ++revision_;
}

void LatentExplorer::start_pass(const Autoencoder& model, std::uint64_t weights_revision, Clock::time_point now) {
  if (!pass_.model || !(pass_.model->architecture() == model.architecture())) {
    pass_.model = std::make_unique<Autoencoder>(model.architecture());
  }
  std::copy(model.parameters().begin(), model.parameters().end(), pass_.model->parameters().begin());
  pass_.weights_revision = weights_revision;
  pass_.next_test = pass_.next_train = 0;
  const double per_image = std::max(1.0, model.architecture().forward_flops());
  const double budget = weights_moving_ ? kFlopsPerFrame : kPausedFlopsPerFrame;
  pass_.block = static_cast<std::size_t>(std::clamp(budget / per_image, 8.0, static_cast<double>(kBlock)));
  const auto dim = static_cast<std::size_t>(model.architecture().code_size());
  pass_.test_codes.assign(data_->test.size() * dim, 0.0f);
  pass_.test_losses.assign(data_->test.size(), 0.0f);
  pass_.train_codes.assign(data_->train.size() * dim, 0.0f);
  pass_weights_ = weights_revision;
  last_pass_start_ = now;
}

// One block: test digits first (codes and losses), then training digits (codes only).
void LatentExplorer::run_block() {
  const auto dim = static_cast<std::size_t>(pass_.model->architecture().code_size());
  const std::size_t test_count = data_->test.size();
  if (pass_.next_test < test_count) {
    const std::size_t n = std::min<std::size_t>(pass_.block, test_count - pass_.next_test);
    const float* x = test_images_.data() + pass_.next_test * kPixels;
    pass_.model->image_losses(x, x, static_cast<int>(n), Loss::BinaryCrossEntropy, pass_.test_losses.data() + pass_.next_test,
                              pass_.test_codes.data() + pass_.next_test * dim);
    pass_.next_test += n;
    return;
  }
  const std::size_t train_count = data_->train.size();
  const std::size_t n = std::min<std::size_t>(2 * pass_.block, train_count - pass_.next_train);
  std::vector<std::size_t> indices(n);
  std::iota(indices.begin(), indices.end(), pass_.next_train);
  std::vector<float> x(n * kPixels);
  gather_columns(data_->train, indices.data(), static_cast<int>(n), x.data());
  pass_.model->encode(x.data(), static_cast<int>(n), pass_.train_codes.data() + pass_.next_train * dim);
  pass_.next_train += n;
  if (pass_.next_train >= train_count) finish_pass();
}

namespace {
// The standard normal's quantile: the z with Phi(z) = p, by bisection on erfc (to ~1e-7; a grid needs 24 of them).
float normal_quantile(double p) {
  double lo = -8, hi = 8;
  for (int i = 0; i < 60; ++i) {
    const double mid = 0.5 * (lo + hi);
    (0.5 * std::erfc(-mid / std::sqrt(2.0)) < p ? lo : hi) = mid;
  }
  return static_cast<float>(0.5 * (lo + hi));
}
}  // namespace

void LatentExplorer::finish_pass() {
  const int dim = pass_.model->architecture().code_size();
  const bool new_shape = dim != dim_;
  std::swap(model_, pass_.model);
  pass_.model.reset();
  shown_weights_ = pass_.weights_revision;
  dim_ = dim;
  test_codes_ = std::move(pass_.test_codes);
  train_codes_ = std::move(pass_.train_codes);
  sorted_losses_ = std::move(pass_.test_losses);
  std::sort(sorted_losses_.begin(), sorted_losses_.end());
  find_unit_ranges();
  map_.set_codes(test_codes_.data(), static_cast<int>(data_->test.size()), dim_, weights_moving_ && !new_shape);
  decode_grid();
  if (new_shape && slider_source_.kind == CodeSource::Manual) slider_source_.kind = CodeSource::TestDigit;
  refresh_units();
  drawing_revision_ = ~std::uint64_t{0};  // the drawing's code, neighbours and percentile follow the new weights
  refresh_sliders();
  refresh_strip();
  ++revision_;
}

// Each code unit's observed range over the test digits (the sliders' ranges, and Random's).
void LatentExplorer::find_unit_ranges() {
  const auto d = static_cast<std::size_t>(dim_);
  const auto count = data_->test.size();
  unit_lo_.assign(d, 0.0f);
  unit_hi_.assign(d, 0.0f);
  for (std::size_t u = 0; u < d; ++u) {
    float lo = test_codes_[u], hi = test_codes_[u];
    for (std::size_t n = 1; n < count; ++n) {
      lo = std::min(lo, test_codes_[n * d + u]);
      hi = std::max(hi, test_codes_[n * d + u]);
    }
    unit_lo_[u] = lo;
    unit_hi_[u] = hi;
  }
}

// The grid: kGrid x kGrid codes over the PCA extent, row 0 at the top (the largest b), decoded in one batch. A VAE
// with a 2-unit code gets the classic manifold instead: its prior N(0, I) at the quantiles 5 % ... 95 % of each unit
// (Keras' VAE example), unit 0 across and unit 1 up. On a t-SNE map, whose plane has no codes, each cell shows the
// test digit nearest its centre.
void LatentExplorer::decode_grid() {
  grid_is_prior_ = false;
  if (map_.method() == CodeMap::Method::Tsne) {
    const std::vector<int> cells = map_.cell_points(kGrid);
    grid_.assign(cells.size() * kPixels, 0.0f);
    for (std::size_t c = 0; c < cells.size(); ++c) {
      if (cells[c] >= 0) std::copy_n(test_image(cells[c]), kPixels, grid_.begin() + static_cast<std::ptrdiff_t>(c * kPixels));
    }
  } else {
    decode_plane();
  }
}

void LatentExplorer::decode_plane() {
  const auto d = static_cast<std::size_t>(dim_);
  const float* extent = map_.plane_extent();
  grid_is_prior_ = model_->architecture().variational && dim_ == 2;
  std::vector<float> codes(static_cast<std::size_t>(kGrid * kGrid) * d);
  for (int r = 0; r < kGrid; ++r) {
    for (int c = 0; c < kGrid; ++c) {
      float* code = codes.data() + static_cast<std::size_t>(r * kGrid + c) * d;
      if (grid_is_prior_) {
        code[0] = normal_quantile(0.05 + 0.9 * c / (kGrid - 1));
        code[1] = normal_quantile(0.95 - 0.9 * r / (kGrid - 1));
        continue;
      }
      const float a = extent[0] + (extent[2] - extent[0]) * (static_cast<float>(c) + 0.5f) / kGrid;
      const float b = extent[3] - (extent[3] - extent[1]) * (static_cast<float>(r) + 0.5f) / kGrid;
      plane_code(map_.plane(), a, b, code);
    }
  }
  grid_.assign(static_cast<std::size_t>(kGrid * kGrid) * kPixels, 0.0f);
  model_->decode(codes.data(), kGrid * kGrid, grid_.data());
}

void LatentExplorer::update(const Autoencoder& model, std::uint64_t weights_revision, const DigitImage& drawing,
                            std::uint64_t drawing_revision, Clock::time_point now) {
  if (!data_) return;
  const bool newer = weights_revision != pass_weights_;
  // A new model (another shape, or weights adopted while paused) is shown as soon as the usual refresh allows.
  const bool same_model = model_ && model_->architecture() == model.architecture();
  const double interval =
      weights_moving_ && same_model ? std::max(kRefreshSeconds, last_pass_seconds_ / kPassShare) : kRefreshSeconds;
  if (!busy() && newer && (!ready() || now - last_pass_start_ >= std::chrono::duration<double>(interval))) {
    start_pass(model, weights_revision, now);
  }
  if (busy()) {
    run_block();
    if (!busy()) last_pass_seconds_ = std::chrono::duration<double>(now - last_pass_start_).count();
  }
  if (ready()) follow_drawing(drawing, drawing_revision, false);
  if (ready()) advance_map();
}

// A few ms of t-SNE's settling, when it is the map and not yet settled; its grid of digits every tenth iteration.
void LatentExplorer::advance_map() {
  const std::chrono::duration<double> budget(weights_moving_ ? kMovingMapSeconds : kMapSeconds);
  if (!map_.advance(Clock::now() + std::chrono::duration_cast<Clock::duration>(budget))) return;
  if (map_.settled() || map_.iteration() % 10 == 0) decode_grid();
  place_drawing();
  ++revision_;
}

void LatentExplorer::set_map_method(CodeMap::Method method) {
  if (method == map_.method()) return;
  map_.set_method(method);
  if (!ready()) return;
  decode_grid();
  place_drawing();
  ++revision_;
}

void LatentExplorer::settle_map() {
  if (!ready() || map_.settled()) return;
  map_.settle();
  decode_grid();
  place_drawing();
  ++revision_;
}

void LatentExplorer::place_drawing() {
  if (drawing_present_) map_.place(drawing_code_.data(), drawing_xy_);
}

void LatentExplorer::complete(const Autoencoder& model, std::uint64_t weights_revision, const DigitImage& drawing,
                              std::uint64_t drawing_revision) {
  if (!data_) return;
  if (weights_revision != shown_weights_ && (!busy() || pass_.weights_revision != weights_revision)) {
    start_pass(model, weights_revision, Clock::now());
  }
  while (busy()) run_block();
  follow_drawing(drawing, drawing_revision, false);
}

void LatentExplorer::follow_drawing(const DigitImage& drawing, std::uint64_t drawing_revision, bool force) {
  if (!force && drawing_revision == drawing_revision_) return;
  drawing_revision_ = drawing_revision;
  drawing_present_ = !drawing.empty;
  const auto d = static_cast<std::size_t>(dim_);
  drawing_code_.assign(d, 0.0f);
  neighbours_.clear();
  drawing_loss_ = drawing_percentile_ = 0;
  drawing_maps_.clear();
  if (drawing_present_) {
    drawing_input_.assign(drawing.pixels.begin(), drawing.pixels.end());
    // The same per-image loss as the test digits' above, so that the percentile compares like with like.
    model_->image_losses(drawing_input_.data(), drawing_input_.data(), 1, Loss::BinaryCrossEntropy, &drawing_loss_,
                         drawing_code_.data());
    drawing_percentile_ = percentile_below(sorted_losses_, drawing_loss_);
    drawing_maps_ = model_->feature_maps(drawing_input_.data());
    place_drawing();
    neighbours_ = nearest(train_codes_.data(), static_cast<int>(data_->train.size()), dim_, drawing_code_.data(), kNeighbours);
  }
  const float* shown = drawing_present_ ? drawing_input_.data() : test_image(0);
  network_input_.assign(shown, shown + kPixels);
  network_outputs_ = model_->layer_outputs(network_input_.data());
  if (slider_source_.kind == CodeSource::Drawing) refresh_sliders();
  if (ends_[0].kind == CodeSource::Drawing || ends_[1].kind == CodeSource::Drawing) refresh_strip();
  ++revision_;
}

std::vector<float> LatentExplorer::code_of(const CodeSource& source) const {
  const auto d = static_cast<std::size_t>(dim_);
  if (!ready()) return {};
  switch (source.kind) {
    case CodeSource::Drawing: return drawing_present_ ? drawing_code_ : std::vector<float>(plane().mean);
    case CodeSource::TestDigit: {
      const int i = std::clamp(source.index, 0, map_count() - 1);
      return std::vector<float>(test_code(i), test_code(i) + d);
    }
    case CodeSource::MapPoint: {
      std::vector<float> code(d);
      plane_code(plane(), source.a, source.b, code.data());
      return code;
    }
    case CodeSource::Manual:
      if (source.values.size() == d) return source.values;
      return std::vector<float>(plane().mean);
  }
  return {};
}

std::vector<float> LatentExplorer::decode(const std::vector<float>& code) {
  std::vector<float> image(kPixels, 0.0f);
  if (ready() && code.size() == static_cast<std::size_t>(dim_)) model_->decode(code.data(), 1, image.data());
  return image;
}

const float* LatentExplorer::train_image(int i) const {
  if (i != cached_train_) {
    const auto index = static_cast<std::size_t>(std::clamp(i, 0, static_cast<int>(data_->train.size()) - 1));
    cached_train_image_.assign(kPixels, 0.0f);
    gather_columns(data_->train, &index, 1, cached_train_image_.data());
    cached_train_ = i;
  }
  return cached_train_image_.data();
}

// --- Sliders ---------------------------------------------------------------------------------------------------

void LatentExplorer::set_slider_source(CodeSource source) {
  slider_source_ = std::move(source);
  refresh_sliders();
  ++revision_;
}

void LatentExplorer::set_slider_value(int unit, float value) {
  if (unit < 0 || unit >= dim_ || !std::isfinite(value)) return;
  if (slider_source_.kind != CodeSource::Manual) {
    slider_source_.values = slider_code_;
    slider_source_.kind = CodeSource::Manual;
  }
  slider_source_.values[static_cast<std::size_t>(unit)] = value;
  refresh_sliders();
  ++revision_;
}

void LatentExplorer::reset_sliders() {
  CodeSource s;
  s.kind = CodeSource::Manual;
  s.values = plane().mean;
  if (dim_ == 2) {  // the 2-unit plane's mean is the origin: use the codes' own mean
    s.values.assign(2, 0.0f);
    for (int i = 0; i < map_count(); ++i) {
      s.values[0] += test_code(i)[0] / static_cast<float>(map_count());
      s.values[1] += test_code(i)[1] / static_cast<float>(map_count());
    }
  }
  set_slider_source(std::move(s));
}

void LatentExplorer::randomise_sliders(std::uint64_t seed) {
  Rng rng(seed);
  CodeSource s;
  s.kind = CodeSource::Manual;
  s.values.resize(static_cast<std::size_t>(dim_));
  for (std::size_t u = 0; u < s.values.size(); ++u) s.values[u] = unit_lo_[u] + rng.uniform01() * (unit_hi_[u] - unit_lo_[u]);
  set_slider_source(std::move(s));
}

void LatentExplorer::refresh_sliders() {
  if (!ready()) return;
  slider_code_ = code_of(slider_source_);
  slider_image_ = decode(slider_code_);
}

// --- Interpolation ---------------------------------------------------------------------------------------------

void LatentExplorer::set_end(int e, CodeSource source) {
  ends_[std::clamp(e, 0, 1)] = std::move(source);
  refresh_strip();
  ++revision_;
}

std::vector<float> LatentExplorer::strip_codes() const {
  const std::vector<float> a = code_of(ends_[0]), b = code_of(ends_[1]);
  if (a.empty() || b.empty()) return {};
  return interpolate(a.data(), b.data(), dim_, kStrip);
}

void LatentExplorer::refresh_strip() {
  if (!ready()) return;
  const std::vector<float> codes = strip_codes();
  strip_.assign(static_cast<std::size_t>(kStrip) * kPixels, 0.0f);
  model_->decode(codes.data(), kStrip, strip_.data());
  const std::vector<float> a = code_of(ends_[0]), b = code_of(ends_[1]);
  refresh_morph();
}

void LatentExplorer::set_morph(float t) {
  if (!std::isfinite(t)) return;
  morph_t_ = std::clamp(t, 0.0f, 1.0f);
  refresh_morph();
  ++revision_;
}

void LatentExplorer::refresh_morph() {
  if (!ready()) return;
  const std::vector<float> a = code_of(ends_[0]), b = code_of(ends_[1]);
  std::vector<float> m(a.size());
  for (std::size_t i = 0; i < m.size(); ++i) m[i] = (1.0f - morph_t_) * a[i] + morph_t_ * b[i];  // exact at both ends
  morph_image_ = decode(m);
}

// --- Units -----------------------------------------------------------------------------------------------------

namespace {
// A layer's kernels as images: `count` images of side x side, image u from `at(u, i)`; returns the largest |weight|.
template <class At> float kernel_images(std::vector<float>& out, std::size_t count, std::size_t pixels, At at) {
  out.assign(count * pixels, 0.0f);
  float scale = 1e-6f;
  for (std::size_t u = 0; u < count; ++u) {
    for (std::size_t p = 0; p < pixels; ++p) {
      out[u * pixels + p] = at(u, p);
      scale = std::max(scale, std::abs(out[u * pixels + p]));
    }
  }
  return scale;
}
}  // namespace

void LatentExplorer::refresh_units() {
  const auto& layers = model_->layers();
  const auto params = model_->parameters();
  const LayerLayout& first = layers.front();
  const LayerLayout& last = layers.back();
  if (first.kind == LayerKind::Conv && last.kind == LayerKind::Conv) {
    // The first convolution's filters (out, 1, k, k): what each of its maps looks for. The last one's (1, in, k, k):
    // how each map before it adds to the pixels.
    const auto k = static_cast<std::size_t>(first.kernel);
    unit_side_ = first.kernel;
    encoder_scale_ = kernel_images(encoder_units_, static_cast<std::size_t>(first.out.channels), k * k,
                                   [&](std::size_t u, std::size_t p) { return params[first.weight + u * k * k + p]; });
    decoder_scale_ = kernel_images(decoder_units_, static_cast<std::size_t>(last.in.channels), k * k,
                                   [&](std::size_t u, std::size_t p) { return params[last.weight + u * k * k + p]; });
    return;
  }
  // A dense model: row u of the first weight (out, in) holds the weights into unit u from the pixels; column u of
  // the last (out = pixels, in), the weights out of unit u. (A deep model's first and last hidden layers.)
  unit_side_ = kDigitSide;
  const auto in_units = static_cast<std::size_t>(first.out_size());
  const auto out_units = static_cast<std::size_t>(last.in_size());
  encoder_scale_ = kernel_images(encoder_units_, in_units, kPixels,
                                 [&](std::size_t u, std::size_t p) { return params[first.weight + u * kPixels + p]; });
  decoder_scale_ = kernel_images(decoder_units_, out_units, kPixels,
                                 [&](std::size_t u, std::size_t p) { return params[last.weight + p * out_units + u]; });
}

}  // namespace latent
