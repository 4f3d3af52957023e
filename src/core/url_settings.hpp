// The page's settings as text for its address (after the '#'), so that a link reproduces a setup:
//   latent=32&hidden=128,64&activation=relu&lr=0.001&batch=256&epochs=20&seed=1&variant=plain
// with the variant's own settings after it: noise=gaussian&level=0.5 (denoising), sparsity=0.0001, beta=1 (vae),
// and data=fashion for Fashion-MNIST.
// Keys may come in any order and any may be left out (the rest stay as they are). Everything read is checked:
// each value's syntax and range, the length of the whole, and repeated or unknown keys.
#pragma once

#include <string>
#include <string_view>

#include "core/status.hpp"
#include "core/training_session.hpp"
#include "core/user_files.hpp"

namespace latent {

inline constexpr std::size_t kMaxUrlSettings = 512;  // characters: far above any valid setup

// The settings a link carries (architecture, learning rate, batch, epoch target, seed; not the thread count,
// which belongs to the machine), every key written.
// `data` adds data=fashion for Fashion-MNIST (MNIST is the default; a person's own files cannot be linked).
std::string format_url_settings(const SessionSettings& settings, DataKind data = DataKind::Mnist);

// Reads `text` (with or without a leading '#') over `settings`. On an error `settings` is unchanged and the
// message names the key and the problem in one line.
// `data`, if given, gets the data set the link names (data=mnist or data=fashion; left as it is when absent).
Status parse_url_settings(std::string_view text, SessionSettings& settings, DataKind* data = nullptr);

}  // namespace latent
