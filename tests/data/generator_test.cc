#include "data/generator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "data/event_store.h"
#include "data/otto_jsonl.h"
#include "test_util.h"

namespace sessionrec {
namespace {

std::vector<Session> GenerateAll(const GeneratorParams& p, GeneratorStats* stats = nullptr) {
  std::vector<Session> all;
  Status st = GenerateSessions(
      p,
      [&](std::span<const Session> batch) {
        all.insert(all.end(), batch.begin(), batch.end());
        return absl::OkStatus();
      },
      stats);
  EXPECT_TRUE(st.ok()) << st;
  return all;
}

std::string AsJsonl(const std::vector<Session>& sessions) {
  std::string s;
  for (const Session& x : sessions) AppendOttoJsonlLine(x, {}, &s);
  return s;
}

// One 20k-session set shared by the statistics tests (generating it is the slow part).
class GeneratorStatsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    params_ = new GeneratorParams{.num_sessions = 20000, .seed = 7};
    stats_ = new GeneratorStats;
    sessions_ = new std::vector<Session>(GenerateAll(*params_, stats_));
  }
  static void TearDownTestSuite() {
    delete params_;
    delete stats_;
    delete sessions_;
  }
  static GeneratorParams* params_;
  static GeneratorStats* stats_;
  static std::vector<Session>* sessions_;
};
GeneratorParams* GeneratorStatsTest::params_ = nullptr;
GeneratorStats* GeneratorStatsTest::stats_ = nullptr;
std::vector<Session>* GeneratorStatsTest::sessions_ = nullptr;

TEST_F(GeneratorStatsTest, MatchesThePublishedOttoTable) {
  const GeneratorStats& s = *stats_;
  EXPECT_EQ(s.sessions, 20000u);
  EXPECT_EQ(sessions_->size(), 20000u);
  // OTTO: mean 16.8, median 6 events per session.
  EXPECT_NEAR(s.MeanLength(), 16.8, 1.2);
  EXPECT_EQ(s.MedianLength(), 6u);
  // OTTO: 89.9% clicks, 7.8% carts, 2.4% orders.
  EXPECT_NEAR(s.TypeShare(EventType::kClick), 0.899, 0.01);
  EXPECT_NEAR(s.TypeShare(EventType::kCart), 0.078, 0.008);
  EXPECT_NEAR(s.TypeShare(EventType::kOrder), 0.024, 0.005);
  // Catalogue scales like OTTO: 1,855,603 items per 12,899,779 sessions.
  EXPECT_EQ(s.catalogue_items, 2877u);
  EXPECT_GT(s.items_used, s.catalogue_items * 8 / 10);
  EXPECT_LE(s.items_used, s.catalogue_items);
  // The statistics agree with the sessions themselves.
  uint64_t events = 0;
  for (const Session& x : *sessions_) events += x.events.size();
  EXPECT_EQ(events, s.events);
  EXPECT_EQ(s.type_counts[0] + s.type_counts[1] + s.type_counts[2], s.events);
}

TEST_F(GeneratorStatsTest, SessionsAreWellFormed) {
  const SessionGenerator gen(*params_);
  const Timestamp end = params_->start_ts + Timestamp{params_->days} * 86400;
  for (size_t i = 0; i < sessions_->size(); ++i) {
    const Session& s = (*sessions_)[i];
    ASSERT_EQ(s.id, static_cast<SessionId>(i));
    ASSERT_GE(s.events.size(), 2u);
    ASSERT_LE(s.events.size(), 500u);
    ASSERT_EQ(s.events[0].type, EventType::kClick);
    for (size_t j = 0; j < s.events.size(); ++j) {
      const Event& e = s.events[j];
      ASSERT_GE(e.aid, 1u);
      ASSERT_LE(e.aid, gen.num_items());
      ASSERT_GE(e.ts, params_->start_ts);
      ASSERT_LT(e.ts, end);
      if (j > 0) {
        ASSERT_LE(s.events[j - 1].ts, e.ts) << "session " << s.id;
      }
    }
  }
}

TEST_F(GeneratorStatsTest, FunnelsGoClickThenCartThenOrder) {
  uint64_t carts = 0, orders = 0;
  for (const Session& s : *sessions_) {
    absl::flat_hash_set<ItemId> clicked, carted;
    for (const Event& e : s.events) {
      switch (e.type) {
        case EventType::kClick:
          clicked.insert(e.aid);
          break;
        case EventType::kCart:
          ASSERT_TRUE(clicked.contains(e.aid)) << "cart before click, session " << s.id;
          carted.insert(e.aid);
          ++carts;
          break;
        case EventType::kOrder:
          ASSERT_TRUE(carted.contains(e.aid)) << "order before cart, session " << s.id;
          ++orders;
          break;
      }
    }
  }
  EXPECT_GT(carts, 0u);
  EXPECT_GT(orders, 0u);
}

TEST_F(GeneratorStatsTest, SessionsBrowseWithinItemGroups) {
  // Consecutive clicks on different aids mostly stay in one group; with ~80 groups a
  // random pair would share a group a few percent of the time.
  const SessionGenerator gen(*params_);
  uint64_t pairs = 0, same_group = 0, clicks = 0, repeats = 0;
  for (const Session& s : *sessions_) {
    absl::flat_hash_set<ItemId> seen;
    ItemId prev = 0;
    for (const Event& e : s.events) {
      if (e.type != EventType::kClick) continue;
      ++clicks;
      repeats += seen.contains(e.aid);
      seen.insert(e.aid);
      if (prev != 0 && prev != e.aid) {
        ++pairs;
        same_group += gen.GroupOfAid(prev) == gen.GroupOfAid(e.aid);
      }
      prev = e.aid;
    }
  }
  EXPECT_GT(static_cast<double>(same_group) / static_cast<double>(pairs), 0.6);
  // Repeat views are common but not dominant.
  const double repeat_share = static_cast<double>(repeats) / static_cast<double>(clicks);
  EXPECT_GT(repeat_share, 0.15);
  EXPECT_LT(repeat_share, 0.6);
}

