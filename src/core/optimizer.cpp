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

void Optimizer::step(std::span<float> params, std::span<const float> grads) {
  const auto n = static_cast<Eigen::Index>(params.size());
  auto p = VectorMap<float>(params.data(), n).array();
  const auto g = ConstVectorMap<float>(grads.data(), n).array();
  ++t_;
  if (config_.kind == OptimizerKind::SGD) {
    p -= config_.learning_rate * g;
    return;
  }
  if (m_.size() != params.size()) {
    m_.assign(params.size(), 0.0f);
    v_.assign(params.size(), 0.0f);
  }
  auto m = VectorMap<float>(m_.data(), n).array();
  auto v = VectorMap<float>(v_.data(), n).array();
  const float b1 = config_.beta1, b2 = config_.beta2;
  m = b1 * m + (1.0f - b1) * g;
  v = b2 * v + (1.0f - b2) * g.square();
  const double t = static_cast<double>(t_);
  const auto alpha = static_cast<float>(config_.learning_rate * std::sqrt(1.0 - std::pow(double(b2), t)) /
                                        (1.0 - std::pow(double(b1), t)));
  p -= alpha * m / (v.sqrt() + config_.epsilon);
}

}  // namespace latent
