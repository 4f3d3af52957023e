// The latent-space views, one function per tab: the map with its decoded grid, the sliders, interpolation and
// the units; and the drawing's neighbours, shown in the Draw panel. All read the LatentExplorer (latent_explorer.hpp)
// and command it; none of them touches the model.
//
// [SECTION] Map
// [SECTION] Sliders
// [SECTION] Interpolation
// [SECTION] Units
// [SECTION] Neighbours
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/ui_state.hpp"
#include "app/widgets.hpp"

namespace latent {

namespace {

constexpr ImU32 kLabelText = IM_COL32(215, 220, 230, 255);

void caption(const char* text) { ui::wrapped(text, ui::palette::kTextDim); }

bool waiting_for_codes(const LatentExplorer& e) {
  if (e.ready()) return false;
  caption("Encoding the test digits...");
  return true;
}

// --- [SECTION] Map ------------------------------------------------------------------------------------------------

// Plane coordinates <-> screen, over the explorer's extent in a square at `p` of side `s`.
struct MapFrame {
  ImVec2 p;
  float s = 1;
  const float* ext = nullptr;
  ImVec2 to_screen(float a, float b) const {
    return ImVec2(p.x + (a - ext[0]) / (ext[2] - ext[0]) * s, p.y + (ext[3] - b) / (ext[3] - ext[1]) * s);
  }
  void to_plane(ImVec2 q, float& a, float& b) const {
    a = ext[0] + (q.x - p.x) / s * (ext[2] - ext[0]);
    b = ext[3] - (q.y - p.y) / s * (ext[3] - ext[1]);
  }
};

// One dot and name per class: in a row for digits; class names (Fashion-MNIST) in two rows of five.
void map_legend(float width, DataKind kind) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float font = ImGui::GetFontSize();
  const bool names = kind == DataKind::Fashion;
  const int per_row = names ? 5 : 10;
  const float step = names ? width / 5.0f : std::min(width / 10.0f, font * 2.6f);
  for (int d = 0; d < 10; ++d) {
    const float x = p.x + static_cast<float>(d % per_row) * step;
    const float y = p.y + static_cast<float>(d / per_row) * font * 1.2f;
    draw->AddCircleFilled(ImVec2(x + font * 0.4f, y + font * 0.55f), font * 0.32f, ui::digit_color(d));
    std::string text = class_name(kind, d, true);
    while (text.size() > 1 && ImGui::CalcTextSize(text.c_str()).x > step - font * 1.1f) text.pop_back();
    draw->AddText(ImVec2(x + font * 0.95f, y), kLabelText, text.c_str());
  }
  ImGui::Dummy(ImVec2(step * static_cast<float>(per_row), font * 1.2f * static_cast<float>(10 / per_row)));
}

void marker(ImDrawList* draw, ImVec2 q, float r, ImU32 colour, bool cross) {
  draw->AddCircle(q, r, IM_COL32(0, 0, 0, 200), 20, 4.0f);
  draw->AddCircle(q, r, colour, 20, 2.0f);
  if (cross) {
    draw->AddLine(ImVec2(q.x - r * 1.6f, q.y), ImVec2(q.x - r * 0.6f, q.y), colour, 2.0f);
    draw->AddLine(ImVec2(q.x + r * 0.6f, q.y), ImVec2(q.x + r * 1.6f, q.y), colour, 2.0f);
  }
}

// Each digit's earlier positions (PCA, while training), oldest faintest, joined to where it is now: the clusters
// forming. Each segment in its digit's colour.
void draw_trails(ImDrawList* draw, const MapFrame& f, const LatentExplorer& e) {
  const auto& trail = e.code_map().trail();
  const auto& now = e.map_xy();
  for (std::size_t t = 0; t < trail.size(); ++t) {
    const std::vector<float>& from = trail[t];
    const std::vector<float>& to = t + 1 < trail.size() ? trail[t + 1] : now;
    if (from.size() != now.size() || to.size() != now.size()) continue;
    const int alpha = static_cast<int>(40 + 80 * (t + 1) / trail.size());
    for (std::size_t i = 0; i < now.size() / 2; ++i) {
      const ImU32 colour = (ui::digit_color(e.map_label(static_cast<int>(i))) & 0x00FFFFFFu) | (static_cast<ImU32>(alpha) << 24);
      draw->AddLine(f.to_screen(from[2 * i], from[2 * i + 1]), f.to_screen(to[2 * i], to[2 * i + 1]), colour, 1.0f);
    }
  }
}

// The scatter's picture: PCA's axes through the codes' mean, a dot per test digit in its label's colour, the selected
// digit, a dragged point and the drawing's marker.
void draw_map_points(ImDrawList* draw, const MapFrame& f, const LatentExplorer& e, const UiState& ui) {
  const float side = f.s;
  draw->AddRectFilled(f.p, ImVec2(f.p.x + side, f.p.y + side), ui::palette::kPaper, 4.0f);
  draw->PushClipRect(f.p, ImVec2(f.p.x + side, f.p.y + side), true);
  const bool pca = e.code_map().method() == CodeMap::Method::Pca;
  if (pca) {  // t-SNE's axes mean nothing
    const ImVec2 zero = f.to_screen(0, 0);
    draw->AddLine(ImVec2(f.p.x, zero.y), ImVec2(f.p.x + side, zero.y), ui::palette::kGrid);
    draw->AddLine(ImVec2(zero.x, f.p.y), ImVec2(zero.x, f.p.y + side), ui::palette::kGrid);
  }
  if (pca && ui.map_trails) draw_trails(draw, f, e);
  const float dot = std::clamp(side / 220.0f, 1.0f, 2.2f);
  const auto& xy = e.map_xy();
  for (int i = 0; i < e.map_count(); ++i) {
    const ImVec2 q = f.to_screen(xy[2 * static_cast<std::size_t>(i)], xy[2 * static_cast<std::size_t>(i) + 1]);
    draw->AddRectFilled(ImVec2(q.x - dot, q.y - dot), ImVec2(q.x + dot, q.y + dot), ui::digit_color(e.map_label(i)));
  }
  if (ui.selected_digit >= 0 && ui.selected_digit < e.map_count()) {
    const auto i = static_cast<std::size_t>(ui.selected_digit);
    marker(draw, f.to_screen(xy[2 * i], xy[2 * i + 1]), 7.0f, IM_COL32(255, 255, 255, 255), false);
  }
  if (pca && e.slider_source().kind == CodeSource::MapPoint) {
    const ImVec2 q = f.to_screen(e.slider_source().a, e.slider_source().b);
    draw->AddRectFilled(ImVec2(q.x - 4, q.y - 4), ImVec2(q.x + 4, q.y + 4), IM_COL32(255, 255, 255, 255));
  }
  if (e.drawing_on_map()) marker(draw, f.to_screen(e.drawing_xy()[0], e.drawing_xy()[1]), 8.0f, IM_COL32(255, 235, 90, 255), true);
  draw->PopClipRect();
  draw->AddRect(ImVec2(f.p.x - 1, f.p.y - 1), ImVec2(f.p.x + side + 1, f.p.y + side + 1), ui::palette::kFrame, 4.0f);
}

// A press on a dot selects that digit (for the sliders and the morph's second end); a press elsewhere starts a
// drag that decodes the point under the pointer, clamped to the map.
void map_pointer(LatentExplorer& e, UiState& ui, float a, float b, float radius) {
  if (ImGui::IsItemActivated()) {
    const int picked = e.pick(a, b, radius);
    ui.map_dragging = picked < 0 && e.code_map().method() == CodeMap::Method::Pca;  // t-SNE's plane has no codes
    if (picked >= 0) {
      ui.selected_digit = picked;
      CodeSource s;
      s.kind = CodeSource::TestDigit;
      s.index = picked;
      e.set_slider_source(s);
      e.set_end(1, s);
    }
  }
  if (ImGui::IsItemActive() && ui.map_dragging) {
    const float ca = std::clamp(a, e.extent()[0], e.extent()[2]), cb = std::clamp(b, e.extent()[1], e.extent()[3]);
    if (e.slider_source().kind != CodeSource::MapPoint || e.slider_source().a != ca || e.slider_source().b != cb) {
      CodeSource s;
      s.kind = CodeSource::MapPoint;
      s.a = ca;
      s.b = cb;
      e.set_slider_source(s);
    }
  }
  if (!ImGui::IsItemActive()) ui.map_dragging = false;
}

// Hovering a dot shows its digit.
void map_tooltip(const LatentExplorer& e, TextureStore& textures, float a, float b, float radius, DataKind kind) {
  const int near = e.pick(a, b, radius);
  if (near < 0) return;
  ImGui::BeginTooltip();
  ImGui::Text("test %s #%d, %s", kind == DataKind::Fashion ? "image" : "digit", near, class_name(kind, e.map_label(near)).c_str());
  ui::digit_image(textures, kSlotHover, e.test_image(near), 84.0f);
  ImGui::TextUnformatted("click: use it in the other views");
  if (e.code_map().method() == CodeMap::Method::Tsne) ui::wrapped("(t-SNE: between the digits, the map has no codes to decode)", ui::palette::kTextDim);
  ImGui::EndTooltip();
}

// The scatter: hovering shows a digit, clicking selects it, dragging elsewhere decodes the point under the pointer.
void code_map(LatentExplorer& e, UiState& ui, TextureStore& textures, float side, DataKind kind) {
  const MapFrame f{ImGui::GetCursorScreenPos(), side, e.extent()};
  ui.map_rect = ImVec4(f.p.x, f.p.y, side, side);
  ImGui::InvisibleButton("##map", ImVec2(side, side));
  const bool hovered = ImGui::IsItemHovered();
  draw_map_points(ImGui::GetWindowDrawList(), f, e, ui);
  float a = 0, b = 0;
  f.to_plane(ImGui::GetIO().MousePos, a, b);
  const float radius = 6.0f / side * (e.extent()[2] - e.extent()[0]);
  map_pointer(e, ui, a, b, radius);
  if (hovered && !ImGui::IsItemActive()) map_tooltip(e, textures, a, b, radius, kind);
}

// What the map's selected digit or dragged point decodes to, beside the map.
void map_probe(LatentExplorer& e, UiState& ui, TextureStore& textures, float width, DataKind kind) {
  const CodeSource& s = e.slider_source();
  ImGui::TextUnformatted(s.kind == CodeSource::MapPoint ? "Point decoded" : "Selected");
  ui::digit_image(textures, kSlotSliderImage, e.slider_image().data(), std::min(width, 140.0f));
  ui::wrapped_to(s.describe(), ui::palette::kTextDim, width);
  if (s.kind == CodeSource::TestDigit) ImGui::Text("label %s", class_name(kind, e.map_label(s.index)).c_str());
  (void)ui;
}

struct PlaneInfo {
  char text[480];
};

PlaneInfo plane_info(const LatentExplorer& e) {
  PlaneInfo info;
  const LatentPlane& p = e.plane();
  if (e.code_map().method() == CodeMap::Method::Tsne) {
    std::snprintf(info.text, sizeof info.text,
                  "The 2,000 test digits' %d-number codes laid out by t-SNE, which keeps each code's nearest "
                  "neighbours near it (the distances between clusters mean little); beside it, in each cell, the test "
                  "digit nearest its centre. The drawing sits at the mean place of its %d nearest test digits by code. "
                  "Hover a point to see it, click to use it.",
                  e.latent_size(), CodeMap::kPlaceNeighbours);
  } else if (e.grid_is_prior()) {
    std::snprintf(info.text, sizeof info.text,
                  "The 2,000 test digits at their codes (the VAE's 2 units), coloured by label; beside it, the prior "
                  "N(0, I) decoded at the 5 %% to 95 %% quantiles of each unit: the classic manifold. Hover a point "
                  "to see it, click to use it, drag to decode.");
  } else if (e.latent_size() == 2) {
    std::snprintf(info.text, sizeof info.text,
                  "The 2,000 test digits at their codes (the code space itself: 2 units), coloured by label; beside "
                  "it, the same square decoded. Hover a point to see it, click to use it, drag to decode.");
  } else {
    const float share = p.total_variance > 0 ? 100.0f * (p.variance[0] + p.variance[1]) / p.total_variance : 0.0f;
    std::snprintf(info.text, sizeof info.text,
                  "The 2,000 test digits' %d-number codes on the plane of their two main directions (PCA, %.0f %% of "
                  "their variance); beside it, that plane decoded. Hover a point to see it, click to use it, drag to "
                  "decode.",
                  e.latent_size(), static_cast<double>(share));
  }
  return info;
}

// PCA or t-SNE (with its progress, or why it is not offered), and PCA's trails.
void map_method_row(LatentExplorer& e, UiState& ui) {
  const CodeMap& map = e.code_map();
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Map by");
  ImGui::SameLine();
  if (ImGui::RadioButton("PCA", map.method() == CodeMap::Method::Pca)) e.set_map_method(CodeMap::Method::Pca);
  ui.remember("radio:pca");
  ImGui::SameLine();
  const std::string refusal = map.tsne_refusal();
  ImGui::BeginDisabled(!refusal.empty());
  if (ImGui::RadioButton("t-SNE", map.method() == CodeMap::Method::Tsne)) e.set_map_method(CodeMap::Method::Tsne);
  ImGui::EndDisabled();
  ui.remember("radio:tsne");
  if (!refusal.empty() && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", refusal.c_str());
  if (map.method() == CodeMap::Method::Pca) {
    ImGui::SameLine();
    ImGui::Checkbox("Trails", &ui.map_trails);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("While training: each digit's last %d positions", CodeMap::kTrail);
  } else if (!map.settled()) {
    ImGui::SameLine();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ui::palette::kTextDim), "settling: %d of %d", map.iteration(), map.iterations());
  }
}

}  // namespace

