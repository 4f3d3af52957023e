// Sorting the files a person brings into weights and data (see user_files.hpp).
#include "core/user_files.hpp"

#include <algorithm>
#include <utility>

#include "core/format.hpp"
#include "core/gzip.hpp"

namespace latent {

namespace {

constexpr std::size_t kMinTestImages = 10;  // the gallery shows ten

std::string count(std::size_t n) { return with_thousands(static_cast<double>(n)); }

struct Idx {
  std::string name;
  Dataset images;                    // for an images file
  std::vector<std::uint8_t> labels;  // for a labels file
};

}  // namespace

std::string printable_name(const std::string& name) {
  std::string out;
  for (const char c : name) {
    // Cut at 80 bytes, but never inside a UTF-8 character (continuation bytes are 10xxxxxx).
    if (out.size() >= 80 && (static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      out += "...";
      break;
    }
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? '?' : c;
  }
  return out.empty() ? "(unnamed)" : out;
}

FileKind sniff_file(const std::vector<std::uint8_t>& bytes) {
  if (is_gzip(bytes)) return FileKind::Gzip;
  if (bytes.size() >= 4 && bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0x08) {
    if (bytes[3] == 3) return FileKind::Images;
    if (bytes[3] == 1) return FileKind::Labels;
  }
  // safetensors: an 8-byte little-endian header length that fits the file, then a JSON object.
  if (bytes.size() >= 10) {
    std::uint64_t n = 0;
    for (int i = 7; i >= 0; --i) n = (n << 8) | bytes[static_cast<std::size_t>(i)];
    if (n >= 2 && n <= bytes.size() - 8 && bytes[8] == '{') return FileKind::Weights;
  }
  return FileKind::Unknown;
}

namespace {

// What the files hold, sorted: at most one weights file, and the IDX images and labels files, parsed.
struct Sorted {
  std::vector<Idx> images, labels;
  std::size_t total_images = 0;
};

// A file's kind from its bytes, inflating gzipped IDX first (only IDX comes gzipped).
Status identify(UserFile& f, FileKind& kind) {
  if (f.bytes.size() > kMaxUserFileBytes) {
    return Status::error(f.name + ": " + count(f.bytes.size()) + " bytes; files up to " + count(kMaxUserFileBytes) +
                         " bytes are taken (" + count(kMaxUserImages) + " images of 28x28)");
  }
  kind = sniff_file(f.bytes);
  if (kind != FileKind::Gzip) return Status::ok();
  std::vector<std::uint8_t> inflated;
  if (Status s = gunzip_idx(f.bytes, f.name, inflated, kMaxUserFileBytes); !s) return s;
  f.bytes = std::move(inflated);
  kind = sniff_file(f.bytes);
  if (kind == FileKind::Gzip || kind == FileKind::Weights) kind = FileKind::Unknown;
  return Status::ok();
}

Status take_images(UserFile& f, Sorted& sorted) {
  Idx idx{f.name, {}, {}};
  if (Status s = parse_idx_images(f.bytes, f.name, idx.images); !s) return s;
  if (idx.images.rows != 28 || idx.images.cols != 28) {
    return Status::error(f.name + ": the images are " + std::to_string(idx.images.rows) + "x" +
                         std::to_string(idx.images.cols) + "; Latent Canvas takes 28x28 images, like MNIST");
  }
  sorted.total_images += idx.images.size();
  if (sorted.total_images > kMaxUserImages) {
    return Status::error(f.name + ": " + count(idx.images.size()) + " images make " + count(sorted.total_images) +
                         " in all; Latent Canvas takes at most " + count(kMaxUserImages));
  }
  f.bytes.clear();
  f.bytes.shrink_to_fit();
  sorted.images.push_back(std::move(idx));
  return Status::ok();
}

Status take_labels(UserFile& f, Sorted& sorted) {
  Idx idx{f.name, {}, {}};
  if (Status s = parse_idx_labels(f.bytes, f.name, idx.labels); !s) return s;
  if (auto bad = std::find_if(idx.labels.begin(), idx.labels.end(), [](std::uint8_t l) { return l > 9; });
      bad != idx.labels.end()) {
    return Status::error(f.name + ": label " + std::to_string(*bad) + " at item " +
                         std::to_string(bad - idx.labels.begin()) + "; labels must be classes 0 to 9");
  }
  sorted.labels.push_back(std::move(idx));
  return Status::ok();
}

Status take_file(UserFile& f, Sorted& sorted, UserFiles& out) {
  f.name = printable_name(f.name);
  FileKind kind = FileKind::Unknown;
  if (Status s = identify(f, kind); !s) return s;
  switch (kind) {
    case FileKind::Weights:
      if (out.weights) return Status::error("two weights files (" + out.weights->name + " and " + f.name + "): open one at a time");
      out.weights = std::move(f);
      return Status::ok();
    case FileKind::Images: return take_images(f, sorted);
    case FileKind::Labels: return take_labels(f, sorted);
    default:
      return Status::error(f.name + ": not a weights file (.safetensors) nor an IDX file of images or labels "
                           "(plain or gzipped)");
  }
}

// Each images file with the labels file of the same count; `names` says which, with counts.
Status pair_up(Sorted& sorted, std::vector<Dataset>& pairs, std::vector<std::string>& names) {
  if (sorted.images.size() > 2 || sorted.labels.size() > 2) {
    return Status::error("open at most two image files and their two label files (training and test); got " +
                         std::to_string(sorted.images.size()) + " and " + std::to_string(sorted.labels.size()));
  }
  std::vector<Idx>& labels = sorted.labels;
  for (Idx& im : sorted.images) {
    auto match = std::find_if(labels.begin(), labels.end(), [&](const Idx& l) { return l.labels.size() == im.images.size(); });
    if (match == labels.end()) {
      return Status::error(im.name + ": " + count(im.images.size()) + " images, and no labels file with " +
                           count(im.images.size()) + " labels; open the images with their labels");
    }
    im.images.labels = std::move(match->labels);
    names.push_back(im.name + " (" + count(im.images.size()) + ")");
    labels.erase(match);
    pairs.push_back(std::move(im.images));
  }
  if (!labels.empty()) {
    return Status::error(labels.front().name + ": " + count(labels.front().labels.size()) +
                         " labels, and no images file with that many images; open the labels with their images");
  }
  return Status::ok();
}

// One pair is split 80/20 by label; of two, the larger trains and the other tests.
Status split_pairs(std::vector<Dataset> pairs, const std::vector<std::string>& names, UserData& data) {
  if (pairs.size() == 1) {
    data.split = split_stratified(pairs[0]);
    data.description = names[0] + ", stratified 80/20 split";
  } else {
    const std::size_t train = pairs[0].size() >= pairs[1].size() ? 0 : 1;
    data.split.train = std::move(pairs[train]);
    data.split.test = std::move(pairs[1 - train]);
    data.description = names[train] + " to train and " + names[1 - train] + " to test";
  }
  if (data.split.train.size() == 0 || data.split.test.size() < kMinTestImages) {
    return Status::error("too few images: " + count(data.split.train.size()) + " to train and " +
                         count(data.split.test.size()) + " to test; at least " + std::to_string(kMinTestImages) +
                         " test images are needed");
  }
  return Status::ok();
}

}  // namespace

Status sort_user_files(std::vector<UserFile> files, UserFiles& out) {
  out = UserFiles{};
  if (files.empty()) return Status::error("no files given");
  Sorted sorted;
  for (UserFile& f : files) {
    if (Status s = take_file(f, sorted, out); !s) return s;
  }
  if (sorted.images.empty() && sorted.labels.empty()) return Status::ok();  // weights only
  std::vector<Dataset> pairs;
  std::vector<std::string> names;
  if (Status s = pair_up(sorted, pairs, names); !s) return s;
  UserData data;
  if (Status s = split_pairs(std::move(pairs), names, data); !s) return s;
  out.data = std::move(data);
  return Status::ok();
}

const char* to_string(DataKind kind) {
  switch (kind) {
    case DataKind::Mnist: return "mnist";
    case DataKind::Fashion: return "fashion";
    case DataKind::Own: return "own";
  }
  return "own";
}

std::string class_name(DataKind kind, int label, bool brief) {
  static constexpr const char* kFashion[10] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                               "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  static constexpr const char* kFashionBrief[10] = {"T-shirt", "Trouser", "Pullover", "Dress", "Coat",
                                                    "Sandal",  "Shirt",   "Sneaker",  "Bag",   "Boot"};
  if (kind == DataKind::Fashion && label >= 0 && label < 10) return brief ? kFashionBrief[label] : kFashion[label];
  return std::to_string(label);
}

}  // namespace latent
