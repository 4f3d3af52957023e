// The Gallery panel: the seed article's three rows for ten test digits: originals, latent codes, reconstructions.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/ui_state.hpp"
#include "app/widgets.hpp"

namespace latent {

void draw_gallery_panel(Lab& lab, UiState& ui, TextureStore& textures) {
  ui::section_title(ui.title_font, "Test digits",
                    "Ten digits the model never trains on, the code each one is squeezed into, and what the decoder "
                    "rebuilds from that code alone.");
  const ModelViews& views = lab.views();
  const int n = ModelViews::kGalleryCount;
  const int k = views.latent_size();
  const int columns = ui::code_grid_columns(k);
  const float code_rows = std::ceil(static_cast<float>(k) / static_cast<float>(columns));
  const float font = ImGui::GetFontSize();
  const float gap = std::max(6.0f, font * 0.5f);
  const float label_w = ImGui::CalcTextSize("Reconstruction").x + gap * 2;
  const ImVec2 avail = ImGui::GetContentRegionAvail();

  // The cell (image side) that fits both ways: two images, a code grid and three lines of text.
  const float by_width = (avail.x - label_w) / static_cast<float>(n) - gap;
  const float by_height = (avail.y - font * 3.2f - gap * 3) / (2.0f + code_rows / static_cast<float>(columns));
  const float cell = std::clamp(std::floor(std::min(by_width, by_height)), 24.0f, 112.0f);
  const float code_cell = std::floor(cell / static_cast<float>(columns));
  const float step = cell + gap;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImU32 dim = ui::palette::kTextDim;

  float y = origin.y;
  for (int i = 0; i < n; ++i) {  // the labels of the digits
    char text[8];
    std::snprintf(text, sizeof text, "%d", views.gallery_label(i));
    const float x = origin.x + label_w + static_cast<float>(i) * step;
    draw->AddText(ImVec2(x + (cell - ImGui::CalcTextSize(text).x) * 0.5f, y), dim, text);
  }
  y += font + 2;
  const auto row_label = [&](const char* text, float row_top, float row_h) {
    draw->AddText(ImVec2(origin.x, row_top + (row_h - font) * 0.5f), IM_COL32(215, 220, 230, 255), text);
  };

  row_label("Original", y, cell);
  for (int i = 0; i < n; ++i) {
    ImGui::SetCursorScreenPos(ImVec2(origin.x + label_w + static_cast<float>(i) * step, y));
    ui::digit_image(textures, kSlotGalleryInput + i, views.gallery_input(i), cell);
  }
  y += cell + gap;

  char code_label[32];
  std::snprintf(code_label, sizeof code_label, "Code (%d)", k);
  const float code_h = code_rows * code_cell;
  row_label(code_label, y, code_h);
  for (int i = 0; i < n; ++i) {
    const float grid_w = code_cell * static_cast<float>(columns);
    ImGui::SetCursorScreenPos(ImVec2(origin.x + label_w + static_cast<float>(i) * step + (cell - grid_w) * 0.5f, y));
    ui::code_grid(views.gallery_code(i), k, views.code_scale(), columns, code_cell);
  }
  y += code_h + gap;

  row_label("Reconstruction", y, cell);
  for (int i = 0; i < n; ++i) {
    const float x = origin.x + label_w + static_cast<float>(i) * step;
    ImGui::SetCursorScreenPos(ImVec2(x, y));
    ui::digit_image(textures, kSlotGalleryRecon + i, views.gallery_reconstruction(i), cell);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("binary cross-entropy %.4f", static_cast<double>(views.gallery_loss(i)));
    char text[16];
    std::snprintf(text, sizeof text, "%.3f", static_cast<double>(views.gallery_loss(i)));
    const float tw = ImGui::CalcTextSize(text).x * 0.85f;
    if (tw < cell + gap) draw->AddText(ImGui::GetFont(), font * 0.85f, ImVec2(x + (cell - tw) * 0.5f, y + cell + 3), dim, text);
  }
  ImGui::SetCursorScreenPos(ImVec2(origin.x, y + cell + font + 4));
  ImGui::Dummy(ImVec2(label_w + step * static_cast<float>(n), 1));
}

}  // namespace latent
