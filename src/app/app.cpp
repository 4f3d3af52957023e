// App: theme, fonts and the layout that gives each panel its region of the window.
#include "app/app.hpp"

#include <imgui.h>
#include <imgui_internal.h>  // ImRect

#include <algorithm>
#include <chrono>
#include <cmath>
#include <utility>
#include <vector>

namespace latent {

namespace {

constexpr float kGap = 14.0f;  // between panels

// The interface's two background colours: behind the panels, and the panels'. The window is cleared to the
// panels' colour and the gaps between panels are painted (paint_gaps): software GL (SwiftShader, Mesa) pays for
// every blended pixel, and panel backgrounds drawn over a clear were most of the frame's fill.
const ImVec4 kBackground(0.067f, 0.075f, 0.098f, 1.0f);
const ImVec4 kPanel(0.098f, 0.110f, 0.141f, 1.0f);

// Paints `bg` over everything in [0, display) outside the rounded rectangles `panels` (non-overlapping): the
// uncovered parts of horizontal bands between panel edges, then each panel's four corners outside its rounding.
void paint_gaps(ImDrawList* draw, ImVec2 display, const std::vector<ImRect>& panels, float rounding, ImU32 bg) {
  std::vector<float> ys{0.0f, display.y};
  for (const ImRect& r : panels) {
    ys.push_back(std::clamp(r.Min.y, 0.0f, display.y));
    ys.push_back(std::clamp(r.Max.y, 0.0f, display.y));
  }
  std::sort(ys.begin(), ys.end());
  ys.erase(std::unique(ys.begin(), ys.end()), ys.end());
  for (std::size_t b = 0; b + 1 < ys.size(); ++b) {
    const float y0 = ys[b], y1 = ys[b + 1];
    std::vector<std::pair<float, float>> covered;
    for (const ImRect& r : panels) {
      if (r.Min.y < y1 && r.Max.y > y0) covered.emplace_back(r.Min.x, r.Max.x);
    }
    std::sort(covered.begin(), covered.end());
    float x = 0.0f;
    for (const auto& [a, z] : covered) {
      if (a > x) draw->AddRectFilled(ImVec2(x, y0), ImVec2(a, y1), bg);
      x = std::max(x, z);
    }
    if (x < display.x) draw->AddRectFilled(ImVec2(x, y0), ImVec2(display.x, y1), bg);
  }
  // Corners: a fan from the corner point over the quarter circle the panel's rounding leaves, without the
  // anti-aliasing fringe (the panel's border line draws the edge).
  const ImDrawListFlags flags = draw->Flags;
  draw->Flags &= ~ImDrawListFlags_AntiAliasedFill;
  const float pi = 3.14159265f;
  for (const ImRect& r : panels) {
    const ImVec2 corners[4] = {r.Min, ImVec2(r.Max.x, r.Min.y), r.Max, ImVec2(r.Min.x, r.Max.y)};
    const ImVec2 centres[4] = {ImVec2(r.Min.x + rounding, r.Min.y + rounding), ImVec2(r.Max.x - rounding, r.Min.y + rounding),
                               ImVec2(r.Max.x - rounding, r.Max.y - rounding), ImVec2(r.Min.x + rounding, r.Max.y - rounding)};
    for (int k = 0; k < 4; ++k) {
      const float from = pi + static_cast<float>(k) * pi * 0.5f;  // top left starts at 180 degrees
      draw->PathLineTo(corners[k]);
      draw->PathArcTo(centres[k], rounding, from, from + pi * 0.5f, 8);
      draw->PathFillConvex(bg);  // a fan from the corner: exact for this shape
    }
  }
  draw->Flags = flags;
}

void apply_theme(float pixel_ratio) {
  ImGuiStyle style;
  ImGui::StyleColorsDark(&style);
  style.WindowRounding = 0;
  style.ChildRounding = 8;
  style.FrameRounding = 5;
  style.PopupRounding = 6;
  style.GrabRounding = 5;
  style.ScrollbarRounding = 6;
  style.WindowPadding = ImVec2(16, 14);
  style.FramePadding = ImVec2(9, 5);
  style.ItemSpacing = ImVec2(10, 8);
  style.ItemInnerSpacing = ImVec2(8, 6);
  style.ScrollbarSize = 12;
  style.GrabMinSize = 8;  // a slim handle, drawn translucent (below), so the value under it stays readable
  style.ChildBorderSize = 1;
  style.FrameBorderSize = 0;

  ImVec4* c = style.Colors;
  const ImVec4 frame(0.16f, 0.18f, 0.23f, 1.0f);
  const ImVec4 accent(0.36f, 0.67f, 1.0f, 1.0f);
  c[ImGuiCol_Text] = ImVec4(0.91f, 0.92f, 0.95f, 1.0f);
  c[ImGuiCol_TextDisabled] = ImVec4(0.55f, 0.58f, 0.65f, 1.0f);
  c[ImGuiCol_WindowBg] = kBackground;
  c[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 0);  // the clear paints the panels (see paint_gaps)
  c[ImGuiCol_PopupBg] = ImVec4(0.12f, 0.13f, 0.17f, 0.98f);
  c[ImGuiCol_Border] = ImVec4(0.20f, 0.22f, 0.28f, 1.0f);
  c[ImGuiCol_FrameBg] = frame;
  c[ImGuiCol_FrameBgHovered] = ImVec4(0.20f, 0.23f, 0.29f, 1.0f);
  c[ImGuiCol_FrameBgActive] = ImVec4(0.23f, 0.27f, 0.34f, 1.0f);
  c[ImGuiCol_Button] = ImVec4(0.18f, 0.21f, 0.27f, 1.0f);
  c[ImGuiCol_ButtonHovered] = ImVec4(0.24f, 0.28f, 0.36f, 1.0f);
  c[ImGuiCol_ButtonActive] = ImVec4(0.28f, 0.34f, 0.44f, 1.0f);
  c[ImGuiCol_SliderGrab] = ImVec4(accent.x, accent.y, accent.z, 0.55f);
  c[ImGuiCol_SliderGrabActive] = ImVec4(0.55f, 0.78f, 1.0f, 0.7f);
  c[ImGuiCol_Tab] = ImVec4(0.16f, 0.18f, 0.23f, 1.0f);
  c[ImGuiCol_TabHovered] = ImVec4(0.28f, 0.34f, 0.44f, 1.0f);
  c[ImGuiCol_TabActive] = ImVec4(0.22f, 0.45f, 0.78f, 1.0f);
  c[ImGuiCol_TabUnfocused] = c[ImGuiCol_Tab];
  c[ImGuiCol_TabUnfocusedActive] = c[ImGuiCol_TabActive];
  c[ImGuiCol_NavHighlight] = ImVec4(1.0f, 0.85f, 0.35f, 1.0f);  // keyboard focus: a yellow outline
  c[ImGuiCol_CheckMark] = accent;
  c[ImGuiCol_PlotHistogram] = ImVec4(0.25f, 0.55f, 0.90f, 1.0f);
  c[ImGuiCol_Header] = ImVec4(0.20f, 0.24f, 0.31f, 1.0f);
  c[ImGuiCol_HeaderHovered] = ImVec4(0.25f, 0.30f, 0.39f, 1.0f);
  c[ImGuiCol_HeaderActive] = ImVec4(0.28f, 0.34f, 0.44f, 1.0f);
  c[ImGuiCol_Separator] = ImVec4(0.20f, 0.22f, 0.28f, 1.0f);
  c[ImGuiCol_ModalWindowDimBg] = ImVec4(0.0f, 0.0f, 0.0f, 0.55f);
  c[ImGuiCol_ScrollbarBg] = ImVec4(0, 0, 0, 0);
  (void)pixel_ratio;  // sizes above are in display pixels; the renderer scales by the framebuffer ratio
  ImGui::GetStyle() = style;
}

}  // namespace

bool App::configure(float pixel_ratio) {
  pixel_ratio = std::clamp(pixel_ratio, 1.0f, 4.0f);
  if (pixel_ratio == pixel_ratio_) return false;
  pixel_ratio_ = pixel_ratio;
  apply_theme(pixel_ratio);

  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  ImFontConfig config;
  config.OversampleH = 2;
  config.OversampleV = 2;
  const auto add = [&](float size) -> ImFont* {
    ImFont* font = nullptr;
    if (!font_.empty()) {
      config.FontDataOwnedByAtlas = false;  // the bytes stay ours, for the next rebuild
      font = io.Fonts->AddFontFromMemoryTTF(font_.data(), static_cast<int>(font_.size()), size * pixel_ratio, &config);
    }
    if (font == nullptr) {
      ImFontConfig fallback;
      fallback.SizePixels = std::round(13.0f * size / 16.0f) * pixel_ratio;
      font = io.Fonts->AddFontDefault(&fallback);
    }
    return font;
  };
  ui_.body_font = add(16.0f);
  ui_.title_font = add(21.0f);
  ui_.number_font = add(20.0f);
  ui_.caption_font = add(13.5f);
  io.FontDefault = ui_.body_font;
  io.FontGlobalScale = 1.0f / pixel_ratio;
  return true;
}

void App::update(double training_budget_seconds) {
  lab_.update(training_budget_seconds);
  timings_.training_seconds = lab_.training_seconds();
  timings_.views_seconds = 0.9 * timings_.views_seconds + 0.1 * lab_.views_seconds();
}

// Ctrl+Z undoes a stroke and Delete clears the drawing, unless a text field has the keys.
void App::shortcuts() {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput) return;
  if (io.KeyCtrl && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Z), false)) lab_.drawing().undo();  // no repeats: slow frames
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Delete), false)) lab_.drawing().clear();
}

