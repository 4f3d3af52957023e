// The Canvas panel: draw a digit; beside it, the 28x28 input the model sees, its code and its reconstruction,
// all recomputed every frame while drawing.
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "app/ui_state.hpp"
#include "app/widgets.hpp"

namespace latent {

namespace {

constexpr float kNeighbourCell = 52.0f;  // the largest thumbnail of a neighbour

void upload_drawing(const Drawing& drawing, UiState& ui, TextureStore& textures) {
  const Sketch& sketch = drawing.sketch();
  if (ui.canvas_texture != nullptr && ui.canvas_uploaded_revision == sketch.revision()) return;
  std::vector<std::uint32_t> rgba(sketch.raster().size());
  for (std::size_t i = 0; i < rgba.size(); ++i) rgba[i] = ui::ink_color(sketch.raster()[i]);
  ui.canvas_texture = textures.upload(kSlotCanvas, Sketch::kSize, Sketch::kSize, rgba.data(), true);
  ui.canvas_uploaded_revision = sketch.revision();
}

// The drawing area: a square of `side` pixels showing the 280 x 280 sketch. Strokes do not come from here: the
// platform layer hands every pointer event to the Drawing (see drawing.hpp); this only tells the Drawing where
// the square is and whether a press may start a stroke (not while a popup is open over the interface).
void drawing_area(Drawing& drawing, UiState& ui, TextureStore& textures, float side) {
  upload_drawing(drawing, ui, textures);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ui.canvas_rect = ImVec4(p.x, p.y, side, side);
  const bool popup_open = ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId | ImGuiPopupFlags_AnyPopupLevel);
  drawing.place(p.x, p.y, side, !popup_open);
  ImGui::Image(ui.canvas_texture, ImVec2(side, side));
  ImGui::SetCursorScreenPos(p);
  ImGui::InvisibleButton("##drawing", ImVec2(side, side));  // keeps ImGui's own clicks and drags off the area
  draw->AddRect(ImVec2(p.x - 1, p.y - 1), ImVec2(p.x + side + 1, p.y + side + 1), ui::palette::kFrame, 2.0f);
  if (drawing.empty()) {
    const char* hint = "Draw a digit here";
    const ImVec2 ts = ImGui::CalcTextSize(hint);
    draw->AddText(ImVec2(p.x + (side - ts.x) * 0.5f, p.y + (side - ts.y) * 0.5f), ui::palette::kTextDim, hint);
  }
  if (ImGui::IsItemHovered() || ImGui::IsItemActive()) {  // the brush's outline under the pointer
    const float to_display = side / static_cast<float>(Sketch::kSize);
    draw->AddCircle(ImGui::GetIO().MousePos, drawing.brush() * to_display, IM_COL32(92, 170, 255, 160), 32, 1.5f);
  }
}

// The title, with its explanation behind a (?), and on the same row (so the drawing keeps its size) a warning
// when the model learned clothes, and a denoiser's "Noisy drawing" box.
void draw_title(Lab& lab, UiState& ui) {
  ImGui::PushFont(ui.title_font);
  ImGui::TextUnformatted("Draw");
  ImGui::PopFont();
  ui::help_marker("Draw a digit with the mouse, a pen or a finger. It is framed as MNIST's digits were (scaled into "
                  "20 x 20, centred by its mass in 28 x 28), then encoded and decoded as you draw.");
  if (lab.data_kind() == DataKind::Fashion) {  // the drawing is MNIST's: say what this model will make of it
    ImGui::SameLine(0, ImGui::GetFontSize() * 1.5f);
    ImGui::AlignTextToFramePadding();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ui::palette::kWarning), "This model learned clothes, not digits");
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip("The drawing is framed like MNIST's handwritten digits. A model trained on Fashion-MNIST reads "
                        "it as the nearest piece of clothing: switch the data back to MNIST digits to draw digits.");
    }
  }
  if (lab.views().denoising()) {
    ImGui::SameLine(0, ImGui::GetFontSize() * 1.5f);
    bool noisy = lab.views().noisy_drawing();
    if (ImGui::Checkbox("Noisy drawing", &noisy)) lab.set_noisy_drawing(noisy);
    ui.remember("check:noisy-drawing");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Feed the drawing with the denoiser's noise, and see what it rebuilds.");
  }
  ImGui::Spacing();
}

