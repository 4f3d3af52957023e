// The page's script interface (web_api.cpp), as the page's main loop sees it.
#pragma once

namespace latent {

// Once per frame, before it: hands the digits to the Lab when the thread reading them has finished.
void poll_web_loading();

struct Window;
Window& web_window();  // the page's one window (main_web.cpp)

}  // namespace latent
