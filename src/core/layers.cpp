// Names of activations and losses, as used on the command line, in the UI and in weights files.
#include "core/layers.hpp"

namespace latent {

const char* to_string(Activation activation) {
  switch (activation) {
    case Activation::ReLU: return "relu";
    case Activation::Sigmoid: return "sigmoid";
    case Activation::Tanh: return "tanh";
    case Activation::Linear: return "linear";
  }
  return "?";
}

const char* to_string(Loss loss) { return loss == Loss::BinaryCrossEntropy ? "bce" : "mse"; }

std::optional<Activation> parse_activation(std::string_view text) {
  for (Activation a : {Activation::ReLU, Activation::Sigmoid, Activation::Tanh, Activation::Linear}) {
    if (text == to_string(a)) return a;
  }
  return std::nullopt;
}

std::optional<Loss> parse_loss(std::string_view text) {
  for (Loss l : {Loss::BinaryCrossEntropy, Loss::MeanSquaredError}) {
    if (text == to_string(l)) return l;
  }
  return std::nullopt;
}

}  // namespace latent
