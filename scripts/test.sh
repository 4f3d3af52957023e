#!/usr/bin/env bash
# The README's test command: installs what is missing, builds everything, and runs every test:
# the native unit tests (ctest), then the web page's tests in headless Chromium. Exits non-zero if any fails.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh native desktop web browser-tests test-data

echo "== native build and unit tests"
cmake --preset native
cmake --build --preset native
ctest --preset native -j "$(nproc)"

echo "== web build"
cmake --preset web
cmake --build --preset web

echo "== browser tests (headless Chromium; screenshots in build/test-results/browser)"
(cd tests/browser && node --test --test-concurrency=1 .)