void App::scroll_at(float x, float y, float dy) {
  if (std::isfinite(x) && std::isfinite(y) && std::isfinite(dy)) pending_scroll_.push_back(ImVec4(x, y, dy, 0));
}

// Pending touch scrolls: each scrolls the innermost window under its point that can scroll vertically, using last
// frame's window rectangles (what the finger saw).
void App::apply_scrolls() {
  ImGuiContext& g = *ImGui::GetCurrentContext();
  std::vector<std::pair<ImGuiWindow*, float>> totals;  // several moves in one frame add up
  for (const ImVec4& s : pending_scroll_) {
    const ImVec2 p(s.x, s.y);
    ImGuiWindow* target = nullptr;
    for (int i = g.Windows.Size - 1; i >= 0 && target == nullptr; --i) {  // front to back
      ImGuiWindow* w = g.Windows[i];
      if (w->WasActive && !w->Hidden && w->OuterRectClipped.Contains(p)) target = w;
    }
    // Panels sized to their content may be a pixel short of it: they do not count as scrollable.
    while (target != nullptr && (target->ScrollMax.y < 1.0f || (target->Flags & ImGuiWindowFlags_NoScrollWithMouse) != 0)) {
      target = target->ParentWindow;
    }
    if (target == nullptr) continue;
    auto it = std::find_if(totals.begin(), totals.end(), [&](const auto& t) { return t.first == target; });
    if (it == totals.end()) totals.emplace_back(target, s.z);
    else it->second += s.z;
  }
  for (const auto& [target, dy] : totals) ImGui::SetScrollY(target, std::clamp(target->Scroll.y + dy, 0.0f, target->ScrollMax.y));
  if (!pending_scroll_.empty()) ++layout_changes_;
  pending_scroll_.clear();
}

