// The pretrained models that ship with Latent Canvas (assets/weights/README.md says how each was trained): one per
// built-in data set and model family. The dense ones come with their data set (the page's first load has only the
// MNIST one); the convolutional ones are fetched from the same folder when a person asks for them (the Training
// panel's Pretrained menu, or the script API's usePretrained), so the first load stays as small as it was.
#pragma once

#include <string>

#include "core/autoencoder.hpp"
#include "core/user_files.hpp"

namespace latent {

struct PretrainedFile {
  DataKind data;
  ModelKind family;
  const char* file;   // in assets/weights/
  const char* label;  // in the menu
};

inline constexpr PretrainedFile kPretrainedFiles[] = {
    {DataKind::Mnist, ModelKind::Dense, "seed-784-32.safetensors", "Dense 784-32-784"},
    {DataKind::Mnist, ModelKind::Conv, "mnist-conv-16-8-8.safetensors.gz", "Convolutional 16,8,8"},
    {DataKind::Fashion, ModelKind::Dense, "fashion-784-32.safetensors", "Dense 784-32-784"},
    {DataKind::Fashion, ModelKind::Conv, "fashion-conv-16-8-8.safetensors.gz", "Convolutional 16,8,8"},
};

// The file for a data set's model of one family, or nullptr (a person's own data has none).
inline const PretrainedFile* find_pretrained(DataKind data, ModelKind family) {
  for (const PretrainedFile& f : kPretrainedFiles) {
    if (f.data == data && f.family == family) return &f;
  }
  return nullptr;
}

}  // namespace latent
