// Drawing helpers: colour maps, images, code views and the loss chart, all on ImGui's draw lists.
#include "app/widgets.hpp"

#include "app/label_colors.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <vector>

namespace latent::ui {

namespace {

struct Stop {
  float t;
  float r, g, b;
};

ImU32 lerp_stops(const Stop* stops, int n, float t) {
  t = std::clamp(t, 0.0f, 1.0f);
  int i = 0;
  while (i < n - 2 && t > stops[i + 1].t) ++i;
  const Stop& a = stops[i];
  const Stop& b = stops[i + 1];
  const float f = (t - a.t) / (b.t - a.t);
  const auto mix = [f](float x, float y) { return static_cast<int>(std::lround((x + (y - x) * f) * 255.0f)); };
  return IM_COL32(mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b), 255);
}

// A short magma-like ramp for non-negative codes, and a blue ramp for negative ones.
constexpr Stop kHeat[] = {{0.0f, 0.06f, 0.07f, 0.10f}, {0.25f, 0.30f, 0.10f, 0.45f}, {0.55f, 0.80f, 0.25f, 0.40f},
                          {0.80f, 0.98f, 0.55f, 0.25f}, {1.0f, 0.99f, 0.93f, 0.62f}};
constexpr Stop kCold[] = {{0.0f, 0.06f, 0.07f, 0.10f}, {0.5f, 0.12f, 0.30f, 0.60f}, {1.0f, 0.55f, 0.80f, 1.0f}};
constexpr Stop kInk[] = {{0.0f, 0.04f, 0.047f, 0.067f}, {0.5f, 0.50f, 0.53f, 0.60f}, {1.0f, 0.96f, 0.97f, 1.0f}};

}  // namespace

ImU32 ink_color(float v) { return lerp_stops(kInk, 3, v); }

ImU32 code_color(float v, float scale) {
  const float t = scale > 0 ? v / scale : 0.0f;
  return t >= 0 ? lerp_stops(kHeat, 5, t) : lerp_stops(kCold, 3, -t);
}

void digit_image(TextureStore& textures, int slot, const float* pixels, float size) {
  std::array<std::uint32_t, 784> rgba{};
  for (std::size_t i = 0; i < rgba.size(); ++i) rgba[i] = ink_color(pixels[i]);
  const ImTextureID id = textures.upload(slot, 28, 28, rgba.data(), false);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::Image(id, ImVec2(size, size));
  ImGui::GetWindowDrawList()->AddRect(ImVec2(p.x - 1, p.y - 1), ImVec2(p.x + size + 1, p.y + size + 1), palette::kFrame);
}

ImU32 weight_color(float v, float scale) {
  static constexpr Stop kNegative[] = {{0.0f, 0.04f, 0.047f, 0.067f}, {1.0f, 0.33f, 0.62f, 1.0f}};
  static constexpr Stop kPositive[] = {{0.0f, 0.04f, 0.047f, 0.067f}, {1.0f, 1.0f, 0.58f, 0.24f}};
  const float t = scale > 0 ? v / scale : 0.0f;
  return t >= 0 ? lerp_stops(kPositive, 2, t) : lerp_stops(kNegative, 2, -t);
}

ImU32 digit_color(int label) {
  const std::uint8_t* c = kLabelRgb[static_cast<unsigned>(label) % 10];
  return IM_COL32(c[0], c[1], c[2], 255);
}

