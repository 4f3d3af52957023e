// The Training panel: start/pause/reset, progress, speed, the loss chart and the hyperparameters.
#include <imgui.h>

#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <string>
#include <thread>

#include "core/format.hpp"
#include "app/ui_state.hpp"
#include "app/widgets.hpp"

namespace latent {

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
constexpr std::array<int, 7> kBatchSizes{16, 32, 64, 128, 256, 512, 1024};

int preset_index(const std::vector<int>& hidden) {
  for (std::size_t i = 0; i < kHiddenPresets.size(); ++i) {
    if (kHiddenPresets[i].widths == hidden) return static_cast<int>(i);
  }
  return -1;
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

// A modal asking before a trained model is thrown away. Returns true when the user confirms.
bool confirm(const char* id, bool& ask, const std::string& what) {
  if (ask) {
    ImGui::OpenPopup(id);
    ask = false;
  }
  bool confirmed = false;
  ImGui::SetNextWindowSize(ImVec2(ImGui::GetFontSize() * 26, 0));
  if (ImGui::BeginPopupModal(id, nullptr, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoMove)) {
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 25);
    ImGui::TextUnformatted(what.c_str());
    ImGui::PopTextWrapPos();
    ImGui::Spacing();
    // Enter confirms, Escape cancels (not on the frame the dialog opens: that key press opened it).
    const bool enter = !ImGui::IsWindowAppearing() && (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter)) ||
                                                       ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_KeyPadEnter)));
    if (ImGui::Button("Discard it", ImVec2(ImGui::GetFontSize() * 8, 0)) || enter) {
      confirmed = true;
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Keep it", ImVec2(ImGui::GetFontSize() * 8, 0)) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
      ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
  }
  return confirmed;
}

// Threads: how many cores share each training step. Shown and changeable when the session has a thread of its
// own; in the page's fallback (no threads), the row says why there is only one.
void threads_row(Lab& lab, SessionSettings& s) {
  if (!lab.off_main_thread()) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Threads: 1");
    ui::help_marker("Training shares this page's own thread, in slices of each frame: threads need the page to be "
                    "cross-origin isolated, and this server does not send the headers for it (see the README).");
    return;
  }
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  int threads = s.threads;
  if (ImGui::InputInt("Threads", &threads, 1, 1)) {
    threads = std::clamp(threads, 1, std::min(std::max(cores, s.threads), TrainConfig::kMaxThreads));
    if (threads != s.threads) {
      s.threads = threads;
      lab.apply(s);
    }
  }
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("Each training step is split across this many threads (this device has %d cores; the interface "
                      "draws with one of them).", cores);
  }
}

// Weights out and in, and a person's own data: Save, Open (the page's picker; files may be dropped anywhere too)
// and what they take. On the panel's title row, right-aligned, where they fit (drawn after the Train buttons, so
// that the keyboard's first stop is Train); else on their own row under the title.
float file_buttons_width(const UiState& ui) {
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  return ui::button_width("Save weights") + (ui.files.pick ? spacing + ui::button_width("Open files...") : 0.0f) +
         spacing + ImGui::CalcTextSize("(?)").x;
}

void draw_file_buttons(Lab& lab, UiState& ui) {
  const char* open_label = "Open files...";
  if (ImGui::Button("Save weights") && ui.files.save) {
    std::string where;
    const Status s = ui.files.save(lab.weights_file_name(), lab.weights_file(), where);
    ui.say_about_files(lab, s ? "Saved the weights as " + where : "Could not save the weights: " + s.message(), !s);
  }
  ui.remember("button:save");
  if (ui.files.pick) {
    ImGui::SameLine();
    if (ImGui::Button(open_label)) ui.files.pick();
    ui.remember("button:open");
  }
  ui::help_marker(ui.files.pick
                      ? "Save writes the weights as a .safetensors file, which `latent eval --weights` and PyTorch read. "
                        "Open takes a .safetensors file, or IDX images with their labels (plain or .gz, 28x28, up to "
                        "100,000 images, such as the full MNIST); two pairs are a training and a test set, one pair is "
                        "split 80/20. Files can also be dropped anywhere on the page. They are read here, never uploaded."
                      : "Save writes the weights as a .safetensors file in the working directory. Drop a .safetensors "
                        "file, or IDX images with their labels (plain or .gz, 28x28), on the window to open them.");
}

