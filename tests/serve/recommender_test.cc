#include "serve/recommender.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <numeric>
#include <set>

#include "serve/tiny_model.h"
#include "test_util.h"

namespace sessionrec {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

constexpr EventType kC = EventType::kClick;
constexpr EventType kA = EventType::kCart;

class RecommenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = testing::TempDir("recommender") / "model";
    testing::WriteTinyModel(dir);
    auto bundle = LoadModelBundle(dir.string());
    ASSERT_TRUE(bundle.ok()) << bundle.status();
    rec_ = std::make_unique<Recommender>(*bundle);
  }
  std::array<std::vector<ItemId>, 3> PerType(const std::vector<Event>& ev, int k, bool seen) {
    return rec_->RecommendPerType(ev, k, seen);
  }
  // Clicks 20..39 at ts 1..20, then a cart of 25 at ts 21: 20 distinct aids, 21 events.
  static std::vector<Event> LongSession() {
    std::vector<Event> ev;
    for (int i = 0; i < 20; ++i) ev.push_back({static_cast<ItemId>(20 + i), i + 1, kC});
    ev.push_back({25, 21, kA});
    return ev;
  }
  std::unique_ptr<Recommender> rec_;
};

TEST_F(RecommenderTest, IncludeSeenPutsOwnAidsFirstThenCovisitThenPopular) {
  // unique (most recent first) = 11, 10. Clicks Counter: 12 (from 11 and 10) 2, 14 1, 13 1.
  // Buys Counter (carts_orders): 16 2, 17 1, 15 1. Popular fill: clicks 21, buys 19.
  auto r = PerType({{10, 1, kC}, {11, 2, kC}}, 6, true);
  EXPECT_THAT(r[0], ElementsAre(11, 10, 12, 14, 13, 21));
  EXPECT_THAT(r[1], ElementsAre(11, 10, 16, 17, 15, 19));
  EXPECT_EQ(r[2], r[1]);
}

TEST_F(RecommenderTest, DefaultExcludesOwnAids) {
  auto r = PerType({{10, 1, kC}, {11, 2, kC}}, 6, false);
  // Popular fill skips own aids (10, 11) and items already listed (12, 13, 14).
  EXPECT_THAT(r[0], ElementsAre(12, 14, 13, 21, 20, 15));
  EXPECT_THAT(r[1], ElementsAre(16, 17, 15, 19, 18, 21));
}

TEST_F(RecommenderTest, Buy2BuyJoinsTheBuysCounterAfterCartsOrders) {
  // unique_buys = 11: buy2buy adds 17, 18 after carts_orders' 16 16 17 15.
  // Counter: 16 2, 17 2, 15 1, 18 1 (insertion order 16, 17, 15, 18).
  auto r = PerType({{10, 1, kC}, {11, 2, kA}}, 5, true);
  EXPECT_THAT(r[1], ElementsAre(11, 10, 16, 17, 15));
  r = PerType({{10, 1, kC}, {11, 2, kA}}, 4, false);
  EXPECT_THAT(r[1], ElementsAre(16, 17, 15, 18));
}

TEST_F(RecommenderTest, EventsAreOrderedByTimeStably) {
  auto sorted = PerType({{10, 1, kC}, {11, 2, kC}}, 6, true);
  auto shuffled = PerType({{11, 2, kC}, {10, 1, kC}}, 6, true);
  EXPECT_EQ(sorted, shuffled);
  // Equal timestamps keep the caller's order: 11 is the later event here.
  auto tied = PerType({{10, 5, kC}, {11, 5, kC}}, 2, true);
  EXPECT_THAT(tied[0], ElementsAre(11, 10));
}

