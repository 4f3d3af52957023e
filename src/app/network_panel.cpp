// The Network tab: the model drawn as a diagram (network_view.hpp), each block filled with its layer's output for the
// drawing, left to right (top to bottom on a phone). A block's size along the cross axis grows with the log of its
// numbers, so the code shows as the narrowest point. Hovering or tapping a unit shows its value and the weights
// into it; a convolution's map, its filters; a VAE's code unit, its mean and spread.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "app/network_view.hpp"
#include "app/ui_state.hpp"
#include "app/widgets.hpp"

namespace latent {

namespace {

constexpr int kSlotNetwork = 200;   // + block
constexpr int kSlotNetworkHover = 240;
constexpr ImU32 kCodeOutline = IM_COL32(255, 170, 80, 255);

// Where each block goes: its rectangle (display pixels), and where its labels go.
struct BlockPlace {
  ImVec2 min, max;
  ImVec2 label;      // the title's top-left
  float label_width = 0;
};

// The diagram's frame: the main axis runs along the blocks (x, or y on a phone), the cross axis across them.
struct Diagram {
  ImVec2 origin;
  ImVec2 size;
  bool vertical = false;
  float label_band = 0;  // room for the labels: above the blocks, or to their left on a phone
};

float cross_share(int numbers, int largest) {
  const double top = std::log2(std::max(2, largest));
  return static_cast<float>(0.3 + 0.7 * std::log2(std::max(2, numbers)) / top);
}

std::vector<BlockPlace> place_blocks(const Diagram& d, const std::vector<NetworkBlock>& blocks) {
  int largest = 2;
  for (const NetworkBlock& b : blocks) largest = std::max(largest, b.size());
  const auto n = static_cast<float>(blocks.size());
  const float main = d.vertical ? d.size.y : d.size.x;
  const float step = main / n;
  const float cross = (d.vertical ? d.size.x : d.size.y) - d.label_band;
  std::vector<BlockPlace> places;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const float extent = cross * cross_share(blocks[i].size(), largest);
    const float length = std::min(step * 0.72f, extent);  // no longer than wide: images stay square
    const float along = step * static_cast<float>(i) + (step - length) / 2;
    const float mid = d.label_band + cross / 2;
    BlockPlace p;
    if (d.vertical) {
      p.min = ImVec2(d.origin.x + mid - extent / 2, d.origin.y + along);
      p.max = ImVec2(p.min.x + extent, p.min.y + length);
      p.label = ImVec2(d.origin.x, p.min.y);
      p.label_width = d.label_band - 6;
    } else {
      p.min = ImVec2(d.origin.x + along, d.origin.y + mid - extent / 2);
      p.max = ImVec2(p.min.x + length, p.min.y + extent);
      p.label = ImVec2(p.min.x - (step - length) / 2 + 2, d.origin.y);
      p.label_width = step - 4;
    }
    places.push_back(p);
  }
  return places;
}

float largest_magnitude(const float* v, int n) {
  float m = 0;
  for (int i = 0; i < n; ++i) m = std::max(m, std::abs(v[i]));
  return m;
}

// Cells as square as the rectangle allows, `n` of them, row by row.
struct CellGrid {
  int columns = 1;
  float cell = 1;
};
CellGrid cell_grid(ImVec2 size, int n) {
  const float cell = std::max(1.0f, std::floor(std::sqrt(size.x * size.y / static_cast<float>(n))));
  CellGrid g{std::max(1, static_cast<int>(size.x / cell)), cell};
  while (g.cell > 1 && static_cast<float>((n + g.columns - 1) / g.columns) * g.cell > size.y) {
    g.cell -= 1;
    g.columns = std::max(1, static_cast<int>(size.x / g.cell));
  }
  return g;
}

// What a block drew: the rectangle its values fill, and the unit or map under the pointer (or -1).
struct Drawn {
  ImVec2 min, max;
  int hovered = -1;
};

// The band between two blocks' values, faint: how the numbers narrow and widen.
void connect(ImDrawList* draw, const Drawn& a, const Drawn& b, bool vertical) {
  const ImU32 fill = IM_COL32(92, 170, 255, 28);
  if (vertical) {
    draw->AddQuadFilled(ImVec2(a.min.x, a.max.y), ImVec2(a.max.x, a.max.y), ImVec2(b.max.x, b.min.y), ImVec2(b.min.x, b.min.y), fill);
  } else {
    draw->AddQuadFilled(ImVec2(a.max.x, a.min.y), ImVec2(b.min.x, b.min.y), ImVec2(b.min.x, b.max.y), ImVec2(a.max.x, a.max.y), fill);
  }
}

// A dense layer's units as coloured cells, centred in the block.
Drawn draw_units(ImDrawList* draw, const BlockPlace& block, const float* values, int n) {
  const CellGrid g = cell_grid(ImVec2(block.max.x - block.min.x, block.max.y - block.min.y), n);
  const ImVec2 used(static_cast<float>(std::min(n, g.columns)) * g.cell, static_cast<float>((n + g.columns - 1) / g.columns) * g.cell);
  BlockPlace p = block;
  p.min = ImVec2(std::floor((block.min.x + block.max.x - used.x) / 2), std::floor((block.min.y + block.max.y - used.y) / 2));
  const float scale = std::max(largest_magnitude(values, n), 1e-6f);
  const float gap = g.cell >= 4 ? 1.0f : 0.0f;
  for (int i = 0; i < n; ++i) {
    const float x = p.min.x + static_cast<float>(i % g.columns) * g.cell, y = p.min.y + static_cast<float>(i / g.columns) * g.cell;
    draw->AddRectFilled(ImVec2(x, y), ImVec2(x + g.cell - gap, y + g.cell - gap), ui::code_color(values[i], scale));
  }
  const ImVec2 m = ImGui::GetIO().MousePos;
  const int cx = static_cast<int>(std::floor((m.x - p.min.x) / g.cell)), cy = static_cast<int>(std::floor((m.y - p.min.y) / g.cell));
  const int i = cy * g.columns + cx;
  return {p.min, ImVec2(p.min.x + used.x, p.min.y + used.y), cx >= 0 && cx < g.columns && cy >= 0 && i < n ? i : -1};
}

// Maps or an image as one texture of tiles, centred in the block.
Drawn draw_maps(TextureStore& textures, int slot, const BlockPlace& p, const float* values, ImageShape shape, bool image) {
  const int c = shape.channels, side = shape.height;
  const ImVec2 size(p.max.x - p.min.x, p.max.y - p.min.y);
  int columns = 1;
  while (columns < c && static_cast<float>((c + columns - 1) / columns) * size.x / static_cast<float>(columns) > size.y) ++columns;
  std::vector<float> scaled(values, values + shape.size());
  if (!image) {  // each block to its own largest value: ReLU maps have no fixed range
    const float top = std::max(largest_magnitude(values, shape.size()), 1e-6f);
    for (float& v : scaled) v = std::max(v, 0.0f) / top;
  }
  const int rows = (c + columns - 1) / columns;
  const float width = std::floor(std::min(size.x, size.y * static_cast<float>(columns) / static_cast<float>(rows)));
  const float height = width * static_cast<float>(rows) / static_cast<float>(columns);
  const ImVec2 at(std::floor(p.min.x + (size.x - width) / 2), std::floor(p.min.y + (size.y - height) / 2));
  ImGui::SetCursorScreenPos(at);
  const ui::TileGrid tiles = ui::image_tiles(textures, slot, scaled.data(), c, columns, width, 0, side);
  const ImVec2 m = ImGui::GetIO().MousePos;
  const int cx = static_cast<int>(std::floor((m.x - tiles.origin.x) / tiles.tile));
  const int cy = static_cast<int>(std::floor((m.y - tiles.origin.y) / tiles.tile));
  const int k = cy * columns + cx;
  return {at, ImVec2(at.x + width, at.y + height), cx >= 0 && cx < columns && cy >= 0 && k < c ? k : -1};
}

// What the pointer is over: a unit's value and the weights into it, a map's filters, a VAE code's mean and spread.
void block_tooltip(const NetworkBlock& b, int index, const std::vector<float>& out, const Autoencoder& model,
                   TextureStore& textures) {
  ImGui::BeginTooltip();
  if (b.variational) {
    const float mean = out[static_cast<std::size_t>(index)];
    const float spread = std::exp(0.5f * out[static_cast<std::size_t>(index + b.size())]);
    ImGui::Text("code unit %d: mean %.3f, spread %.3f", index, static_cast<double>(mean), static_cast<double>(spread));
    ImGui::TextUnformatted("The decoder reads the mean here; training samples around it.");
  } else if (b.kind == NetworkBlock::Units) {
    ImGui::Text("%s %d: %.3f", b.code ? "code unit" : "unit", index, static_cast<double>(out[static_cast<std::size_t>(index)]));
  } else {
    ImGui::Text("map %d of %d (%d x %d)", index, b.maps.channels, b.maps.height, b.maps.width);
  }
  if (b.layer >= 0) {
    const LayerLayout& l = model.layers()[static_cast<std::size_t>(b.layer)];
    const float* w = model.parameters().data() + l.weight;
    if (l.kind == LayerKind::Dense && l.in_size() == 784) {
      ImGui::TextUnformatted("weights in, from each pixel:");
      const float* row = w + static_cast<std::size_t>(index) * 784;
      ui::image_tiles(textures, kSlotNetworkHover, row, 1, 1, 112.0f, std::max(largest_magnitude(row, 784), 1e-6f));
    } else if (l.kind == LayerKind::Dense) {
      ImGui::Text("weights in, from %d units:", l.in_size());
      const float* row = w + static_cast<std::size_t>(index) * static_cast<std::size_t>(l.in_size());
      ui::code_grid(row, l.in_size(), std::max(largest_magnitude(row, l.in_size()), 1e-6f), ui::code_grid_columns(l.in_size()), 7.0f);
    } else if (l.kind == LayerKind::Conv) {
      const int taps = l.kernel * l.kernel, in = l.in.channels;
      const float* filters = w + static_cast<std::size_t>(index) * static_cast<std::size_t>(in * taps);
      ImGui::Text("its %d filters, %d x %d, one per map in:", in, l.kernel, l.kernel);
      ui::image_tiles(textures, kSlotNetworkHover, filters, in, std::min(in, 8), static_cast<float>(std::min(8, in)) * 22.0f,
                      std::max(largest_magnitude(filters, in * taps), 1e-6f), l.kernel);
    }
  }
  ImGui::EndTooltip();
}

void block_labels(ImDrawList* draw, const NetworkBlock& b, const BlockPlace& p) {
  const float font = ImGui::GetFontSize() * 0.85f;
  const std::string text = b.title + "\n" + b.shape + (b.code ? "\nthe code" : "");
  draw->AddText(ImGui::GetFont(), font, p.label, b.code ? kCodeOutline : ui::palette::kTextDim, text.c_str(), nullptr, p.label_width);
}

// One block: its values, its outline (the code's in orange), its labels; the tooltip when hovered.
// The pointer over the diagram: whether it is, and whether it pressed this frame.
struct Pointer {
  bool on = false, clicked = false;
};

Drawn draw_block(ImDrawList* draw, TextureStore& textures, const NetworkBlock& b, const BlockPlace& p, int slot,
                 const LatentExplorer& e, Pointer pointer, UiState& ui) {
  const std::vector<float>& in = e.network_input();
  const std::vector<float>& out = b.layer < 0 ? in : e.network_outputs()[static_cast<std::size_t>(b.layer)];
  const Drawn drawn = b.kind == NetworkBlock::Units ? draw_units(draw, p, out.data(), b.size())
                                                   : draw_maps(textures, slot, p, out.data(), b.maps, b.kind == NetworkBlock::Image);
  draw->AddRect(ImVec2(drawn.min.x - 2, drawn.min.y - 2), ImVec2(drawn.max.x + 2, drawn.max.y + 2),
                b.code ? kCodeOutline : ui::palette::kFrame, 3.0f, 0, b.code ? 2.0f : 1.0f);
  block_labels(draw, b, p);
  const int index = slot - kSlotNetwork;
  ui.controls["network:block:" + std::to_string(index)] = ImVec4(drawn.min.x, drawn.min.y, drawn.max.x - drawn.min.x, drawn.max.y - drawn.min.y);
  if (b.kind == NetworkBlock::Image) return drawn;
  const bool inside = pointer.on && ImGui::IsMouseHoveringRect(drawn.min, drawn.max) && drawn.hovered >= 0;
  if (inside && pointer.clicked) ui.network_pinned = {index, drawn.hovered};
  const bool pinned = !inside && ui.network_pinned.block == index && ui.network_pinned.index < b.size();
  if (!inside && !pinned) return drawn;
  const int unit = inside ? drawn.hovered : ui.network_pinned.index;
  if (pinned) {  // under the block (no pointer to follow), kept on the screen
    const ImGuiViewport* screen = ImGui::GetMainViewport();
    const float right = screen->WorkPos.x + screen->WorkSize.x - ImGui::GetFontSize() * 17;
    ImGui::SetNextWindowPos(ImVec2(std::max(screen->WorkPos.x + 4, std::min(drawn.min.x, right)), drawn.max.y + 6));
  }
  block_tooltip(b, unit, out, *e.shown_model(), textures);
  ui.network_hover = {index, unit};
  return drawn;
}

}  // namespace