// The question before files replace a model trained here.
void ask_before_opening(Lab& lab, UiState& ui, const Snapshot& snap) {
  if (!ui.pending_files) return;
  std::string what;
  if (ui.pending_files->builtin && ui.pending_files->data) {
    what = ui.pending_files->data->kind == DataKind::Fashion ? "Fashion-MNIST" : "the MNIST digits";
  } else if (ui.pending_files->data) {
    what = "the data (" + ui.pending_files->data->description + ")";
  }
  // A built-in data set's own weights come with it, unnamed; a person's weights file is named.
  if (ui.pending_files->weights && !ui.pending_files->builtin) {
    what += (what.empty() ? "" : " and ") + ui.pending_files->weights->name;
  }
  const std::string trained = with_thousands(static_cast<double>(snap.step)) + " steps";
  const bool opening = ui.ask_replace;
  if (confirm("Replace the model?", ui.ask_replace,
              "Opening " + what + " replaces the current model (" + snap.origin + ", " + trained + " here).")) {
    open_user_files(lab, ui, std::move(*ui.pending_files));
    ui.pending_files.reset();
  } else if (!opening && !ImGui::IsPopupOpen("Replace the model?")) {
    ui.pending_files.reset();  // kept the model
  }
}

}  // namespace

void open_user_files(Lab& lab, UiState& ui, UserFiles files) {
  std::string done;
  const auto refuse = [&](const std::string& why) {
    ui.say_about_files(lab, why, true);
    if (ui.files.notify) ui.files.notify(why, true);
  };
  if (files.builtin && files.data) {  // a built-in data set and its pretrained model
    const DataKind kind = files.data->kind;
    if (Status s = lab.replace_data(std::move(*files.data)); !s) return refuse(s.message());
    if (files.weights) {
      if (Status s = lab.load_pretrained(files.weights->bytes, files.weights->name); !s) return refuse(s.message());
    }
    ui.pending_from_model = true;
    done = std::string("Switched to ") + (kind == DataKind::Fashion ? "Fashion-MNIST" : "the MNIST digits") +
           (files.weights ? ", with its pretrained model" : "");
    ui.say_about_files(lab, done, false);
    if (ui.files.notify) ui.files.notify(done, false);
    return;
  }
  if (files.data) {
    const std::string description = files.data->description;
    if (Status s = lab.replace_data(std::move(*files.data)); !s) return refuse(s.message());
    done = "Opened " + description;
  }
  if (files.weights) {
    if (Status s = lab.load_weights(files.weights->bytes, files.weights->name); !s) {
      return refuse((done.empty() ? "" : done + ", but ") + s.message());
    }
    done += (done.empty() ? "Loaded " : " and loaded ") + files.weights->name;
  }
  ui.pending_from_model = true;
  ui.say_about_files(lab, done, false);
  if (ui.files.notify) ui.files.notify(done, false);
}

constexpr const char* kVariantLabels[] = {"Plain", "Denoising", "Sparse", "Variational (VAE)"};

const char* variant_label(Variant v) { return kVariantLabels[static_cast<int>(v)]; }

