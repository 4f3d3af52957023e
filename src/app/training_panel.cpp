// The Training panel, as named sections from top to bottom: the title with the file buttons, the commands (train,
// from scratch, pretrained), the model and data lines, progress, the numbers, the charts, then the settings:
// optimisation, the variant, and the model's shape. The settings' ranges come from the settings schema
// (settings_schema.hpp); every change that would throw away a model trained here goes through change_or_ask.
//
// [SECTION] Helpers
// [SECTION] Files and data
// [SECTION] Title and commands
// [SECTION] Progress, numbers and charts
// [SECTION] Optimisation
// [SECTION] Variant
// [SECTION] Shape of the model
// [SECTION] The panel
#include <imgui.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <string>
#include <thread>

#include "app/pretrained_files.hpp"
#include "app/ui_state.hpp"
#include "app/widgets.hpp"
#include "core/format.hpp"
#include "core/settings_schema.hpp"

namespace latent {

//-----------------------------------------------------------------------------------------------------------
// [SECTION] Helpers
//-----------------------------------------------------------------------------------------------------------

namespace {

struct HiddenPreset {
  const char* label;
  std::vector<int> widths;
};
const std::array<HiddenPreset, 7> kHiddenPresets{{{"none (the classic)", {}},
                                                  {"64", {64}},
                                                  {"128", {128}},
                                                  {"256", {256}},
                                                  {"128, 64", {128, 64}},
                                                  {"256, 128", {256, 128}},
                                                  {"512, 256, 128", {512, 256, 128}}}};
// Convolutional blocks: the Keras article's model, the course's larger one, and two between.
const std::array<HiddenPreset, 4> kChannelPresets{{{"16, 8, 8 (Keras)", {16, 8, 8}},
                                                   {"32, 64 (larger)", {32, 64}},
                                                   {"32, 16, 8", {32, 16, 8}},
                                                   {"8, 8", {8, 8}}}};
constexpr std::array<int, 5> kBottlenecks{0, 2, 8, 16, 32};  // 0: the pooled maps are the code
constexpr std::array<int, 7> kBatchSizes{16, 32, 64, 128, 256, 512, 1024};  // within the batch row's slider range

template <std::size_t N> int channel_preset(const std::array<HiddenPreset, N>& presets, const std::vector<int>& widths) {
  for (std::size_t i = 0; i < presets.size(); ++i) {
    if (presets[i].widths == widths) return static_cast<int>(i);
  }
  return -1;
}

int preset_index(const std::vector<int>& hidden) {
  for (std::size_t i = 0; i < kHiddenPresets.size(); ++i) {
    if (kHiddenPresets[i].widths == hidden) return static_cast<int>(i);
  }
  return -1;
}

// The row's one-line help, over the control just drawn.
void setting_help(const SettingRow& row) {
  if (ImGui::IsItemHovered() && !ImGui::IsItemActive()) ImGui::SetTooltip("%s", row.help);
}

// A slider over the range the schema's row offers the panel (its `slider`), clamped to it, with the row's help.
bool setting_slider(const char* label, const char* key, float& value, const char* format) {
  const SettingRow& row = setting(key);
  const auto lo = static_cast<float>(row.slider.lo), hi = static_cast<float>(row.slider.hi);
  float v = value;
  const bool moved = ui::slider(label, &v, lo, hi, format, row.slider.logarithmic ? ImGuiSliderFlags_Logarithmic : 0);
  setting_help(row);
  if (!moved) return false;
  value = std::clamp(v, lo, hi);
  return true;
}

bool setting_slider(const char* label, const char* key, int& value, const char* format = "%d") {
  const SettingRow& row = setting(key);
  const auto lo = static_cast<int>(row.slider.lo), hi = static_cast<int>(row.slider.hi);
  int v = value;
  const bool moved = ui::slider(label, &v, lo, hi, format, row.slider.logarithmic ? ImGuiSliderFlags_Logarithmic : 0);
  setting_help(row);
  if (!moved) return false;
  value = std::clamp(v, lo, hi);
  return true;
}

void stat(UiState& ui, const char* label, const std::string& value, ImU32 color) {
  ImGui::BeginGroup();
  ImGui::PushFont(ui.caption_font);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(ui::palette::kTextDim));
  ImGui::TextUnformatted(label);
  ImGui::PopStyleColor();
  ImGui::PopFont();
  ImGui::PushFont(ui.number_font);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color));
  ImGui::TextUnformatted(value.c_str());
  ImGui::PopStyleColor();
  ImGui::PopFont();
  ImGui::EndGroup();
}

// "(pretrained, 50 epochs, 1,234 steps here)": the model a change would discard.
std::string trained_here(const Snapshot& snap) {
  return "(" + snap.origin + ", " + with_thousands(static_cast<double>(snap.step)) + " steps here)";
}

// After any model change (here, or by a file, a link or the script API) the shape edits start from the model.
void follow_model(const SessionSettings& current, UiState& ui) {
  const Architecture arch = current.architecture();
  if (arch != ui.pending_seen) {
    ui.pending_seen = arch;
    ui.pending_from_model = true;
  }
  if (!ui.pending_from_model) return;
  ui.pending_latent = current.shape.latent;
  ui.pending_hidden = std::max(0, preset_index(current.shape.hidden));
  ui.pending_kind = current.shape.kind;
  ui.pending_channels = current.shape.channels;
  ui.pending_bottleneck = current.shape.bottleneck;
  ui.pending_activation = current.shape.activation;
  ui.pending_from_model = false;
}

}  // namespace