// The drawing and its tools below it: brush, Clear, Undo.
void drawing_column(Drawing& drawing, UiState& ui, TextureStore& textures, float side) {
  ImGui::BeginGroup();
  // The brush, Clear and Undo: under the drawing, as wide as it, or on a narrow screen as wide as the panel.
  const float row = ui.narrow ? ImGui::GetContentRegionAvail().x : side;
  drawing_area(drawing, ui, textures, side);
  ImGui::Spacing();
  const float font = ImGui::GetFontSize();
  ImGui::SetNextItemWidth(std::max(font * 4, std::min(row * 0.45f, row - ImGui::CalcTextSize("ClearUndo").x - font * 4)));
  float brush = drawing.brush();
  if (ui::slider("##brush", &brush, Drawing::kMinBrush, Drawing::kMaxBrush, "brush %.0f")) drawing.set_brush(brush);
  ImGui::SameLine();
  if (ImGui::Button("Clear")) drawing.clear();
  ImGui::SameLine();
  ImGui::BeginDisabled(!drawing.can_undo());
  if (ImGui::Button("Undo")) drawing.undo();
  ImGui::EndDisabled();
  ImGui::EndGroup();
}

// Where the right-hand side's parts go: computed once, drawn by the functions below.
struct ResultLayout {
  ImVec2 top;           // the column's top left
  float width = 0;      // the images' and neighbours' column
  float image = 0;      // each image's side
  float label_h = 0;    // a caption's line
  bool bars_beside = false;  // the code's bars in a column of their own, right of the images
  float bars_w = 0;
};

// What the model sees and its reconstruction, with an arrow between them (encode, then decode), and the loss.
// Returns the y below them.
float draw_input_and_reconstruction(Lab& lab, TextureStore& textures, const ResultLayout& l) {
  const float font = ImGui::GetFontSize();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const bool noisy = lab.views().noisy_drawing();
  draw->AddText(l.top, IM_COL32(215, 220, 230, 255), noisy ? "Input + noise" : "Input, 28 x 28");
  ImGui::SetCursorScreenPos(ImVec2(l.top.x, l.top.y + l.label_h));
  ui::digit_image(textures, kSlotCanvasInput, noisy ? lab.views().canvas_fed() : lab.canvas_input().pixels.data(), l.image);
  const float rx = l.top.x + l.image + font * 3;
  draw->AddText(ImVec2(rx, l.top.y), IM_COL32(215, 220, 230, 255), "Reconstruction");
  ImGui::SetCursorScreenPos(ImVec2(rx, l.top.y + l.label_h));
  ui::digit_image(textures, kSlotCanvasRecon, lab.views().canvas_reconstruction().data(), l.image);
  const float ay = l.top.y + l.label_h + l.image * 0.5f;
  const ImU32 dim = ui::palette::kTextDim;
  draw->AddLine(ImVec2(l.top.x + l.image + font * 0.6f, ay), ImVec2(rx - font * 0.6f, ay), dim, 2.0f);
  draw->AddTriangleFilled(ImVec2(rx - font * 0.5f, ay), ImVec2(rx - font * 1.1f, ay - font * 0.35f),
                          ImVec2(rx - font * 1.1f, ay + font * 0.35f), dim);
  const float y = l.top.y + l.label_h + l.image + 4;
  if (!lab.canvas_input().empty) {
    char text[64];
    std::snprintf(text, sizeof text, "reconstruction BCE %.4f", static_cast<double>(lab.views().canvas_loss()));
    const float tx = std::min(rx, l.top.x + l.width - ImGui::CalcTextSize(text).x);  // never past the panel's edge
    draw->AddText(ImVec2(std::max(l.top.x, tx), y), dim, text);
  }
  return y + font * 1.6f;
}

