// Optimizer: the Adam and SGD updates as single vectorised passes over the parameter arena.
#include "core/optimizer.hpp"

#include <cmath>
#include <string>

#include "core/eigen.hpp"

namespace latent {

const char* to_string(OptimizerKind kind) { return kind == OptimizerKind::Adam ? "adam" : "sgd"; }

std::optional<OptimizerKind> parse_optimizer(std::string_view text) {
  if (text == "adam") return OptimizerKind::Adam;
  if (text == "sgd") return OptimizerKind::SGD;
  return std::nullopt;
}

Status OptimizerConfig::validate() const {
  if (!(learning_rate > 0.0f && learning_rate <= 10.0f)) {
    return Status::error("learning rate " + std::to_string(learning_rate) + " is out of range (above 0, at most 10)");
  }
  if (!(beta1 >= 0.0f && beta1 < 1.0f) || !(beta2 >= 0.0f && beta2 < 1.0f)) {
    return Status::error("Adam's betas must be in [0, 1)");
  }
  if (!(epsilon > 0.0f && std::isfinite(epsilon))) return Status::error("Adam's epsilon must be positive");
  return Status::ok();
}

void Optimizer::reset() {
  m_.clear();
  v_.clear();
  t_ = 0;
}

Status Optimizer::restore(State state, std::size_t parameter_count) {
  const bool none = state.m.empty() && state.v.empty();
  const bool sized = state.m.size() == parameter_count && state.v.size() == parameter_count;
  if (!none && !sized) {
    return Status::error("the optimizer's moments hold " + std::to_string(state.m.size()) + " and " +
                         std::to_string(state.v.size()) + " values; the model has " + std::to_string(parameter_count));
  }
  if (state.t < 0) return Status::error("the optimizer's step count is negative");
  if (config_.kind == OptimizerKind::Adam && none && state.t > 0) return Status::error("Adam's moments are missing");
  m_ = std::move(state.m);
  v_ = std::move(state.v);
  t_ = state.t;
  return Status::ok();
}

void Optimizer::step(std::span<float> params, std::span<const float> grads) {
  begin_step(params.size());
  update(params, grads, 0, params.size());
}

void Optimizer::begin_step(std::size_t parameter_count) {
  ++t_;
  if (config_.kind == OptimizerKind::SGD) return;
  if (m_.size() != parameter_count) {
    m_.assign(parameter_count, 0.0f);
    v_.assign(parameter_count, 0.0f);
  }
  const double t = static_cast<double>(t_);
  alpha_ = static_cast<float>(config_.learning_rate * std::sqrt(1.0 - std::pow(double(config_.beta2), t)) /
                              (1.0 - std::pow(double(config_.beta1), t)));
}

void Optimizer::update(std::span<float> params, std::span<const float> grads, std::size_t first, std::size_t count) {
  const auto n = static_cast<Eigen::Index>(count);
  auto p = VectorMap<float>(params.data() + first, n).array();
  const auto g = ConstVectorMap<float>(grads.data() + first, n).array();
  if (config_.kind == OptimizerKind::SGD) {
    p -= config_.learning_rate * g;
    return;
  }
  auto m = VectorMap<float>(m_.data() + first, n).array();
  auto v = VectorMap<float>(v_.data() + first, n).array();
  const float b1 = config_.beta1, b2 = config_.beta2;
  m = b1 * m + (1.0f - b1) * g;
  v = b2 * v + (1.0f - b2) * g.square();
  p -= alpha_ * m / (v.sqrt() + config_.epsilon);
}

}  // namespace latent
