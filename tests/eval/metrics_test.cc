#include "eval/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace sessionrec {
namespace {

using ::testing::HasSubstr;

constexpr int kC = 0, kA = 1, kO = 2;  // TypedAids indices: clicks, carts, orders

std::vector<ItemId> Range(ItemId from, ItemId to) {  // [from, to)
  std::vector<ItemId> v;
  for (ItemId a = from; a < to; ++a) v.push_back(a);
  return v;
}

// The hand-made case (k = 20):
//   session  labels                               predictions
//   1        click 10, carts {20,21}, orders {20}  clicks [5,10,10], carts [20,20,99], orders [21]
//   2        click 11, carts {22}                  clicks [1..10, 12..21, 11] (11 is 21st), carts
//   [22] 3        orders {30,31,32}                     orders [30,31,31,99] 4        click 12
//   (none: 0 hits, its labels still count) 5        carts {100..124} (25 aids)            carts
//   [100..124] (25 aids) 9        (no labels)                           clicks [1] (ignored)
// clicks: labelled sessions 1, 2, 4 -> 3 labels; hits 1 (s1) + 0 (s2: 21st) + 0 (s4)
//                                                       -> 1/3
// carts:  labels min(20,2) + 1 + min(20,25) = 2 + 1 + 20 = 23;
//         hits |{20,99} ∩ {20,21}| + |{22} ∩ {22}| + |{100..119} ∩ {100..124}|
//              = 1 + 1 + 20 = 22                       -> 22/23
// orders: labels 1 + 3 = 4; hits |{21} ∩ {20}| + |{30,31,99} ∩ {30,31,32}| = 0 + 2
//                                                       -> 2/4 = 0.5
// total = 0.1 * 1/3 + 0.3 * 22/23 + 0.6 * 0.5 = 0.033333 + 0.286957 + 0.3 = 0.620290
std::vector<SessionLabels> HandLabels() {
  return {{1, 10, {20, 21}, {20}},
          {2, 11, {22}, {}},
          {3, std::nullopt, {}, {30, 31, 32}},
          {4, 12, {}, {}},
          {5, std::nullopt, Range(100, 125), {}}};
}

PredictionMap HandPredictions() {
  PredictionMap p;
  p[1][kC] = {5, 10, 10};
  p[1][kA] = {20, 20, 99};
  p[1][kO] = {21};
  std::vector<ItemId> s2 = Range(1, 11);
  for (ItemId a : Range(12, 22)) s2.push_back(a);
  s2.push_back(11);
  p[2][kC] = s2;
  p[2][kA] = {22};
  p[3][kO] = {30, 31, 31, 99};
  p[5][kA] = Range(100, 125);
  p[9][kC] = {1};
  return p;
}

TEST(ScoreRecall, HandComputedCase) {
  const RecallScores s = ScoreRecall(HandLabels(), HandPredictions());
  EXPECT_EQ(s[EventType::kClick].labels, 3u);
  EXPECT_EQ(s[EventType::kClick].hits, 1u);
  EXPECT_EQ(s[EventType::kCart].labels, 23u);
  EXPECT_EQ(s[EventType::kCart].hits, 22u);
  EXPECT_EQ(s[EventType::kCart].sessions, 3u);
  EXPECT_EQ(s[EventType::kOrder].labels, 4u);
  EXPECT_EQ(s[EventType::kOrder].hits, 2u);
  EXPECT_DOUBLE_EQ(s[EventType::kClick].recall, 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(s[EventType::kCart].recall, 22.0 / 23.0);
  EXPECT_DOUBLE_EQ(s[EventType::kOrder].recall, 0.5);
  // evaluate.py's weighted_recalls: 0.0 + r_clicks*0.1 + r_carts*0.3 + r_orders*0.6, bit for bit.
  double expected = 0.0;
  expected += (1.0 / 3.0) * 0.10;
  expected += (22.0 / 23.0) * 0.30;
  expected += 0.5 * 0.60;
  EXPECT_EQ(s.total, expected);
  EXPECT_NEAR(s.total, 0.6202898550724637, 1e-15);
  EXPECT_EQ(s.sessions, 5u);
  EXPECT_EQ(s.sessions_with_predictions, 4u);
}

TEST(ScoreRecall, CutOffAndDuplicates) {
  // k = 2: duplicates take places in the top k and count once.
  const std::vector<SessionLabels> labels = {{1, 3, {1, 2, 3}, {}}};
  PredictionMap p;
  p[1][kC] = {1, 2, 3};
  p[1][kA] = {1, 1, 2};
  MetricParams params;
  params.k = 2;
  const RecallScores s = ScoreRecall(labels, p, params);
  EXPECT_EQ(s[EventType::kClick].hits, 0u);   // 3 is third
  EXPECT_EQ(s[EventType::kCart].labels, 2u);  // min(2, 3)
  EXPECT_EQ(s[EventType::kCart].hits, 1u);    // set([1, 1]) ∩ {1, 2, 3}
  // No labels of a type at all: recall 0 (evaluate.py would divide by zero).
  EXPECT_EQ(s[EventType::kOrder].labels, 0u);
  EXPECT_EQ(s[EventType::kOrder].recall, 0.0);
}

TEST(RemoveSeenAids, KeepsOnlyLabelsNotInTheSession) {
  const std::vector<Session> sessions = {
      {1, {{10, 0, EventType::kClick}, {20, 1, EventType::kCart}}},
      {2, {{5, 0, EventType::kClick}}},
      {3, {{30, 0, EventType::kClick}, {31, 1, EventType::kClick}, {32, 2, EventType::kClick}}},
      {4, {{12, 0, EventType::kClick}}},
      {5, {{1, 0, EventType::kClick}}}};
  auto fresh = RemoveSeenAids(HandLabels(), sessions);
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_EQ((*fresh)[0], (SessionLabels{1, std::nullopt, {21}, {}}));
  EXPECT_TRUE((*fresh)[2].empty());
  // clicks: only session 2 keeps its click (a miss) -> 0/1.
  // carts: {21} (predicted [20,20,99]: 0 hits) + {22} (1) + 20 of 25 (20) -> 21/22.
  // orders: nothing left -> 0 labels, recall 0.   total = 0.3 * 21/22.
  const RecallScores s = ScoreRecall(*fresh, HandPredictions());
  EXPECT_EQ(s[EventType::kClick].labels, 1u);
  EXPECT_EQ(s[EventType::kClick].hits, 0u);
  EXPECT_EQ(s[EventType::kCart].labels, 22u);
  EXPECT_EQ(s[EventType::kCart].hits, 21u);
  EXPECT_EQ(s[EventType::kOrder].labels, 0u);
  EXPECT_DOUBLE_EQ(s.total, 0.3 * 21.0 / 22.0);

  auto missing = RemoveSeenAids(HandLabels(), std::span(sessions).first(2));
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("session 3"));
}

TEST(PredictionsCsv, ParsesKaggleFormat) {
  auto p = ParsePredictionsCsv(
      "session_type,labels\r\n12_clicks,1 2 3\r\n12_carts,\n\n12_orders,7\n-5_clicks,9\n", "p");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->size(), 2u);
  EXPECT_EQ(p->at(12)[kC], (std::vector<ItemId>{1, 2, 3}));
  EXPECT_TRUE(p->at(12)[kA].empty());
  EXPECT_EQ(p->at(12)[kO], (std::vector<ItemId>{7}));
  EXPECT_EQ(p->at(-5)[kC], (std::vector<ItemId>{9}));
}

