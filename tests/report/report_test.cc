// The pieces of the HTML report (report/*.h) on hand-made inputs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "report/dataset_stats.h"
#include "report/feature_importance.h"
#include "report/html.h"
#include "report/html_report.h"
#include "report/svg_chart.h"
#include "report_fixture.h"

namespace sessionrec {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(HtmlEscape, EscapesMarkupAndQuotes) {
  EXPECT_EQ(HtmlEscape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
  EXPECT_EQ(HtmlEscape("plain"), "plain");
}

TEST(HtmlTable, RendersHeaderRowsAndNumericClass) {
  HtmlTable t;
  t.caption = "c<1>";
  t.header = {"name", "value"};
  t.numeric = {false, true};
  t.rows = {{"x&y", "0.5"}};
  EXPECT_EQ(t.Render(),
            "<table class=\"data\">\n<caption>c&lt;1&gt;</caption>\n"
            "<thead><tr><th>name</th><th class=\"num\">value</th></tr></thead>\n<tbody>\n"
            "<tr><td>x&amp;y</td><td class=\"num\">0.5</td></tr>\n</tbody>\n</table>\n");
}

TEST(NiceTicks, CoverTheRangeWithRoundSteps) {
  const std::vector<double> t = NiceTicks(0, 0.37, 5);  // step 0.1, up to 0.4
  ASSERT_EQ(t.size(), 5u);
  EXPECT_DOUBLE_EQ(t[0], 0);
  EXPECT_DOUBLE_EQ(t[4], 0.4);
  EXPECT_THAT(NiceTicks(0, 1000, 5), ElementsAre(0, 200, 400, 600, 800, 1000));
  EXPECT_THAT(NiceTicks(3, 3, 5), ElementsAre(3));  // empty range: one tick
}

TEST(TickLabel, Compact) {
  EXPECT_EQ(TickLabel(0), "0");
  EXPECT_EQ(TickLabel(0.35), "0.35");
  EXPECT_EQ(TickLabel(2000), "2k");
  EXPECT_EQ(TickLabel(1.5e6), "1.5M");
}

TEST(RenderLineChart, OnePolylinePerSeriesWithLegend) {
  LineChartSpec spec;
  spec.title = "clicks";
  spec.log_x = true;
  spec.series = {{"covisit<a>", {20, 50, 100, 200}, {0.1, 0.2, 0.3, 0.35}},
                 {"popular", {20, 50, 100, 200}, {0.01, 0.02, 0.03, 0.04}}};
  const std::string svg = RenderLineChart(spec);
  EXPECT_THAT(svg, HasSubstr("<svg class=\"chart\""));
  EXPECT_EQ(std::count(svg.begin(), svg.end(), '\n') > 10, true);
  size_t polylines = 0;
  for (size_t p = svg.find("<polyline"); p != std::string::npos; p = svg.find("<polyline", p + 1)) {
    ++polylines;
  }
  EXPECT_EQ(polylines, 2u);
  EXPECT_THAT(svg, HasSubstr(">covisit&lt;a&gt;</text>"));  // legend, escaped
  EXPECT_THAT(svg, HasSubstr(">200</text>"));               // an x tick at a data K
  EXPECT_THAT(svg, HasSubstr(">0.4</text>"));               // the top y tick
}

TEST(RenderBarChart, OneRectPerBar) {
  BarChartSpec spec;
  spec.title = "gain";
  spec.bars = {{"a", 3}, {"b", 1}, {"c", 0}};
  const std::string svg = RenderBarChart(spec);
  size_t rects = 0;
  for (size_t p = svg.find("<rect"); p != std::string::npos; p = svg.find("<rect", p + 1)) ++rects;
  EXPECT_EQ(rects, 3u);
  EXPECT_THAT(svg, HasSubstr("<title>a: 3</title>"));
}

TEST(FeatureImportance, ParsesSortsAndOrdersTargets) {
  auto fi = ParseFeatureImportance(
      R"({"orders":[{"feature":"f1","gain":1.5}],
          "clicks":[{"feature":"a","gain":2},{"feature":"b","gain":7,"cover":3}],
          "carts":[]})",
      "fi.json");
  ASSERT_TRUE(fi.ok()) << fi.status();
  ASSERT_EQ(fi->targets.size(), 3u);
  EXPECT_EQ(fi->targets[0].first, "clicks");
  EXPECT_EQ(fi->targets[1].first, "carts");
  EXPECT_EQ(fi->targets[2].first, "orders");
  ASSERT_EQ(fi->targets[0].second.size(), 2u);
  EXPECT_EQ(fi->targets[0].second[0].feature, "b");  // largest gain first
  EXPECT_DOUBLE_EQ(fi->targets[0].second[0].gain, 7);
}

