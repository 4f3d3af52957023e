// libFuzzer target: saved sessions (the page's autosave records). Whatever decodes must encode again and decode to
// the very same session: settings, weights, moments, order and counters, bit for bit.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "core/checkpoint.hpp"

namespace {
template <class A> bool same_bytes(const A& a, const A& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(a[0])) == 0);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  latent::SessionCheckpoint c;
  if (!latent::decode_checkpoint(std::span<const std::uint8_t>(data, size), "in.ckpt", c)) return 0;
  const std::vector<std::uint8_t> again = latent::encode_checkpoint(c);
  latent::SessionCheckpoint back;
  if (!latent::decode_checkpoint(again, "again.ckpt", back)) __builtin_trap();
  if (!(back.settings == c.settings) || back.origin != c.origin) __builtin_trap();
  if (!same_bytes(back.trainer.parameters, c.trainer.parameters) || !same_bytes(back.trainer.optimizer.m, c.trainer.optimizer.m) ||
      !same_bytes(back.trainer.optimizer.v, c.trainer.optimizer.v) || !same_bytes(back.trainer.order, c.trainer.order)) {
    __builtin_trap();
  }
  if (back.trainer.progress.steps != c.trainer.progress.steps || back.trainer.rng != c.trainer.rng || back.epochs.size() != c.epochs.size() ||
      back.train_curve.size() != c.train_curve.size()) {
    __builtin_trap();
  }
  return 0;
}