void App::draw(TextureStore& textures) {
  const ImGuiIO& io = ImGui::GetIO();
  const ImVec2 display = io.DisplaySize;
  apply_scrolls();
  // Phones and small windows: controls at least 40 pixels high, for fingers.
  const bool touch_sized = display.x < 700.0f;
  if (touch_sized) {
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(12, 12));
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(10, 10));
  }
  frame_height_ = ImGui::GetFrameHeight();
  draw_interface(textures, display);
  if (touch_sized) ImGui::PopStyleVar(2);
}

void App::draw_interface(TextureStore& textures, ImVec2 display) {
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(display);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(14, 14));
  ImGui::Begin("Latent Canvas", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoBackground);  // glClear paints it
  ImGui::PopStyleVar();
  if (!lab_.ready()) {  // no panels yet: the clear is the background
    ImGui::TextUnformatted("Loading...");
    ImGui::End();
    return;
  }

  const ImVec2 avail = ImGui::GetContentRegionAvail();
  std::vector<ImRect> panels;
  items_right_ = 0;
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(18, 14));
  ui_.narrow = avail.x < 700.0f;
  if (ui_.page.embed != 0) {
    layout_embedded(textures, avail, panels);
  } else {
    layout_page(textures, avail, panels);
  }
  ImGui::PopStyleVar();
  draw_pending_change(ui_);
  // Keyboard focus moving down past a column's end goes on at the top of the next (Tab order).
  ImGui::NavMoveRequestTryWrapping(ImGui::GetCurrentWindow(), ImGuiNavMoveFlags_WrapY);
  shortcuts();
  content_right_ = items_right_;
  for (const ImRect& r : panels) content_right_ = std::max(content_right_, r.Max.x);
  paint_gaps(ImGui::GetBackgroundDrawList(), display, panels, ImGui::GetStyle().ChildRounding,
             ImGui::ColorConvertFloat4ToU32(kBackground));
  ImGui::End();
}

