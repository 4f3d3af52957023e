#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every test. Exits non-zero if any fails.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh native test-data

echo "== native build and unit tests"
cmake --preset native
cmake --build --preset native
ctest --preset native -j "$(nproc)"
