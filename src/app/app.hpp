// App: the whole interface for one frame, the same on the desktop and in the browser. The platform layer owns
// the window and the renderer and calls update() then draw() once per frame.
#pragma once

#include <cstdint>
#include <vector>

#include "app/lab.hpp"
#include "app/textures.hpp"
#include "app/ui_state.hpp"

struct ImRect;

namespace latent {

class App {
 public:
  Lab& lab() { return lab_; }
  const Lab& lab() const { return lab_; }

  // The interface font (TrueType bytes). Without one, ImGui's built-in font is used.
  void set_font(std::vector<std::uint8_t> ttf) { font_ = std::move(ttf); }

  // Style and fonts for this device pixel ratio (fonts are rasterised at full resolution and drawn scaled
  // down). Returns true when the font atlas was rebuilt, so the renderer must upload it again.
  bool configure(float pixel_ratio);

  // The frame's update: the sliced session trains for at most `training_budget_seconds` (a session on its own
  // thread ignores it), then the snapshot is taken and the views refreshed.
  void update(double training_budget_seconds);

  // The interface, inside the current ImGui frame.
  void draw(TextureStore& textures);
  // What the platform clears the window to before drawing the interface (the panels' colour).
  ImVec4 clear_color() const;

  // Where the last frames' time went (moving averages, seconds), for the page's state() and benchmarks.
  struct Timings {
    double training_seconds = 0;   // training steps in the last frame (0 when training has its own thread)
    double views_seconds = 0;      // gallery and drawing refresh, averaged
    double interface_seconds = 0;  // building and submitting the interface, averaged
  };
  const Timings& timings() const { return timings_; }
  void record_interface_time(double seconds) { timings_.interface_seconds = 0.9 * timings_.interface_seconds + 0.1 * seconds; }

  // Changes whenever something the interface shows may have changed outside it: a new snapshot, the drawing.
  // The platform repaints when it changes or input arrives, and skips frames where neither happened.
  std::uint64_t shown_state() const {
    if (!lab_.ready()) return 0;
    return lab_.snapshot().revision * 1000003u + lab_.drawing().revision() * 7919u + lab_.explorer().revision() * 104729u +
           layout_changes_ + static_cast<std::uint64_t>(ui_.select_tab + 1);
  }

  // Files a person brings (picked or dropped): sorted now; refused with a message, carried out at once, or, when
  // they would replace a model trained here, after a yes in a dialog. The outcome: file_message().
  void open_files(std::vector<UserFile> files);
  // A built-in data set's images, labels and pretrained weights (FileHooks::fetch): it replaces the data and the
  // model (asking first when the model has been trained here), and its weights become the pretrained ones.
  void open_builtin(DataKind kind, std::vector<UserFile> files);
  // A pretrained model's file (FileHooks::fetch_weights): adopted, as the person asked.
  void open_pretrained(std::vector<UserFile> files);
  // The pretrained model of a family for the data in use, without asking (the script API). False when there is none.
  bool use_pretrained(ModelKind family);
  void refuse_files(const std::string& why);  // files that could not even be read: the message shows as for the rest
  void set_file_hooks(FileHooks hooks) { ui_.files = std::move(hooks); }
  void set_tour_hook(std::function<void()> open) { ui_.open_tour = std::move(open); }
  void set_copy_link_hook(std::function<bool()> copy) { ui_.copy_link = std::move(copy); }
  // What the link shows: the whole page, or only some views (embed=...), with or without the page's controls.
  void set_page(const PageSettings& page);
  const PageSettings& page() const { return ui_.page; }
  const FileHooks& file_hooks() const { return ui_.files; }
  const std::string& file_message() const { return ui_.file_message; }
  bool file_error() const { return ui_.file_error; }
  bool files_waiting() const { return ui_.pending_files.has_value(); }

  // A touch drag of `dy` display pixels at (x, y) outside the drawing: scrolls what is under it (next frame).
  void scroll_at(float x, float y, float dy);

  // Switches the views' tabs (the script API); `tab` is a TabId.
  void select_tab(int tab) { ui_.select_tab = tab; }
  int tab() const { return ui_.tab; }
  ImVec4 map_rect() const { return ui_.map_rect; }
  const std::map<std::string, ImVec4>& controls() const { return ui_.controls; }
  const UiState& ui() const { return ui_; }
  // The last frame's: the height of a button (touch targets), and the right edge of the panels and of every item
  // in them, clipped or not (against the window's width: nothing may run off a phone's screen).
  float frame_height() const { return frame_height_; }
  float content_right() const { return content_right_; }
  bool narrow() const { return ui_.narrow; }

  // The drawing area in display coordinates (CSS pixels in the browser): x, y, width, height.
  ImVec4 canvas_rect() const { return ui_.canvas_rect; }

 private:
  // Opens sorted files now, or (ask) keeps them until the person says they may replace the model.
  void offer_files(UserFiles files, bool ask);
  template <class Body>
  void panel(const char* id, ImVec2 size, std::vector<ImRect>& panels, Body body, float* measured = nullptr);
  void draw_views(TextureStore& textures);
  void draw_view(int tab, TextureStore& textures);
  void draw_interface(TextureStore& textures, ImVec2 display);
  void layout_page(TextureStore& textures, ImVec2 avail, std::vector<ImRect>& panels);
  void layout_embedded(TextureStore& textures, ImVec2 avail, std::vector<ImRect>& panels);
  void apply_scrolls();
  void shortcuts();

  Lab lab_;
  UiState ui_;
  float measured_[3] = {0, 0, 0};    // narrow layout: the panels' content heights, last frame
  std::uint64_t layout_changes_ = 0;
  float frame_height_ = 0, content_right_ = 0, items_right_ = 0;
  std::vector<ImVec4> pending_scroll_;  // x, y, dy
  std::vector<std::uint8_t> font_;
  Timings timings_;
  float pixel_ratio_ = 0;
};

}  // namespace latent