TEST_F(RecommenderTest, LongSessionRanksOwnAidsByRecencyAndTypeWeight) {
  // Clicks: w_i = 2^(0.1 + 0.9 i/20) - 1 grows with i; 25 has w_5 + 6 w_20 (its cart).
  auto r = PerType(LongSession(), 20, true);
  std::vector<ItemId> clicks = {25};
  for (ItemId a = 39; a >= 20; --a) {
    if (a != 25) clicks.push_back(a);
  }
  EXPECT_THAT(r[0], ElementsAreArray(clicks));
  // Buys: w_i = 2^(0.5 + 0.5 i/20) - 1; buy2buy of 25 adds 0.1 to 12 and 30.
  // 30 (i=10): 0.6818 + 0.1 = 0.7818 sits between 34 (0.8025) and 33 (0.7717).
  // 12 (0.1 only) is below every own aid (w_0 = 0.414): it is the 21st.
  r = PerType(LongSession(), 21, true);
  EXPECT_THAT(r[1], ElementsAre(25, 39, 38, 37, 36, 35, 34, 30, 33, 32, 31, 29, 28, 27, 26, 24, 23,
                                22, 21, 20, 12));
}

TEST_F(RecommenderTest, LongSessionWithoutSeenUsesCovisitThenPopular) {
  // No clicks rows for 20..39: popularity without the session's aids (20..39).
  auto r = PerType(LongSession(), 5, false);
  EXPECT_THAT(r[0], ElementsAre(10, 11, 12, 13, 14));
  // buy2buy(25) = 12, 30 (30 is seen): 12, then popular buys 19, 18, 10, 11.
  EXPECT_THAT(r[1], ElementsAre(12, 19, 18, 10, 11));
}

TEST_F(RecommenderTest, UnknownAidsAreIgnored) {
  auto with_unknown = PerType({{999999, 1, kC}, {10, 2, kC}, {123456789012ull, 3, kA}}, 8, true);
  auto without = PerType({{10, 2, kC}}, 8, true);
  EXPECT_EQ(with_unknown, without);
  for (const auto& list : with_unknown) {
    EXPECT_EQ(std::count(list.begin(), list.end(), 999999u), 0);
  }
}

TEST_F(RecommenderTest, ColdStartIsPopularity) {
  auto empty = PerType({}, 3, false);
  EXPECT_THAT(empty[0], ElementsAre(21, 20, 10));
  EXPECT_THAT(empty[1], ElementsAre(19, 18, 21));
  EXPECT_EQ(PerType({{999999, 1, kC}}, 3, false), empty);
  EXPECT_EQ(PerType({{999999, 1, kC}}, 3, true), empty);
}

TEST_F(RecommenderTest, TopKLargerThanCatalogueReturnsEveryEligibleItemOnce) {
  auto r = PerType({{10, 1, kC}, {11, 2, kC}}, 100, false);
  for (const auto& list : r) {
    EXPECT_EQ(list.size(), 28u);
    EXPECT_EQ(std::set<ItemId>(list.begin(), list.end()).size(), 28u);
    EXPECT_EQ(std::count(list.begin(), list.end(), 10u), 0);
  }
  r = PerType({{10, 1, kC}, {11, 2, kC}}, 100, true);
  EXPECT_EQ(r[0].size(), 30u);
  EXPECT_EQ(PerType({{10, 1, kC}}, 0, true)[0].size(), 0u);
}

TEST_F(RecommenderTest, RecommendScoresAreInUnitRangeAndCombineLinearly) {
  RecommendOptions opts;
  opts.top_k = 10;
  opts.weights.w = {0.2, 0.3, 0.5};
  for (bool seen : {false, true}) {
    opts.include_seen = seen;
    for (const auto& ev :
         {std::vector<Event>{{10, 1, kC}, {11, 2, kA}}, LongSession(), std::vector<Event>{}}) {
      Recommendations r = rec_->Recommend(ev, opts);
      ASSERT_EQ(r.items.size(), 10u);
      EXPECT_EQ(std::set<ItemId>(r.items.begin(), r.items.end()).size(), 10u);
      for (size_t i = 0; i < r.items.size(); ++i) {
        double combined = 0;
        for (int t = 0; t < 3; ++t) {
          ASSERT_EQ(r.scores[t].size(), r.items.size());
          EXPECT_GE(r.scores[t][i], 0.0f);
          EXPECT_LE(r.scores[t][i], 1.0f);
          combined += opts.weights.w[t] * r.scores[t][i];
        }
        EXPECT_NEAR(r.combined[i], combined, 1e-6);
        if (i > 0) {
          EXPECT_GE(r.combined[i - 1], r.combined[i]);
        }
      }
    }
  }
}