// The whole page. Wide: Training on the left, full height; the drawing above the views' tabs on the right. Narrow (a
// phone, a small window): one column, drawing first, each panel as tall as its content; the page scrolls (by touch
// too: see App::scroll_at).
void App::layout_page(TextureStore& textures, ImVec2 avail, std::vector<ImRect>& panels) {
  if (!ui_.narrow && avail.x >= 1000.0f) {
    const float left = std::clamp(avail.x * 0.31f, 380.0f, 480.0f);
    const float right = avail.x - left - kGap;
    const float height = std::max(avail.y, 700.0f);
    panel("training", ImVec2(left, height), panels, [&] { draw_training_panel(lab_, ui_); });
    ImGui::SameLine(0, kGap);
    ImGui::BeginGroup();
    const float canvas_h = std::floor(std::clamp((height - kGap) * 0.47f, 340.0f, 600.0f));
    panel("canvas", ImVec2(right, canvas_h), panels, [&] { draw_canvas_panel(lab_, ui_, textures); });
    ImGui::Dummy(ImVec2(0, kGap - ImGui::GetStyle().ItemSpacing.y));
    panel("views", ImVec2(right, height - canvas_h - kGap), panels, [&] { draw_views(textures); });
    ImGui::EndGroup();
    return;
  }
  const float w = avail.x;
  panel("canvas", ImVec2(w, std::max(measured_[0], 200.0f)), panels, [&] { draw_canvas_panel(lab_, ui_, textures); }, &measured_[0]);
  panel("views", ImVec2(w, std::max(measured_[1], 200.0f)), panels, [&] { draw_views(textures); }, &measured_[1]);
  panel("training", ImVec2(w, std::max(measured_[2], 200.0f)), panels, [&] { draw_training_panel(lab_, ui_); }, &measured_[2]);
}