void draw_map_tab(Lab& lab, UiState& ui, TextureStore& textures) {
  LatentExplorer& e = lab.explorer();
  if (waiting_for_codes(e)) return;
  map_method_row(e, ui);
  const PlaneInfo info = plane_info(e);
  caption(info.text);
  const float font = ImGui::GetFontSize();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float gap = font;
  const float legend_h = font * (lab.data_kind() == DataKind::Fashion ? 2.4f : 1.2f) + ImGui::GetStyle().ItemSpacing.y;
  const bool stacked = ui.narrow;
  const float probe_w = stacked ? avail.x : std::clamp(avail.x * 0.16f, 110.0f, 150.0f);
  float side = stacked ? avail.x : std::min((avail.x - probe_w - 2 * gap) / 2.0f, avail.y - legend_h - font * 1.4f);
  side = std::floor(std::max(side, 160.0f));

  ImGui::BeginGroup();
  map_legend(side, lab.data_kind());
  code_map(e, ui, textures, side, lab.data_kind());
  ImGui::EndGroup();
  if (!stacked) ImGui::SameLine(0, gap);
  ImGui::BeginGroup();
  ImGui::Dummy(ImVec2(1, stacked ? 0 : legend_h - ImGui::GetStyle().ItemSpacing.y));
  ui::image_tiles(textures, kSlotMapGrid, e.grid().data(), LatentExplorer::kGrid * LatentExplorer::kGrid,
                  LatentExplorer::kGrid, side);
  if (ImGui::IsItemHovered()) {
    if (e.code_map().method() == CodeMap::Method::Tsne) {
      ImGui::SetTooltip("In each cell of the t-SNE map, the test digit nearest its centre");
    } else if (e.grid_is_prior()) {
      ImGui::SetTooltip("The VAE's prior N(0, I) decoded on a %d x %d grid at the 5 %% ... 95 %% quantiles of each unit "
                        "(unit 0 across, unit 1 up): the classic manifold", LatentExplorer::kGrid, LatentExplorer::kGrid);
    } else {
      ImGui::SetTooltip("The map's plane decoded on a %d x %d grid", LatentExplorer::kGrid, LatentExplorer::kGrid);
    }
  }
  ImGui::EndGroup();
  if (!stacked) ImGui::SameLine(0, gap);
  ImGui::BeginGroup();
  ImGui::Dummy(ImVec2(1, stacked ? 0 : legend_h - ImGui::GetStyle().ItemSpacing.y));
  map_probe(e, ui, textures, probe_w, lab.data_kind());
  ImGui::EndGroup();
}

