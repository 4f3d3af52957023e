// Shared helpers for the unit tests: temporary folders, IDX and gzip byte builders, finite differences.
#pragma once

#include <catch2/catch.hpp>
#include <zlib.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "core/dataset.hpp"
#include "core/objective.hpp"
#include "core/rng.hpp"
#include "core/sketch.hpp"

namespace latent::testing {

// The bundled 10,000 digits, read from assets/ on each call.
inline Dataset bundled_dataset() {
  Dataset all;
  const Status s = load_bundled_mnist(LATENT_ASSETS_DIR, all);
  if (!s) FAIL(s.message());
  return all;
}

// The bundled digits in their fixed 8,000 / 2,000 split, loaded once per process.
inline const DatasetSplit& bundled_digits() {
  static const DatasetSplit split = split_stratified(bundled_dataset());
  return split;
}

// The objective of a variant, with its default settings.
inline Objective objective_of(Variant v) {
  Objective o;
  o.variant = v;
  return o;
}

inline constexpr int kSketchSide = Sketch::kSize;  // a sketch's side in pixels
inline constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// The cosine of the angle between two vectors of n numbers.
inline double cosine(const float* a, const float* b, std::size_t n) {
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < n; ++i) {
    ab += double(a[i]) * b[i];
    aa += double(a[i]) * a[i];
    bb += double(b[i]) * b[i];
  }
  return ab / std::sqrt(aa * bb);
}

// A sketch's coverage at pixel (x, y), and the number of rows inked above half coverage in column x: the
// stroke's thickness there.
inline float sketch_at(const Sketch& s, int x, int y) {
  return s.raster()[static_cast<std::size_t>(y) * Sketch::kSize + static_cast<std::size_t>(x)];
}
inline int sketch_thickness(const Sketch& s, int x) {
  int n = 0;
  for (int y = 0; y < Sketch::kSize; ++y) n += sketch_at(s, x, y) > 0.5f ? 1 : 0;
  return n;
}

// A fresh folder under the system temp dir, removed when the object goes away.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "latent-test-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline void write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                              static_cast<std::streamsize>(bytes.size()));
}

inline std::vector<std::uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void put_be32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

// An IDX file: magic (0, 0, type, dims), the dimensions, then `data`.
inline std::vector<std::uint8_t> idx_bytes(std::uint8_t type, const std::vector<std::uint32_t>& dims,
                                           const std::vector<std::uint8_t>& data) {
  std::vector<std::uint8_t> out{0, 0, type, static_cast<std::uint8_t>(dims.size())};
  for (std::uint32_t d : dims) put_be32(out, d);
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

// `count` images of rows x cols where image i's pixels are (i + p) mod 256, and labels i mod 10.
inline std::vector<std::uint8_t> idx_images(std::uint32_t count, std::uint32_t rows, std::uint32_t cols) {
  std::vector<std::uint8_t> data(std::size_t{count} * rows * cols);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>((i / (rows * cols) + i) % 256);
  return idx_bytes(0x08, {count, rows, cols}, data);
}
inline std::vector<std::uint8_t> idx_labels(std::uint32_t count) {
  std::vector<std::uint8_t> data(count);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i % 10);
  return idx_bytes(0x08, {count}, data);
}

inline std::vector<std::uint8_t> gzip_bytes(const std::vector<std::uint8_t>& raw) {
  z_stream s{};
  deflateInit2(&s, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::vector<std::uint8_t> out(deflateBound(&s, static_cast<uLong>(raw.size())) + 32);
  s.next_in = const_cast<Bytef*>(raw.data());
  s.avail_in = static_cast<uInt>(raw.size());
  s.next_out = out.data();
  s.avail_out = static_cast<uInt>(out.size());
  deflate(&s, Z_FINISH);
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

// Central difference of f with respect to *x, in double precision.
inline double central_difference(double* x, const std::function<double()>& f, double h = 1e-6) {
  const double saved = *x;
  *x = saved + h;
  const double plus = f();
  *x = saved - h;
  const double minus = f();
  *x = saved;
  return (plus - minus) / (2 * h);
}

// |analytic - numeric| relative to their size, floored at 1e-6 so that gradients near zero are judged by the
// absolute error. In double precision with h = 1e-6 the rounding of a loss of size ~1 leaves ~1e-10 of noise in
// a difference quotient, so correct gradients score below ~1e-6, while a wrong formula scores near 1.
inline double gradient_error(double analytic, double numeric) {
  return std::abs(analytic - numeric) / std::max(1e-6, std::abs(analytic) + std::abs(numeric));
}
inline constexpr double kGradientTolerance = 1e-5;

}  // namespace latent::testing
