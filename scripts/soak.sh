#!/usr/bin/env bash
# The soak (docs/robustness.md): the page trains for MINUTES (default 10) in each named browser (default chromium),
# with a digit drawn every 3 s, a fresh start every minute and the weights saved and loaded every two minutes, and
# fails on a console error, a heap that grows more than 5 % after the first minute, a frame over 250 ms after it, or
# a training thread that stops answering. It prints its figures. Not part of the test command: it takes minutes.
#
#   scripts/soak.sh [MINUTES] [BROWSER...]       e.g. scripts/soak.sh 10 chromium firefox
set -euo pipefail
cd "$(dirname "$0")/.."

minutes="${1:-10}"
shift || true
browsers=("$@")
[ ${#browsers[@]} -eq 0 ] && browsers=(chromium)

scripts/setup.sh web browser-tests
cmake --preset web >/dev/null
cmake --build --preset web

status=0
for browser in "${browsers[@]}"; do
  echo "== soak: ${minutes} min in ${browser}"
  (cd tests/browser && xvfb-run -a -s "-screen 0 1920x1200x24" node soak.mjs --minutes "$minutes" --browser "$browser") || status=1
done
exit $status