//-----------------------------------------------------------------------------------------------------------
// [SECTION] Files and data
//-----------------------------------------------------------------------------------------------------------

namespace {

// Weights out and in, and a person's own data: Save, Export, Open (the page's picker; files may be dropped anywhere
// too) and what they take; the tour, and Copy link. On the panel's title row, right-aligned, where they fit (drawn
// after the Train buttons, so that the keyboard's first stop is Train); else on their own rows under the title.
// None of them with controls=none (an embedded page).
std::vector<const char*> file_button_labels(const UiState& ui) {
  std::vector<const char*> labels{"Save weights", "Export"};
  if (ui.files.pick) labels.push_back("Open files...");
  if (ui.open_tour) labels.push_back("Tour");
  if (ui.copy_link) labels.push_back("Copy link");
  return labels;
}

float file_buttons_width(const UiState& ui) {
  if (!ui.page.controls) return 0;
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  float width = spacing + ImGui::CalcTextSize("(?)").x;
  for (const char* label : file_button_labels(ui)) width += ui::button_width(label) + spacing;
  return width;
}

// How many rows the buttons take in `width`, laid out as flow() lays them out (the (?) follows the last).
int file_button_rows(const UiState& ui, float width) {
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  int rows = 1;
  float x = -spacing;
  for (const char* label : file_button_labels(ui)) {
    const float w = ui::button_width(label);
    if (x > 0 && x + spacing + w > width) {
      ++rows;
      x = -spacing;
    }
    x += spacing + w;
  }
  return rows;
}

// Before a button of this label that follows another: on the same row where it fits, else on the next.
void flow(const char* label) {
  const float right = ImGui::GetWindowPos().x + ImGui::GetContentRegionMax().x;
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  if (ImGui::GetItemRectMax().x + spacing + ui::button_width(label) <= right) ImGui::SameLine();
}

// Export: the model, its encoder or its decoder, as ONNX or TF.js (a .zip of model.json and weights.bin).
void export_menu(Lab& lab, UiState& ui) {
  if (ImGui::Button("Export")) ImGui::OpenPopup("##export");
  ui.remember("button:export");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("The model as ONNX (onnxruntime, Netron) or TF.js (and Keras): docs/exports.md");
  if (!ImGui::BeginPopup("##export")) return;
  static constexpr std::pair<ExportPart, const char*> kParts[] = {
      {ExportPart::All, "whole model"}, {ExportPart::Encoder, "encoder"}, {ExportPart::Decoder, "decoder"}};
  for (const ExportFormat format : {ExportFormat::Onnx, ExportFormat::Tfjs}) {
    ImGui::TextDisabled(format == ExportFormat::Onnx ? "ONNX (.onnx)" : "TF.js Layers (.zip: model.json, weights.bin)");
    for (const auto& [part, label] : kParts) {
      const std::string id = std::string("   ") + label + "##" + to_string(format) + to_string(part);
      const bool chosen = ImGui::Selectable(id.c_str());
      ui.remember((std::string("menu:export-") + to_string(format) + "-" + to_string(part)).c_str());
      if (!chosen || !ui.files.save) continue;
      std::string name, where;
      std::vector<std::uint8_t> bytes;
      Status s = lab.export_file(format, part, name, bytes);
      if (s) s = ui.files.save(name, bytes, where);
      ui.say_about_files(lab, s ? "Exported the " + std::string(label) + " as " + where : "Could not export: " + s.message(), !s);
    }
  }
  ImGui::EndPopup();
}

// Copy link: the page's address (its settings) on the clipboard, the button saying so for two seconds (and the page
// in its notice), for phones and iframes, which show no address bar.
void copy_link_button(UiState& ui) {
  const bool copied = ui.link_copied_at >= 0 && ImGui::GetTime() - ui.link_copied_at < 2.0;
  if (ImGui::Button(copied ? "Copied###copylink" : "Copy link###copylink", ImVec2(ui::button_width("Copy link"), 0))) {
    ui.link_copied_at = ui.copy_link() ? ImGui::GetTime() : -1;
  }
  ui.remember("button:copy-link");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Copies the link to this setup: its address holds the settings");
}

void draw_file_buttons(Lab& lab, UiState& ui) {
  if (!ui.page.controls) return;
  if (ImGui::Button("Save weights") && ui.files.save) {
    std::string where;
    const Status s = ui.files.save(lab.weights_file_name(), lab.weights_file(), where);
    ui.say_about_files(lab, s ? "Saved the weights as " + where : "Could not save the weights: " + s.message(), !s);
  }
  ui.remember("button:save");
  flow("Export");
  export_menu(lab, ui);
  if (ui.files.pick) {
    flow("Open files...");
    if (ImGui::Button("Open files...")) ui.files.pick();
    ui.remember("button:open");
  }
  if (ui.open_tour) {
    flow("Tour");
    if (ImGui::Button("Tour")) ui.open_tour();
    ui.remember("button:tour");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("A guided tour of the ideas, in eight short steps");
  }
  if (ui.copy_link) {
    flow("Copy link");
    copy_link_button(ui);
  }
  ui::help_marker(ui.files.pick
                      ? "Save writes the weights as a .safetensors file, which `latent eval --weights` and PyTorch read; "
                        "Export writes the model, its encoder or its decoder as ONNX or TF.js. "
                        "Open takes a .safetensors file, or IDX images with their labels (plain or .gz, 28x28, up to "
                        "100,000 images, such as the full MNIST); two pairs are a training and a test set, one pair is "
                        "split 80/20. Files can also be dropped anywhere on the page. They are read here, never uploaded."
                      : "Save writes the weights as a .safetensors file in the working directory. Drop a .safetensors "
                        "file, or IDX images with their labels (plain or .gz, 28x28), on the window to open them.");
}

void report_files(Lab& lab, UiState& ui, const std::string& message, bool error) {
  ui.say_about_files(lab, message, error);
  if (ui.files.notify) ui.files.notify(message, error);
}

// A built-in data set and its pretrained model.
void open_builtin_data(Lab& lab, UiState& ui, UserFiles& files) {
  const DataKind kind = files.data->kind;
  if (Status s = lab.replace_data(std::move(*files.data)); !s) return report_files(lab, ui, s.message(), true);
  lab.forget_pretrained();  // the other data set's
  if (files.weights) {
    if (Status s = lab.load_pretrained(files.weights->bytes, files.weights->name); !s) {
      return report_files(lab, ui, s.message(), true);
    }
  }
  ui.pending_from_model = true;
  report_files(lab, ui, std::string("Switched to ") + (kind == DataKind::Fashion ? "Fashion-MNIST" : "the MNIST digits") +
                            (files.weights ? ", with its pretrained model" : ""), false);
}

// What the dialog before opening files names: the data, and a person's weights file.
std::string files_named(const UserFiles& files) {
  std::string what;
  if (files.builtin && files.data) what = files.data->kind == DataKind::Fashion ? "Fashion-MNIST" : "the MNIST digits";
  else if (files.data) what = "the data (" + files.data->description + ")";
  // A built-in data set's own weights come with it, unnamed; a person's weights file is named.
  if (files.weights && !files.builtin) what += (what.empty() ? "" : " and ") + files.weights->name;
  return what;
}

// The data: the bundled MNIST digits or Fashion-MNIST (fetched when chosen, with its pretrained model), or a
// person's own files, named.
void data_row(Lab& lab, UiState& ui) {
  const DataKind kind = lab.data_kind();
  if (!ui.files.fetch) {
    if (kind != DataKind::Mnist) ui::wrapped("Data: " + lab.data_description(), ui::palette::kTextDim);
    return;
  }
  const std::string current = kind == DataKind::Mnist     ? "MNIST digits"
                              : kind == DataKind::Fashion ? "Fashion-MNIST"
                                                          : "your files: " + lab.data_description();
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Data");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(std::min(ImGui::GetContentRegionAvail().x, ImGui::GetFontSize() * 16));
  if (ImGui::BeginCombo("##data", current.c_str())) {
    for (const auto& [choice, label] : {std::pair{DataKind::Mnist, "MNIST digits"}, std::pair{DataKind::Fashion, "Fashion-MNIST"}}) {
      if (ImGui::Selectable(label, choice == kind) && choice != kind) {
        ui.say_about_files(lab, choice == DataKind::Fashion ? "Downloading Fashion-MNIST (4.4 MB)..." : "Loading the MNIST digits...", false);
        ui.files.fetch(choice);
      }
    }
    ImGui::EndCombo();
  }
  ui.remember("combo:data");
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("MNIST: 10,000 handwritten digits, bundled. Fashion-MNIST: 10,000 pictures of clothes in ten "
                      "classes (Zalando, MIT), downloaded when chosen. Both split 8,000 / 2,000.");
  }
}

}  // namespace

