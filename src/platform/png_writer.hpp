// Writes RGBA pixels as a PNG file (zlib for the compression): the desktop window's --screenshot.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.hpp"

namespace latent {

// `rgba` holds height rows of width pixels, top row first.
Status write_png(const std::string& path, int width, int height, const std::vector<std::uint8_t>& rgba);

}  // namespace latent