TileGrid image_tiles(TextureStore& textures, int slot, const float* images, int count, int columns, float width,
                     float weights, int side) {
  const int kSide = side, kStep = kSide + 1;
  columns = std::max(1, std::min(columns, count));
  const int rows = std::max(1, (count + columns - 1) / columns);
  const int w = columns * kStep - 1, h = rows * kStep - 1;
  std::vector<std::uint32_t> rgba(static_cast<std::size_t>(w) * static_cast<std::size_t>(h), palette::kPaper);
  for (int t = 0; t < count; ++t) {
    const float* img = images + static_cast<std::size_t>(t) * static_cast<std::size_t>(side * side);
    const int x0 = (t % columns) * kStep, y0 = (t / columns) * kStep;
    for (int y = 0; y < kSide; ++y) {
      for (int x = 0; x < kSide; ++x) {
        const float v = img[y * kSide + x];
        rgba[static_cast<std::size_t>((y0 + y) * w + x0 + x)] = weights > 0 ? weight_color(v, weights) : ink_color(v);
      }
    }
  }
  const ImTextureID id = textures.upload(slot, w, h, rgba.data(), false);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float scale = width / static_cast<float>(w);
  ImGui::Image(id, ImVec2(width, static_cast<float>(h) * scale));
  return {p, static_cast<float>(kStep) * scale};
}

int code_grid_columns(int k) { return k <= 64 ? std::min(k, 8) : 16; }

void code_grid(const float* code, int k, float scale, int columns, float cell) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const int rows = (k + columns - 1) / columns;
  for (int i = 0; i < k; ++i) {
    const float x = p.x + static_cast<float>(i % columns) * cell;
    const float y = p.y + static_cast<float>(i / columns) * cell;
    draw->AddRectFilled(ImVec2(x, y), ImVec2(x + cell - 1, y + cell - 1), code_color(code[i], scale));
  }
  ImGui::Dummy(ImVec2(static_cast<float>(columns) * cell, static_cast<float>(rows) * cell));
  if (ImGui::IsItemHovered()) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const int cx = static_cast<int>((m.x - p.x) / cell), cy = static_cast<int>((m.y - p.y) / cell);
    const int i = cy * columns + cx;
    if (cx >= 0 && cx < columns && i >= 0 && i < k) ImGui::SetTooltip("unit %d: %.3f", i, static_cast<double>(code[i]));
  }
}

void code_bars(const char* id, const float* code, int k, float scale, ImVec2 size) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(id, size);
  const bool hovered = ImGui::IsItemHovered();
  draw->AddRectFilled(p, ImVec2(p.x + size.x, p.y + size.y), palette::kPaper, 4.0f);

  bool any_negative = false;
  for (int i = 0; i < k; ++i) any_negative = any_negative || code[i] < 0;
  const float font = ImGui::GetFontSize();
  const float slot = size.x / static_cast<float>(std::max(k, 1));
  const bool labels = slot >= font * 1.6f;  // room for a value under each bar
  const float label_h = labels ? font * 0.95f : 0.0f;
  const float top = p.y + 6.0f, bottom = p.y + size.y - 6.0f - label_h;
  const float zero = any_negative ? (top + bottom) * 0.5f : bottom;
  const float reach = any_negative ? (bottom - top) * 0.5f : bottom - top;
  draw->AddLine(ImVec2(p.x + 4, zero), ImVec2(p.x + size.x - 4, zero), palette::kFrame);

  int hovered_unit = -1;
  if (hovered) hovered_unit = static_cast<int>((ImGui::GetIO().MousePos.x - p.x) / slot);
  for (int i = 0; i < k; ++i) {
    const float v = scale > 0 ? std::clamp(code[i] / scale, -1.0f, 1.0f) : 0.0f;
    const float inset = slot >= 4.0f ? std::max(1.0f, slot * 0.15f) : 0.0f;  // wide codes: bars side by side
    const float x0 = p.x + static_cast<float>(i) * slot + inset;
    const float x1 = std::max(x0 + 1.0f, p.x + static_cast<float>(i + 1) * slot - inset);
    const float y = zero - v * reach;
    ImU32 color = code_color(code[i], scale);
    if (std::abs(v) < 0.02f) color = palette::kFrame;
    draw->AddRectFilled(ImVec2(x0, std::min(y, zero)), ImVec2(x1, std::max(y, zero) + (v == 0 ? 1.0f : 0.0f)), color, 1.5f);
    if (i == hovered_unit) draw->AddRect(ImVec2(x0 - 1, top - 2), ImVec2(x1 + 1, bottom + 2), IM_COL32(255, 255, 255, 90));
    if (labels) {
      char text[16];
      std::snprintf(text, sizeof text, std::abs(code[i]) >= 10 ? "%.0f" : "%.1f", static_cast<double>(code[i]));
      const ImVec2 ts = ImGui::CalcTextSize(text);
      const float shrink = std::clamp((slot - 2) / std::max(ts.x * 0.8f, 1.0f), 0.7f, 1.0f);
      const float text_size = font * 0.8f * shrink;
      draw->AddText(ImGui::GetFont(), text_size, ImVec2((x0 + x1 - ts.x * 0.8f * shrink) * 0.5f, bottom + 3),
                    palette::kTextDim, text);
    }
  }
  if (hovered_unit >= 0 && hovered_unit < k) {
    ImGui::SetTooltip("unit %d: %.4f", hovered_unit, static_cast<double>(code[hovered_unit]));
  }
}

