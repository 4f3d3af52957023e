// The `latent` command line (train, eval, bench) as a function, so tests can run it in-process.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "core/settings_schema.hpp"

namespace latent {

struct CliIo {
  std::ostream& out;      // results: JSON lines with --json, a table otherwise
  std::ostream& err;      // errors, notes, and the progress bar
  bool progress = false;  // draw a live progress bar on err (it is a terminal)
};

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;     // something went wrong that is not the user's input
inline constexpr int kExitBadInput = 2;    // bad arguments or bad files

// args excludes the program name. Returns the process exit status.
int run_cli(const std::vector<std::string>& args, CliIo io);

// The settings `latent train ARGS...` would train with (args: "train" and its options), checked as train checks
// them before it reads any data; for tests that hold the command line's parser against the link's and the script
// API's (settings_schema.hpp).
Status parse_train_settings(const std::vector<std::string>& args, Settings& settings);

}  // namespace latent