// Embedded (a link's embed=...): only the chosen views, sharing the frame, side by side where it is wider than tall
// (by half), else one above the other. A view's panel scrolls where its content does not fit.
void App::layout_embedded(TextureStore& textures, ImVec2 avail, std::vector<ImRect>& panels) {
  std::vector<int> views;
  for (int v = 0; kEmbedViews[v] != nullptr; ++v) {
    if (ui_.page.shows(v)) views.push_back(v);
  }
  const auto n = static_cast<float>(views.size());
  const bool row = avail.x >= 1.5f * avail.y && views.size() > 1;
  const ImVec2 size = row ? ImVec2(std::floor((avail.x - kGap * (n - 1)) / n), avail.y)
                          : ImVec2(avail.x, std::floor((avail.y - kGap * (n - 1)) / n));
  ui_.narrow = !row || size.x < 560.0f;  // one column, or narrow panels: each view lays out as on a phone
  for (std::size_t i = 0; i < views.size(); ++i) {
    if (i > 0 && row) ImGui::SameLine(0, kGap);
    if (i > 0 && !row) ImGui::Dummy(ImVec2(0, kGap - ImGui::GetStyle().ItemSpacing.y));
    const int v = views[i];
    ImGui::PushID(v);
    panel(kEmbedViews[v], size, panels, [&] {
      if (v == 0) draw_canvas_panel(lab_, ui_, textures);
      else if (v == 1) draw_training_panel(lab_, ui_);
      else draw_view(v - kEmbedFirstTab, textures);
    });
    ImGui::PopID();
  }
}

void App::set_page(const PageSettings& page) {
  ui_.page = page;
  for (int v = kEmbedFirstTab; kEmbedViews[v] != nullptr; ++v) {
    if (page.embed != 0 && page.shows(v)) {
      ui_.tab = v - kEmbedFirstTab;  // the views that follow the tab shown (the map settles only while shown)
      break;
    }
  }
  ++layout_changes_;
}

