// The page's script interface (web_api.cpp), as the page's main loop sees it.
#pragma once

namespace latent {

// Once per frame, before it: hands the digits to the Lab when the thread reading them has finished.
void poll_web_loading();

}  // namespace latent