namespace {

// A loss chart's frame: the plot's box on screen, and the steps and losses it spans.
struct ChartFrame {
  float left = 0, right = 0, top = 0, bottom = 0;
  double max_step = 1;
  float lo = 0, hi = 1;
  ImVec2 at(double step, float loss) const {
    return ImVec2(left + static_cast<float>(step / max_step) * (right - left), bottom - (loss - lo) / (hi - lo) * (bottom - top));
  }
};

ChartFrame chart_frame(ImVec2 p, ImVec2 size, const std::vector<ChartPoint>& train, const std::vector<ChartPoint>& test) {
  const float font = ImGui::GetFontSize();
  ChartFrame f{p.x + font * 3.2f, p.x + size.x - 10, p.y + font * 1.6f, p.y + size.y - font * 1.5f, 1, 1e9f, -1e9f};
  for (const auto* series : {&train, &test}) {
    for (const ChartPoint& c : *series) {
      f.max_step = std::max(f.max_step, c.step);
      f.lo = std::min(f.lo, c.loss);
      f.hi = std::max(f.hi, c.loss);
    }
  }
  if (f.lo > f.hi) {
    f.lo = 0;
    f.hi = 1;
  }
  const float pad = std::max((f.hi - f.lo) * 0.08f, 0.005f);
  f.lo = std::max(0.0f, f.lo - pad);
  f.hi += pad;
  return f;
}

// Grid and axis labels: four loss levels (or only the ends when the chart is too short for four labels to stand
// apart), and the step count at the right end.
void chart_axes(ImDrawList* draw, const ChartFrame& f, float label_x) {
  const float font = ImGui::GetFontSize();
  char text[32];
  const int levels = f.bottom - f.top < font * 4.5f ? 1 : 3;
  for (int g = 0; g <= levels; ++g) {
    const float v = f.lo + (f.hi - f.lo) * static_cast<float>(g) / static_cast<float>(levels);
    const float y = f.at(0, v).y;
    draw->AddLine(ImVec2(f.left, y), ImVec2(f.right, y), palette::kGrid);
    std::snprintf(text, sizeof text, "%.3f", static_cast<double>(v));
    draw->AddText(ImVec2(label_x, y - font * 0.5f), palette::kTextDim, text);
  }
  std::snprintf(text, sizeof text, "step %.0f", f.max_step);
  const ImVec2 ts = ImGui::CalcTextSize(text);
  draw->AddText(ImVec2(f.right - ts.x, f.bottom + 3), palette::kTextDim, text);
  draw->AddText(ImVec2(f.left, f.bottom + 3), palette::kTextDim, "0");
}

void chart_legend(ImDrawList* draw, ImVec2 at, const char* train_label, const char* test_label) {
  const float mid = at.y + ImGui::GetFontSize() * 0.5f;
  draw->AddLine(ImVec2(at.x, mid), ImVec2(at.x + 16, mid), palette::kTrain, 2.5f);
  draw->AddText(ImVec2(at.x + 22, at.y), palette::kTextDim, train_label);
  const float x2 = at.x + 30 + ImGui::CalcTextSize(train_label).x;
  draw->AddLine(ImVec2(x2, mid), ImVec2(x2 + 16, mid), palette::kTest, 2.5f);
  draw->AddText(ImVec2(x2 + 22, at.y), palette::kTextDim, test_label);
}

void chart_lines(ImDrawList* draw, const ChartFrame& f, const std::vector<ChartPoint>& train, const std::vector<ChartPoint>& test) {
  draw->PushClipRect(ImVec2(f.left - 4, f.top - 4), ImVec2(f.right + 4, f.bottom + 4), true);
  std::vector<ImVec2> points;
  points.reserve(train.size());
  for (const ChartPoint& c : train) points.push_back(f.at(c.step, c.loss));
  if (points.size() >= 2) draw->AddPolyline(points.data(), static_cast<int>(points.size()), palette::kTrain, 0, 2.0f);
  points.clear();
  for (const ChartPoint& c : test) points.push_back(f.at(c.step, c.loss));
  if (points.size() >= 2) draw->AddPolyline(points.data(), static_cast<int>(points.size()), palette::kTest, 0, 2.0f);
  for (const ImVec2& q : points) draw->AddCircleFilled(q, 3.0f, palette::kTest);
  draw->PopClipRect();
}

// The points nearest the pointer's step, in a tooltip.
void chart_tooltip(const ChartFrame& f, const std::vector<ChartPoint>& train, const std::vector<ChartPoint>& test) {
  const double step = std::clamp((ImGui::GetIO().MousePos.x - f.left) / (f.right - f.left), 0.0f, 1.0f) * f.max_step;
  const auto nearest = [step](const std::vector<ChartPoint>& s) -> const ChartPoint* {
    const ChartPoint* best = nullptr;
    for (const ChartPoint& c : s) {
      if (best == nullptr || std::abs(c.step - step) < std::abs(best->step - step)) best = &c;
    }
    return best;
  };
  const ChartPoint* a = nearest(train);
  const ChartPoint* b = nearest(test);
  ImGui::BeginTooltip();
  if (a != nullptr) ImGui::Text("step %.0f  train %.4f", a->step, static_cast<double>(a->loss));
  if (b != nullptr) ImGui::Text("step %.0f  test %.4f", b->step, static_cast<double>(b->loss));
  ImGui::EndTooltip();
}

}  // namespace

