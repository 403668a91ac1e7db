#include "data/split.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "data/otto_jsonl.h"
#include "data/python_random.h"
#include "test_util.h"

namespace sessionrec {
namespace {

using ::testing::ElementsAre;

// Values printed by CPython 3 (`random.seed(s); random.randint(a, b)`), the generator
// behind testset.py's truncation points.
TEST(PythonRandom, MatchesCPython) {
  PythonRandom r42(42);
  std::vector<int64_t> got;
  for (int i = 0; i < 10; ++i) got.push_back(r42.RandInt(1, 5));
  EXPECT_THAT(got, ElementsAre(1, 1, 3, 2, 2, 2, 1, 5, 1, 5));

  PythonRandom big((int64_t{1} << 40) + 7);  // a seed of two 32-bit words
  got.clear();
  for (int i = 0; i < 5; ++i) got.push_back(big.RandInt(1, 1000));
  EXPECT_THAT(got, ElementsAre(629, 766, 835, 961, 968));

  PythonRandom r0(0);
  EXPECT_EQ(r0.GetRandBits(32), 3626764237u);

  PythonRandom neg(-42);  // random.seed uses the absolute value
  EXPECT_EQ(neg.RandInt(1, 5), 1);
  EXPECT_EQ(neg.RandInt(1, 5), 1);
  EXPECT_EQ(neg.RandInt(1, 5), 3);

  // randint(1, 1) still consumes random bits, as CPython's rejection loop does.
  PythonRandom r7(7);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(r7.RandInt(1, 1), 1);
  EXPECT_EQ(r7.RandInt(1, 9), 1);
  EXPECT_EQ(r7.GetRandBits(32), 311111475u);

  PythonRandom r123(123);
  got.clear();
  for (int n : {1, 2, 3, 4, 5, 6, 7, 8, 100, 499}) got.push_back(r123.RandInt(1, n));
  EXPECT_THAT(got, ElementsAre(1, 2, 1, 4, 3, 1, 7, 1, 49, 275));
}

constexpr Timestamp T = 1659304800;
constexpr EventType C = EventType::kClick, A = EventType::kCart, O = EventType::kOrder;

// days = 1: max_ts = T+200000, split_ts = T+113600.
EventStore HandMadeData() {
  EventStoreBuilder b;
  auto add = [&](SessionId id, std::vector<Event> ev) { EXPECT_TRUE(b.AddSession(id, ev).ok()); };
  // Training: first event at or before split_ts.
  add(10, {{101, T, C}, {102, T + 100, C}, {103, T + 113600, C}, {102, T + 200000, A}});
  add(11, {{104, T + 113600, C}, {105, T + 113700, C}});  // starts exactly at split_ts
  add(12, {{106, T + 50000, C}, {101, T + 150000, C}});   // one event before split_ts
  add(13, {{101, T + 100000, C}, {107, T + 100001, C}, {107, T + 100002, A}});
  add(14, {{108, T + 1000, C}, {109, T + 1001, C}, {109, T + 1002, A}, {109, T + 1003, O}});
  // Test: first event after split_ts.
  add(20, {{101, T + 113601, C},
           {104, T + 113602, C},
           {101, T + 113603, A},
           {107, T + 113604, C},
           {101, T + 113605, O}});
  add(21, {{106, T + 120000, C}, {108, T + 120001, C}});
  add(22, {{109, T + 130000, C},
           {102, T + 130000, C},
           {102, T + 130005, A},
           {109, T + 130006, A},
           {108, T + 130007, C}});
  add(23, {{108, T + 140000, C}, {109, T + 140001, C}});
  return b.Finish();
}

SessionLabels L(SessionId s, std::optional<ItemId> click, std::vector<ItemId> carts,
                std::vector<ItemId> orders) {
  return {s, click, std::move(carts), std::move(orders)};
}

TEST(SplitOtto, FollowsTestsetPyOnAHandMadeLog) {
  const EventStore data = HandMadeData();
  auto r = SplitOtto(data, {.days = 1, .seed = 7});
  ASSERT_TRUE(r.ok()) << r.status();
  const SplitCounts& c = r->counts;
  EXPECT_EQ(r->max_ts, T + 200000);
  EXPECT_DOUBLE_EQ(r->split_ts, static_cast<double>(T + 113600));
  EXPECT_EQ(c.input_sessions, 9u);
  // Sessions 10, 13, 14 train; 11 (starts exactly at split_ts: not "after", and nothing
  // is strictly before it) and 12 (one event before it) are dropped.
  EXPECT_EQ(c.train_sessions, 3u);
  EXPECT_EQ(c.train_dropped_sessions, 2u);
  EXPECT_EQ(c.train_events, 2u + 3u + 4u);  // session 10 loses the events at/after split_ts
  EXPECT_EQ(c.train_items, 5u);             // 101, 102, 107, 108, 109
  ASSERT_EQ(r->train.num_sessions(), 3u);
  EXPECT_EQ(r->train.ToSession(0), (Session{10, {{101, T, C}, {102, T + 100, C}}}));
  // Test: 20 loses aid 104, 21 loses 106 and is then too short.
  EXPECT_EQ(c.test_sessions_full, 4u);
  EXPECT_EQ(c.test_dropped_events, 2u);
  EXPECT_EQ(c.test_dropped_sessions, 1u);
  EXPECT_EQ(c.test_sessions, 3u);
  // Python: random.seed(7); randint(1, 3), randint(1, 4), randint(1, 1) -> 2, 2, 1.
  ASSERT_EQ(r->queries.size(), 3u);
  EXPECT_EQ(r->queries[0], (Session{20, {{101, T + 113601, C}, {101, T + 113603, A}}}));
  // Session 22 is cut between two events of the same second, as testset.py cuts it.
  EXPECT_EQ(r->queries[1], (Session{22, {{109, T + 130000, C}, {102, T + 130000, C}}}));
  EXPECT_EQ(r->queries[2], (Session{23, {{108, T + 140000, C}}}));
  EXPECT_THAT(r->labels,
              ElementsAre(L(20, 107, {}, {101}), L(22, 108, {102, 109}, {}), L(23, 109, {}, {})));
  EXPECT_EQ(c.queries, 3u);
  EXPECT_EQ(c.query_events, 5u);
  EXPECT_EQ(c.click_labels, 3u);
  EXPECT_EQ(c.cart_labels, 2u);
  EXPECT_EQ(c.order_labels, 1u);
  EXPECT_EQ(r->prefix_id_multiplier, 0);

  // Another seed cuts elsewhere: random.seed(0) -> 2, 4, 1.
  auto r0 = SplitOtto(data, {.days = 1, .seed = 0});
  ASSERT_TRUE(r0.ok());
  EXPECT_EQ(r0->queries[1].events.size(), 4u);
  EXPECT_EQ(r0->labels[1], L(22, 108, {}, {}));
}

TEST(SplitOtto, AllPrefixesMakesOneQueryPerPrefix) {
  auto r = SplitOtto(HandMadeData(), {.days = 1, .all_prefixes = true});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->prefix_id_multiplier, 1000);
  std::vector<SessionId> ids;
  for (const Session& q : r->queries) ids.push_back(q.id);
  // Session 20 (4 events after filtering): prefixes 1..3; 22: 1..4; 23: 1.
  EXPECT_THAT(ids, ElementsAre(20001, 20002, 20003, 22001, 22002, 22003, 22004, 23001));
  EXPECT_EQ(r->labels[0], L(20001, 107, {101}, {101}));
  EXPECT_EQ(r->labels[2], L(20003, std::nullopt, {}, {101}));
  EXPECT_EQ(r->labels[6], L(22004, 108, {}, {}));
  EXPECT_EQ(r->queries[6].events.size(), 4u);
  for (size_t i = 0; i < r->queries.size(); ++i) {
    EXPECT_EQ(r->queries[i].events.size(), static_cast<size_t>(r->queries[i].id % 1000));
  }
}

TEST(SplitOtto, FractionalDaysAreExact) {
  // max_ts = T + 86400; days = 0.25 -> split_ts = T + 64800.
  EventStoreBuilder b;
  ASSERT_TRUE(
      b.AddSession(1, std::vector<Event>{{1, T, C}, {2, T + 10, C}, {3, T + 86400, C}}).ok());
  ASSERT_TRUE(b.AddSession(2, std::vector<Event>{{1, T + 64800, C}, {2, T + 64900, C}}).ok());
  ASSERT_TRUE(b.AddSession(3, std::vector<Event>{{1, T + 64801, C}, {2, T + 64802, C}}).ok());
  const EventStore data = b.Finish();
  auto r = SplitOtto(data, {.days = 0.25});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_DOUBLE_EQ(r->split_ts, static_cast<double>(T + 64800));
  EXPECT_EQ(r->counts.train_sessions, 1u);  // session 2 starts exactly at split_ts
  EXPECT_EQ(r->counts.test_sessions, 1u);
  ASSERT_EQ(r->queries.size(), 1u);
  EXPECT_EQ(r->queries[0].id, 3);
  // 0.2500001 days is 8.64 ms more, rounded to 9 ms: session 2 now starts after split_ts.
  auto r2 = SplitOtto(data, {.days = 0.2500001});
  ASSERT_TRUE(r2.ok());
  EXPECT_LT(r2->split_ts, static_cast<double>(T + 64800));
  EXPECT_GT(r2->split_ts, static_cast<double>(T + 64799));
  EXPECT_EQ(r2->counts.test_sessions, 2u);
}

TEST(SplitOtto, RejectsBadInput) {
  EXPECT_FALSE(SplitOtto(EventStore{}, {}).ok());
  EXPECT_FALSE(SplitOtto(HandMadeData(), {.days = 0}).ok());
  EXPECT_FALSE(SplitOtto(HandMadeData(), {.days = -1}).ok());
  EventStoreBuilder b;
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(b.AddSession(5, std::vector<Event>{{1, T + 100000, C}, {2, T + 100001, C}}).ok());
  }
  ASSERT_TRUE(b.AddSession(6, std::vector<Event>{{1, T, C}, {2, T + 1, C}}).ok());
  auto r = SplitOtto(b.Finish(), {.days = 1});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), ::testing::HasSubstr("occurs twice"));
}

