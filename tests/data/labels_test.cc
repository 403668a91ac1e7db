#include "data/labels.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_util.h"

namespace sessionrec {
namespace {

using ::testing::HasSubstr;

constexpr EventType C = EventType::kClick, A = EventType::kCart, O = EventType::kOrder;

TEST(LabelsAfterCut, FirstClickAndSetsOfCartsAndOrders) {
  const std::vector<Event> ev = {{1, 0, C}, {2, 1, C}, {3, 2, A}, {4, 3, C},
                                 {3, 4, A}, {5, 5, A}, {3, 6, O}, {6, 7, C}};
  // Cut after 1 event: the next click is 2; carts {3, 5}; orders {3}.
  EXPECT_EQ(LabelsAfterCut(9, ev, 1), (SessionLabels{9, 2, {3, 5}, {3}}));
  // Cut after 2: the first click after the cut is 4, not the later 6.
  EXPECT_EQ(LabelsAfterCut(9, ev, 2), (SessionLabels{9, 4, {3, 5}, {3}}));
  EXPECT_EQ(LabelsAfterCut(9, ev, 7), (SessionLabels{9, 6, {}, {}}));
  EXPECT_TRUE(LabelsAfterCut(9, ev, 8).empty());
}

TEST(LabelsAfterCut, ClickOnAidZeroIsNoLabelAsInLabelsPy) {
  // labels.py: `if prev_labels['clicks']` is false for aid 0, and the nearest click wins.
  const std::vector<Event> ev = {{1, 0, C}, {0, 1, C}, {7, 2, C}, {0, 3, A}};
  const SessionLabels l = LabelsAfterCut(1, ev, 1);
  EXPECT_FALSE(l.click.has_value());
  EXPECT_EQ(l.carts, std::vector<ItemId>{0});  // a set {0} is truthy: kept
}

TEST(LabelsJson, WritesLikePythonJsonDumps) {
  std::string s;
  AppendLabelsJsonLine({1, 123, {4, 5}, {4}}, &s);
  AppendLabelsJsonLine({2, std::nullopt, {}, {9}}, &s);
  AppendLabelsJsonLine({-3, std::nullopt, {}, {}}, &s);
  EXPECT_EQ(s,
            "{\"session\": 1, \"labels\": {\"clicks\": 123, \"carts\": [4, 5], \"orders\": [4]}}\n"
            "{\"session\": 2, \"labels\": {\"orders\": [9]}}\n"
            "{\"session\": -3, \"labels\": {}}\n");
  auto back = ParseLabelsJsonl(s, "x");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back,
            (std::vector<SessionLabels>{
                {1, 123, {4, 5}, {4}}, {2, std::nullopt, {}, {9}}, {-3, std::nullopt, {}, {}}}));
}

TEST(LabelsJson, ReadsSetsInAnyOrderAndSkipsBlankLines) {
  auto l = ParseLabelsJsonl(
      "\n{\"labels\":{\"carts\":[9,3,9],\"clicks\":0},\"session\":4,\"extra\":1}\r\n  \n", "x");
  ASSERT_TRUE(l.ok()) << l.status();
  ASSERT_EQ(l->size(), 1u);
  EXPECT_EQ((*l)[0], (SessionLabels{4, std::nullopt, {3, 9}, {}}));  // clicks 0: no label
}

TEST(LabelsJson, MalformedLinesNameFileAndLine) {
  struct Case {
    std::string text;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"{\"session\": 1, \"labels\": {}}\n{\"session\": 2, \"labels\": {\"clicks\": 5}",
       "f.jsonl:2: not valid JSON"},
      {"{\"labels\": {}}", "f.jsonl:1: missing field \"session\""},
      {"{\"session\": 1}", "f.jsonl:1: missing field \"labels\""},
      {"{\"session\": \"1\", \"labels\": {}}", "f.jsonl:1: \"session\" must be an integer"},
      {"{\"session\": 1, \"labels\": []}", "f.jsonl:1: \"labels\" must be an object"},
      {"{\"session\": 1, \"labels\": {\"clicks\": [5]}}", "f.jsonl:1: \"clicks\" must be one"},
      {"{\"session\": 1, \"labels\": {\"carts\": 5}}", "f.jsonl:1: \"carts\" must be an array"},
      {"{\"session\": 1, \"labels\": {\"orders\": [-5]}}", "f.jsonl:1: \"orders\" must hold"},
      {"{\"session\": 1, \"labels\": {\"buys\": [5]}}", "f.jsonl:1: unknown label type \"buys\""},
      {"{\"session\": 1, \"labels\": {}} x", "f.jsonl:1: not valid JSON"},
      {"[1, 2]", "f.jsonl:1: not a JSON object"},
      {"{\"session\": 1, \"labels\": {}}\n\n{\"session\": 1, \"labels\": {}}",
       "f.jsonl:3: session 1 already has labels on line 1"},
  };
  for (const Case& c : cases) {
    auto r = ParseLabelsJsonl(c.text, "f.jsonl");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_THAT(std::string(r.status().message()), HasSubstr(c.message)) << c.text;
  }
}

TEST(LabelsJson, FileRoundTripAndMissingFile) {
  const auto dir = testing::TempDir("labels_io");
  const std::vector<SessionLabels> labels = {{7, 1, {2}, {3}}, {8, std::nullopt, {}, {}}};
  const std::string path = (dir / "l.jsonl").string();
  ASSERT_TRUE(WriteLabelsJsonl(labels, path).ok());
  auto back = ReadLabelsJsonl(path);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, labels);
  auto missing = ReadLabelsJsonl((dir / "nope.jsonl").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("nope.jsonl"));
  EXPECT_FALSE(WriteLabelsJsonl(labels, (dir / "no_dir" / "l.jsonl").string()).ok());
}

}  // namespace
}  // namespace sessionrec