TEST_F(GeneratorStatsTest, PopularityIsHeavyTailed) {
  absl::flat_hash_map<ItemId, uint64_t> count;
  for (const Session& s : *sessions_) {
    for (const Event& e : s.events) ++count[e.aid];
  }
  std::vector<uint64_t> c;
  for (const auto& [aid, n] : count) c.push_back(n);
  std::sort(c.rbegin(), c.rend());
  uint64_t total = 0, top = 0;
  for (size_t i = 0; i < c.size(); ++i) {
    total += c[i];
    if (i < c.size() / 100) top += c[i];
  }
  // The top 1% of items get far more than 1% of the events; the median item far fewer
  // than the mean.
  EXPECT_GT(static_cast<double>(top) / static_cast<double>(total), 0.08);
  EXPECT_LT(c[c.size() / 2] * 2, total / c.size());
}

TEST(Generator, SameSeedSameBytesWhateverThreadsAndBatches) {
  GeneratorParams a{.num_sessions = 3000, .seed = 11, .threads = 1, .batch_sessions = 100};
  GeneratorParams b = a;
  b.threads = 2;
  b.batch_sessions = 777;
  const std::string ja = AsJsonl(GenerateAll(a)), jb = AsJsonl(GenerateAll(b));
  EXPECT_EQ(ja, jb);
  GeneratorParams c = a;
  c.seed = 12;
  EXPECT_NE(ja, AsJsonl(GenerateAll(c)));
  // With the catalogue fixed (it otherwise scales with --sessions), a prefix of a longer
  // run is the shorter run: session i depends only on (seed, i).
  a.num_items = 500;
  const std::string fixed = AsJsonl(GenerateAll(a));
  GeneratorParams longer = a;
  longer.num_sessions = 3500;
  EXPECT_EQ(AsJsonl(GenerateAll(longer)).substr(0, fixed.size()), fixed);
}

TEST(Generator, GroupsCoverTheCatalogue) {
  const SessionGenerator gen(GeneratorParams{.num_sessions = 1000, .num_items = 1234});
  EXPECT_EQ(gen.num_items(), 1234u);
  absl::flat_hash_set<ItemId> aids;
  std::map<uint32_t, int> group_sizes;
  for (uint32_t i = 0; i < gen.num_items(); ++i) {
    const ItemId aid = gen.AidOf(i);
    aids.insert(aid);
    ++group_sizes[gen.GroupOfAid(aid)];
  }
  EXPECT_EQ(aids.size(), 1234u);  // a bijection onto 1..num_items
  EXPECT_EQ(*std::min_element(aids.begin(), aids.end()), 1u);
  EXPECT_EQ(group_sizes.size(), gen.num_groups());
  for (const auto& [g, n] : group_sizes) {
    EXPECT_GE(n, 20) << "group " << g;
    EXPECT_LE(n, 50 + 19) << "group " << g;  // the last group may absorb a remainder
  }
}

TEST(Generator, RejectsBadParameters) {
  auto sink = [](std::span<const Session>) { return absl::OkStatus(); };
  EXPECT_FALSE(GenerateSessions(GeneratorParams{.num_sessions = 0}, sink, nullptr).ok());
  EXPECT_FALSE(GenerateSessions(GeneratorParams{.num_items = 5}, sink, nullptr).ok());
  GeneratorParams late;
  late.start_ts = 4294967295LL - 86400;
  EXPECT_FALSE(GenerateSessions(late, sink, nullptr).ok());
}

TEST(Generator, SinkErrorStopsGeneration) {
  int calls = 0;
  Status st = GenerateSessions(
      GeneratorParams{.num_sessions = 1000, .batch_sessions = 100},
      [&](std::span<const Session>) {
        ++calls;
        return absl::DataLossError("disk full");
      },
      nullptr);
  EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(calls, 1);
}

TEST(GenerateCommand, WritesJsonlAndEventStoreDeterministically) {
  const auto dir = testing::TempDir("generate_cli");
  const std::string bin = SESSIONREC_BINARY;
  const std::string a = (dir / "a.jsonl").string(), b = (dir / "b.jsonl").string();
  const std::string store = (dir / "c.bin").string();
  ASSERT_EQ(std::system((bin + " generate --sessions 500 --seed 3 --threads 1 --output " + a +
                         " > " + (dir / "out.txt").string())
                            .c_str()),
            0);
  ASSERT_EQ(std::system((bin + " generate --sessions 500 --seed 3 --threads 2 --output " + b +
                         " > /dev/null")
                            .c_str()),
            0);
  ASSERT_EQ(
      std::system(
          (bin + " generate --sessions 500 --seed 3 --output " + store + " > /dev/null").c_str()),
      0);
  const std::string text = testing::ReadFile(a);
  EXPECT_EQ(text, testing::ReadFile(b));
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 500);
  EXPECT_THAT(testing::ReadFile(dir / "out.txt"), ::testing::HasSubstr("events per session"));

  auto st = EventStore::Open(store);
  ASSERT_TRUE(st.ok()) << st.status();
  ASSERT_EQ(st->num_sessions(), 500u);
  std::string from_store;
  for (size_t s = 0; s < st->num_sessions(); ++s)
    AppendOttoJsonlLine(st->ToSession(s), {}, &from_store);
  EXPECT_EQ(from_store, text);

  EXPECT_NE(std::system((bin + " generate --sessions 0 --output " + a + " 2> /dev/null").c_str()),
            0);
}

}  // namespace
}  // namespace sessionrec
