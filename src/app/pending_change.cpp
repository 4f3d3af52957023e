// Changes that would throw away a model trained here: carried out at once, or after a yes (see ui_state.hpp).
#include <imgui.h>

#include <algorithm>
#include <utility>

#include "app/ui_state.hpp"

namespace latent {

void change_or_ask(UiState& ui, bool ask, PendingChange change) {
  if (!ask) {
    change.action();
    return;
  }
  if (ui.pending_change && ui.pending_change->kept) ui.pending_change->kept();
  ui.pending_change = std::move(change);
  ui.pending_change_shown = false;
}

namespace {

// Enter confirms and Escape cancels, but not on the frame the dialog opens: that key press opened it.
bool key_pressed(ImGuiKey key) { return !ImGui::IsWindowAppearing() && ImGui::IsKeyPressed(ImGui::GetKeyIndex(key)); }

}  // namespace

void draw_pending_change(UiState& ui) {
  if (!ui.pending_change) return;
  const char* title = ui.pending_change->title.c_str();
  if (!ui.pending_change_shown) {
    ImGui::OpenPopup(title);
    ui.pending_change_shown = true;
  }
  const float em = ImGui::GetFontSize();
  ImGui::SetNextWindowSize(ImVec2(std::min(em * 26, ImGui::GetIO().DisplaySize.x - em), 0));
  if (!ImGui::BeginPopupModal(title, nullptr, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoMove)) {
    ui.pending_change.reset();  // closed by other means
    return;
  }
  ImGui::PushTextWrapPos(ImGui::GetContentRegionMax().x);
  ImGui::TextUnformatted(ui.pending_change->text.c_str());
  ImGui::PopTextWrapPos();
  ImGui::Spacing();
  const bool yes = ImGui::Button("Discard it", ImVec2(em * 8, 0)) || key_pressed(ImGuiKey_Enter) ||
                   key_pressed(ImGuiKey_KeyPadEnter);
  ImGui::SameLine();
  const bool no = !yes && (ImGui::Button("Keep it", ImVec2(em * 8, 0)) || key_pressed(ImGuiKey_Escape));
  if (yes || no) {
    ImGui::CloseCurrentPopup();
    PendingChange change = std::move(*ui.pending_change);
    ui.pending_change.reset();
    if (yes) change.action();
    else if (change.kept) change.kept();
  }
  ImGui::EndPopup();
}

}  // namespace latent
