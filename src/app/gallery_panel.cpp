// The Gallery panel: the seed article's three rows for ten test digits: originals, latent codes, reconstructions.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/ui_state.hpp"
#include "app/widgets.hpp"

namespace latent {

namespace {

// One block of the gallery: digits [first, first + count) in columns, with the row names on the left (wide) or
// above each row (narrow).
struct GalleryGeometry {
  float cell = 0, code_cell = 0, gap = 0, label_w = 0, font = 0;
  int columns = 0, code_columns = 0;
  float code_rows = 0;
  bool labels_left = true;
  DataKind kind = DataKind::Mnist;
};

// One block being drawn, row by row, top to bottom: each row advances `y`.
struct GalleryBlock {
  const ModelViews& views;
  TextureStore& textures;
  const GalleryGeometry& g;
  int first, count;
  ImVec2 origin;
  float x0 = 0, y = 0;

  float step() const { return g.cell + g.gap; }
  float column_x(int j) const { return x0 + static_cast<float>(j) * step(); }

  // The row's name: left of it (wide), or above it (narrow, which moves the row down).
  void row_label(const char* text, float row_h) {
    ImDrawList* draw = ImGui::GetWindowDrawList();
    if (g.labels_left) {
      draw->AddText(ImVec2(origin.x, y + (row_h - g.font) * 0.5f), IM_COL32(215, 220, 230, 255), text);
    } else {
      draw->AddText(ImVec2(origin.x, y), IM_COL32(215, 220, 230, 255), text);
      y += g.font + 2;
    }
  }

  // The digits' class names, shortened to the cell.
  void class_names() {
    for (int j = 0; j < count; ++j) {
      std::string text = class_name(g.kind, views.gallery_label(first + j), true);
      while (text.size() > 1 && ImGui::CalcTextSize(text.c_str()).x > step()) text.pop_back();
      const float x = column_x(j) + (g.cell - ImGui::CalcTextSize(text.c_str()).x) * 0.5f;
      ImGui::GetWindowDrawList()->AddText(ImVec2(x, y), ui::palette::kTextDim, text.c_str());
    }
    y += g.font + 2;
  }

  // A row of images: image(i) for each digit i, in texture slots from `slot`; `tooltip`, if any, on hover.
  template <class Image>
  void image_row(const char* label, int slot, Image image, const char* tooltip = nullptr) {
    row_label(label, g.cell);
    for (int j = 0; j < count; ++j) {
      ImGui::SetCursorScreenPos(ImVec2(column_x(j), y));
      ui::digit_image(textures, slot + first + j, image(first + j), g.cell);
      if (tooltip != nullptr && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tooltip);
    }
    y += g.cell + g.gap;
  }

  void code_row() {
    const int k = views.latent_size();
    char label[32];
    std::snprintf(label, sizeof label, "Code (%d)", k);
    const float code_h = g.code_rows * g.code_cell;
    row_label(label, code_h);
    const float grid_w = g.code_cell * static_cast<float>(g.code_columns);
    for (int j = 0; j < count; ++j) {
      ImGui::SetCursorScreenPos(ImVec2(column_x(j) + (g.cell - grid_w) * 0.5f, y));
      ui::code_grid(views.gallery_code(first + j), k, views.code_scale(), g.code_columns, g.code_cell);
    }
    y += code_h + g.gap;
  }

