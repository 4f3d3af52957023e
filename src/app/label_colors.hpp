// The ten label colours of the map, its legend and the gallery (Tableau's ten: told apart by most people, including
// on a dark background), as 8-bit RGB. No ImGui here, so the tests can read them too.
#pragma once

#include <cstdint>

namespace latent {

inline constexpr std::uint8_t kLabelRgb[10][3] = {{78, 154, 233},  {255, 147, 40},  {80, 190, 80},  {236, 80, 80},
                                                  {180, 130, 230}, {190, 125, 100}, {245, 140, 210}, {170, 170, 170},
                                                  {210, 210, 60},  {40, 210, 225}};

}  // namespace latent
