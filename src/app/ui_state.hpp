// UiState: what the interface remembers between frames that is not the model's business: edits in progress,
// open confirmations, the brush, fonts, and where the drawing area is on screen.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/lab.hpp"
#include "core/settings_schema.hpp"

namespace latent {

// What the interface asks of its platform for files. Empty functions mean the platform cannot.
struct FileHooks {
  // Saves bytes under a file name: the page downloads them, the desktop writes them to the working directory.
  // Returns where they went, or why they did not.
  std::function<Status(const std::string& name, const std::vector<std::uint8_t>& bytes, std::string& where)> save;
  std::function<void()> pick;  // opens a file picker, whose files come back through App::open_files
  // Fetches a built-in data set and its pretrained weights (the page downloads Fashion-MNIST only now), which
  // come back through App::open_builtin; refusals through App::refuse_files.
  std::function<void(DataKind)> fetch;
  // Fetches a pretrained model's file (pretrained_files.hpp) from the weights folder; its bytes come back through
  // App::open_pretrained, a failure through App::refuse_files.
  std::function<void(const std::string& file)> fetch_weights;
  // Tells the platform about a file's outcome too (the page shows refusals in its alert box).
  std::function<void(const std::string& message, bool error)> notify;
};

// A change that would throw away a model trained here, as a value: carried out at once, or kept until the person
// says yes in the one confirmation dialog (change_or_ask, draw_pending_change).
struct PendingChange {
  std::string title;                // the dialog's title: "Build a new model?"
  std::string text;                 // what will be lost
  std::function<void()> action;     // the change itself
  std::function<void()> kept;       // what "Keep it" does besides closing (files waiting are dropped); may be empty

  PendingChange(std::string title_, std::string text_, std::function<void()> action_, std::function<void()> kept_ = {})
      : title(std::move(title_)), text(std::move(text_)), action(std::move(action_)), kept(std::move(kept_)) {}
};

struct UiState {
  FileHooks files;
  std::function<void()> open_tour;  // the page's guided tour (web/tour.js); empty where there is none (the desktop)
  // Puts the page's link on the clipboard (web/main.js) and says whether it could; empty where there is none.
  std::function<bool()> copy_link;
  double link_copied_at = -1;  // ImGui's time of the last copy, for the button's confirmation
  PageSettings page;           // what the link shows (settings_schema.hpp): the whole page, or embedded views
  // Files brought in (picked or dropped), sorted, waiting for a yes when they would replace a trained model.
  std::optional<UserFiles> pending_files;
  std::optional<PendingChange> pending_change;  // waiting for a yes or a no
  bool pending_change_shown = false;            // its dialog has been opened
  std::string file_message;  // the last outcome, shown under the model line while that model stays
  bool file_error = false;
  std::uint64_t file_message_model = 0;  // Lab::model_changes() when it was said
  void say_about_files(const Lab& lab, std::string message, bool error) {
    file_message = std::move(message);
    file_error = error;
    file_message_model = lab.model_changes();
  }

  ImFont* body_font = nullptr;
  ImFont* title_font = nullptr;
  ImFont* number_font = nullptr;
  ImFont* caption_font = nullptr;

  // Shape edits wait for "Build new model"; the rest apply at once.
  int pending_latent = 32;
  int pending_hidden = 0;  // index into the hidden-layer presets
  ModelKind pending_kind = ModelKind::Dense;
  std::vector<int> pending_channels{16, 8, 8};
  int pending_bottleneck = 0;
  Activation pending_activation = Activation::ReLU;
  bool pending_from_model = true;  // reload the pending edits from the model (after any model change)
  Architecture pending_seen;       // the architecture the pending edits were last loaded from
  int seed = 1;

  float settings_height = 0;  // the Training panel's settings block, measured last frame, to size the chart

