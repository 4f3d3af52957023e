// The desktop window (the same App as the page, on Debian's SDL2, ImGui and OpenGL) runs under a virtual display,
// trains, and draws the interface: its screenshot is a real picture, not an empty or one-colour frame.
#include <sys/wait.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <set>

#include "helpers.hpp"

using namespace latent::testing;

namespace {

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

}  // namespace

TEST_CASE("the desktop window trains and draws the interface under a virtual display", "[desktop]") {
  TempDir dir;
  const std::string png = dir.file("desktop.png");
  const std::string command = std::string("xvfb-run -a -s '-screen 0 1440x900x24' '") + LATENT_DESKTOP_PATH +
                              "' --frames 40 --train --screenshot '" + png + "' >'" + dir.file("log") + "' 2>&1";
  const int raw = std::system(command.c_str());
  const auto log = read_bytes(dir.file("log"));
  INFO(std::string(log.begin(), log.end()));
  REQUIRE(WIFEXITED(raw));
  REQUIRE(WEXITSTATUS(raw) == 0);

  // Decode the PNG (8-bit RGBA, filter 0 rows, as the window writes it) and look at its colours.
  const auto bytes = read_bytes(png);
  REQUIRE(bytes.size() > 33);
  REQUIRE(std::memcmp(bytes.data(), "\x89PNG\r\n\x1a\n", 8) == 0);
  const std::uint32_t width = be32(bytes.data() + 16), height = be32(bytes.data() + 20);
  CHECK(width >= 800);
  CHECK(height >= 600);
  std::vector<std::uint8_t> packed;
  for (std::size_t at = 8; at + 12 <= bytes.size();) {
    const std::uint32_t len = be32(bytes.data() + at);
    if (std::memcmp(bytes.data() + at + 4, "IDAT", 4) == 0) {
      packed.insert(packed.end(), bytes.begin() + static_cast<std::ptrdiff_t>(at + 8),
                    bytes.begin() + static_cast<std::ptrdiff_t>(at + 8 + len));
    }
    at += 12 + len;
  }
  std::vector<std::uint8_t> raw_rows((std::size_t{width} * 4 + 1) * height);
  uLongf size = static_cast<uLongf>(raw_rows.size());
  REQUIRE(uncompress(raw_rows.data(), &size, packed.data(), static_cast<uLong>(packed.size())) == Z_OK);
  std::set<std::uint32_t> colours;
  for (std::uint32_t y = 0; y < height; y += 3) {
    const std::uint8_t* row = raw_rows.data() + static_cast<std::size_t>(y) * (std::size_t{width} * 4 + 1) + 1;
    for (std::uint32_t x = 0; x < width; x += 3) {
      colours.insert(be32(row + static_cast<std::size_t>(x) * 4));
    }
  }
  // Text, digits, charts and the heat strips give thousands of colours; a blank or failed frame gives one.
  CHECK(colours.size() > 500);
}