  // The reconstructions, each with its loss under it (and in a tooltip).
  void reconstruction_row() {
    row_label("Reconstruction", g.cell);
    for (int j = 0; j < count; ++j) {
      const int i = first + j;
      const float x = column_x(j);
      ImGui::SetCursorScreenPos(ImVec2(x, y));
      ui::digit_image(textures, kSlotGalleryRecon + i, views.gallery_reconstruction(i), g.cell);
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("binary cross-entropy %.4f", static_cast<double>(views.gallery_loss(i)));
      char text[16];
      std::snprintf(text, sizeof text, "%.3f", static_cast<double>(views.gallery_loss(i)));
      const float tw = ImGui::CalcTextSize(text).x * 0.85f;
      if (tw < step()) {
        ImGui::GetWindowDrawList()->AddText(ImGui::GetFont(), g.font * 0.85f, ImVec2(x + (g.cell - tw) * 0.5f, y + g.cell + 3),
                                            ui::palette::kTextDim, text);
      }
    }
    y += g.cell + g.font + 4;
  }
};

// One block of the gallery: digits [first, first + count) in columns, with the row names on the left (wide) or
// above each row (narrow). Returns the y below it.
float gallery_block(const ModelViews& views, TextureStore& textures, const GalleryGeometry& g, int first, int count, ImVec2 origin) {
  GalleryBlock b{views, textures, g, first, count, origin};
  b.x0 = origin.x + (g.labels_left ? g.label_w : 0.0f);
  b.y = origin.y;
  b.class_names();
  if (views.denoising()) b.image_row("Noisy input", kSlotGalleryNoisy, [&](int i) { return views.gallery_noisy(i); });
  b.image_row(views.denoising() ? "Clean target" : "Original", kSlotGalleryInput, [&](int i) { return views.gallery_input(i); });
  b.code_row();
  b.reconstruction_row();
  if (views.variational()) {
    b.y += g.gap;
    b.image_row(g.kind == DataKind::Fashion ? "New images" : "New digits", kSlotSample, [&](int i) { return views.sample(i); },
                "Decoded from a code drawn from N(0, I), not from any digit.");
  }
  return b.y;
}

}  // namespace

void draw_gallery_panel(Lab& lab, UiState& ui, TextureStore& textures) {
  const bool digits = lab.data_kind() != DataKind::Fashion;
  ui::section_title(ui.title_font, digits ? "Test digits" : "Test images",
                    digits ? "Ten digits the model never trains on, the code each one is squeezed into, and what the "
                             "decoder rebuilds from that code alone."
                           : "Ten images the model never trains on, one of each class, the code each one is squeezed "
                             "into, and what the decoder rebuilds from that code alone.");
  const ModelViews& views = lab.views();
  if (views.variational()) {
    if (ImGui::Button("New digits")) lab.new_samples();
    ui.remember("button:new-digits");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Draw ten other codes from N(0, I) and decode them.");
  }
  const int n = ModelViews::kGalleryCount;
  GalleryGeometry g;
  g.kind = lab.data_kind();
  g.code_columns = ui::code_grid_columns(views.latent_size());
  g.code_rows = std::ceil(static_cast<float>(views.latent_size()) / static_cast<float>(g.code_columns));
  g.font = ImGui::GetFontSize();
  g.gap = std::max(6.0f, g.font * 0.5f);
  g.labels_left = !ui.narrow;
  g.label_w = g.labels_left ? ImGui::CalcTextSize("Reconstruction").x + g.gap * 2 : 0.0f;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  // Narrow: two blocks of five, as wide as the panel. Wide: one row of ten that fits both ways.
  const int per_block = ui.narrow ? n / 2 : n;
  const float by_width = (avail.x - g.label_w) / static_cast<float>(per_block) - g.gap;
  const float image_rows = (views.denoising() ? 3.0f : 2.0f) + (views.variational() ? 1.0f : 0.0f);
  const float by_height = (avail.y - g.font * 3.2f - g.gap * (image_rows + 1)) /
                          (image_rows + g.code_rows / static_cast<float>(g.code_columns));
  g.cell = std::clamp(std::floor(ui.narrow ? by_width : std::min(by_width, by_height)), 24.0f, 112.0f);
  g.code_cell = std::floor(g.cell / static_cast<float>(g.code_columns));
  ImVec2 origin = ImGui::GetCursorScreenPos();
  for (int first = 0; first < n; first += per_block) {
    origin.y = gallery_block(views, textures, g, first, per_block, origin) + (first + per_block < n ? g.gap : 0.0f);
  }
  ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y));
  ImGui::Dummy(ImVec2(g.label_w + (g.cell + g.gap) * static_cast<float>(per_block) - g.gap, 1));
}

}  // namespace latent