// A panel: a bordered child region of `size` running `body`; its rectangle goes to `panels` (for paint_gaps). With
// `measured`, the content's height is written there, for the next frame's size (panels that grow with content).
template <class Body>
void App::panel(const char* id, ImVec2 size, std::vector<ImRect>& panels, Body body, float* measured) {
  const ImGuiWindowFlags flags = ImGuiWindowFlags_AlwaysUseWindowPadding | ImGuiWindowFlags_NavFlattened |
                                 (measured != nullptr ? ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse : 0);
  ImGui::BeginChild(id, size, true, flags);
  body();
  if (measured != nullptr) {
    const float h = std::ceil(ImGui::GetCursorPosY() - ImGui::GetStyle().ItemSpacing.y + ImGui::GetStyle().WindowPadding.y);
    if (std::abs(h - *measured) > 0.5f) {
      *measured = h;
      ++layout_changes_;  // repaint: the next frame lays out with the new height
    }
  }
  // How far right its items reach, clipped or not (a row too wide for a phone shows here).
  items_right_ = std::max(items_right_, ImGui::GetCurrentWindow()->DC.CursorMaxPos.x + ImGui::GetStyle().WindowPadding.x);
  ImGui::EndChild();
  panels.emplace_back(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
}

void App::refuse_files(const std::string& why) {
  ui_.say_about_files(lab_, why, true);
  if (ui_.files.notify) ui_.files.notify(why, true);
  ++layout_changes_;
}

void App::open_pretrained(std::vector<UserFile> files) {
  if (files.size() != 1) return refuse_files("the pretrained model's file did not arrive");
  latent::open_pretrained(lab_, ui_, files.front());
  ++layout_changes_;
}

bool App::use_pretrained(ModelKind family) {
  ++layout_changes_;
  return take_pretrained(lab_, ui_, family);
}

void App::open_files(std::vector<UserFile> files) {
  UserFiles sorted;
  if (Status s = sort_user_files(std::move(files), sorted); !s) {
    refuse_files(s.message());
    return;
  }
  // Weights that will not load are refused now, not after asking whether they may replace the model.
  if (sorted.weights && !sorted.data) {
    if (Status s = lab_.check_weights(sorted.weights->bytes, sorted.weights->name); !s) {
      refuse_files(s.message());
      return;
    }
  }
  offer_files(std::move(sorted), lab_.ready() && lab_.snapshot().has_training());
}

void App::open_builtin(DataKind kind, std::vector<UserFile> files) {
  UserFiles sorted;
  if (Status s = sort_user_files(std::move(files), sorted); !s) {
    refuse_files(s.message());
    return;
  }
  if (!sorted.data) {
    refuse_files("the data set's images and labels did not arrive");
    return;
  }
  sorted.builtin = true;
  sorted.data->kind = kind;
  sorted.data->description = kind == DataKind::Fashion ? kFashionData : Lab::kBundledData;
  // Asks only over a model trained here: a data set's pretrained model comes back with it.
  offer_files(std::move(sorted), lab_.ready() && lab_.snapshot().step > 0);
}

void App::offer_files(UserFiles files, bool ask) {
  offer_user_files(lab_, ui_, std::move(files), ask);
  ++layout_changes_;
}

const char* const* tab_names() {
  static constexpr const char* kNames[kTabCount] = {"digits", "map", "sliders", "morph", "units", "network"};
  return kNames;
}

int tab_from_name(const std::string& name) {
  for (int t = 0; t < kTabCount; ++t) {
    if (name == tab_names()[t]) return t;
  }
  return -1;
}

// The views' tabs: the test digits, the map, the sliders, interpolation, the units, the network.
void App::draw_view(int tab, TextureStore& textures) {
  ui_.tab = tab;
  ImGui::Spacing();
  switch (tab) {
    case kTabDigits: draw_gallery_panel(lab_, ui_, textures); break;
    case kTabMap: draw_map_tab(lab_, ui_, textures); break;
    case kTabSliders: draw_sliders_tab(lab_, ui_, textures); break;
    case kTabInterpolate: draw_interpolate_tab(lab_, ui_, textures); break;
    case kTabUnits: draw_units_tab(lab_, ui_, textures); break;
    case kTabNetwork: draw_network_tab(lab_, ui_, textures); break;
    default: break;
  }
}

void App::draw_views(TextureStore& textures) {
  static constexpr const char* kNames[kTabCount] = {"Digits", "Map", "Sliders", "Morph", "Units", "Network"};
  if (ui_.narrow) {
    // A phone: ImGui's tab bar would shorten the names to fit ("Sli..."); equal buttons, touch-high, instead.
    if (ui_.select_tab >= 0) ui_.tab = ui_.select_tab;
    ui_.select_tab = -1;
    // One row when every name fits its button, else two rows of three.
    const float gap = 4.0f;
    float widest = 0;
    for (const char* name : kNames) widest = std::max(widest, ImGui::CalcTextSize(name).x);
    const float avail = ImGui::GetContentRegionAvail().x;
    constexpr float kTabs = static_cast<float>(kTabCount);
    const int per_row = (avail - gap * (kTabs - 1.0f)) / kTabs >= widest + 8.0f ? kTabCount : (kTabCount + 1) / 2;
    const float w = std::floor((avail - gap * static_cast<float>(per_row - 1)) / static_cast<float>(per_row));
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(2.0f, ImGui::GetStyle().FramePadding.y));
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(gap, ImGui::GetStyle().ItemSpacing.y));
    for (int t = 0; t < kTabCount; ++t) {
      if (t % per_row != 0) ImGui::SameLine();
      const bool active = ui_.tab == t;
      ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(active ? ImGuiCol_TabActive : ImGuiCol_Tab));
      if (ImGui::Button(kNames[t], ImVec2(w, 0))) ui_.tab = t;
      ImGui::PopStyleColor();
      ui_.remember((std::string("tab:") + tab_names()[t]).c_str());
    }
    ImGui::PopStyleVar(2);
    draw_view(ui_.tab, textures);
    return;
  }
  if (!ImGui::BeginTabBar("##views", ImGuiTabBarFlags_FittingPolicyResizeDown)) return;
  for (int t = 0; t < kTabCount; ++t) {
    const ImGuiTabItemFlags flags = ui_.select_tab == t ? ImGuiTabItemFlags_SetSelected : 0;
    const bool open = ImGui::BeginTabItem(kNames[t], nullptr, flags);
    ui_.remember((std::string("tab:") + tab_names()[t]).c_str());
    if (!open) continue;
    draw_view(t, textures);
    ImGui::EndTabItem();
  }
  ui_.select_tab = -1;
  ImGui::EndTabBar();
}

ImVec4 App::clear_color() const { return lab_.ready() ? kPanel : kBackground; }

}  // namespace latent
