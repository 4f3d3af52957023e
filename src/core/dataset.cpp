// IDX parsing with every size checked, the stratified split, and batch gathering.
#include "core/dataset.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "core/files.hpp"
#include "core/gzip.hpp"

namespace latent {

namespace {

std::uint32_t read_be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}

std::string hex32(std::uint32_t v) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08X", v);
  return text;
}

const char* idx_type_name(std::uint8_t type) {
  switch (type) {
    case 0x08: return "unsigned byte";
    case 0x09: return "signed byte";
    case 0x0B: return "int16";
    case 0x0C: return "int32";
    case 0x0D: return "float32";
    case 0x0E: return "float64";
    default: return "unknown";
  }
}

// Checks the IDX header for an unsigned-byte array of `want_dims` dimensions whose data exactly fills the rest
// of `bytes`; returns the dimensions. `what` says what the file should hold, for the messages.
Status parse_idx_header(std::span<const std::uint8_t> bytes, const std::string& name, std::uint8_t want_dims,
                        const char* what, std::vector<std::uint32_t>& dims) {
  const std::uint32_t want_magic = 0x0800u | want_dims;
  if (bytes.empty()) return Status::error(name + ": file is empty; expected an IDX file of " + what);
  if (bytes.size() < 4) {
    return Status::error(name + ": file is " + std::to_string(bytes.size()) +
                         " bytes, too short for an IDX header; expected " + what);
  }
  const std::uint32_t magic = read_be32(bytes.data());
  if (bytes[0] != 0 || bytes[1] != 0) {
    return Status::error(name + ": bad magic number " + hex32(magic) + ": not an IDX file (expected " + what + ")");
  }
  if (bytes[2] != 0x08) {
    return Status::error(name + ": IDX data type 0x" + hex32(bytes[2]).substr(8) + " (" + idx_type_name(bytes[2]) +
                         ") is not supported; expected unsigned bytes (magic " + hex32(want_magic) + ")");
  }
  if (bytes[3] != want_dims) {
    return Status::error(name + ": IDX file has " + std::to_string(bytes[3]) + " dimension(s); expected " +
                         std::to_string(want_dims) + " for " + what + " (got magic " + hex32(magic) + ")");
  }
  const std::size_t header = 4 + 4 * std::size_t{want_dims};
  if (bytes.size() < header) {
    return Status::error(name + ": truncated: the IDX header needs " + std::to_string(header) + " bytes, the file has " +
                         std::to_string(bytes.size()));
  }
  dims.clear();
  std::uint64_t payload = 1;
  for (std::size_t d = 0; d < want_dims; ++d) {
    const std::uint32_t n = read_be32(bytes.data() + 4 + 4 * d);
    dims.push_back(n);
    // Each factor is < 2^32, so the product overflows 64 bits only if it would pass 2^63: stop before that.
    if (n != 0 && payload > (std::uint64_t{1} << 62) / n) {
      return Status::error(name + ": IDX dimensions overflow: their product does not fit in 64 bits");
    }
    payload *= n;
  }
  const std::uint64_t available = bytes.size() - header;
  if (payload > available) {
    return Status::error(name + ": truncated: the header promises " + std::to_string(payload) +
                         " bytes of data, the file holds " + std::to_string(available));
  }
  if (payload < available) {
    return Status::error(name + ": has " + std::to_string(available - payload) +
                         " unexpected bytes after the data the header describes");
  }
  return Status::ok();
}

Status decompress_if_gzip(std::span<const std::uint8_t>& bytes, const std::string& name,
                          std::vector<std::uint8_t>& storage) {
  if (!is_gzip(bytes)) return Status::ok();
  if (Status s = gunzip_idx(bytes, name, storage); !s) return s;
  bytes = storage;
  return Status::ok();
}

}  // namespace

Status gunzip_idx(std::span<const std::uint8_t> bytes, const std::string& name, std::vector<std::uint8_t>& storage,
                  std::size_t max_bytes) {
  std::vector<std::uint8_t> head;
  if (Status s = gunzip_prefix(bytes, name, 16, head); !s) return s;
  std::size_t budget = max_bytes;
  if (head.size() >= 4 && head[0] == 0 && head[1] == 0 && head[3] >= 1 && head[3] <= 3 &&
      head.size() >= 4 + 4 * std::size_t{head[3]}) {
    std::uint64_t size = 4 + 4 * std::uint64_t{head[3]};
    std::uint64_t payload = 1;
    for (std::size_t d = 0; d < head[3]; ++d) {
      const std::size_t at = 4 + 4 * d;
      const std::uint64_t n = (std::uint64_t{head[at]} << 24) | (std::uint64_t{head[at + 1]} << 16) |
                              (std::uint64_t{head[at + 2]} << 8) | head[at + 3];
      payload = std::min<std::uint64_t>(payload * n, std::uint64_t{1} << 40);  // no overflow; far past any budget
    }
    size += payload;
    if (size > max_bytes) {
      return Status::error(name + ": its IDX header describes " + std::to_string(size) + " bytes, more than the " +
                           std::to_string(max_bytes) + " allowed");
    }
    budget = static_cast<std::size_t>(size) + 1;
  }
  if (Status s = gunzip(bytes, name, storage, budget); !s) {
    if (budget != max_bytes && s.message().find("decompresses to more than") != std::string::npos) {
      return Status::error(name + ": decompresses to more than the " + std::to_string(budget - 1) +
                           " bytes its IDX header describes");
    }
    return s;
  }
  return Status::ok();
}