void open_user_files(Lab& lab, UiState& ui, UserFiles files) {
  if (files.builtin && files.data) return open_builtin_data(lab, ui, files);
  std::string done;
  if (files.data) {
    const std::string description = files.data->description;
    if (Status s = lab.replace_data(std::move(*files.data)); !s) return report_files(lab, ui, s.message(), true);
    done = "Opened " + description;
  }
  if (files.weights) {
    if (Status s = lab.load_weights(files.weights->bytes, files.weights->name); !s) {
      return report_files(lab, ui, (done.empty() ? "" : done + ", but ") + s.message(), true);
    }
    done += (done.empty() ? "Loaded " : " and loaded ") + files.weights->name;
  }
  ui.pending_from_model = true;
  report_files(lab, ui, done, false);
}

void offer_user_files(Lab& lab, UiState& ui, UserFiles files, bool ask) {
  const std::string text = ask ? "Opening " + files_named(files) + " replaces the current model " + trained_here(lab.snapshot()) + "." : "";
  ui.pending_files = std::move(files);
  change_or_ask(ui, ask,
                {"Replace the model?",
                 text,
                 [&lab, &ui] {
                   UserFiles waiting = std::move(*ui.pending_files);
                   ui.pending_files.reset();
                   open_user_files(lab, ui, std::move(waiting));
                 },
                 [&ui] { ui.pending_files.reset(); }});
}

//-----------------------------------------------------------------------------------------------------------
// [SECTION] Title and commands
//-----------------------------------------------------------------------------------------------------------