TEST(PredictionsCsv, MalformedLinesNameFileAndLine) {
  struct Case {
    std::string text;
    std::string message;
  };
  const std::string h = "session_type,labels\n";
  const std::vector<Case> cases = {
      {"", "p.csv: empty predictions file"},
      {"12_clicks,1 2\n", "p.csv:1: expected the header"},
      {h + "12_clicks,1 2\n12_clicks 3\n", "p.csv:3: expected two fields"},
      {h + "12_clicks,1,2\n", "p.csv:2: expected two fields"},
      {h + "12clicks,1\n", "p.csv:2: first field \"12clicks\" is not <session>_<type>"},
      {h + "x_clicks,1\n", "p.csv:2: session \"x\" is not a 64-bit integer"},
      {h + "12_buys,1\n", "p.csv:2: unknown type \"buys\""},
      {h + "12_clicks,1  2\n", "p.csv:2: aid \"\" is not a non-negative integer"},
      {h + "12_clicks,-1\n", "p.csv:2: aid \"-1\""},
      {h + "12_clicks,1\n12_carts,2\n12_clicks,3\n", "p.csv:4: second row for 12_clicks"},
  };
  for (const Case& c : cases) {
    auto r = ParsePredictionsCsv(c.text, "p.csv");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_THAT(std::string(r.status().message()), HasSubstr(c.message)) << c.text;
  }
}

