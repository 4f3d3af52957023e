// libFuzzer target: IDX parsing, alone and as a pair. The first input byte picks the path: images, labels, or an
// images and labels pair split at a point the next bytes choose (make_dataset, gzip included). Anything may be
// refused; nothing may crash, read out of bounds or allocate past the limits.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/dataset.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const std::uint8_t mode = data[0] % 3;
  const std::span<const std::uint8_t> rest(data + 1, size - 1);
  if (mode == 0) {
    latent::Dataset d;
    if (latent::parse_idx_images(rest, "images", d)) {
      if (d.images.size() != d.size() * static_cast<std::size_t>(d.pixels())) __builtin_trap();
    }
  } else if (mode == 1) {
    std::vector<std::uint8_t> labels;
    (void)latent::parse_idx_labels(rest, "labels", labels);
  } else {
    const std::size_t cut = rest.size() < 2 ? 0 : (std::size_t{rest[0]} << 8 | rest[1]) % rest.size();
    latent::Dataset d;
    if (latent::make_dataset(rest.subspan(0, cut), "images", rest.subspan(cut), "labels", d)) {
      if (d.labels.size() != d.size() || d.images.size() != d.size() * static_cast<std::size_t>(d.pixels())) __builtin_trap();
    }
  }
  return 0;
}