// --- [SECTION] Sliders --------------------------------------------------------------------------------------------

namespace {

// One unit's slider row: its name, then a slider over its observed range (widened to include the value).
void slider_row(LatentExplorer& e, UiState& ui, const std::vector<float>& code, int u, float slider_x) {
  ImGui::PushID(u);
  ImGui::AlignTextToFramePadding();
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ui::palette::kTextDim), "unit %d", u);
  ImGui::SameLine(slider_x);
  float v = code[static_cast<std::size_t>(u)];
  const float lo = std::min(e.unit_min(u), v), hi = std::max({e.unit_max(u), v, lo + 1e-3f});
  ImGui::SetNextItemWidth(-1);
  if (ui::slider("##v", &v, lo, hi, "%.2f")) e.set_slider_value(u, v);
  if (u == 0) ui.remember("slider:unit0");
  ImGui::PopID();
}

}  // namespace

void draw_sliders_tab(Lab& lab, UiState& ui, TextureStore& textures) {
  LatentExplorer& e = lab.explorer();
  if (waiting_for_codes(e)) return;
  const float font = ImGui::GetFontSize();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const bool stacked = ui.narrow;
  const float image = std::floor(std::clamp(stacked ? avail.x * 0.6f : std::min(avail.x * 0.35f, avail.y - font * 6), 112.0f, 280.0f));

  // The decoded code and where it came from.
  ImGui::BeginGroup();
  ui::digit_image(textures, kSlotSliderImage, e.slider_image().data(), image);
  ui::wrapped_to("Code: " + e.slider_source().describe(), IM_COL32(215, 220, 230, 255), image);
  if (ImGui::Button("From drawing")) e.set_slider_source(CodeSource{});
  ImGui::SameLine();
  if (ImGui::Button("Mean")) e.reset_sliders();
  ImGui::SameLine();
  if (ImGui::Button("Random")) e.randomise_sliders(++ui.random_seed);
  ui.remember("button:random");
  ImGui::EndGroup();
  if (!stacked) ImGui::SameLine(0, font * 1.5f);

  // One slider per unit, in a scrolling list.
  const float list_h = stacked ? std::min(avail.x * 1.2f, 480.0f) : std::max(avail.y, font * 8);
  ImGui::BeginChild("##units", ImVec2(0, list_h), false);
  const std::vector<float> code = e.slider_code();
  const float label_w = ImGui::CalcTextSize("unit 0000").x;
  // The first row always (its place is where the list starts, for a finger to scroll to), the rest only where in
  // view: a code may have 1,024 units.
  slider_row(e, ui, code, 0, label_w + font);
  ImGuiListClipper rows;
  rows.Begin(e.latent_size() - 1);
  while (rows.Step()) {
    for (int u = rows.DisplayStart; u < rows.DisplayEnd; ++u) slider_row(e, ui, code, u + 1, label_w + font);
  }
  ImGui::EndChild();
}