  // Layout: one column on narrow screens (phones); touch-sized controls there.
  bool narrow = false;
  int tab = 0;                 // the views' tab: TabId
  int select_tab = -1;         // a tab to switch to in the next frame (the script API, keyboard), else -1

  // The latent views' own state (the explorer holds what they show).
  int selected_digit = -1;     // the map's selected test digit
  bool map_dragging = false;   // a drag on the map's empty space is decoding points
  bool map_trails = true;      // PCA: each digit's last positions while training
  struct NetworkUnit {
    int block = -1, index = -1;
  };
  NetworkUnit network_hover;   // the Network tab's unit or map whose tooltip shows: under the pointer, or pinned
  NetworkUnit network_pinned;  // by a tap or click (a finger cannot hover); another tap elsewhere lets it go
  std::uint64_t random_seed = 0;
  int end_digit[2] = {0, 1};
  ImVec4 map_rect{0, 0, 0, 0};   // the map's square on screen (x, y, w, h), for the script API
  // Where some controls were last drawn (x, y, w, h), by name ("tab:map", "slider:unit0", ...): the tests press
  // them with real mouse and touch events.
  std::map<std::string, ImVec4> controls;
  void remember(const char* name) {
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    controls[name] = ImVec4(a.x, a.y, b.x - a.x, b.y - a.y);
  }

  ImTextureID canvas_texture = nullptr;
  std::uint64_t canvas_uploaded_revision = ~std::uint64_t{0};
  ImVec4 canvas_rect{0, 0, 0, 0};  // x, y, width, height in display coordinates (CSS pixels on the web)
};

enum TabId { kTabDigits, kTabMap, kTabSliders, kTabInterpolate, kTabUnits, kTabNetwork, kTabCount };
// The tabs' names for scripts and options: "digits", "map", "sliders", "morph", "units", "network"; -1 for anything
// else.
int tab_from_name(const std::string& name);
const char* const* tab_names();  // kTabCount names

// Carries out `change` now, or (ask) keeps it for the confirmation dialog; a change already waiting is replaced.
void change_or_ask(UiState& ui, bool ask, PendingChange change);
// The confirmation dialog of the change waiting, if any: Enter or "Discard it" carries it out, Escape or "Keep it"
// drops it. Drawn once a frame, from the interface's top window.
void draw_pending_change(UiState& ui);

// Panels: one function each, drawn inside a child region the layout gives them.
void draw_training_panel(Lab& lab, UiState& ui);
// Files: carry out sorted files now (weights, data or both); the outcome goes to ui.file_message.
void open_user_files(Lab& lab, UiState& ui, UserFiles files);
// The same now, or (ask) once the person says they may replace the model trained here.
void offer_user_files(Lab& lab, UiState& ui, UserFiles files, bool ask);
// The pretrained model of a family for the data in use: adopted now when the Lab has it, else its file is fetched
// (FileHooks::fetch_weights) and adopted when it arrives. Returns false when there is none to take.
bool take_pretrained(Lab& lab, UiState& ui, ModelKind family);
// A fetched pretrained model's file: adopted, and said so (or why not) in ui.file_message.
void open_pretrained(Lab& lab, UiState& ui, const UserFile& file);
void draw_map_tab(Lab& lab, UiState& ui, class TextureStore& textures);
void draw_sliders_tab(Lab& lab, UiState& ui, class TextureStore& textures);
void draw_interpolate_tab(Lab& lab, UiState& ui, class TextureStore& textures);
void draw_units_tab(Lab& lab, UiState& ui, class TextureStore& textures);
void draw_network_tab(Lab& lab, UiState& ui, class TextureStore& textures);  // network_panel.cpp
void draw_neighbours(Lab& lab, class TextureStore& textures, float width);  // the drawing's, in the Draw panel
void draw_gallery_panel(Lab& lab, UiState& ui, class TextureStore& textures);
void draw_canvas_panel(Lab& lab, UiState& ui, class TextureStore& textures);

}  // namespace latent
