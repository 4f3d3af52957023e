#!/usr/bin/env bash
# Fetches the sources the web build compiles, Dear ImGui 1.86, SDL2 2.26.5 and zlib 1.2.13, as Debian source
# packages, into a cache outside the build tree; verifies their SHA-256 and unpacks them. Prints three lines: the
# ImGui folder, the SDL2 folder, the zlib folder. A second run finds them in the cache and downloads nothing.
#
# Cache: $LATENT_CACHE_DIR, else $XDG_CACHE_HOME/latent-canvas, else ~/.cache/latent-canvas.
# It reuses this machine's apt sources, switched to source packages, in a private apt state folder: the system's
# apt configuration is not touched. Emscripten's own SDL2 port would download from GitHub, which is unreachable.
set -euo pipefail

cache="${LATENT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/latent-canvas}"
src="$cache/sources"
mkdir -p "$src"

imgui_tar=imgui_1.86+ds.orig.tar.xz
imgui_sha=0dace0e8e57d298eb6e93af12dc19420cb96330832f6495c733b90aeeef11f64
sdl_tar=libsdl2_2.26.5+dfsg.orig.tar.gz
sdl_sha=b3f2c822151804125d08db94c65852f711c2e5df2145a59da120748dc32eb9c3
zlib_tar=zlib_1.2.13.dfsg.orig.tar.bz2
zlib_sha=71feb7947e3c00ef125f83b79a4e529bde31171e5babe48b391f06758d1ab0a1

verified() { [ -f "$src/$1" ] && echo "$2  $src/$1" | sha256sum -c --quiet - >/dev/null 2>&1; }

if ! verified "$imgui_tar" "$imgui_sha" || ! verified "$sdl_tar" "$sdl_sha" || ! verified "$zlib_tar" "$zlib_sha"; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/lists/partial" "$work/parts" "$work/get"
  found=0
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    sed -e 's/^Types: deb$/Types: deb-src/' "$f" > "$work/parts/$(basename "$f")"
    found=1
  done
  if [ -f /etc/apt/sources.list ]; then
    sed -n 's/^deb /deb-src /p' /etc/apt/sources.list > "$work/parts/from-sources-list.list"
    [ -s "$work/parts/from-sources-list.list" ] && found=1
  fi
  [ "$found" = 1 ] || { echo "fetch-web-sources.sh: no apt sources found in /etc/apt" >&2; exit 1; }
  apt_opts=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$work/parts"
            -o "Dir::State::Lists=$work/lists" -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root")
  echo "fetch-web-sources.sh: downloading Debian source packages imgui 1.86+ds-1, libsdl2 2.26.5+dfsg-1, zlib 1.2.13" >&2
  apt-get "${apt_opts[@]}" -q update >&2
  (cd "$work/get" && apt-get "${apt_opts[@]}" -q source --download-only imgui=1.86+ds-1 libsdl2=2.26.5+dfsg-1 \
                                                                           zlib=1:1.2.13.dfsg-1 >&2)
  for t in "$imgui_tar" "$sdl_tar" "$zlib_tar"; do
    [ -f "$work/get/$t" ] || { echo "fetch-web-sources.sh: apt-get source did not produce $t" >&2; exit 1; }
    mv "$work/get/$t" "$src/$t"
  done
  verified "$imgui_tar" "$imgui_sha" || { echo "fetch-web-sources.sh: $src/$imgui_tar: SHA-256 mismatch" >&2; exit 1; }
  verified "$sdl_tar" "$sdl_sha" || { echo "fetch-web-sources.sh: $src/$sdl_tar: SHA-256 mismatch" >&2; exit 1; }
  verified "$zlib_tar" "$zlib_sha" || { echo "fetch-web-sources.sh: $src/$zlib_tar: SHA-256 mismatch" >&2; exit 1; }
fi

unpack() {  # tarball, folder it creates
  if [ ! -f "$src/$2/.unpacked" ]; then
    rm -rf "${src:?}/$2" "$src/$2.tmp"
    mkdir -p "$src/$2.tmp"
    tar -xf "$src/$1" -C "$src/$2.tmp"
    mv "$src/$2.tmp/$2" "$src/$2"
    rm -rf "$src/$2.tmp"
    touch "$src/$2/.unpacked"
  fi
  echo "$src/$2"
}
unpack "$imgui_tar" imgui-1.86
unpack "$sdl_tar" SDL2-2.26.5
unpack "$zlib_tar" zlib-1.2.13.dfsg