// --- [SECTION] Interpolation ------------------------------------------------------------------------------------------

namespace {

// One end: the drawing, the selected map digit, a test digit by number, or the last point dragged on the map.
void end_picker(LatentExplorer& e, UiState& ui, int end, DataKind kind) {
  ImGui::PushID(end);
  const CodeSource& s = e.end(end);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(end == 0 ? "From" : "To");
  ImGui::SameLine();
  if (ImGui::RadioButton("drawing", s.kind == CodeSource::Drawing)) e.set_end(end, CodeSource{});
  ImGui::SameLine();
  if (ImGui::RadioButton("test digit", s.kind == CodeSource::TestDigit)) {
    CodeSource t;
    t.kind = CodeSource::TestDigit;
    t.index = ui.end_digit[end];
    e.set_end(end, t);
  }
  if (s.kind == CodeSource::TestDigit) {
    // The number field holds five digits beside its - and + buttons, whatever the frame height (phones use tall ones).
    const ImGuiStyle& style = ImGui::GetStyle();
    const float field = ImGui::CalcTextSize("00000").x + style.FramePadding.x * 2.0f;
    const float width = field + (ImGui::GetFrameHeight() + style.ItemInnerSpacing.x) * 2.0f;
    char label[48];
    std::snprintf(label, sizeof label, "is a %s", class_name(kind, e.map_label(s.index), true).c_str());
    ui::same_line_if_fits(width + style.ItemSpacing.x + ImGui::CalcTextSize(label).x);
    ImGui::SetNextItemWidth(width);
    int index = s.index;
    if (ImGui::InputInt("##digit", &index)) {
      CodeSource t = s;
      t.index = std::clamp(index, 0, e.map_count() - 1);
      ui.end_digit[end] = t.index;
      e.set_end(end, t);
    }
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ui::palette::kTextDim), "%s", label);
  }
  if (e.slider_source().kind == CodeSource::MapPoint || s.kind == CodeSource::MapPoint) {
    ui::same_line_if_fits(ImGui::CalcTextSize("map point").x + ImGui::GetFrameHeight() * 2);
    if (ImGui::RadioButton("map point", s.kind == CodeSource::MapPoint) && e.slider_source().kind == CodeSource::MapPoint) {
      e.set_end(end, e.slider_source());
    }
  }
  ImGui::PopID();
}

}  // namespace

