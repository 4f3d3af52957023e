// UiState: what the interface remembers between frames that is not the model's business: edits in progress,
// open confirmations, the brush, fonts, and where the drawing area is on screen.
#pragma once

#include <imgui.h>

#include <cstdint>

#include "app/lab.hpp"

namespace latent {

struct UiState {
  ImFont* body_font = nullptr;
  ImFont* title_font = nullptr;
  ImFont* number_font = nullptr;
  ImFont* caption_font = nullptr;

  // Architecture edits wait for "Build new model"; learning rate, batch and epochs apply at once.
  int pending_latent = 32;
  int pending_hidden = 0;  // index into the hidden-layer presets
  Activation pending_activation = Activation::ReLU;
  bool pending_from_model = true;  // reload the pending edits from the model (after any model change)
  int seed = 1;

  bool ask_rebuild = false;
  bool ask_reset = false;
  bool ask_pretrained = false;

  float settings_height = 0;  // the Training panel's settings block, measured last frame, to size the chart

  ImTextureID canvas_texture = nullptr;
  std::uint64_t canvas_uploaded_revision = ~std::uint64_t{0};
  ImVec4 canvas_rect{0, 0, 0, 0};  // x, y, width, height in display coordinates (CSS pixels on the web)
};

// Panels: one function each, drawn inside a child region the layout gives them.
void draw_training_panel(Lab& lab, UiState& ui);
void draw_gallery_panel(Lab& lab, UiState& ui, class TextureStore& textures);
void draw_canvas_panel(Lab& lab, UiState& ui, class TextureStore& textures);

}  // namespace latent