std::string PredictionsCsv(const PredictionMap& p) {
  std::string s = "session_type,labels\n";
  for (const auto& [session, typed] : p) {
    for (EventType t : kAllEventTypes) {
      s += std::to_string(session) + "_" + std::string(EventTypeName(t)) + ",";
      const auto& aids = typed[static_cast<int>(t)];
      for (size_t i = 0; i < aids.size(); ++i) s += (i ? " " : "") + std::to_string(aids[i]);
      s += "\n";
    }
  }
  return s;
}

TEST(EvaluateCommand, ScoresFilesWithBothProtocols) {
  const auto dir = testing::TempDir("evaluate_cli");
  std::string labels;
  for (const SessionLabels& l : HandLabels()) AppendLabelsJsonLine(l, &labels);
  testing::WriteFile(dir / "labels.jsonl", labels);
  testing::WriteFile(dir / "p.csv", PredictionsCsv(HandPredictions()));
  testing::WriteFile(dir / "s.jsonl",
                     "{\"session\":1,\"events\":[{\"aid\":10,\"ts\":1,\"type\":\"clicks\"},"
                     "{\"aid\":20,\"ts\":2,\"type\":\"carts\"}]}\n"
                     "{\"session\":2,\"events\":[{\"aid\":5,\"ts\":1,\"type\":\"clicks\"}]}\n"
                     "{\"session\":3,\"events\":[{\"aid\":30,\"ts\":1,\"type\":\"clicks\"},"
                     "{\"aid\":31,\"ts\":1,\"type\":\"clicks\"},{\"aid\":32,\"ts\":1,\"type\":"
                     "\"clicks\"}]}\n"
                     "{\"session\":4,\"events\":[{\"aid\":12,\"ts\":1,\"type\":\"clicks\"}]}\n"
                     "{\"session\":5,\"events\":[{\"aid\":1,\"ts\":1,\"type\":\"clicks\"}]}\n");
  const std::string bin = SESSIONREC_BINARY;
  const std::string args = " evaluate --labels " + (dir / "labels.jsonl").string() +
                           " --predictions " + (dir / "p.csv").string();
  ASSERT_EQ(std::system((bin + args + " --sessions " + (dir / "s.jsonl").string() + " --json > " +
                         (dir / "out.json").string())
                            .c_str()),
            0);
  const auto j = nlohmann::json::parse(testing::ReadFile(dir / "out.json"));
  EXPECT_DOUBLE_EQ(j["clicks"].get<double>(), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(j["carts"].get<double>(), 22.0 / 23.0);
  EXPECT_DOUBLE_EQ(j["orders"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(j["total"].get<double>(), 0.6202898550724637);
  EXPECT_EQ(j["counts"]["carts"]["labels"].get<int>(), 23);
  EXPECT_DOUBLE_EQ(j["new_items"]["total"].get<double>(), 0.3 * 21.0 / 22.0);
  EXPECT_EQ(j["new_items"]["counts"]["clicks"]["labels"].get<int>(), 1);

  // The text table, and a clear error for a malformed predictions file.
  ASSERT_EQ(std::system((bin + args + " > " + (dir / "out.txt").string()).c_str()), 0);
  EXPECT_THAT(testing::ReadFile(dir / "out.txt"), HasSubstr("0.62029"));
  testing::WriteFile(dir / "bad.csv", "session_type,labels\n1_clicks,1 x\n");
  const std::string bad = bin + " evaluate --labels " + (dir / "labels.jsonl").string() +
                          " --predictions " + (dir / "bad.csv").string() + " 2> " +
                          (dir / "err.txt").string();
  EXPECT_NE(std::system(bad.c_str()), 0);
  EXPECT_THAT(testing::ReadFile(dir / "err.txt"), HasSubstr("bad.csv:2: aid \"x\""));
  // Pipeline mode is a separate path, not built yet.
  EXPECT_NE(std::system((bin + " evaluate --data x.jsonl 2> /dev/null").c_str()), 0);
}

}  // namespace
}  // namespace sessionrec