void draw_interpolate_tab(Lab& lab, UiState& ui, TextureStore& textures) {
  LatentExplorer& e = lab.explorer();
  if (waiting_for_codes(e)) return;
  caption("Ten images decoded along the straight line between two codes, and a slider that morphs one into the "
          "other. Pick each end: the drawing, a test digit (click one on the map), or a point dragged on the map.");
  end_picker(e, ui, 0, lab.data_kind());
  end_picker(e, ui, 1, lab.data_kind());
  const float width = ImGui::GetContentRegionAvail().x;
  ui::image_tiles(textures, kSlotStrip, e.strip().data(), LatentExplorer::kStrip, LatentExplorer::kStrip, width);
  ImGui::Spacing();
  const float font = ImGui::GetFontSize();
  const float image = std::floor(std::clamp(std::min(width * 0.3f, ImGui::GetContentRegionAvail().y - font * 3), 84.0f, 220.0f));
  ui::digit_image(textures, kSlotMorph, e.morph_image().data(), image);
  ImGui::SameLine(0, font);
  ImGui::BeginGroup();
  ImGui::TextUnformatted("Morph");
  float t = e.morph();
  ImGui::SetNextItemWidth(std::max(120.0f, ImGui::GetContentRegionAvail().x));
  if (ui::slider("##morph", &t, 0.0f, 1.0f, "%.2f")) e.set_morph(t);
  ui.remember("slider:morph");
  ImGui::EndGroup();
}

