// Drawing helpers shared by the panels: colour maps, digit images, latent codes as bars and heat strips, and
// the loss chart. Each draws at the cursor and advances it like an ImGui widget.
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

#include "app/lab.hpp"
#include "app/textures.hpp"

namespace latent::ui {

// Colours of the interface (theme.cpp sets ImGui's own from the same palette).
namespace palette {
inline constexpr ImU32 kTrain = IM_COL32(92, 170, 255, 255);   // train loss, buttons' accent
inline constexpr ImU32 kTest = IM_COL32(255, 170, 80, 255);    // test loss
inline constexpr ImU32 kPaper = IM_COL32(10, 12, 17, 255);     // behind digits and the drawing
inline constexpr ImU32 kFrame = IM_COL32(58, 64, 80, 255);     // thin frames around images
inline constexpr ImU32 kGrid = IM_COL32(255, 255, 255, 22);
inline constexpr ImU32 kTextDim = IM_COL32(150, 158, 175, 255);
inline constexpr ImU32 kError = IM_COL32(255, 140, 140, 255);
inline constexpr ImU32 kWarning = IM_COL32(255, 200, 90, 255);
}  // namespace palette

ImU32 ink_color(float v);                   // digits: paper (0) to ink (1)
ImU32 code_color(float v, float scale);     // latent values: blue below zero, magma-like above

// A 28x28 digit (row-major floats in 0..1) as a `size` x `size` image in texture `slot`.
void digit_image(TextureStore& textures, int slot, const float* pixels, float size);

// Many 28x28 images as one texture: `count` tiles, `columns` per row, 1 paper-coloured pixel between tiles, drawn
// `width` pixels wide. `weights` > 0 shows signed weights on a diverging scale (blue below zero, orange above,
// paper at zero, +-weights at full colour) instead of ink. Returns the top-left of the drawn image and the tile's
// side in display pixels (for hit tests).
struct TileGrid {
  ImVec2 origin;
  float tile = 0;  // one tile's step, display pixels
};
// `side` x `side` images (28: digits; 3: a convolution's filters).
TileGrid image_tiles(TextureStore& textures, int slot, const float* images, int count, int columns, float width,
                     float weights = 0, int side = 28);
ImU32 weight_color(float v, float scale);
ImU32 digit_color(int label);  // the map's ten label colours

// A latent code as a grid of coloured cells, `columns` per row, `cell` pixels each.
void code_grid(const float* code, int k, float scale, int columns, float cell);
int code_grid_columns(int k);  // 8 for up to 64 units, 16 above

// A latent code as vertical bars around a zero line, one per unit; values printed when there is room.
void code_bars(const char* id, const float* code, int k, float scale, ImVec2 size);

// Train loss (smoothed, per step) and test loss (per epoch) against steps.
void loss_chart(const char* id, const std::vector<ChartPoint>& train, const std::vector<ChartPoint>& test, ImVec2 size,
                const char* train_label = "train (smoothed)", const char* test_label = "test, per epoch");

// Sliders whose value is printed on the side of the frame away from the handle, so the handle never covers it.
// Same arguments as ImGui's SliderFloat and SliderInt.
bool slider(const char* label, float* v, float lo, float hi, const char* format, ImGuiSliderFlags flags = 0);
bool slider(const char* label, int* v, int lo, int hi, const char* format = "%d", ImGuiSliderFlags flags = 0);

// Text wrapped to the available width at spaces only, so numbers ("8,000", "0.1059") never break.
void wrapped(const std::string& text, ImU32 colour);
void wrapped_to(const std::string& text, ImU32 colour, float width);  // the same, `width` pixels wide

void help_marker(const char* text);                    // a (?) with a tooltip
// Continues the row when `width` more pixels fit beside the last item, else starts the next row (phones).
void same_line_if_fits(float width);
float button_width(const char* label);               // a button's natural width
void section_title(ImFont* font, const char* title, const char* subtitle = nullptr);

}  // namespace latent::ui
