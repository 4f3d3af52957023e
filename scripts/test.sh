#!/usr/bin/env bash
# The README's test command: installs what is missing, builds everything, and runs every test: the native unit
# tests (ctest), the ones that start threads again under ThreadSanitizer, all of them again under AddressSanitizer
# and UndefinedBehaviorSanitizer, each libFuzzer target for 15 s, then the web page's tests in Chromium and
# Firefox. Exits non-zero if any fails.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh native desktop web browser-tests test-data pytorch fuzz

echo "== native build and unit tests"
cmake --preset native
cmake --build --preset native
ctest --preset native -j "$(nproc)"

echo "== the tests that start threads, under ThreadSanitizer"
cmake --preset tsan
cmake --build --preset tsan
ctest --preset tsan -j "$(nproc)"

echo "== every native test under AddressSanitizer and UndefinedBehaviorSanitizer (clang-14)"
cmake --preset asan
cmake --build --preset asan
ctest --preset asan -j "$(nproc)"

echo "== the parsers under libFuzzer, 15 s each (scripts/fuzz.sh 600 runs them longer)"
scripts/fuzz.sh 15

echo "== web build (the program with threads, and without)"
cmake --preset web
cmake --build --preset web

# Chromium runs headless; Firefox needs a display for WebGL2, so the run gets a virtual one.
echo "== browser tests (Chromium headless, Firefox ESR on Xvfb; screenshots in build/test-results/browser)"
(cd tests/browser && xvfb-run -a -s "-screen 0 1920x1200x24" node --test --test-concurrency=1 .)