void loss_chart(const char* id, const std::vector<ChartPoint>& train, const std::vector<ChartPoint>& test, ImVec2 size,
                const char* train_label, const char* test_label) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(id, size);
  const bool hovered = ImGui::IsItemHovered();
  draw->AddRectFilled(p, ImVec2(p.x + size.x, p.y + size.y), palette::kPaper, 4.0f);
  const ChartFrame f = chart_frame(p, size, train, test);
  chart_axes(draw, f, p.x + 6);
  chart_legend(draw, ImVec2(f.left + 4, p.y + 6), train_label, test_label);
  chart_lines(draw, f, train, test);
  if (hovered && (!train.empty() || !test.empty())) chart_tooltip(f, train, test);
}

namespace {

// Draws `text` inside the slider frame that starts at `min` (width `w`), on the side away from the handle at
// fraction `t` of its travel. `int_range` > 0: ImGui sizes an int slider's handle by its range.
void slider_value(ImVec2 min, float w, float t, int int_range, const char* text) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const float h = ImGui::GetFrameHeight();
  const float travel = w - 4.0f;  // ImGui's grab padding is 2 on each side
  const float grab = int_range > 0 ? std::max(travel / static_cast<float>(int_range + 1), style.GrabMinSize) : style.GrabMinSize;
  const float centre = min.x + 2.0f + grab * 0.5f + std::clamp(t, 0.0f, 1.0f) * (travel - grab);
  const float tw = ImGui::CalcTextSize(text).x;
  const float x = centre > min.x + w * 0.5f ? min.x + style.FramePadding.x : min.x + w - style.FramePadding.x - tw;
  ImGui::GetWindowDrawList()->AddText(ImVec2(x, min.y + (h - ImGui::GetFontSize()) * 0.5f), ImGui::GetColorU32(ImGuiCol_Text), text);
}

}  // namespace

