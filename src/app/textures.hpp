// TextureStore: how panels show pixel images without knowing the graphics API. The platform layer implements
// it with OpenGL. A slot is a small integer a panel picks; each slot is one texture, updated in place.
#pragma once

#include <imgui.h>

#include <cstdint>

namespace latent {

enum TextureSlot : int {
  kSlotCanvas = 0,          // the drawing, 280 x 280, smooth
  kSlotCanvasInput = 1,     // what the model sees, 28 x 28
  kSlotCanvasRecon = 2,     // its reconstruction
  kSlotGalleryInput = 10,   // + digit index
  kSlotGalleryRecon = 40,   // + digit index
  kSlotMapGrid = 70,        // the decoded grid over the map
  kSlotSliderImage = 71,    // the sliders' code, decoded
  kSlotStrip = 72,          // the interpolation strip
  kSlotMorph = 73,
  kSlotUnitsEncoder = 74,
  kSlotUnitsDecoder = 75,
  kSlotHover = 76,          // a map point's digit, in its tooltip
  kSlotNeighbour = 80,      // + k: the drawing's nearest training digits
  kSlotGalleryNoisy = 100,  // + digit index: a denoiser's noisy inputs
  kSlotSample = 120,        // + k: a VAE's digits from the prior
  kSlotFeatureMaps = 140,   // + k: the drawing's maps after convolution k
};

class TextureStore {
 public:
  virtual ~TextureStore() = default;
  // Uploads width x height RGBA8 pixels (row-major, 0xAABBGGRR as in ImGui's IM_COL32) into `slot`, creating or
  // resizing its texture as needed, and returns its ImGui handle. `smooth` picks linear over nearest filtering.
  virtual ImTextureID upload(int slot, int width, int height, const std::uint32_t* rgba, bool smooth) = 0;
};

}  // namespace latent
