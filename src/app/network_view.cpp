// The Network tab's blocks (see network_view.hpp).
#include "app/network_view.hpp"

#include <cmath>
#include <string>

namespace latent {

namespace {

std::string activation_name(Activation a) {
  switch (a) {
    case Activation::ReLU: return "ReLU";
    case Activation::Sigmoid: return "sigmoid";
    case Activation::Tanh: return "tanh";
    case Activation::Linear: return "linear";
  }
  return "";
}

std::string shape_text(ImageShape s, bool units) {
  if (units) return std::to_string(s.size());
  const std::string plane = std::to_string(s.height) + " x " + std::to_string(s.width);
  return s.channels == 1 ? plane : std::to_string(s.channels) + " x " + plane;
}

// The input or the reconstruction: a square image when the input is one (784 = 28 x 28), else a strip of units.
NetworkBlock image_block(int input, const char* title, int layer) {
  NetworkBlock b;
  const int side = static_cast<int>(std::lround(std::sqrt(static_cast<double>(input))));
  b.kind = side * side == input ? NetworkBlock::Image : NetworkBlock::Units;
  b.maps = b.kind == NetworkBlock::Image ? ImageShape{1, side, side} : ImageShape{input, 1, 1};
  b.title = title;
  b.shape = shape_text(b.maps, b.kind == NetworkBlock::Units);
  b.layer = layer;
  return b;
}

std::string layer_title(const LayerLayout& l) {
  switch (l.kind) {
    case LayerKind::Dense: return "Dense, " + activation_name(l.activation);
    case LayerKind::Conv:
      return "Conv " + std::to_string(l.kernel) + "x" + std::to_string(l.kernel) +
             (l.padding == Padding::Valid ? " valid, " : ", ") + activation_name(l.activation);
    case LayerKind::Pool: return "Max pool 2x2";
    case LayerKind::Upsample: return "Upsample 2x";
    case LayerKind::Flatten: return "Flatten";
    case LayerKind::Reshape: return "Reshape";
  }
  return "";
}

}  // namespace

std::vector<NetworkBlock> network_blocks(const Architecture& arch) {
  const std::vector<LayerLayout> layers = arch.layers();
  const int last = static_cast<int>(layers.size()) - 1;
  // The code: a dense model's last encoder layer, a convolutional one's bottleneck, or its last pool's maps.
  const int code = arch.convolutional() && arch.bottleneck == 0 ? arch.encoder_layer_count() - 2 : arch.encoder_layer_count() - 1;
  std::vector<NetworkBlock> blocks{image_block(arch.input, "Input", -1)};
  for (int l = 0; l < last; ++l) {
    const LayerLayout& layout = layers[static_cast<std::size_t>(l)];
    if (layout.kind == LayerKind::Flatten || layout.kind == LayerKind::Reshape) continue;
    NetworkBlock b;
    const bool units = layout.kind == LayerKind::Dense;
    b.kind = units ? NetworkBlock::Units : NetworkBlock::Maps;
    b.layer = l;
    b.code = l == code;
    b.variational = b.code && arch.variational;
    b.maps = b.variational ? ImageShape{arch.code_size(), 1, 1} : layout.out;
    b.title = b.variational ? "Code: mean, spread" : layer_title(layout);
    b.shape = shape_text(b.maps, units);
    blocks.push_back(b);
  }
  NetworkBlock out = image_block(arch.input, "Output, sigmoid", last);
  blocks.push_back(out);
  return blocks;
}

}  // namespace latent