bool slider(const char* label, float* v, float lo, float hi, const char* format, ImGuiSliderFlags flags) {
  const float w = ImGui::CalcItemWidth();
  const ImVec2 min = ImGui::GetCursorScreenPos();
  const std::string hidden = std::string("##") + format;  // ImGui draws nothing after "##"; typing still parses it
  const bool changed = ImGui::SliderFloat(label, v, lo, hi, hidden.c_str(), flags);
  const bool log = (flags & ImGuiSliderFlags_Logarithmic) != 0 && lo > 0 && hi > lo;
  const float t = log ? std::log(*v / lo) / std::log(hi / lo) : (hi > lo ? (*v - lo) / (hi - lo) : 0.0f);
  if (!ImGui::IsItemActive() || !ImGui::GetIO().WantTextInput) {
    char text[64];
    std::snprintf(text, sizeof text, format, static_cast<double>(*v));
    slider_value(min, w, t, 0, text);
  }
  return changed;
}

bool slider(const char* label, int* v, int lo, int hi, const char* format, ImGuiSliderFlags flags) {
  const float w = ImGui::CalcItemWidth();
  const ImVec2 min = ImGui::GetCursorScreenPos();
  const std::string hidden = std::string("##") + format;
  const bool changed = ImGui::SliderInt(label, v, lo, hi, hidden.c_str(), flags);
  const bool log = (flags & ImGuiSliderFlags_Logarithmic) != 0 && lo > 0 && hi > lo;
  const float t = log ? std::log(static_cast<float>(*v) / static_cast<float>(lo)) / std::log(static_cast<float>(hi) / static_cast<float>(lo))
                      : (hi > lo ? static_cast<float>(*v - lo) / static_cast<float>(hi - lo) : 0.0f);
  if (!ImGui::IsItemActive() || !ImGui::GetIO().WantTextInput) {
    char text[64];
    std::snprintf(text, sizeof text, format, *v);
    slider_value(min, w, t, log ? 0 : hi - lo, text);
  }
  return changed;
}

void wrapped(const std::string& text, ImU32 colour) { wrapped_to(text, colour, ImGui::GetContentRegionAvail().x); }

void wrapped_to(const std::string& text, ImU32 colour, float width) {
  width = std::max(width, ImGui::GetFontSize() * 4);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(colour));
  std::string line, word;
  const auto flush_word = [&] {
    if (word.empty()) return;
    const std::string joined = line.empty() ? word : line + " " + word;
    if (!line.empty() && ImGui::CalcTextSize(joined.c_str()).x > width) {
      ImGui::TextUnformatted(line.c_str());
      line = word;
    } else {
      line = joined;
    }
    word.clear();
  };
  for (char ch : text) {
    if (ch == ' ' || ch == '\n') {
      flush_word();
      if (ch == '\n') {
        ImGui::TextUnformatted(line.c_str());
        line.clear();
      }
    } else {
      word += ch;
    }
  }
  flush_word();
  if (!line.empty()) ImGui::TextUnformatted(line.c_str());
  ImGui::PopStyleColor();
}

void same_line_if_fits(float width) {
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  const float right = ImGui::GetItemRectMax().x + spacing + width;
  const float limit = ImGui::GetWindowPos().x + ImGui::GetContentRegionMax().x;
  if (right <= limit + 0.5f) ImGui::SameLine();
}

float button_width(const char* label) {
  return ImGui::CalcTextSize(label, nullptr, true).x + ImGui::GetStyle().FramePadding.x * 2.0f;
}

void help_marker(const char* text) {
  ImGui::SameLine();
  ImGui::TextDisabled("(?)");
  if (ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28.0f);
    ImGui::TextUnformatted(text);
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
}

void section_title(ImFont* font, const char* title, const char* subtitle) {
  ImGui::PushFont(font);
  ImGui::TextUnformatted(title);
  ImGui::PopFont();
  if (subtitle != nullptr) wrapped(subtitle, palette::kTextDim);
  ImGui::Spacing();
}

}  // namespace latent::ui