TEST(SplitOtto, WritesTheOfficialFiles) {
  auto r = SplitOtto(HandMadeData(), {.days = 1, .seed = 7});
  ASSERT_TRUE(r.ok());
  const auto dir = testing::TempDir("split_files") / "out";
  ASSERT_TRUE(WriteSplit(*r, dir.string()).ok());
  EXPECT_EQ(testing::ReadFile(dir / "test_labels.jsonl"),
            "{\"session\": 20, \"labels\": {\"clicks\": 107, \"orders\": [101]}}\n"
            "{\"session\": 22, \"labels\": {\"clicks\": 108, \"carts\": [102, 109]}}\n"
            "{\"session\": 23, \"labels\": {\"clicks\": 109}}\n");
  const std::string tests = testing::ReadFile(dir / "test_sessions.jsonl");
  EXPECT_THAT(tests, ::testing::StartsWith(
                         "{\"session\":20,\"events\":[{\"aid\":101,\"ts\":1659418401000,"
                         "\"type\":\"clicks\"},{\"aid\":101,\"ts\":1659418403000,\"type\":"
                         "\"carts\"}]}\n"));
  const std::string train = testing::ReadFile(dir / "train.jsonl");
  EXPECT_EQ(std::count(train.begin(), train.end(), '\n'), 3);
  // The files read back as what was split.
  auto labels = ReadLabelsJsonl((dir / "test_labels.jsonl").string());
  ASSERT_TRUE(labels.ok());
  EXPECT_EQ(*labels, r->labels);
  std::vector<Session> queries;
  ASSERT_TRUE(ReadOttoJsonl((dir / "test_sessions.jsonl").string(), {}, [&](Session& s) {
                queries.push_back(s);
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(queries, r->queries);
}

TEST(SplitCommand, SplitsAJsonlFile) {
  const auto dir = testing::TempDir("split_cli");
  const std::string in = (dir / "all.jsonl").string();
  ASSERT_TRUE(WriteOttoJsonl(HandMadeData(), in, {.ts_in_milliseconds = true}).ok());
  const std::string cmd = std::string(SESSIONREC_BINARY) + " split --data " + in +
                          " --days 1 --seed 7 --out-dir " + (dir / "out").string() + " > " +
                          (dir / "log.txt").string();
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  auto labels = ReadLabelsJsonl((dir / "out" / "test_labels.jsonl").string());
  ASSERT_TRUE(labels.ok()) << labels.status();
  EXPECT_THAT(*labels,
              ElementsAre(L(20, 107, {}, {101}), L(22, 108, {102, 109}, {}), L(23, 109, {}, {})));
  EXPECT_THAT(testing::ReadFile(dir / "log.txt"), ::testing::HasSubstr("queries          3"));
  // A missing input is a clear error, not a crash.
  const std::string bad = std::string(SESSIONREC_BINARY) + " split --data " +
                          (dir / "missing.jsonl").string() + " --out-dir " + (dir / "o2").string() +
                          " 2> /dev/null";
  EXPECT_NE(std::system(bad.c_str()), 0);
}

}  // namespace
}  // namespace sessionrec
