#!/usr/bin/env bash
# Installs what Latent Canvas needs on Debian 12, and only what is missing: safe to run any number of times.
#
#   scripts/setup.sh [native] [desktop] [web] [browser-tests] [test-data] [pytorch] [fuzz]   (default: all of them)
#
# Packages come from Debian's apt repositories, JavaScript test tools from npm (tests/browser/package-lock.json).
# Runs apt-get as root (or through sudo when not root).
set -euo pipefail
cd "$(dirname "$0")/.."

groups=("$@")
[ ${#groups[@]} -eq 0 ] && groups=(native desktop web browser-tests test-data pytorch fuzz)

packages=()
for group in "${groups[@]}"; do
  case "$group" in
    native) packages+=(cmake ninja-build g++ pkg-config libeigen3-dev nlohmann-json3-dev zlib1g-dev catch2) ;;
    desktop) packages+=(libsdl2-dev libimgui-dev libgl-dev fonts-roboto-unhinted xvfb xauth libgl1-mesa-dri) ;;
    web) packages+=(emscripten node-acorn nodejs xz-utils ca-certificates libeigen3-dev nlohmann-json3-dev cmake ninja-build
                    fonts-roboto-unhinted dataset-fashion-mnist) ;;
    # Firefox runs with a window on a virtual X display (Xvfb), where Mesa gives it WebGL2. python3 serves the
    # page as a plain static server does (python3 -m http.server), for the tests that need one.
    # python3-onnx's checker reads the ONNX exports (tests/browser/export.test.mjs).
    browser-tests) packages+=(chromium firefox-esr xvfb xauth libgl1-mesa-dri python3 python3-onnx nodejs npm) ;;
    test-data) packages+=(dataset-fashion-mnist) ;;
    pytorch) packages+=(python3-torch) ;;  # the PyTorch loader in docs/weights-format.md is tested with it
    # libFuzzer and the sanitizers' runtimes for clang (scripts/fuzz.sh); the native group's libraries too.
    fuzz) packages+=(clang-14 libclang-rt-14-dev libclang-common-14-dev cmake ninja-build libeigen3-dev nlohmann-json3-dev
                     zlib1g-dev) ;;
    *) echo "setup.sh: unknown group '$group' (native, desktop, web, browser-tests, test-data, pytorch, fuzz)" >&2; exit 2 ;;
  esac
done

installed() { [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]; }

missing=()
for p in "${packages[@]}"; do
  # npm: the nodesource build of nodejs bundles npm, so Debian's npm package is not needed when npm runs.
  if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then continue; fi
  if [ "$p" = nodejs ] && command -v node >/dev/null 2>&1; then continue; fi
  installed "$p" || missing+=("$p")
done
# Remove duplicates while keeping order.
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | awk 'NF && !seen[$0]++')

if [ ${#missing[@]} -gt 0 ]; then
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "setup.sh: need root to install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
  fi
  echo "setup.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# npm packages for the browser tests, pinned by the lock file; reinstalled only when the lock file changes. No package's
# install script runs: onnxruntime-node's would fetch extra binaries from a host these machines cannot reach (its CPU
# runtime ships in the package), and the others need none (the browsers are Debian's).
for group in "${groups[@]}"; do
  if [ "$group" = browser-tests ]; then
    stamp=tests/browser/node_modules/.installed-lock
    if [ ! -f "$stamp" ] || ! cmp -s tests/browser/package-lock.json "$stamp"; then
      (cd tests/browser && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
      cp tests/browser/package-lock.json "$stamp"
    fi
  fi
done
