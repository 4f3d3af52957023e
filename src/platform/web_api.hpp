// The page's boundary with web/main.js, in three files by job:
//   web_start.cpp       the start (font, digits, pretrained weights) and the link in the address;
//   web_input.cpp       pointer and touch events, and files handed over;
//   web_script_api.cpp  the script API (window.latentCanvas): one call, lc_call, that takes a request and returns
//                       its answer or its error; web_state.cpp builds state().
// Their exports are listed once, in src/platform/CMakeLists.txt.
#pragma once

#include <nlohmann/json_fwd.hpp>

namespace latent {

// Once per frame, before it: hands the digits to the Lab when the thread reading them has finished, applies the
// link's settings once the model is in, and keeps the address up to date with the settings.
void poll_web_loading();

// The script API's state(): the latest snapshot, the settings (by the schema) and what the page shows.
nlohmann::json page_state();

struct Window;
Window& web_window();  // the page's one window (main_web.cpp)

}  // namespace latent
