// libFuzzer target: gzip inflation with a small limit, and the IDX-aware inflation (gunzip_idx) that stops at the
// size an IDX header describes. Output never exceeds the limit.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/dataset.hpp"
#include "core/gzip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  std::vector<std::uint8_t> out;
  constexpr std::size_t kLimit = 1 << 16;  // small, so each run is quick and the limit is hit often
  if (latent::gunzip(bytes, "in.gz", out, kLimit) && out.size() > kLimit) __builtin_trap();
  if (latent::gunzip_idx(bytes, "in.gz", out, kLimit) && out.size() > kLimit + 1) __builtin_trap();
  std::vector<std::uint8_t> head;
  if (latent::gunzip_prefix(bytes, "in.gz", 16, head) && head.size() > 16) __builtin_trap();
  return 0;
}
