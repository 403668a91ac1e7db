// Headless Chromium (Debian `chromium`) for the report tests: a screenshot and the DOM of
// a local page, and a small PNG reader to check that the screenshot is not blank.
#pragma once

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "test_util.h"

namespace sessionrec::report_testing {

// The chromium binary, or "" when it is not installed. $CHROMIUM overrides.
inline std::string FindChromium() {
  if (const char* env = std::getenv("CHROMIUM"); env != nullptr && *env != '\0') return env;
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (std::filesystem::exists(p)) return p;
  }
  return "";
}

#define SR_CHROMIUM_OR_SKIP(var)                                                   \
  const std::string var = ::sessionrec::report_testing::FindChromium();            \
  if (var.empty()) {                                                               \
    GTEST_SKIP() << "chromium not found (Debian package `chromium`, see "          \
                 << "scripts/install-deps.sh; or set CHROMIUM=/path/to/chromium)"; \
  }

// Runs chromium headless on file `page` with `mode` ("--screenshot=F" or "--dump-dom");
// its stderr (the console log) goes to `log`. As root Chromium needs --no-sandbox; a
// fresh profile keeps runs independent.
inline testing::CliRun RunChromium(const std::string& chromium, const std::filesystem::path& dir,
                                   const std::filesystem::path& page, const std::string& mode,
                                   const std::filesystem::path& log) {
  const std::string cmd =
      "timeout 180 " + chromium +
      " --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run"
      " --no-default-browser-check --disable-extensions --hide-scrollbars"
      " --enable-logging=stderr --v=0 --window-size=1280,2200 --user-data-dir=" +
      (dir / "profile").string() + " " + mode + " file://" +
      std::filesystem::absolute(page).string() + " 2>" + log.string();
  return testing::RunCommand(cmd);
}

// What a PNG shows, enough to tell a rendered page from a blank one.
struct PngSummary {
  bool ok = false;
  std::string error;
  uint32_t width = 0, height = 0;
  size_t distinct_colours = 0;  // capped at 4096
  bool has_colour(uint8_t r, uint8_t g, uint8_t b, int tolerance) const {
    for (uint32_t c : colours) {
      const int dr = static_cast<int>(c >> 16) - r, dg = static_cast<int>((c >> 8) & 255) - g,
                db = static_cast<int>(c & 255) - b;
      if (std::abs(dr) <= tolerance && std::abs(dg) <= tolerance && std::abs(db) <= tolerance) {
        return true;
      }
    }
    return false;
  }
  std::set<uint32_t> colours;  // 0xRRGGBB, the first 4096 distinct
};

inline uint32_t Be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

// Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes).
inline PngSummary SummarizePng(const std::string& bytes) {
  PngSummary s;
  const auto* d = reinterpret_cast<const unsigned char*>(bytes.data());
  if (bytes.size() < 8 || bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) {
    s.error = "not a PNG";
    return s;
  }
  int colour_type = -1, bit_depth = 0, interlace = 0;
  std::string idat;
  for (size_t pos = 8; pos + 12 <= bytes.size();) {
    const uint32_t len = Be32(d + pos);
    const std::string type = bytes.substr(pos + 4, 4);
    if (pos + 12 + len > bytes.size()) break;
    const unsigned char* body = d + pos + 8;
    if (type == "IHDR" && len >= 13) {
      s.width = Be32(body);
      s.height = Be32(body + 4);
      bit_depth = body[8];
      colour_type = body[9];
      interlace = body[12];
    } else if (type == "IDAT") {
      idat.append(reinterpret_cast<const char*>(body), len);
    }
    pos += 12 + len;
  }
  if (bit_depth != 8 || (colour_type != 2 && colour_type != 6) || interlace != 0) {
    s.error = "unsupported PNG layout";
    return s;
  }
  const size_t bpp = colour_type == 6 ? 4 : 3, stride = size_t{s.width} * bpp;
  std::vector<unsigned char> raw((stride + 1) * s.height);
  uLongf raw_len = raw.size();
  if (uncompress(raw.data(), &raw_len, reinterpret_cast<const Bytef*>(idat.data()), idat.size()) !=
          Z_OK ||
      raw_len != raw.size()) {
    s.error = "bad image data";
    return s;
  }
  std::vector<unsigned char> prev(stride, 0), cur(stride);
  for (uint32_t y = 0; y < s.height; ++y) {
    const unsigned char* line = raw.data() + y * (stride + 1);
    const int filter = line[0];
    for (size_t i = 0; i < stride; ++i) {
      const int a = i >= bpp ? cur[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
      int pred = 0;
      if (filter == 1) pred = a;
      if (filter == 2) pred = b;
      if (filter == 3) pred = (a + b) / 2;
      if (filter == 4) {
        const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
        pred = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c);
      }
      cur[i] = static_cast<unsigned char>(line[1 + i] + pred);
    }
    for (size_t x = 0; x < s.width && s.colours.size() < 4096; ++x) {
      const unsigned char* px = cur.data() + x * bpp;
      s.colours.insert((uint32_t{px[0]} << 16) | (uint32_t{px[1]} << 8) | px[2]);
    }
    prev.swap(cur);
  }
  s.distinct_colours = s.colours.size();
  s.ok = true;
  return s;
}

// Screenshots `page` and loads its DOM; checks that the picture is a rendered page (many
// colours, the header's colour from the inline CSS) and returns the DOM.
inline std::string CheckInChromium(const std::string& chromium, const std::filesystem::path& dir,
                                   const std::filesystem::path& page) {
  const std::filesystem::path shot = dir / "report.png";
  testing::CliRun r =
      RunChromium(chromium, dir, page, "--screenshot=" + shot.string(), dir / "shot.log");
  EXPECT_EQ(r.exit_code, 0) << testing::ReadFile(dir / "shot.log");
  EXPECT_TRUE(std::filesystem::exists(shot)) << testing::ReadFile(dir / "shot.log");
  if (!std::filesystem::exists(shot)) return "";
  const PngSummary png = SummarizePng(testing::ReadFile(shot));
  EXPECT_TRUE(png.ok) << png.error;
  EXPECT_EQ(png.width, 1280u);
  EXPECT_GT(png.distinct_colours, 50u) << "the screenshot looks blank";
  EXPECT_TRUE(png.has_colour(0x1d, 0x2b, 0x4a, 4)) << "no header colour: inline CSS not applied?";

  testing::CliRun dom = RunChromium(chromium, dir, page, "--dump-dom", dir / "dom.log");
  EXPECT_EQ(dom.exit_code, 0) << testing::ReadFile(dir / "dom.log");
  // No script errors on the page (it has no scripts; the console log would show them).
  const std::string log = testing::ReadFile(dir / "dom.log") + testing::ReadFile(dir / "shot.log");
  EXPECT_EQ(log.find("Uncaught"), std::string::npos) << log;
  EXPECT_EQ(log.find(":ERROR:CONSOLE"), std::string::npos) << log;
  return dom.output;
}

}  // namespace sessionrec::report_testing