namespace {

// The title and the subtitle, and where the file buttons go: beside the title where they fit, else on rows of their
// own under it. They are drawn after the commands (draw_training_panel), so that the keyboard's first stop is Train.
// Nothing with controls=none.
std::optional<ImVec2> draw_title(Lab& lab, UiState& ui) {
  ImGui::PushFont(ui.title_font);
  ImGui::TextUnformatted("Training");
  ImGui::PopFont();
  std::optional<ImVec2> at;
  if (ui.page.controls) {
    const float right_edge = ImGui::GetWindowPos().x + ImGui::GetContentRegionMax().x;
    at = ImVec2(right_edge - file_buttons_width(ui), ImGui::GetItemRectMin().y);
    if (at->x < ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x * 2) {
      // Not beside the title: their rows kept free under it, and drawn there after the commands all the same.
      at = ImGui::GetCursorScreenPos();
      const float rows = static_cast<float>(file_button_rows(ui, ImGui::GetContentRegionAvail().x));
      ImGui::Dummy(ImVec2(1, rows * ImGui::GetFrameHeightWithSpacing() - ImGui::GetStyle().ItemSpacing.y));
    }
  }
  ui::wrapped("784 pixels squeezed through a narrow code and rebuilt, learned from " +
                  with_thousands(static_cast<double>(lab.data().train.size())) + " " + lab.items() + " and tested on " +
                  with_thousands(static_cast<double>(lab.data().test.size())) + " others.",
              ui::palette::kTextDim);
  ImGui::Spacing();
  return at;
}

void train_button(Lab& lab, UiState& ui, const Snapshot& snap, ImVec2 size) {
  const bool training = snap.training;
  ImGui::PushStyleColor(ImGuiCol_Button, training ? ImVec4(0.55f, 0.30f, 0.10f, 1) : ImVec4(0.14f, 0.42f, 0.78f, 1));
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, training ? ImVec4(0.68f, 0.38f, 0.14f, 1) : ImVec4(0.20f, 0.50f, 0.88f, 1));
  if (ImGui::Button(training ? "Pause###train" : "Train###train", size)) lab.set_training(!training);
  ui.remember("button:train");
  ImGui::PopStyleColor(2);
  if (ImGui::IsItemHovered() && !training && snap.epoch >= lab.settings().target_epochs) {
    ImGui::SetTooltip("The target is reached: training adds %d more epochs.", SessionSettings::kEpochsPerExtension);
  }
}

// Step: exactly one training step, then a pause, so that its effect on every view can be seen.
void step_button(Lab& lab, UiState& ui, const Snapshot& snap, ImVec2 size) {
  if (ImGui::Button("Step", size)) lab.step(1);
  ui.remember("button:step");
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("One training step (a batch of %d), then a pause: the charts, the gallery and the map show its "
                      "effect. For a slower pace while training, see Slow motion below.", snap.settings.batch_size);
  }
}

// Whether a family's pretrained model is at hand: kept in the Lab, or a file the platform can fetch for this data.
bool pretrained_available(const Lab& lab, const UiState& ui, ModelKind family) {
  return lab.has_pretrained(family) || (ui.files.fetch_weights && find_pretrained(lab.data_kind(), family));
}

bool pretrained_offered(const Lab& lab, const UiState& ui) {
  return pretrained_available(lab, ui, ModelKind::Dense) || pretrained_available(lab, ui, ModelKind::Conv);
}

// The menu's name for a family: the table's (pretrained_files.hpp), for the data set's own file or MNIST's.
const char* family_label(ModelKind family) {
  const PretrainedFile* f = find_pretrained(DataKind::Mnist, family);
  return f != nullptr ? f->label : to_string(family);
}

// Pretrained: a menu of the models at hand (dense, convolutional); choosing one replaces the model, asking first
// over one trained here.
void pretrained_menu(Lab& lab, UiState& ui, const Snapshot& snap, ImVec2 size) {
  if (ImGui::Button("Pretrained", size)) ImGui::OpenPopup("##pretrained");
  ui.remember("button:pretrained");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Models trained with the command line on this data: dense or convolutional.");
  if (!ImGui::BeginPopup("##pretrained")) return;
  for (const ModelKind family : {ModelKind::Dense, ModelKind::Conv}) {
    if (!pretrained_available(lab, ui, family)) continue;
    const std::string label = std::string(family_label(family)) + (lab.has_pretrained(family) ? "" : "  (downloads 17 KB)");
    const bool chosen = ImGui::Selectable(label.c_str(), snap.origin.rfind("pretrained", 0) == 0 &&
                                                             snap.settings.shape.kind == family);
    ui.remember(family == ModelKind::Conv ? "menu:pretrained-conv" : "menu:pretrained-dense");
    if (!chosen) continue;
    change_or_ask(ui, snap.step > 0,
                  {"Switch to the pretrained model?",
                   "The model trained here " + trained_here(snap) + " will be replaced by the pretrained " +
                       std::string(family_label(family)) + " model.",
                   [&lab, &ui, family] { take_pretrained(lab, ui, family); }});
  }
  ImGui::EndPopup();
}

