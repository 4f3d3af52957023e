// Optimizer: Adam (Keras' defaults and update rule) or plain SGD, over the whole parameter arena at once.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/eigen.hpp"
#include "core/status.hpp"

namespace latent {

enum class OptimizerKind { Adam, SGD };
const char* to_string(OptimizerKind kind);  // "adam", "sgd"
std::optional<OptimizerKind> parse_optimizer(std::string_view text);

struct OptimizerConfig {
  OptimizerKind kind = OptimizerKind::Adam;
  float learning_rate = 1e-3f;
  float beta1 = 0.9f;
  float beta2 = 0.999f;
  float epsilon = 1e-7f;
  Status validate() const;
  bool operator==(const OptimizerConfig&) const = default;
};

class Optimizer {
 public:
  explicit Optimizer(OptimizerConfig config = {}) : config_(config) {}

  // One update. Adam, as Keras applies it (epsilon added to the uncorrected sqrt(v)):
  //   m = b1 m + (1 - b1) g;   v = b2 v + (1 - b2) g^2
  //   p -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)
  // SGD: p -= lr g. The moments are sized on the first call; later calls allocate nothing.
  void step(std::span<float> params, std::span<const float> grads);

  // The same update in parts, so that threads can share it: begin_step() once (counts the step, sizes the
  // moments), then update() over ranges [first, first + count) that together cover the parameters once. Each
  // element's update is the same whichever range (or thread) it falls in.
  void begin_step(std::size_t parameter_count);
  void update(std::span<float> params, std::span<const float> grads, std::size_t first, std::size_t count);

  void reset();  // forgets the moments and the step count
  // The moments and the step count, to go on exactly where a saved run stopped. restore() takes moments of
  // `parameter_count` floats each, or none (before the first step, and for SGD).
  struct State {
    AlignedVector<float> m, v;
    std::int64_t t = 0;
  };
  State state() const { return {m_, v_, t_}; }
  Status restore(State state, std::size_t parameter_count);
  std::int64_t steps() const { return t_; }
  const OptimizerConfig& config() const { return config_; }
  void set_learning_rate(float lr) { config_.learning_rate = lr; }

 private:
  OptimizerConfig config_;
  AlignedVector<float> m_, v_;
  std::int64_t t_ = 0;
  float alpha_ = 0;  // this step's Adam step size, lr sqrt(1 - b2^t) / (1 - b1^t)
};

}  // namespace latent