void draw_network_tab(Lab& lab, UiState& ui, TextureStore& textures) {
  LatentExplorer& e = lab.explorer();
  if (!e.ready() || e.network_outputs().empty()) {
    ui::wrapped("Running the model on the test digits...", ui::palette::kTextDim);
    return;
  }
  const std::vector<NetworkBlock> blocks = network_blocks(e.shown_model()->architecture());
  ui::wrapped(std::string("The model at work on ") + (e.has_drawing() ? "your drawing" : "test digit #0 (draw to see yours)") +
                  ": each block is a layer's output, coloured by value (blue below zero, warm above). The outlined "
                  "block is the code, the narrowest point: the decoder rebuilds the image from it alone. Hover or tap "
                  "a unit for its value and the weights into it.",
              ui::palette::kTextDim);
  const float font = ImGui::GetFontSize();
  Diagram d;
  d.vertical = ui.narrow;
  d.origin = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float room = avail.y - ImGui::GetStyle().ItemSpacing.y - 2;  // no scroll bar on a desktop
  d.size = d.vertical ? ImVec2(avail.x, static_cast<float>(blocks.size()) * font * 5.5f) : ImVec2(avail.x, std::max(room, font * 12));
  d.label_band = d.vertical ? std::min(avail.x * 0.4f, font * 9) : font * 3.6f;
  ImGui::InvisibleButton("##network", d.size);  // takes the room, and the pointer for the tooltips
  const Pointer pointer{ImGui::IsItemHovered() || ImGui::IsItemActive(), ImGui::IsItemClicked()};
  if (pointer.clicked) ui.network_pinned = {};  // a press on no unit lets the pinned one go
  ui.remember("network:diagram");
  const ImVec2 after = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const std::vector<BlockPlace> places = place_blocks(d, blocks);
  draw->ChannelsSplit(2);  // the bands behind the blocks, which place them
  draw->ChannelsSetCurrent(1);
  std::vector<Drawn> drawn;
  ui.network_hover = {-1, -1};
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    drawn.push_back(draw_block(draw, textures, blocks[i], places[i], kSlotNetwork + static_cast<int>(i), e, pointer, ui));
  }
  draw->ChannelsSetCurrent(0);
  for (std::size_t i = 0; i + 1 < drawn.size(); ++i) connect(draw, drawn[i], drawn[i + 1], d.vertical);
  draw->ChannelsMerge();
  ImGui::SetCursorScreenPos(after);
  ImGui::Dummy(ImVec2(1, 1));
}

}  // namespace latent