void restart_buttons(Lab& lab, UiState& ui, const Snapshot& snap, ImVec2 size) {
  if (ImGui::Button("Train from scratch", size)) {
    change_or_ask(ui, snap.has_training(),
                  {"Start from scratch?",
                   "The current model " + trained_here(snap) + " will be replaced by random weights.",
                   [&lab, &ui] {
                     lab.reset(static_cast<std::uint64_t>(ui.seed));
                     ui.pending_from_model = true;
                   }});
  }
  ui.remember("button:scratch");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("New random weights from the seed below (Glorot-uniform).");
  if (!pretrained_offered(lab, ui)) return;
  ImGui::SameLine();
  pretrained_menu(lab, ui, snap, size);
}

// Train / Pause, Train from scratch, Pretrained: one row when the three fit; on a phone, Train spans the panel and
// the other two share the row below.
void draw_commands(Lab& lab, UiState& ui, const Snapshot& snap) {
  const float full = ImGui::GetContentRegionAvail().x;
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const float row_h = ImGui::GetFrameHeight() * 1.3f;
  const float step_w = ui::button_width("Step");
  const bool one_row = full * 0.32f + step_w + ui::button_width("Train from scratch") + ui::button_width("Pretrained") +
                       gap * 3.0f <= full;
  train_button(lab, ui, snap, ImVec2(one_row ? full * 0.32f : full - step_w - gap, row_h));
  ImGui::SameLine();
  step_button(lab, ui, snap, ImVec2(step_w, row_h));
  if (one_row) ImGui::SameLine();
  const float other_w = one_row ? 0.0f : pretrained_offered(lab, ui) ? std::floor((full - gap) / 2.0f) : full;
  restart_buttons(lab, ui, snap, ImVec2(other_w, row_h));
}

// The model, the data, and what the session or the files last said.
void draw_model_lines(Lab& lab, UiState& ui, const Snapshot& snap) {
  ui::wrapped("Model " + snap.settings.architecture().describe() + ", started from " + snap.origin, ui::palette::kTextDim);
  if (const std::string trap = identity_trap_note(snap.settings.shape); !trap.empty()) ui::wrapped(trap, ui::palette::kWarning);
  data_row(lab, ui);
  if (!ui.file_message.empty() && ui.file_message_model == lab.model_changes()) {
    ui::wrapped(ui.file_message, ui.file_error ? ui::palette::kError : ui::palette::kTextDim);
  }
  if (!snap.error.empty()) ui::wrapped("Not done: " + snap.error, ui::palette::kError);
  if (!snap.diverged.empty()) {
    std::string text = snap.diverged;
    text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
    ui::wrapped(text, ui::palette::kError);
  }
  if (const TrainingDiagnosis d = lab.diagnosis(); !d.message.empty()) ui::wrapped(d.message, ui::palette::kWarning);
  ImGui::Spacing();
}

}  // namespace

//-----------------------------------------------------------------------------------------------------------
// [SECTION] Progress, numbers and charts
//-----------------------------------------------------------------------------------------------------------

namespace {

void draw_progress(const Snapshot& snap) {
  const float full = ImGui::GetContentRegionAvail().x;
  const int batches = snap.batches_per_epoch;
  const bool epoch_finished = snap.batch_in_epoch >= batches && snap.epoch > 0;
  const float epoch_fraction = epoch_finished ? 1.0f : static_cast<float>(snap.batch_in_epoch) / static_cast<float>(batches);
  char text[96];
  std::snprintf(text, sizeof text, "%d / %d batches", epoch_finished ? batches : snap.batch_in_epoch, batches);
  ImGui::AlignTextToFramePadding();
  ImGui::Text("Epoch %d", epoch_finished ? snap.epoch : snap.epoch + 1);
  ImGui::SameLine(full * 0.28f);
  ImGui::ProgressBar(epoch_fraction, ImVec2(-1, 0), text);
  const float overall = std::min(1.0f, (static_cast<float>(snap.epoch) + (epoch_finished ? 0.0f : epoch_fraction)) /
                                           static_cast<float>(snap.settings.target_epochs));
  std::snprintf(text, sizeof text, "%d of %d epochs", snap.epoch, snap.settings.target_epochs);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Overall");
  ImGui::SameLine(full * 0.28f);
  ImGui::ProgressBar(overall, ImVec2(-1, 0), text);
  ImGui::Spacing();
}

std::string loss_text(float v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4f", static_cast<double>(v));
  return buffer;
}

// Train and test loss per pixel, like the test loss (a VAE's objective is per digit, and a sparse one adds its
// penalty: the charts show those terms), samples per second and steps.
void draw_stats(UiState& ui, const Snapshot& snap) {
  const float column = ImGui::GetContentRegionAvail().x / 4.0f;
  stat(ui, "train loss", snap.train_reconstruction > 0 ? loss_text(snap.train_reconstruction) : "-", ui::palette::kTrain);
  ImGui::SameLine(column);
  stat(ui, "test loss", snap.evaluating ? "..." : loss_text(snap.test_loss), ui::palette::kTest);
  ImGui::SameLine(column * 2);
  stat(ui, "samples/s", snap.training ? with_thousands(snap.samples_per_sec) : "-", IM_COL32(230, 232, 240, 255));
  ImGui::SameLine(column * 3);
  stat(ui, "steps", with_thousands(static_cast<double>(snap.step)), IM_COL32(230, 232, 240, 255));
  ImGui::Spacing();
}

// The loss chart takes whatever height the settings below leave (measured on the previous frame). The VAE's KL (or
// the sparse penalty) has its own scale: a chart of its own below the reconstruction's.
void draw_charts(UiState& ui, const Snapshot& snap) {
  const float full = ImGui::GetContentRegionAvail().x;
  const float spacing = ImGui::GetStyle().ItemSpacing.y;
  const float settings_h = ui.settings_height > 0 ? ui.settings_height : ImGui::GetFrameHeightWithSpacing() * 11;
  const bool two_charts = !snap.train_penalty_curve.empty() || !snap.test_penalty_curve.empty();
  const float em = ImGui::GetFontSize();
  const float chart_h = std::clamp(ImGui::GetContentRegionAvail().y - settings_h - spacing * 2, em * (two_charts ? 15 : 8),
                                   em * (two_charts ? 24 : 18));
  if (!two_charts) {
    ui::loss_chart("##loss", snap.train_curve, snap.test_curve, ImVec2(full, chart_h));
  } else {
    const float top_h = std::floor(chart_h * 0.58f);
    ui::loss_chart("##loss", snap.train_curve, snap.test_curve, ImVec2(full, top_h), "reconstruction, train",
                   "test (per pixel)");
    const bool vae = snap.settings.objective.variational();
    ui::loss_chart("##penalty", snap.train_penalty_curve, snap.test_penalty_curve, ImVec2(full, chart_h - top_h - spacing),
                   vae ? "KL per digit, train" : "L1 penalty, train", "test");
  }
  ImGui::Spacing();
}

}  // namespace

