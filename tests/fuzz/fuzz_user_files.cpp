// libFuzzer target: the files a person brings to the page, sorted by content. The input is split into up to
// three files at points its first bytes choose. Whatever is accepted respects the limits.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/user_files.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const std::size_t count = 1 + data[0] % 3;
  std::vector<latent::UserFile> files;
  std::size_t at = 3;
  for (std::size_t i = 0; i < count && at <= size; ++i) {
    const std::size_t left = size - at;
    const std::size_t n = i + 1 == count || left == 0 ? left : (std::size_t{data[1 + i % 2]} * 131) % (left + 1);
    files.push_back({"file" + std::to_string(i), std::vector<std::uint8_t>(data + at, data + at + n)});
    at += n;
  }
  latent::UserFiles sorted;
  if (!latent::sort_user_files(std::move(files), sorted)) return 0;
  if (sorted.data) {
    const std::size_t images = sorted.data->split.train.size() + sorted.data->split.test.size();
    if (images > latent::kMaxUserImages) __builtin_trap();
  }
  return 0;
}
