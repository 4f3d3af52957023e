// The Network tab's model of a network: the blocks it draws, from the input image through every layer to the
// reconstruction, each with its title, shape and what its live values are. Built from the architecture alone (no
// weights, no ImGui), so that a test can check it for every family.
//   - dense layers are strips of units; convolutions, pools and upsamplings are stacks of maps; a flatten or
//     reshape only changes how the numbers are laid out, so it is no block of its own;
//   - the code is marked: the narrowest point. A variational code shows its mean, and its spread on hover.
#pragma once

#include <string>
#include <vector>

#include "core/autoencoder.hpp"

namespace latent {

struct NetworkBlock {
  enum Kind { Image, Units, Maps } kind = Units;
  std::string title;   // "Dense, ReLU", "Conv 3x3, ReLU", "Max pool 2x2", "Input"
  std::string shape;   // "32", "16 x 28 x 28", "28 x 28"
  ImageShape maps;     // Maps and Image: channels x height x width; Units: {units, 1, 1}
  int layer = -1;      // the layer whose output it shows (Autoencoder::layer_outputs), or -1: the input
  bool code = false;
  bool variational = false;  // the code of a VAE: the layer's output holds the mean, then the log-variance
  int size() const { return maps.size(); }
};

std::vector<NetworkBlock> network_blocks(const Architecture& arch);

}  // namespace latent
