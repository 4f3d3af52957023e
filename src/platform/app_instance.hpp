// The one App of this process. The web page's script interface fills it with data before main() runs.
#pragma once

#include "app/app.hpp"

namespace latent {

App& app_instance();

}  // namespace latent
