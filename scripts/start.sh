#!/usr/bin/env bash
# The README's main command: installs what is missing, builds the web page into build/web (incrementally),
# and serves it on http://127.0.0.1:8080/. Options go to the server: --port N, --host ADDRESS.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh web
cmake --preset web >/dev/null
cmake --build --preset web
exec node web/server.mjs --root build/web "$@"