Status parse_idx_images(std::span<const std::uint8_t> bytes, const std::string& name, Dataset& out) {
  std::vector<std::uint32_t> dims;
  if (Status s = parse_idx_header(bytes, name, 3, "images (magic 0x00000803)", dims); !s) return s;
  if (dims[0] == 0) return Status::error(name + ": holds no images (count is 0)");
  if (dims[1] == 0 || dims[2] == 0 || dims[1] > 4096 || dims[2] > 4096 ||
      std::uint64_t{dims[1]} * dims[2] > (std::uint64_t{1} << 16)) {
    return Status::error(name + ": image size " + std::to_string(dims[1]) + "x" + std::to_string(dims[2]) +
                         " is not supported (each side 1 to 4096, at most 65,536 pixels)");
  }
  out.rows = static_cast<int>(dims[1]);
  out.cols = static_cast<int>(dims[2]);
  out.images.assign(bytes.begin() + 16, bytes.end());
  out.labels.assign(dims[0], 0);
  return Status::ok();
}

Status parse_idx_labels(std::span<const std::uint8_t> bytes, const std::string& name, std::vector<std::uint8_t>& out) {
  std::vector<std::uint32_t> dims;
  if (Status s = parse_idx_header(bytes, name, 1, "labels (magic 0x00000801)", dims); !s) return s;
  if (dims[0] == 0) return Status::error(name + ": holds no labels (count is 0)");
  out.assign(bytes.begin() + 8, bytes.end());
  return Status::ok();
}

Status make_dataset(std::span<const std::uint8_t> image_bytes, const std::string& image_name,
                    std::span<const std::uint8_t> label_bytes, const std::string& label_name, Dataset& out) {
  std::vector<std::uint8_t> image_storage, label_storage;
  if (Status s = decompress_if_gzip(image_bytes, image_name, image_storage); !s) return s;
  if (Status s = decompress_if_gzip(label_bytes, label_name, label_storage); !s) return s;
  Dataset data;
  if (Status s = parse_idx_images(image_bytes, image_name, data); !s) return s;
  std::vector<std::uint8_t> labels;
  if (Status s = parse_idx_labels(label_bytes, label_name, labels); !s) return s;
  if (labels.size() != data.size()) {
    return Status::error(image_name + " holds " + std::to_string(data.size()) + " images but " + label_name +
                         " holds " + std::to_string(labels.size()) + " labels; they must match");
  }
  data.labels = std::move(labels);
  out = std::move(data);
  return Status::ok();
}

Status load_dataset(const std::string& images_path, const std::string& labels_path, Dataset& out) {
  std::vector<std::uint8_t> images, labels;
  if (Status s = read_file(images_path, images); !s) return s;
  if (Status s = read_file(labels_path, labels); !s) return s;
  return make_dataset(images, images_path, labels, labels_path, out);
}

Status load_bundled_mnist(const std::string& assets_dir, Dataset& out) {
  return load_dataset(assets_dir + "/mnist/images-idx3-ubyte.gz", assets_dir + "/mnist/labels-idx1-ubyte.gz", out);
}

Dataset Dataset::subset(std::span<const std::size_t> indices) const {
  Dataset part;
  part.rows = rows;
  part.cols = cols;
  const auto n = static_cast<std::size_t>(pixels());
  part.images.resize(indices.size() * n);
  part.labels.resize(indices.size());
  for (std::size_t k = 0; k < indices.size(); ++k) {
    std::copy_n(image(indices[k]), n, part.images.data() + k * n);
    part.labels[k] = labels[indices[k]];
  }
  return part;
}

DatasetSplit split_stratified(const Dataset& all, double test_fraction) {
  std::array<std::size_t, 256> count{};
  for (std::uint8_t label : all.labels) ++count[label];

  // Largest-remainder rounding of test_fraction * count per label, so the totals are exact.
  const auto total_test = static_cast<std::size_t>(std::llround(test_fraction * static_cast<double>(all.size())));
  std::array<std::size_t, 256> test_count{};
  std::array<double, 256> remainder{};
  std::size_t assigned = 0;
  for (int l = 0; l < 256; ++l) {
    const double exact = test_fraction * static_cast<double>(count[static_cast<std::size_t>(l)]);
    test_count[static_cast<std::size_t>(l)] = static_cast<std::size_t>(std::floor(exact));
    remainder[static_cast<std::size_t>(l)] = exact - std::floor(exact);
    assigned += test_count[static_cast<std::size_t>(l)];
  }
  std::array<int, 256> order{};
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return remainder[static_cast<std::size_t>(a)] > remainder[static_cast<std::size_t>(b)];
  });
  for (std::size_t k = 0; assigned < total_test && k < order.size(); ++k) {
    const auto l = static_cast<std::size_t>(order[k]);
    if (test_count[l] < count[l]) {
      ++test_count[l];
      ++assigned;
    }
  }

  // The last test_count[l] images of label l (in file order) are test images.
  std::array<std::size_t, 256> seen{};
  std::vector<std::size_t> train_idx, test_idx;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const std::uint8_t l = all.labels[i];
    const bool is_test = seen[l]++ >= count[l] - test_count[l];
    (is_test ? test_idx : train_idx).push_back(i);
  }
  return {all.subset(train_idx), all.subset(test_idx)};
}

void gather_columns(const Dataset& data, const std::size_t* indices, int count, float* out) {
  const auto n = static_cast<std::size_t>(data.pixels());
  constexpr float kScale = 1.0f / 255.0f;
  for (int k = 0; k < count; ++k) {
    const std::uint8_t* src = data.image(indices[k]);
    float* dst = out + static_cast<std::size_t>(k) * n;
    for (std::size_t p = 0; p < n; ++p) dst[p] = static_cast<float>(src[p]) * kScale;
  }
}

}  // namespace latent