TEST_F(RecommenderTest, RecommendDocumentedScores) {
  RecommendOptions opts;
  opts.top_k = 4;
  opts.weights.w = {1.0, 0.0, 0.0};
  // Clicks Counter 12:2, 14:1, 13:1 with no tier 1: 12 -> 1, 14 and 13 -> 0.01 + 0.99/2.
  Recommendations r = rec_->Recommend(std::vector<Event>{{10, 1, kC}, {11, 2, kC}}, opts);
  ASSERT_EQ(r.items.size(), 4u);
  EXPECT_EQ(r.items[0], 12u);
  EXPECT_FLOAT_EQ(r.scores[0][0], 1.0f);
  EXPECT_EQ(std::set<ItemId>(r.items.begin() + 1, r.items.begin() + 3), (std::set<ItemId>{13, 14}));
  EXPECT_FLOAT_EQ(r.scores[0][1], 0.505f);
  // Then the most popular click, 21, at rank 0 of 30: 0.01 * 30/30.
  EXPECT_EQ(r.items[3], 21u);
  EXPECT_FLOAT_EQ(r.scores[0][3], 0.01f);
  // With include_seen the own aids lead: 11 (most recent) 1.0, 10 0.75; candidates <= 0.5.
  opts.include_seen = true;
  r = rec_->Recommend(std::vector<Event>{{10, 1, kC}, {11, 2, kC}}, opts);
  // 13 and 14 tie on clicks (0.255); 13 is the more popular buy (rank 7 vs 8), so a higher sum.
  EXPECT_THAT(r.items, ElementsAre(11, 10, 12, 13));
  EXPECT_FLOAT_EQ(r.scores[0][1], 0.75f);
  EXPECT_FLOAT_EQ(r.scores[0][2], 0.5f);
}

TEST_F(RecommenderTest, RecommendTopKIsThePrefixOfTheFullRanking) {
  // The popularity walk stops early; its answer must equal the exhaustive ranking's prefix.
  for (bool seen : {false, true}) {
    for (auto w : {std::array<double, 3>{0.1, 0.3, 0.6}, std::array<double, 3>{1, 0, 0},
                   std::array<double, 3>{0, 0, 1}, std::array<double, 3>{0, 0, 0}}) {
      for (const auto& ev :
           {std::vector<Event>{{10, 1, kC}, {11, 2, kA}}, LongSession(), std::vector<Event>{}}) {
        RecommendOptions opts;
        opts.include_seen = seen;
        opts.weights.w = w;
        opts.top_k = 1000;
        Recommendations all = rec_->Recommend(ev, opts);
        for (int k : {1, 3, 7, 15}) {
          opts.top_k = k;
          Recommendations r = rec_->Recommend(ev, opts);
          ASSERT_EQ(r.items.size(), std::min<size_t>(k, all.items.size()));
          EXPECT_TRUE(std::equal(r.items.begin(), r.items.end(), all.items.begin()))
              << "k=" << k << " seen=" << seen;
        }
      }
    }
  }
}

TEST_F(RecommenderTest, RecommendNeverReturnsSeenOrUnknownItemsByDefault) {
  RecommendOptions opts;
  opts.top_k = 1000;
  Recommendations r = rec_->Recommend(std::vector<Event>{{10, 1, kC}, {42424242, 2, kC}}, opts);
  EXPECT_EQ(r.items.size(), 29u);
  EXPECT_EQ(std::count(r.items.begin(), r.items.end(), 10u), 0);
  EXPECT_EQ(std::count(r.items.begin(), r.items.end(), 42424242u), 0);
}

}  // namespace
}  // namespace sessionrec