// --- [SECTION] Units ------------------------------------------------------------------------------------------------

namespace {

// A convolutional model's maps of the drawing, one grid per convolution, each scaled to its own largest value.
void draw_feature_maps(const LatentExplorer& e, TextureStore& textures, float width) {
  const auto& maps = e.drawing_maps();
  if (maps.empty()) {
    ImGui::TextDisabled("Draw a digit to see its maps, layer by layer.");
    return;
  }
  const float font = ImGui::GetFontSize();
  int convolution = 0;
  for (std::size_t k = 0; k < maps.size(); ++k) {
    const auto& m = maps[k];
    const bool last = k + 1 == maps.size();
    convolution += m.code ? 0 : 1;
    float top = 1e-6f;
    for (float v : m.values) top = std::max(top, v);
    std::vector<float> shown(m.values.size());
    for (std::size_t i = 0; i < shown.size(); ++i) shown[i] = last ? m.values[i] : m.values[i] / top;
    char title[96];
    if (m.code) {
      std::snprintf(title, sizeof title, "The code: %d maps of %d x %d (%d numbers)", m.shape.channels, m.shape.height,
                    m.shape.width, m.shape.size());
    } else {
      std::snprintf(title, sizeof title, "%s %d: %d %s of %d x %d", last ? "Output, convolution" : "Convolution", convolution,
                    m.shape.channels, m.shape.channels == 1 ? "map" : "maps", m.shape.height, m.shape.width);
    }
    ImGui::TextUnformatted(title);
    // Maps at about one scale, so that they shrink block by block as the image does (a 28 x 28 map: a 16th of the
    // width), but none smaller than a 24th, so that a 4 x 4 code stays readable.
    const int columns = std::min(m.shape.channels, 16);
    const float scaled = width / 16.0f * static_cast<float>(m.shape.width) / 14.0f;
    const float tile = std::min(std::max(scaled, width / 24.0f), width / static_cast<float>(columns));
    ui::image_tiles(textures, kSlotFeatureMaps + static_cast<int>(k), shown.data(), m.shape.channels, columns,
                    std::max(font * 2.0f, tile * static_cast<float>(columns)), 0, m.shape.width);
  }
}

}  // namespace