//-----------------------------------------------------------------------------------------------------------
// [SECTION] Optimisation
//-----------------------------------------------------------------------------------------------------------

namespace {

// Threads: how many cores share each training step. Shown and changeable when the session has a thread of its
// own; in the page's fallback (no threads), the row says why there is only one.
void threads_row(Lab& lab, SessionSettings s, const Snapshot& snap) {
  if (!lab.off_main_thread()) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Threads: 1");
    ui::help_marker("Training shares this page's own thread, in slices of each frame: threads need the page to be "
                    "cross-origin isolated, and this server does not send the headers for it (see docs/hosting.md).");
    return;
  }
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  const int most = std::min(std::max(cores, s.threads), static_cast<int>(setting("threads").hi));
  int threads = s.threads;
  if (ImGui::InputInt("Threads", &threads, 1, 1) && std::clamp(threads, 1, most) != s.threads) {
    s.threads = std::clamp(threads, 1, most);
    lab.apply(s);
  }
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("Each training step is split across this many threads (this device has %d cores; the interface "
                      "draws with one of them).", cores);
  }
  if (snap.threads_used < snap.settings.threads) {
    ui::wrapped(std::to_string(snap.threads_used) + " of them used: a batch of " + std::to_string(snap.settings.batch_size) +
                    " is too small to share (sharing it would be slower).", ui::palette::kTextDim);
  }
}

void batch_combo(Lab& lab, SessionSettings s) {
  char text[32];
  std::snprintf(text, sizeof text, "%d", s.batch_size);
  if (!ImGui::BeginCombo("Batch size", text)) return;
  for (int b : kBatchSizes) {
    std::snprintf(text, sizeof text, "%d", b);
    if (ImGui::Selectable(text, b == s.batch_size) && b != s.batch_size) {
      s.batch_size = b;
      lab.apply(s);
    }
  }
  ImGui::EndCombo();
}

// Learning rate, batch size, the epoch target and threads: they apply to the current model at once.
void draw_optimisation(Lab& lab, const SessionSettings& current, const Snapshot& snap) {
  ImGui::Separator();
  ImGui::TextUnformatted("Optimisation");
  ui::help_marker("Adam with Keras' defaults; binary cross-entropy averaged over pixels. These apply to the current "
                  "model at once; a new batch size restarts the optimizer's moments.");
  SessionSettings s = current;
  if (setting_slider("Learning rate", "lr", s.optimizer.learning_rate, "%.4f")) lab.apply(s);
  batch_combo(lab, current);
  s = current;
  if (setting_slider("Epochs", "epochs", s.target_epochs)) lab.apply(s);
  s = current;
  if (setting_slider("Slow motion", "stepsPerSecond", s.steps_per_second, s.steps_per_second == 0 ? "off" : "%d steps/s")) {
    lab.apply(s);
  }
  threads_row(lab, current, snap);
}

}  // namespace

//-----------------------------------------------------------------------------------------------------------
// [SECTION] Variant
//-----------------------------------------------------------------------------------------------------------