TEST(FeatureImportance, ErrorsNameFileAndField) {
  auto bad_gain = ParseFeatureImportance(R"({"carts":[{"feature":"a","gain":"x"}]})", "m/fi.json");
  ASSERT_FALSE(bad_gain.ok());
  EXPECT_EQ(bad_gain.status().message(), "m/fi.json: carts[0].gain: expected a number");
  auto no_feature = ParseFeatureImportance(R"({"clicks":[{"gain":1}]})", "fi.json");
  EXPECT_EQ(no_feature.status().message(), "fi.json: clicks[0].feature: expected a string");
  EXPECT_EQ(ParseFeatureImportance("{", "fi.json").status().message(), "fi.json: not valid JSON");
  EXPECT_EQ(ParseFeatureImportance(R"({"clicks":{}})", "fi.json").status().message(),
            "fi.json: clicks: expected an array");
  EXPECT_FALSE(ReadFeatureImportance("/nonexistent/feature_importance.json").ok());
}

TEST(DatasetStats, HandComputedCounts) {
  const EventStore store = report_testing::TinyStore();
  const DatasetStats d = ComputeDatasetStats(store);
  EXPECT_EQ(d.basic.sessions, 4u);
  EXPECT_EQ(d.basic.events, 11u);
  EXPECT_THAT(d.length_buckets, ElementsAre("1", "2", "3-4", "5-8"));
  EXPECT_THAT(d.sessions_per_bucket, ElementsAre(1, 1, 1, 1));
  // Day 0: sessions 1-3 (6 events); day 1: session 4 (5 events: 3 clicks, 1 cart, 1 order).
  ASSERT_EQ(d.events_per_day.size(), 2u);
  EXPECT_EQ(d.events_per_day[0][0] + d.events_per_day[0][1] + d.events_per_day[0][2], 6u);
  EXPECT_EQ(d.events_per_day[1][0], 3u);
  EXPECT_EQ(d.events_per_day[1][1], 1u);
  EXPECT_EQ(d.events_per_day[1][2], 1u);
  EXPECT_EQ(d.sessions_with_cart, 2u);
  EXPECT_EQ(d.sessions_with_order, 1u);
  // 5 items; the top 1% is one item: aid 10 with 5 of the 11 events.
  EXPECT_DOUBLE_EQ(d.top1pct_item_share, 5.0 / 11.0);
}

TEST(RenderHtmlReport, AllPartsAndNothingExternal) {
  report_testing::ReportParts parts;
  const std::string html = RenderHtmlReport(parts.Inputs());
  EXPECT_THAT(html, HasSubstr("<!DOCTYPE html>"));
  for (const char* id : {"results", "candidates", "importance", "dataset"}) {
    EXPECT_THAT(html, HasSubstr(std::string("<section id=\"") + id + "\">")) << id;
  }
  EXPECT_THAT(html, HasSubstr("<td class=\"num\">0.5000</td>"));  // official clicks recall
  EXPECT_THAT(html, HasSubstr(">session_items</text>"));          // a candidate list's legend
  EXPECT_THAT(html, HasSubstr("covisit_score"));                  // a feature
  // Self-contained: no scripts, no external resources.
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  EXPECT_THAT(html, Not(HasSubstr("href=")));
  EXPECT_THAT(html, Not(HasSubstr("url(")));
}

TEST(RenderHtmlReport, LeavesOutMissingPartsAndShowsNotes) {
  ReportInputs in;
  in.scores.emplace_back("official", RecallScores{});
  in.notes.push_back("no feature importance: x does not exist");
  const std::string html = RenderHtmlReport(in);
  EXPECT_THAT(html, HasSubstr("<section id=\"results\">"));
  EXPECT_THAT(html, Not(HasSubstr("<section id=\"candidates\">")));
  EXPECT_THAT(html, Not(HasSubstr("<section id=\"dataset\">")));
  EXPECT_THAT(html, HasSubstr("<li>no feature importance: x does not exist</li>"));
}

}  // namespace
}  // namespace sessionrec
