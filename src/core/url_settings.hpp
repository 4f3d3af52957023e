// The page's settings as text for its address (after the '#'), so that a link reproduces a setup:
//   latent=32&hidden=128,64&activation=relu&lr=0.001&batch=256&epochs=20&seed=1&variant=plain
// with the variant's own settings after it: noise=gaussian&level=0.5 (denoising), sparsity=0.0001, beta=1 (vae).
// Keys may come in any order and any may be left out (the rest stay as they are). Everything read is checked:
// each value's syntax and range, the length of the whole, and repeated or unknown keys.
#pragma once

#include <string>
#include <string_view>

#include "core/status.hpp"
#include "core/training_session.hpp"

namespace latent {

inline constexpr std::size_t kMaxUrlSettings = 512;  // characters: far above any valid setup

// The settings a link carries (architecture, learning rate, batch, epoch target, seed; not the thread count,
// which belongs to the machine), every key written.
std::string format_url_settings(const SessionSettings& settings);

// Reads `text` (with or without a leading '#') over `settings`. On an error `settings` is unchanged and the
// message names the key and the problem in one line.
Status parse_url_settings(std::string_view text, SessionSettings& settings);

}  // namespace latent