namespace {

constexpr const char* kVariantLabels[] = {"Plain", "Denoising", "Sparse", "Variational (VAE)"};

const char* variant_label(Variant v) { return kVariantLabels[static_cast<int>(v)]; }

// Plain, denoising and sparse train the same weights, so a change applies at once; to or from the VAE is another
// shape, so it asks first when the model has been trained.
void variant_combo(Lab& lab, UiState& ui, const SessionSettings& current, const Snapshot& snap) {
  if (!ImGui::BeginCombo("Autoencoder", variant_label(current.objective.variant))) return;
  for (Variant v : {Variant::Plain, Variant::Denoising, Variant::Sparse, Variant::Variational}) {
    if (!ImGui::Selectable(variant_label(v), v == current.objective.variant) || v == current.objective.variant) continue;
    SessionSettings wanted = current;
    wanted.objective.variant = v;
    const bool new_shape = !wanted.same_model_as(current);
    change_or_ask(ui, new_shape && snap.has_training(),
                  {"Change the variant?",
                   "A " + std::string(variant_label(v)) + " model (" + wanted.architecture().describe() +
                           ") needs new random weights. The current model " + trained_here(snap) + " will be discarded.",
                   [&lab, &ui, wanted] {
                     lab.apply(wanted);
                     ui.pending_from_model = true;
                   }});
  }
  ImGui::EndCombo();
}

// The variant's own settings: the noise and its level, the L1 weight, beta.
void variant_settings(Lab& lab, SessionSettings s, const Snapshot& snap) {
  Objective& o = s.objective;
  if (o.denoising()) {
    int kind = o.noise == Noise::Mask ? 1 : 0;
    if (ImGui::Combo("Noise", &kind, "Gaussian\0Masking\0")) {
      o.noise = kind == 1 ? Noise::Mask : Noise::Gaussian;
      lab.apply(s);
    }
    if (setting_slider(o.noise == Noise::Mask ? "Masked fraction" : "Noise level", "level", o.noise_level, "%.2f")) lab.apply(s);
  } else if (o.sparse()) {
    if (setting_slider("L1 weight", "sparsity", o.sparsity, "%.0e")) lab.apply(s);
    if (!snap.evaluating) {
      char text[96];
      std::snprintf(text, sizeof text, "%.1f of %d code units near zero (|code| < %g) on average",
                    static_cast<double>(snap.test.near_zero), snap.settings.shape.code_size(),
                    static_cast<double>(Objective::kNearZero));
      ui::wrapped(text, ui::palette::kTextDim);
    }
  } else if (o.variational()) {
    if (setting_slider("Beta (KL weight)", "beta", o.beta, "%.2f")) lab.apply(s);
  }
}

void draw_variant(Lab& lab, UiState& ui, const SessionSettings& current, const Snapshot& snap) {
  ImGui::Separator();
  ImGui::TextUnformatted("Variant");
  ui::help_marker("Denoising: the inputs get noise while training, the target stays clean. Sparse: an L1 penalty on "
                  "the code (Keras' activity_regularizer). Variational: the encoder gives a mean and a variance, "
                  "the code is sampled, and a KL term (weight beta) keeps codes near N(0, I), so new digits can be "
                  "drawn from it. The test loss is always the per-pixel BCE of clean test digits.");
  variant_combo(lab, ui, current, snap);
  ui.remember("combo:variant");
  variant_settings(lab, current, snap);
}

}  // namespace

//-----------------------------------------------------------------------------------------------------------
// [SECTION] Shape of the model
//-----------------------------------------------------------------------------------------------------------

