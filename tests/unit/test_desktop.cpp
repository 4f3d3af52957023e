// The desktop window (the same App as the page, on Debian's SDL2, ImGui and OpenGL) runs under a virtual display,
// trains, and draws the interface: its screenshot is a real picture, not an empty or one-colour frame.
#include <sys/wait.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <cstring>
#include <set>

#include "app/label_colors.hpp"
#include "helpers.hpp"

using namespace latent::testing;

namespace {

struct Picture {
  std::uint32_t width = 0, height = 0;
  std::vector<std::uint8_t> rows;  // (1 filter byte + width * 4) per row
  std::uint32_t pixel(std::uint32_t x, std::uint32_t y) const;
};

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

// Runs the desktop window under a virtual display with `options`, and decodes its screenshot (8-bit RGBA,
// filter-0 rows, as the window writes it).
Picture run_desktop(const std::string& options, std::string* output = nullptr) {
  TempDir dir;
  const std::string png = dir.file("desktop.png");
  const std::string command = std::string("xvfb-run -a -s '-screen 0 1440x900x24' '") + LATENT_DESKTOP_PATH + "' " +
                              options + " --screenshot '" + png + "' >'" + dir.file("log") + "' 2>&1";
  const int raw = std::system(command.c_str());
  const auto log = read_bytes(dir.file("log"));
  INFO(std::string(log.begin(), log.end()));
  if (output != nullptr) output->assign(log.begin(), log.end());
  REQUIRE(WIFEXITED(raw));
  REQUIRE(WEXITSTATUS(raw) == 0);
  const auto bytes = read_bytes(png);
  REQUIRE(bytes.size() > 33);
  REQUIRE(std::memcmp(bytes.data(), "\x89PNG\r\n\x1a\n", 8) == 0);
  Picture p;
  p.width = be32(bytes.data() + 16);
  p.height = be32(bytes.data() + 20);
  std::vector<std::uint8_t> packed;
  for (std::size_t at = 8; at + 12 <= bytes.size();) {
    const std::uint32_t len = be32(bytes.data() + at);
    if (std::memcmp(bytes.data() + at + 4, "IDAT", 4) == 0) {
      packed.insert(packed.end(), bytes.begin() + static_cast<std::ptrdiff_t>(at + 8),
                    bytes.begin() + static_cast<std::ptrdiff_t>(at + 8 + len));
    }
    at += 12 + len;
  }
  p.rows.resize((std::size_t{p.width} * 4 + 1) * p.height);
  uLongf size = static_cast<uLongf>(p.rows.size());
  REQUIRE(uncompress(p.rows.data(), &size, packed.data(), static_cast<uLong>(packed.size())) == Z_OK);
  return p;
}

std::uint32_t Picture::pixel(std::uint32_t x, std::uint32_t y) const {
  return be32(rows.data() + static_cast<std::size_t>(y) * (std::size_t{width} * 4 + 1) + 1 + static_cast<std::size_t>(x) * 4);
}

}  // namespace

// The JSON line --print-state prints (the last line of the run's output).
nlohmann::json printed_state(const std::string& log) {
  const std::size_t start = log.rfind("\n{");
  REQUIRE(start != std::string::npos);
  return nlohmann::json::parse(log.substr(start + 1));
}

TEST_CASE("the desktop window trains on its session thread and draws the interface under a virtual display", "[desktop]") {
  std::string log;
  const Picture p = run_desktop("--frames 40 --train --from-scratch --print-state", &log);
  // It trained: from random weights, steps ran and the smoothed training loss fell from where it started (~0.69).
  const nlohmann::json state = printed_state(log);
  INFO(state.dump());
  CHECK(state.at("origin") == "random weights (seed 1)");
  CHECK(state.at("steps").get<int>() >= 3);
  CHECK(state.at("firstTrainLoss").get<double>() > 0.6);
  CHECK(state.at("lastTrainLoss").get<double>() < state.at("firstTrainLoss").get<double>() - 0.05);
  // And the window shows the interface: text, digits, charts and the heat strips give thousands of colours; a
  // blank or failed frame gives one.
  CHECK(p.width >= 800);
  CHECK(p.height >= 600);
  std::set<std::uint32_t> colours;
  for (std::uint32_t y = 0; y < p.height; y += 3) {
    for (std::uint32_t x = 0; x < p.width; x += 3) colours.insert(p.pixel(x, y));
  }
  CHECK(colours.size() > 500);
}

TEST_CASE("the desktop window shows the map of the codes, coloured by label", "[desktop]") {
  const Picture p = run_desktop("--frames 60 --tab map");
  // The map's dots are filled squares in the ten label colours (label_colors.hpp), RGBA big-endian here.
  int counts[10] = {};
  for (std::uint32_t y = 0; y < p.height; ++y) {
    for (std::uint32_t x = 0; x < p.width; ++x) {
      const std::uint32_t c = p.pixel(x, y);
      for (int d = 0; d < 10; ++d) {
        const std::uint8_t* rgb = latent::kLabelRgb[d];
        counts[d] += c == (std::uint32_t{rgb[0]} << 24 | std::uint32_t{rgb[1]} << 16 | std::uint32_t{rgb[2]} << 8 | 0xFFu);
      }
    }
  }
  int shown = 0;
  for (int d = 0; d < 10; ++d) {
    INFO("label " << d << ": " << counts[d] << " pixels");
    shown += counts[d] >= 40;
  }
  CHECK(shown == 10);
}
