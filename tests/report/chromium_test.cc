// The HTML report in a real browser: headless Chromium takes a screenshot (checked not to
// be blank) and dumps the DOM (checked to hold the tables and charts), for a hand-made
// report and for one written by `sessionrec evaluate --report` on real data.
#include "chromium.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "report/html_report.h"
#include "report_fixture.h"
#include "test_util.h"

namespace sessionrec {
namespace {

using ::testing::HasSubstr;

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

TEST(ReportInChromium, HandMadeReportRenders) {
  SR_CHROMIUM_OR_SKIP(chromium);
  auto dir = testing::TempDir("report_chromium");
  report_testing::ReportParts parts;
  const auto page = dir / "report.html";
  ASSERT_TRUE(WriteHtmlReport(page.string(), parts.Inputs()).ok());
  const std::string dom = report_testing::CheckInChromium(chromium, dir, page);
  // Every table and chart of the file made it into the DOM.
  const std::string html = testing::ReadFile(page);
  EXPECT_GT(Count(html, "<table"), 5u);
  EXPECT_EQ(Count(dom, "<table"), Count(html, "<table"));
  EXPECT_EQ(Count(dom, "<svg"), Count(html, "<svg"));
  EXPECT_THAT(dom, HasSubstr("Candidate recall@K"));
  EXPECT_THAT(dom, HasSubstr("covisit_score"));
}

TEST(ReportInChromium, EvaluateReportOnRees46Renders) {
  SR_CHROMIUM_OR_SKIP(chromium);
  SR_SHARED_DATA_OR_SKIP(csv, "rees46-2019oct-sample/2019-Oct.sample.csv");
  auto dir = testing::TempDir("report_evaluate");
  const std::string events = (dir / "events.bin").string();
  testing::CliRun imp = testing::RunSessionrec("import --quiet --preset rees46 --input " + csv +
                                               " --output " + events);
  ASSERT_EQ(imp.exit_code, 0) << imp.output;
  std::filesystem::create_directories(dir / "model");
  testing::WriteFile(dir / "model" / "feature_importance.json",
                     R"({"clicks":[{"feature":"covisit_clicks_score","gain":9.5},)"
                     R"({"feature":"session_length","gain":2}],)"
                     R"("carts":[{"feature":"item_carts","gain":3}],"orders":[]})");
  const auto page = dir / "report.html";
  // The sample spans 2.8 hours: the last 0.03 days (43 minutes) are the test period.
  testing::CliRun ev = testing::RunSessionrec(
      "evaluate --quiet --data " + events + " --days 0.03 --seeds 1 --no-embeddings" +
      " --report " + page.string() + " --report-model-dir " + (dir / "model").string());
  ASSERT_EQ(ev.exit_code, 0) << ev.output;
  EXPECT_THAT(ev.output, HasSubstr("wrote " + page.string()));
  const std::string html = testing::ReadFile(page);
  for (const char* id : {"results", "candidates", "importance", "dataset"}) {
    EXPECT_THAT(html, HasSubstr(std::string("<section id=\"") + id + "\">")) << id;
  }
  EXPECT_THAT(html, HasSubstr("covisit_clicks_score"));
  const std::string dom = report_testing::CheckInChromium(chromium, dir, page);
  EXPECT_EQ(Count(dom, "<table"), Count(html, "<table"));
  EXPECT_GT(Count(dom, "<polyline"), 10u);  // recall@K lines of every list
  EXPECT_THAT(dom, HasSubstr("sessions by length"));
}

TEST(SummarizePng, TellsABlankImageFromARenderedOne) {
  // A 2x1 RGB PNG (filter 0) with two colours, built by hand.
  auto chunk = [](const std::string& type, const std::string& body) {
    std::string out;
    const uint32_t len = static_cast<uint32_t>(body.size());
    for (int i = 3; i >= 0; --i) out += static_cast<char>((len >> (8 * i)) & 255);
    const std::string tb = type + body;
    const uLong crc = crc32(0, reinterpret_cast<const Bytef*>(tb.data()), tb.size());
    out += tb;
    for (int i = 3; i >= 0; --i) out += static_cast<char>((crc >> (8 * i)) & 255);
    return out;
  };
  const std::string ihdr("\0\0\0\2\0\0\0\1\x08\x02\0\0\0", 13);
  const std::string raw("\0\x1d\x2b\x4a\xff\xff\xff", 7);
  std::string z(compressBound(raw.size()), '\0');
  uLongf zlen = z.size();
  ASSERT_EQ(compress(reinterpret_cast<Bytef*>(z.data()), &zlen,
                     reinterpret_cast<const Bytef*>(raw.data()), raw.size()),
            Z_OK);
  z.resize(zlen);
  const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + chunk("IHDR", ihdr) +
                          chunk("IDAT", z) + chunk("IEND", "");
  const report_testing::PngSummary s = report_testing::SummarizePng(png);
  ASSERT_TRUE(s.ok) << s.error;
  EXPECT_EQ(s.width, 2u);
  EXPECT_EQ(s.height, 1u);
  EXPECT_EQ(s.distinct_colours, 2u);
  EXPECT_TRUE(s.has_colour(0x1d, 0x2b, 0x4a, 0));
  EXPECT_FALSE(s.has_colour(0, 0, 0, 4));
  EXPECT_FALSE(report_testing::SummarizePng("GIF89a").ok);
}

}  // namespace
}  // namespace sessionrec
