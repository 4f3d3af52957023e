// Dataset: labelled grey images as bytes (MNIST and friends), the IDX reader that fills it, the fixed
// stratified train/test split, and batch assembly into model input (one sample per column, in [0, 1]).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/gzip.hpp"
#include "core/status.hpp"

namespace latent {

struct Dataset {
  int rows = 0;
  int cols = 0;
  std::vector<std::uint8_t> images;  // size() images of rows x cols bytes, row-major (IDX order)
  std::vector<std::uint8_t> labels;  // one per image

  std::size_t size() const { return labels.size(); }
  int pixels() const { return rows * cols; }
  const std::uint8_t* image(std::size_t i) const { return images.data() + i * static_cast<std::size_t>(pixels()); }
  Dataset subset(std::span<const std::size_t> indices) const;
};

// IDX (the MNIST file format): bytes 0-1 zero, byte 2 the data type (0x08: unsigned byte), byte 3 the number of
// dimensions, then one big-endian uint32 per dimension, then the data. Images are 3-D (count, rows, cols),
// labels 1-D (count). Every size is checked against the bytes actually present before anything is allocated.
Status parse_idx_images(std::span<const std::uint8_t> bytes, const std::string& name, Dataset& out);

// Inflates gzipped IDX data no further than its own header says it should go: the header (magic and up to three
// dimensions) is inflated first, then the whole only up to the size it describes (plus one byte, to catch a
// stream that runs on), and never past `max_bytes`. A small bomb stops at the size of the data it claims to hold.
Status gunzip_idx(std::span<const std::uint8_t> bytes, const std::string& name, std::vector<std::uint8_t>& out,
                  std::size_t max_bytes = kMaxInflatedBytes);
Status parse_idx_labels(std::span<const std::uint8_t> bytes, const std::string& name, std::vector<std::uint8_t>& out);

// An image/label pair from bytes, plain or gzipped (gzip needs a native build); checks the counts agree.
Status make_dataset(std::span<const std::uint8_t> image_bytes, const std::string& image_name,
                    std::span<const std::uint8_t> label_bytes, const std::string& label_name, Dataset& out);

// The same, from files.
Status load_dataset(const std::string& images_path, const std::string& labels_path, Dataset& out);

// The bundled subset: assets/mnist/{images-idx3-ubyte,labels-idx1-ubyte}.gz under `assets_dir`.
Status load_bundled_mnist(const std::string& assets_dir, Dataset& out);

// The documented split. For each label with n images, t = 0.2 n rounded so that the totals come out exact
// (largest remainder: floor(0.2 n) each, the leftover test places to the labels with the largest fractional
// parts, ties to the smaller label). That label's last t images in file order are the test set; all others
// train. Both keep file order. On the bundled 10,000 digits this gives 8,000 / 2,000.
struct DatasetSplit {
  Dataset train;
  Dataset test;
};
DatasetSplit split_stratified(const Dataset& all, double test_fraction = 0.2);

// Writes images indices[0..count) as the columns of out (pixels, count), scaled from bytes to [0, 1].
void gather_columns(const Dataset& data, const std::size_t* indices, int count, float* out);

}  // namespace latent