// The variant and its settings. Plain, denoising and sparse train the same weights, so a change applies at once;
// to or from the VAE is another shape, so it asks first when the model has been trained.
void variant_rows(Lab& lab, UiState& ui, SessionSettings s, const Snapshot& snap) {
  ImGui::Separator();
  ImGui::TextUnformatted("Variant");
  ui::help_marker("Denoising: the inputs get noise while training, the target stays clean. Sparse: an L1 penalty on "
                  "the code (Keras' activity_regularizer). Variational: the encoder gives a mean and a variance, "
                  "the code is sampled, and a KL term (weight beta) keeps codes near N(0, I), so new digits can be "
                  "drawn from it. The test loss is always the per-pixel BCE of clean test digits.");
  Objective& o = s.objective;
  if (ImGui::BeginCombo("Autoencoder", variant_label(o.variant))) {
    for (Variant v : {Variant::Plain, Variant::Denoising, Variant::Sparse, Variant::Variational}) {
      if (ImGui::Selectable(variant_label(v), v == o.variant) && v != o.variant) {
        const bool new_shape = (v == Variant::Variational) != o.variational();
        if (new_shape && snap.has_training()) {
          ui.ask_variant = true;
          ui.asked_variant = v;
        } else {
          o.variant = v;
          lab.apply(s);
          ui.pending_from_model = true;
        }
      }
    }
    ImGui::EndCombo();
  }
  ui.remember("combo:variant");
  if (o.denoising()) {
    int kind = o.noise == Noise::Mask ? 1 : 0;
    if (ImGui::Combo("Noise", &kind, "Gaussian\0Masking\0")) {
      o.noise = kind == 1 ? Noise::Mask : Noise::Gaussian;
      lab.apply(s);
    }
    float level = o.noise_level;
    if (ui::slider(o.noise == Noise::Mask ? "Masked fraction" : "Noise level", &level, 0.0f, 1.0f, "%.2f")) {
      o.noise_level = std::clamp(level, 0.0f, 1.0f);
      lab.apply(s);
    }
  } else if (o.sparse()) {
    float weight = o.sparsity;
    if (ui::slider("L1 weight", &weight, 1e-6f, 1e-1f, "%.0e", ImGuiSliderFlags_Logarithmic)) {
      o.sparsity = std::clamp(weight, 1e-6f, 1e-1f);
      lab.apply(s);
    }
    if (!snap.evaluating) {
      char text[96];
      std::snprintf(text, sizeof text, "%.1f of %d code units near zero (|code| < %g) on average",
                    static_cast<double>(snap.test.near_zero), snap.settings.architecture.latent,
                    static_cast<double>(Objective::kNearZero));
      ui::wrapped(text, ui::palette::kTextDim);
    }
  } else if (o.variational()) {
    float beta = o.beta;
    if (ui::slider("Beta (KL weight)", &beta, 0.0f, 4.0f, "%.2f")) {
      o.beta = std::clamp(beta, 0.0f, 4.0f);
      lab.apply(s);
    }
  }
  const Variant v = ui.asked_variant;
  SessionSettings wanted = s;
  wanted.objective.variant = v;
  wanted.architecture.variational = v == Variant::Variational;
  if (confirm("Change the variant?", ui.ask_variant,
              "A " + std::string(variant_label(v)) + " model (" + wanted.architecture.describe() +
                  ") needs new random weights. The current model (" + snap.origin + ", " +
                  with_thousands(static_cast<double>(snap.step)) + " steps here) will be discarded.")) {
    lab.apply(wanted);
    ui.pending_from_model = true;
  }
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

void draw_training_panel(Lab& lab, UiState& ui) {
  const Snapshot& snap = lab.snapshot();
  const SessionSettings& current = lab.settings();
  if (current.architecture != ui.pending_seen) {  // the model changed by other means (a file, a link, the script API)
    ui.pending_seen = current.architecture;
    ui.pending_from_model = true;
  }
  if (ui.pending_from_model) {
    ui.pending_latent = current.architecture.latent;
    ui.pending_hidden = std::max(0, preset_index(current.architecture.hidden));
    ui.pending_activation = current.architecture.activation;
    ui.pending_from_model = false;
  }
  const std::string subtitle = "784 pixels squeezed through a narrow code and rebuilt, learned from " +
                               with_thousands(static_cast<double>(lab.data().train.size())) + " " + lab.items() +
                               " and tested on " + with_thousands(static_cast<double>(lab.data().test.size())) +
                               " others.";
  ImGui::PushFont(ui.title_font);
  ImGui::TextUnformatted("Training");
  ImGui::PopFont();
  const float right_edge = ImGui::GetWindowPos().x + ImGui::GetContentRegionMax().x;
  const ImVec2 file_buttons_at(right_edge - file_buttons_width(ui), ImGui::GetItemRectMin().y);
  const bool title_row = file_buttons_at.x >= ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x * 2;
  if (!title_row) draw_file_buttons(lab, ui);
  ui::wrapped(subtitle, ui::palette::kTextDim);
  ImGui::Spacing();

  // --- Commands ---
  const float full = ImGui::GetContentRegionAvail().x;
  const bool training = snap.training;
  // One row when the three buttons fit; on a phone, Train spans the panel and the other two share the row below.
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const float row_h = ImGui::GetFrameHeight() * 1.3f;
  const bool one_row = full * 0.32f + ui::button_width("Train from scratch") + ui::button_width("Pretrained") +
                       gap * 2.0f <= full;
  const float train_w = one_row ? full * 0.32f : full;
  const float other_w = one_row ? 0.0f : lab.has_pretrained() ? std::floor((full - gap) / 2.0f) : full;
  ImGui::PushStyleColor(ImGuiCol_Button, training ? ImVec4(0.55f, 0.30f, 0.10f, 1) : ImVec4(0.14f, 0.42f, 0.78f, 1));
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, training ? ImVec4(0.68f, 0.38f, 0.14f, 1) : ImVec4(0.20f, 0.50f, 0.88f, 1));
  if (ImGui::Button(training ? "Pause###train" : "Train###train", ImVec2(train_w, row_h))) {
    lab.set_training(!training);
  }
  ui.remember("button:train");
  ImGui::PopStyleColor(2);
  if (ImGui::IsItemHovered() && !training && snap.epoch >= current.target_epochs) {
    ImGui::SetTooltip("The target is reached: training adds %d more epochs.", SessionSettings::kEpochsPerExtension);
  }
  if (one_row) ImGui::SameLine();
  if (ImGui::Button("Train from scratch", ImVec2(other_w, row_h))) {
    if (snap.has_training()) {
      ui.ask_reset = true;
    } else {
      lab.reset(static_cast<std::uint64_t>(ui.seed));
      ui.pending_from_model = true;
    }
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("New random weights from the seed below (Glorot-uniform).");
  if (lab.has_pretrained()) {
    ImGui::SameLine();
    const bool pressed = ImGui::Button("Pretrained", ImVec2(other_w, row_h));
    ui.remember("button:pretrained");
    if (pressed) {
      if (snap.step > 0) {
        ui.ask_pretrained = true;
      } else {
        lab.restore_pretrained();
        ui.pending_from_model = true;
      }
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Go back to the weights the page started with.");
  }
  if (title_row) {
    const ImVec2 resume = ImGui::GetCursorScreenPos();
    ImGui::SetCursorScreenPos(file_buttons_at);
    draw_file_buttons(lab, ui);
    ImGui::SetCursorScreenPos(resume);
  }
  const std::string trained = with_thousands(static_cast<double>(snap.step)) + " steps";
  if (confirm("Start from scratch?", ui.ask_reset,
              "The current model (" + snap.origin + ", " + trained + " here) will be replaced by random weights.")) {
    lab.reset(static_cast<std::uint64_t>(ui.seed));
    ui.pending_from_model = true;
  }
  if (confirm("Go back to the pretrained model?", ui.ask_pretrained,
              "The model trained here (" + trained + ") will be replaced by the pretrained one.")) {
    lab.restore_pretrained();
    ui.pending_from_model = true;
  }

  ui::wrapped("Model " + snap.settings.architecture.describe() + ", started from " + snap.origin, ui::palette::kTextDim);
  data_row(lab, ui);
  if (!ui.file_message.empty() && ui.file_message_model == lab.model_changes()) {
    ui::wrapped(ui.file_message, ui.file_error ? ui::palette::kError : ui::palette::kTextDim);
  }
  ask_before_opening(lab, ui, snap);
  if (!snap.error.empty()) ui::wrapped("Not done: " + snap.error, ui::palette::kError);
  if (!snap.diverged.empty()) {
    std::string text = snap.diverged;
    text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
    ui::wrapped(text, ui::palette::kError);
  }
  if (const TrainingDiagnosis d = lab.diagnosis(); !d.message.empty()) ui::wrapped(d.message, ui::palette::kWarning);
  ImGui::Spacing();

  // --- Progress ---
  const int batches = snap.batches_per_epoch;
  const bool epoch_finished = snap.batch_in_epoch >= batches && snap.epoch > 0;
  const int shown_epoch = epoch_finished ? snap.epoch : snap.epoch + 1;
  const float epoch_fraction = epoch_finished ? 1.0f : static_cast<float>(snap.batch_in_epoch) / static_cast<float>(batches);
  char text[96];
  std::snprintf(text, sizeof text, "%d / %d batches", epoch_finished ? batches : snap.batch_in_epoch, batches);
  ImGui::AlignTextToFramePadding();
  ImGui::Text("Epoch %d", shown_epoch);
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

  // --- Numbers ---
  const float column = full / 4.0f;
  const auto loss_text = [](float v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.4f", static_cast<double>(v));
    return std::string(buffer);
  };
  // Per pixel, like the test loss (a VAE's objective is per digit, and a sparse one adds its penalty: the charts
  // show those terms).
  stat(ui, "train loss", snap.train_reconstruction > 0 ? loss_text(snap.train_reconstruction) : "-", ui::palette::kTrain);
  ImGui::SameLine(column);
  stat(ui, "test loss", snap.evaluating ? "..." : loss_text(snap.test_loss), ui::palette::kTest);
  ImGui::SameLine(column * 2);
  stat(ui, "samples/s", training ? with_thousands(snap.samples_per_sec) : "-", IM_COL32(230, 232, 240, 255));
  ImGui::SameLine(column * 3);
  stat(ui, "steps", with_thousands(static_cast<double>(snap.step)), IM_COL32(230, 232, 240, 255));
  ImGui::Spacing();

  // --- Chart: whatever height the settings below leave (measured on the previous frame) ---
  const float spacing = ImGui::GetStyle().ItemSpacing.y;
  const float settings_h = ui.settings_height > 0 ? ui.settings_height : ImGui::GetFrameHeightWithSpacing() * 11;
  const bool two_charts = !snap.train_penalty_curve.empty() || !snap.test_penalty_curve.empty();
  const float chart_h = std::clamp(ImGui::GetContentRegionAvail().y - settings_h - spacing * 2,
                                   ImGui::GetFontSize() * (two_charts ? 15 : 8), ImGui::GetFontSize() * (two_charts ? 24 : 18));
  if (!two_charts) {
    ui::loss_chart("##loss", snap.train_curve, snap.test_curve, ImVec2(full, chart_h));
  } else {
    // The VAE's KL (or the sparse penalty) has its own scale: a chart of its own below the reconstruction's.
    const float top_h = std::floor(chart_h * 0.58f);
    ui::loss_chart("##loss", snap.train_curve, snap.test_curve, ImVec2(full, top_h), "reconstruction, train",
                   "test (per pixel)");
    const bool vae = snap.settings.objective.variational();
    ui::loss_chart("##penalty", snap.train_penalty_curve, snap.test_penalty_curve, ImVec2(full, chart_h - top_h - spacing),
                   vae ? "KL per digit, train" : "L1 penalty, train", "test");
  }
  ImGui::Spacing();
  const float settings_top = ImGui::GetCursorPosY();

  // --- Settings that apply at once ---
  ImGui::PushItemWidth(full * 0.52f);
  ImGui::Separator();
  ImGui::TextUnformatted("Optimisation");
  ui::help_marker("Adam with Keras' defaults; binary cross-entropy averaged over pixels. These apply to the current "
                  "model at once; a new batch size restarts the optimizer's moments.");
  SessionSettings s = current;
  float lr = s.optimizer.learning_rate;
  if (ui::slider("Learning rate", &lr, 1e-4f, 1e-1f, "%.4f", ImGuiSliderFlags_Logarithmic)) {
    s.optimizer.learning_rate = std::clamp(lr, 1e-4f, 1e-1f);
    lab.apply(s);
  }
  std::snprintf(text, sizeof text, "%d", s.batch_size);
  if (ImGui::BeginCombo("Batch size", text)) {
    for (int b : kBatchSizes) {
      std::snprintf(text, sizeof text, "%d", b);
      if (ImGui::Selectable(text, b == s.batch_size) && b != s.batch_size) {
        s.batch_size = b;
        lab.apply(s);
      }
    }
    ImGui::EndCombo();
  }
  int epochs = s.target_epochs;
  if (ui::slider("Epochs", &epochs, 1, 200)) {
    s.target_epochs = std::clamp(epochs, 1, 200);
    lab.apply(s);
  }
  threads_row(lab, s);
  variant_rows(lab, ui, s, snap);

  // --- Settings that need a new model ---
  ImGui::Separator();
  ImGui::TextUnformatted("Shape of the model");
  ui::help_marker("The latent size is the bottleneck: how many numbers each digit is squeezed into. Hidden layers are "
                  "added on both sides, mirrored. Changing the shape needs new weights.");
  ui::slider("Latent size", &ui.pending_latent, Architecture::kMinLatent, Architecture::kMaxLatent, "%d",
                   ImGuiSliderFlags_Logarithmic);
  ui.pending_latent = std::clamp(ui.pending_latent, Architecture::kMinLatent, Architecture::kMaxLatent);
  if (ImGui::BeginCombo("Hidden layers", kHiddenPresets[static_cast<std::size_t>(ui.pending_hidden)].label)) {
    for (std::size_t i = 0; i < kHiddenPresets.size(); ++i) {
      if (ImGui::Selectable(kHiddenPresets[i].label, static_cast<int>(i) == ui.pending_hidden)) ui.pending_hidden = static_cast<int>(i);
    }
    ImGui::EndCombo();
  }
  if (ImGui::BeginCombo("Activation", to_string(ui.pending_activation))) {
    for (Activation a : {Activation::ReLU, Activation::Sigmoid, Activation::Tanh, Activation::Linear}) {
      if (ImGui::Selectable(to_string(a), a == ui.pending_activation)) ui.pending_activation = a;
    }
    ImGui::EndCombo();
  }
  ImGui::InputInt("Seed", &ui.seed);
  ui.seed = std::max(ui.seed, 0);
  ImGui::PopItemWidth();

  SessionSettings wanted = current;
  wanted.architecture.latent = ui.pending_latent;
  wanted.architecture.hidden = kHiddenPresets[static_cast<std::size_t>(ui.pending_hidden)].widths;
  wanted.architecture.activation = ui.pending_activation;
  wanted.seed = static_cast<std::uint64_t>(ui.seed);
  const bool changed = !wanted.same_model_as(current);
  ImGui::BeginDisabled(!changed);
  if (ImGui::Button("Build new model")) {
    if (snap.has_training()) {
      ui.ask_rebuild = true;
    } else {
      lab.apply(wanted);
      ui.pending_from_model = true;
    }
  }
  ImGui::SameLine();
  if (ImGui::Button("Revert")) ui.pending_from_model = true;
  ImGui::EndDisabled();
  if (changed) {
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(ui::palette::kTest));
    ImGui::TextWrapped("%s", wanted.architecture.describe().c_str());
    ImGui::PopStyleColor();
  }
  ui.settings_height = ImGui::GetCursorPosY() - settings_top;
  if (confirm("Build a new model?", ui.ask_rebuild,
              "The new shape (" + wanted.architecture.describe() + ") needs new random weights. The current model (" +
                  snap.origin + ", " + trained + " here) will be discarded.")) {
    lab.apply(wanted);
    ui.pending_from_model = true;
  }
}

}  // namespace latent