namespace {

void dense_edits(UiState& ui);

// A combo of the convolutional blocks' presets; a model's own channels (from a file, a link) are shown as they are.
void channel_combo(UiState& ui) {
  const int at = channel_preset(kChannelPresets, ui.pending_channels);
  ModelShape own;
  own.channels = ui.pending_channels;
  const std::string shown = at >= 0 ? kChannelPresets[static_cast<std::size_t>(at)].label : own.channel_list();
  if (ImGui::BeginCombo("Channels", shown.c_str())) {
    for (const HiddenPreset& p : kChannelPresets) {
      if (ImGui::Selectable(p.label, p.widths == ui.pending_channels)) ui.pending_channels = p.widths;
    }
    ImGui::EndCombo();
  }
  ui::help_marker("Filters in each block: a 3x3 convolution, then a 2x2 max pool that halves the image. The decoder "
                  "mirrors the blocks with upsampling. 16, 8, 8 is the Keras article's model: its code is 4 x 4 x 8.");
}

void bottleneck_combo(UiState& ui) {
  const std::string shown = ui.pending_bottleneck == 0 ? "none (the maps)" : std::to_string(ui.pending_bottleneck);
  if (ImGui::BeginCombo("Bottleneck", shown.c_str())) {
    for (int b : kBottlenecks) {
      if (ImGui::Selectable(b == 0 ? "none (the maps)" : std::to_string(b).c_str(), b == ui.pending_bottleneck)) ui.pending_bottleneck = b;
    }
    ImGui::EndCombo();
  }
  ui::help_marker("None: the pooled maps are the code. A number: a dense layer squeezes the maps into that many "
                  "numbers (2 gives a map of the whole code; a VAE needs one).");
}

void model_kind_choice(UiState& ui) {
  int kind = static_cast<int>(ui.pending_kind);
  ImGui::RadioButton("Dense", &kind, static_cast<int>(ModelKind::Dense));
  ImGui::SameLine();
  ImGui::RadioButton("Convolutional", &kind, static_cast<int>(ModelKind::Conv));
  ui.pending_kind = static_cast<ModelKind>(kind);
}

// Dense or convolutional; latent size and hidden layers, or channels and bottleneck; activation and seed: edits that
// wait for "Build new model".
void shape_edits(UiState& ui) {
  model_kind_choice(ui);
  if (ui.pending_kind == ModelKind::Conv) {
    channel_combo(ui);
    bottleneck_combo(ui);
  } else {
    dense_edits(ui);
  }
  if (ImGui::BeginCombo("Activation", to_string(ui.pending_activation))) {
    for (Activation a : {Activation::ReLU, Activation::Sigmoid, Activation::Tanh, Activation::Linear}) {
      if (ImGui::Selectable(to_string(a), a == ui.pending_activation)) ui.pending_activation = a;
    }
    ImGui::EndCombo();
  }
  ImGui::InputInt("Seed", &ui.seed);
  ui.seed = std::clamp(ui.seed, static_cast<int>(setting("seed").slider.lo), static_cast<int>(setting("seed").slider.hi));
}

void dense_edits(UiState& ui) {
  setting_slider("Latent size", "latent", ui.pending_latent);
  ui.remember("slider:latent");
  if (ImGui::BeginCombo("Hidden layers", kHiddenPresets[static_cast<std::size_t>(ui.pending_hidden)].label)) {
    for (std::size_t i = 0; i < kHiddenPresets.size(); ++i) {
      if (ImGui::Selectable(kHiddenPresets[i].label, static_cast<int>(i) == ui.pending_hidden)) ui.pending_hidden = static_cast<int>(i);
    }
    ImGui::EndCombo();
  }
}

void draw_shape(Lab& lab, UiState& ui, const SessionSettings& current, const Snapshot& snap) {
  ImGui::Separator();
  ImGui::TextUnformatted("Shape of the model");
  ui::help_marker("Dense: every pixel feeds every unit. The latent size is the bottleneck: how many numbers each digit "
                  "is squeezed into; hidden layers are added on both sides, mirrored. Convolutional: small filters "
                  "slide over the image, and pooling halves it block by block. Changing the shape needs new weights.");
  shape_edits(ui);
  SessionSettings wanted = current;
  wanted.shape.latent = ui.pending_latent;
  wanted.shape.hidden = kHiddenPresets[static_cast<std::size_t>(ui.pending_hidden)].widths;
  wanted.shape.kind = ui.pending_kind;
  wanted.shape.channels = ui.pending_channels;
  wanted.shape.bottleneck = ui.pending_bottleneck;
  wanted.shape.activation = ui.pending_activation;
  wanted.seed = static_cast<std::uint64_t>(ui.seed);
  const bool changed = !wanted.same_model_as(current);
  ImGui::BeginDisabled(!changed);
  const bool build = ImGui::Button("Build new model");
  ui.remember("button:build");
  if (build) {
    change_or_ask(ui, snap.has_training(),
                  {"Build a new model?",
                   "The new shape (" + wanted.architecture().describe() + ") needs new random weights. The "
                           "current model " + trained_here(snap) + " will be discarded.",
                   [&lab, &ui, wanted] {
                     lab.apply(wanted);
                     ui.pending_from_model = true;
                   }});
  }
  ImGui::SameLine();
  if (ImGui::Button("Revert")) ui.pending_from_model = true;
  ImGui::EndDisabled();
  if (!changed) return;
  ImGui::SameLine();
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(ui::palette::kTest));
  ImGui::TextWrapped("%s", wanted.architecture().describe().c_str());
  ImGui::PopStyleColor();
  if (const std::string trap = identity_trap_note(wanted.shape); !trap.empty()) ui::wrapped(trap, ui::palette::kWarning);
}

}  // namespace

//-----------------------------------------------------------------------------------------------------------
// [SECTION] The panel
//-----------------------------------------------------------------------------------------------------------

void draw_training_panel(Lab& lab, UiState& ui) {
  const Snapshot& snap = lab.snapshot();
  const SessionSettings& current = lab.settings();
  follow_model(current, ui);
  const std::optional<ImVec2> file_buttons_at = draw_title(lab, ui);
  draw_commands(lab, ui, snap);
  if (file_buttons_at) {
    const ImVec2 resume = ImGui::GetCursorScreenPos();
    ImGui::SetCursorScreenPos(*file_buttons_at);
    draw_file_buttons(lab, ui);
    ImGui::SetCursorScreenPos(resume);
  }
  draw_model_lines(lab, ui, snap);
  draw_progress(snap);
  draw_stats(ui, snap);
  draw_charts(ui, snap);
  const float settings_top = ImGui::GetCursorPosY();
  ImGui::PushItemWidth(ImGui::GetContentRegionAvail().x * 0.52f);
  draw_optimisation(lab, current, snap);
  draw_variant(lab, ui, current, snap);
  draw_shape(lab, ui, current, snap);
  ImGui::PopItemWidth();
  ui.settings_height = ImGui::GetCursorPosY() - settings_top;
}

bool take_pretrained(Lab& lab, UiState& ui, ModelKind family) {
  if (lab.has_pretrained(family)) {
    lab.restore_pretrained(family);
    ui.pending_from_model = true;
    return true;
  }
  const PretrainedFile* file = find_pretrained(lab.data_kind(), family);
  if (file == nullptr || !ui.files.fetch_weights) return false;
  ui.say_about_files(lab, std::string("Downloading the pretrained ") + file->label + " model...", false);
  ui.files.fetch_weights(file->file);
  return true;
}

void open_pretrained(Lab& lab, UiState& ui, const UserFile& file) {
  if (Status s = lab.load_pretrained(file.bytes, file.name); !s) return report_files(lab, ui, s.message(), true);
  ui.pending_from_model = true;
  const ModelKind family = lab.settings().shape.kind;
  report_files(lab, ui, std::string("Switched to the pretrained ") + family_label(family) + " model", false);
}

}  // namespace latent
