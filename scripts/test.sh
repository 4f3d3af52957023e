#!/usr/bin/env bash
# The README's test command: installs what is missing, builds everything, and runs every test: the native unit
# tests (ctest), the ones that start threads again under ThreadSanitizer, all of them again under AddressSanitizer
# and UndefinedBehaviorSanitizer, each libFuzzer target for 20 s, then the web page's tests in Chromium and
# Firefox. Exits non-zero if any fails.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each step says when it starts and how long the run has taken so far (CI keeps the log).
step() { echo "== [$(date +%T), ${SECONDS} s] $*"; }

scripts/setup.sh native desktop web browser-tests test-data pytorch fuzz

step "native build and unit tests"
cmake --preset native
cmake --build --preset native
ctest --preset native -j "$(nproc)"

step "the tests that start threads, under ThreadSanitizer"
cmake --preset tsan
cmake --build --preset tsan
ctest --preset tsan -j "$(nproc)"

step "every native test under AddressSanitizer and UndefinedBehaviorSanitizer (clang-14)"
cmake --preset asan
cmake --build --preset asan
ctest --preset asan -j "$(nproc)"

step "the parsers under libFuzzer, 20 s each, one per core at a time (scripts/fuzz.sh 600 runs them longer)"
scripts/fuzz.sh 20

step "web build (the program with threads, and without)"
cmake --preset web
cmake --build --preset web

# Chromium runs headless; Firefox needs a display for WebGL2, so the run gets a virtual one.
step "browser tests (Chromium headless, Firefox ESR on Xvfb; screenshots in build/test-results/browser)"
# A test that hangs is cancelled after 5 minutes (the longest takes about one), so CI fails rather than waits.
(cd tests/browser && xvfb-run -a -s "-screen 0 1920x1200x24" node --test --test-concurrency=1 --test-timeout=300000 .)
step "done: every test passed"