// The code as bars, one per unit, `height` high at (x, y).
void draw_code(Lab& lab, float x, float y, float width, float height) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  char title[48];
  std::snprintf(title, sizeof title, "Latent code, %d numbers", lab.latent_size());
  draw->AddText(ImVec2(x, y), IM_COL32(215, 220, 230, 255), title);
  ImGui::SetCursorScreenPos(ImVec2(x, y + ImGui::GetFontSize() + ImGui::GetStyle().ItemSpacing.y));
  const ImVec2 at = ImGui::GetCursorScreenPos();
  ui::code_bars("##code", lab.views().canvas_code().data(), lab.latent_size(), lab.views().code_scale(), ImVec2(width, height));
  if (!lab.canvas_input().empty) return;
  const char* hint = width > ImGui::GetFontSize() * 24 ? "One bar per number of the code: draw to see them" : "Draw to see the code";
  const ImVec2 ts = ImGui::CalcTextSize(hint);
  draw->AddText(ImVec2(at.x + (width - ts.x) * 0.5f, at.y + (height - ts.y) * 0.5f), ui::palette::kTextDim, hint);
}

// Beside the drawing (below it, when narrow): the two images, a loss line and the neighbours; the code's bars in
// a column of their own on the right when there is room, else below. The images take what the rest leaves of the
// drawing's height.
ResultLayout result_layout(const UiState& ui, float side, float controls_h) {
  ResultLayout l;
  const float font = ImGui::GetFontSize();
  const float avail_w = ImGui::GetContentRegionAvail().x;
  l.top = ImGui::GetCursorScreenPos();
  l.bars_beside = !ui.narrow && avail_w >= 460.0f;
  l.width = l.bars_beside ? std::floor(std::min(avail_w * 0.5f, 360.0f)) : avail_w;
  l.bars_w = l.bars_beside ? avail_w - l.width - font * 1.5f : l.width;
  l.label_h = font + ImGui::GetStyle().ItemSpacing.y;
  const float neighbours_h = 2.0f * ImGui::GetTextLineHeightWithSpacing() + kNeighbourCell + font + 8.0f;
  const float fit = side + controls_h - l.label_h - font * 1.8f - neighbours_h;
  l.image = ui.narrow ? std::floor((l.width - font * 3) / 2.0f)
                      : std::floor(std::clamp(std::min((l.width - font * 3) / 2.0f, fit), 64.0f, 200.0f));
  // An embedded view in one column: the images take what is left of the frame's height, so that the drawing and its
  // reconstruction show together; the neighbours and the code follow below.
  if (ui.narrow && ui.page.embed != 0) {
    l.image = std::floor(std::max(48.0f, std::min(l.image, ImGui::GetContentRegionAvail().y - l.label_h - font * 1.8f)));
  }
  return l;
}

}  // namespace

void draw_canvas_panel(Lab& lab, UiState& ui, TextureStore& textures) {
  if (ui.page.embed == 0) draw_title(lab, ui);  // embedded, the lesson around it says what it is
  const float font = ImGui::GetFontSize();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float controls_h = ImGui::GetFrameHeightWithSpacing() + ImGui::GetStyle().ItemSpacing.y * 2;
  // Narrow screens: the drawing takes the panel's whole width, everything else goes below it; embedded in one column,
  // a little over half the panel's height, leaving room for the reconstruction below.
  const float narrow_side = ui.page.embed != 0 ? std::max(100.0f, (avail.y - controls_h) * 0.5f) : 560.0f;
  const float side = ui.narrow ? std::floor(std::min(avail.x, narrow_side))
                               : std::floor(std::clamp(std::min(avail.y - controls_h, avail.x * 0.4f), 140.0f, 560.0f));
  drawing_column(lab.drawing(), ui, textures, side);
  if (!ui.narrow) ImGui::SameLine(0, font * 1.5f);
  ImGui::BeginGroup();
  const ResultLayout l = result_layout(ui, side, controls_h);
  float y = draw_input_and_reconstruction(lab, textures, l);
  ImGui::SetCursorScreenPos(ImVec2(l.top.x, y));
  draw_neighbours(lab, textures, std::min(l.width, 5.0f * kNeighbourCell + 32.0f));
  y = std::max(y, ImGui::GetCursorScreenPos().y);
  const float bars_x = l.bars_beside ? l.top.x + l.width + font * 1.5f : l.top.x;
  if (l.bars_beside) y = l.top.y;
  const float bars_top = y + l.label_h;
  const float bars_h = ui.narrow ? font * 8 : std::max(font * 5, l.top.y + side + controls_h - bars_top - ImGui::GetStyle().ItemSpacing.y * 2);
  draw_code(lab, bars_x, y, l.bars_w, bars_h);
  ImGui::EndGroup();
}

}  // namespace latent
