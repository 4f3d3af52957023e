// Files a person brings to the page or the desktop window (picked or dropped, several at once): sorted by what
// they hold, not by their names. A safetensors file is weights; IDX files (plain or gzipped) are images or labels,
// paired by their counts. One pair is split by the documented stratified rule; two pairs are a training and a
// test set (the larger trains). Everything is checked before it is used, and refused with a one-line reason
// that names the file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/dataset.hpp"
#include "core/status.hpp"

namespace latent {

struct UserFile {
  std::string name;
  std::vector<std::uint8_t> bytes;
};

// The most images the page and the desktop window take in all (the full MNIST's 70,000 fit; 100,000 28x28 images
// are 78 MB), and the largest single file read (a plain IDX of that many images).
inline constexpr std::size_t kMaxUserImages = 100'000;
inline constexpr std::size_t kMaxUserFileBytes = kMaxUserImages * 784 + 16;

// Which data a model learns from: the bundled MNIST digits, Fashion-MNIST (fetched when chosen), or a person's own
// IDX files (labels shown as numbers).
enum class DataKind { Mnist, Fashion, Own };
const char* to_string(DataKind kind);            // "mnist", "fashion", "own" (the link's data=)
inline constexpr const char* kFashionData = "Fashion-MNIST test set, split 80/20";
// The name of class `label` (0-9): "3" for digits and a person's own data; "Trouser" for Fashion-MNIST, or with
// `brief` a short form for tight spaces ("Boot" for "Ankle boot").
std::string class_name(DataKind kind, int label, bool brief = false);

struct UserData {
  DatasetSplit split;
  std::string description;  // "train-images.gz (60,000) and t10k-images.gz (10,000)", for metadata and the page
  DataKind kind = DataKind::Own;
};

struct UserFiles {
  std::optional<UserFile> weights;
  std::optional<UserData> data;
  // A built-in data set chosen in the interface: `data` is it and `weights` its pretrained model.
  bool builtin = false;
};

// What a file holds, from its first bytes.
enum class FileKind { Weights, Gzip, Images, Labels, Unknown };
FileKind sniff_file(const std::vector<std::uint8_t>& bytes);

// Sorts `files` (consumed) into weights and data. Refuses: an empty list, a file that is none of these, more than
// one weights file, images without labels or labels without images of the same count, images that are not 28x28,
// labels outside 0-9, more than kMaxUserImages images, and data too small to train and test on.
Status sort_user_files(std::vector<UserFile> files, UserFiles& out);

// A file name as it may be shown and stored: control characters replaced, at most 80 characters.
std::string printable_name(const std::string& name);

}  // namespace latent
