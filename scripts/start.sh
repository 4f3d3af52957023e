#!/usr/bin/env bash
# The README's main command: installs what is missing, builds the native tools, and trains the seed model on
# the bundled digits with a live progress display. (The browser app replaces this once it exists.)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh native
cmake --preset native -DLATENT_DESKTOP=OFF >/dev/null
cmake --build --preset native
exec build/native/latent train --epochs 20 "$@"