namespace {

void units_caption(const ModelShape& shape) {
  if (shape.convolutional()) {
    caption("The first convolution's filters: the 3 x 3 weights each slides over the image (what its map looks for); "
            "the last convolution's: how each of the maps before it adds to the pixels (what it draws). Blue below "
            "zero, orange above.");
  } else if (!shape.hidden.empty()) {
    caption("The first layer's units: the weights into each from the 784 pixels (what it looks for); the last "
            "layer's: the weights out of each to the pixels (what it draws). Blue below zero, orange above.");
  } else {
    caption("Each of the code's units: the weights into it from the 784 pixels (what it looks for), and the "
            "weights out of it to the pixels (what it draws). Blue below zero, orange above.");
  }
}

// The encoder's or the decoder's unit images, `width` wide at most (`height` tall at most when side by side), with
// the unit under the pointer in a tooltip.
void unit_grid(const LatentExplorer& e, TextureStore& textures, bool encoder, bool filters, float width, float height) {
  const float font = ImGui::GetFontSize();
  const int count = e.unit_count(encoder);
  // A convolution's filters: one row of eight 3 x 3 tiles, small, so that the drawing's maps below have the room.
  const int columns = filters ? 8 : std::max(1, static_cast<int>(std::ceil(std::sqrt(static_cast<float>(count) * 2.0f))));
  const int rows = (count + columns - 1) / columns;
  float w = filters ? std::min(width, font * 16.0f) : width;
  if (height > 0 && !filters) w = std::min(w, (height - font * 2.5f) * static_cast<float>(columns) / static_cast<float>(rows));
  ImGui::BeginGroup();
  char title[96];
  std::snprintf(title, sizeof title, "%s: %d %s, |w| up to %.2f", encoder ? "Looks for (encoder)" : "Draws (decoder)",
                count, filters ? "filters" : "units", static_cast<double>(e.unit_scale(encoder)));
  ImGui::TextUnformatted(title);
  const ui::TileGrid g = ui::image_tiles(textures, encoder ? kSlotUnitsEncoder : kSlotUnitsDecoder,
                                         e.unit_images(encoder).data(), count, columns, w, e.unit_scale(encoder), e.unit_side());
  if (ImGui::IsItemHovered()) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const int cx = static_cast<int>((m.x - g.origin.x) / g.tile), cy = static_cast<int>((m.y - g.origin.y) / g.tile);
    const int u = cy * columns + cx;
    if (cx >= 0 && cx < columns && u >= 0 && u < count) ImGui::SetTooltip(filters ? "filter %d" : "unit %d", u);
  }
  ImGui::EndGroup();
}

}  // namespace

