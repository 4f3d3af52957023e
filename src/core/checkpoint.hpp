// A training session saved whole, so that it can go on after a reload as if it had never stopped: the settings,
// the trainer's state (weights, the optimizer's moments, the batch order; trainer.hpp), the curves and epoch
// records, the counters and where the weights came from. The page's autosave keeps these in the browser.
//
// The file: 8 bytes "LCCKPT\0\1", then three parts, each an 8-byte little-endian length and its bytes:
//   1. a JSON header: format and version, the settings (the script API's keys), the counters, the curves and
//      epochs, the RNG state (hex), and how many moments and order entries follow;
//   2. the weights, as the page's safetensors weights file (so the architecture is checked the usual way);
//   3. the optimizer's first and second moments (float32, the weights' count each, or none), then the batch order
//      (uint32 per training image).
// Decoding trusts nothing: every length is checked against what is left and against the limits before anything is
// allocated, every field's type and range, and the weights by decode_safetensors (with the memory budget).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/training_session.hpp"

namespace latent {

struct SessionCheckpoint {
  SessionSettings settings;
  std::string origin;
  bool inherited_training = false;
  TrainerState trainer;
  float train_loss = 0, train_reconstruction = 0;
  float test_loss = 0;  // NaN when it was not known yet
  Evaluation test;
  std::vector<ChartPoint> train_curve, test_curve, train_penalty_curve, test_penalty_curve;
  std::vector<EpochRecord> epochs;
  float smoothed_loss = 0, smoothed_penalty = 0, first_reconstruction = 0;
  int curve_stride = 1;
};

inline constexpr std::uint64_t kMaxCheckpointHeader = 64ull << 20;
inline constexpr std::size_t kMaxCurvePoints = 1 << 16;

std::vector<std::uint8_t> encode_checkpoint(const SessionCheckpoint& checkpoint);
// `name` names the checkpoint in messages. On a refusal `out` is unchanged and the message says what is wrong.
Status decode_checkpoint(std::span<const std::uint8_t> bytes, const std::string& name, SessionCheckpoint& out,
                         std::uint64_t memory_budget = kDefaultMemoryBudget);

}  // namespace latent
