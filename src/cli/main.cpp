// Entry point of the `latent` command-line tool.
#include <unistd.h>

#include <iostream>

#include "cli/cli.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return latent::run_cli(args, {std::cout, std::cerr, ::isatty(STDERR_FILENO) == 1});
}