void draw_units_tab(Lab& lab, UiState& ui, TextureStore& textures) {
  LatentExplorer& e = lab.explorer();
  if (waiting_for_codes(e)) return;
  if (!e.shows(lab.snapshot().settings.architecture())) {  // the units below would be the previous model's
    caption("Reading the new model's units...");
    return;
  }
  const ModelShape& shape = lab.snapshot().settings.shape;
  const bool filters = shape.convolutional();
  units_caption(shape);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float font = ImGui::GetFontSize();
  const bool stacked = ui.narrow;
  const float width = std::floor(stacked ? avail.x : (avail.x - font * 1.5f) / 2.0f);
  unit_grid(e, textures, true, filters, width, stacked ? 0.0f : avail.y);
  if (!stacked) ImGui::SameLine(0, filters ? font * 3.0f : font * 1.5f);
  unit_grid(e, textures, false, filters, width, stacked ? 0.0f : avail.y);
  if (!filters) return;
  ImGui::Spacing();
  ImGui::TextUnformatted("Your drawing, layer by layer");
  ui::help_marker("What each convolution makes of the drawing: encoder maps shrink block by block to the 4 x 4 code, "
                  "the decoder's grow back to the reconstruction. Brighter is larger; each layer has its own scale.");
  draw_feature_maps(e, textures, avail.x);
}

// --- [SECTION] Neighbours ------------------------------------------------------------------------------------------

void draw_neighbours(Lab& lab, TextureStore& textures, float width) {
  const LatentExplorer& e = lab.explorer();
  if (!e.ready() || !e.has_drawing()) return;
  char text[96];
  std::snprintf(text, sizeof text, "More unusual than %.0f %% of test %s", static_cast<double>(e.drawing_percentile()), lab.items());
  ImGui::TextUnformatted(text);
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("Its reconstruction loss, %.4f, is higher than that of %.1f %% of the 2,000 test digits",
                      static_cast<double>(e.drawing_loss()), static_cast<double>(e.drawing_percentile()));
  }
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ui::palette::kTextDim), "Nearest training %s by code", lab.items());
  const int n = static_cast<int>(e.neighbours().size());
  const float font = ImGui::GetFontSize();
  const float cell = std::floor(std::clamp((width - static_cast<float>(n - 1) * 8.0f) / static_cast<float>(n), 28.0f, 64.0f));
  // (the Draw panel passes a width that keeps the cells at most its kNeighbourCell)
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  for (int k = 0; k < n; ++k) {
    const Neighbour& nb = e.neighbours()[static_cast<std::size_t>(k)];
    const float x = p.x + static_cast<float>(k) * (cell + 8.0f);
    ImGui::SetCursorScreenPos(ImVec2(x, p.y));
    ui::digit_image(textures, kSlotNeighbour + k, e.train_image(nb.index), cell);
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip("training %s #%d, %s, at distance %.3f", lab.data_kind() == DataKind::Fashion ? "image" : "digit",
                        nb.index, class_name(lab.data_kind(), e.train_label(nb.index)).c_str(), static_cast<double>(nb.distance));
    }
    // Codes of a few units (a 2-unit VAE) sit close together: small distances get two decimals, not "0.0".
    std::snprintf(text, sizeof text, nb.distance < 1.0f ? "%.2f" : "%.1f", static_cast<double>(nb.distance));
    draw->AddText(ImGui::GetFont(), font * 0.85f, ImVec2(x, p.y + cell + 2), ui::palette::kTextDim, text);
  }
  ImGui::SetCursorScreenPos(ImVec2(p.x, p.y + cell + font + 4));
  ImGui::Dummy(ImVec2(1, 1));
}

}  // namespace latent
