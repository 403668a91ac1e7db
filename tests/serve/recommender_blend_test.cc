// The Recommender's blend scorer on the tiny model with one co-visitation variant
// (tests/serve/tiny_model.h); expected lists computed by hand below.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "serve/recommender.h"
#include "serve/tiny_model.h"
#include "test_util.h"

namespace sessionrec {
namespace {

using ::testing::ElementsAre;

constexpr EventType kC = EventType::kClick;
constexpr EventType kA = EventType::kCart;

// Hand computation for the session {10 click ts 1, 11 click ts 2}, own items excluded.
// Event weights (candidates/session_weights.h): 11 -> 1, 10 -> 2^(-1/5) = 0.8706.
// Sources and normalised scores (score / the source's best):
//   covisit_clicks (10 -> 11 12 13 weights 3 2 1; 11 -> 12 14 weights 2 1):
//     12: 1 + 0.8706*2/3 = 1.5804 -> 1;  14: 0.5 -> 0.316;  13: 0.290 -> 0.184
//   covisit_carts_orders (10 -> 15 16; 11 -> 16 17): 16 1.4353 -> 1, 15 -> 0.607, 17 -> 0.348
//   covisit_buy2buy (11 -> 17 18): 17 -> 1, 18 -> 0.5
//   covisit_forward (11 -> 20 12): 20 -> 1, 12 -> 0.5
//   pop_all = pop_recent (counts 21: 4, 20: 3, 19: 3, 18: 2, others 1; max 4),
//   pop_clicks (21: 4, 20: 3, others 1), pop_carts (18), pop_orders (19).
// Serving weights (all types): session 3, clicks 1, carts_orders 1, buy2buy 0.3, forward 1,
// pop_all 0.02, pop_recent 0.05, pop_clicks/carts/orders 0.02 each; Σ = 6.43.
// Blend: 12 1 + 0.5 + 0.25*0.09 = 1.5225; 20 1 + 0.75*0.09 = 1.0675; 16 1.0225;
//   17 0.348 + 0.3 + 0.0225 = 0.671; 15 0.629; 14 0.339; 18 0.15 + 0.06 = 0.21;
//   13 0.206; 21 0.09; 19 0.0775; every other item 0.0225 (item index order).
class RecommenderBlendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto root = testing::TempDir("recommender_blend");
    testing::WriteTinyModel(root / "blend", /*with_variant=*/true);
    testing::WriteTinyModel(root / "rules");
    auto blend = LoadModelBundle((root / "blend").string());
    ASSERT_TRUE(blend.ok()) << blend.status();
    auto rules = LoadModelBundle((root / "rules").string());
    ASSERT_TRUE(rules.ok()) << rules.status();
    blend_bundle_ = *blend;
    rules_bundle_ = *rules;
    rec_ = std::make_unique<Recommender>(blend_bundle_);
  }
  static std::vector<Event> Session() { return {{10, 1, kC}, {11, 2, kC}}; }
  std::shared_ptr<const ModelBundle> blend_bundle_, rules_bundle_;
  std::unique_ptr<Recommender> rec_;
};

TEST_F(RecommenderBlendTest, ScorerChoiceAndFallbackToRules) {
  EXPECT_TRUE(rec_->uses_blend());
  EXPECT_TRUE(Recommender(blend_bundle_, RecommenderScorer::kBlend).uses_blend());
  const Recommender forced_rules(blend_bundle_, RecommenderScorer::kRules);
  EXPECT_FALSE(forced_rules.uses_blend());
  // A model without variants (an older model directory) loads and serves the rules.
  EXPECT_EQ(rules_bundle_->blend(), nullptr);
  const Recommender old(rules_bundle_, RecommenderScorer::kBlend);
  EXPECT_FALSE(old.uses_blend());
  EXPECT_EQ(old.RecommendPerType(Session(), 6, false),
            forced_rules.RecommendPerType(Session(), 6, false));
  EXPECT_THAT(old.RecommendPerType(Session(), 6, false)[0], ElementsAre(12, 14, 13, 21, 20, 15));

  EXPECT_EQ(ParseRecommenderScorer("blend"), RecommenderScorer::kBlend);
  EXPECT_EQ(ParseRecommenderScorer("rules"), RecommenderScorer::kRules);
  EXPECT_EQ(ParseRecommenderScorer("auto"), RecommenderScorer::kAuto);
  EXPECT_EQ(ParseRecommenderScorer("ranker?"), std::nullopt);
}

TEST_F(RecommenderBlendTest, BundleBuildsTheBlendFromEveryAvailableSource) {
  const Merger* m = blend_bundle_->blend();
  ASSERT_NE(m, nullptr);
  std::vector<std::string> names;
  for (size_t i = 0; i < m->num_sources(); ++i) names.emplace_back(m->source(i).name());
  EXPECT_THAT(names, ElementsAre("session", "covisit_clicks", "covisit_carts_orders",
                                 "covisit_buy2buy", "covisit_forward", "pop_all", "pop_recent",
                                 "pop_clicks", "pop_carts", "pop_orders"));
  for (EventType t : kAllEventTypes) {
    const auto w = blend_bundle_->blend_weights(t);
    ASSERT_EQ(w.size(), names.size());
    for (size_t i = 0; i < w.size(); ++i) {
      EXPECT_EQ(w[i], ServingBlendWeights(names[i])[static_cast<int>(t)]);
    }
  }
}

TEST_F(RecommenderBlendTest, HandCheckedPerTypeLists) {
  const auto r = rec_->RecommendPerType(Session(), 12, false);
  for (const auto& list : r) {
    EXPECT_THAT(list, ElementsAre(12, 20, 16, 17, 15, 14, 18, 13, 21, 19, 22, 23));
  }
  // With the session's items: session source 3 * (11: 1, 10: 0.87) leads; covisit_clicks
  // then also finds 11 (from 10), which does not change the order of the top five.
  const auto seen = rec_->RecommendPerType(Session(), 5, true);
  EXPECT_THAT(seen[0], ElementsAre(11, 10, 12, 20, 16));
}

TEST_F(RecommenderBlendTest, HandCheckedScores) {
  RecommendOptions opts;
  opts.top_k = 3;
  opts.weights.w = {1.0, 0.0, 0.0};
  const Recommendations r = rec_->Recommend(Session(), opts);
  ASSERT_THAT(r.items, ElementsAre(12, 20, 16));
  // eps + (1 - eps) * blend / Σ weights, eps = 0.01.
  EXPECT_NEAR(r.scores[0][0], 0.01 + 0.99 * 1.5225 / 6.43, 1e-5);
  EXPECT_NEAR(r.scores[0][1], 0.01 + 0.99 * 1.0675 / 6.43, 1e-5);
  EXPECT_NEAR(r.scores[0][2], 0.01 + 0.99 * 1.0225 / 6.43, 1e-5);
}

TEST_F(RecommenderBlendTest, RecommendIsConsistentAndCompleteLikeTheRules) {
  for (bool seen : {false, true}) {
    for (const auto& ev :
         {Session(), std::vector<Event>{{25, 1, kA}, {999999, 2, kC}}, std::vector<Event>{}}) {
      RecommendOptions opts;
      opts.include_seen = seen;
      opts.weights.w = {0.2, 0.3, 0.5};
      opts.top_k = 1000;
      const Recommendations all = rec_->Recommend(ev, opts);
      std::set<ItemId> own;
      for (const Event& e : ev) {
        if (e.aid < 40) own.insert(e.aid);
      }
      const size_t eligible = seen ? 30 : 30 - own.size();
      ASSERT_EQ(all.items.size(), eligible);
      EXPECT_EQ(std::set<ItemId>(all.items.begin(), all.items.end()).size(), eligible);
      for (size_t i = 0; i < all.items.size(); ++i) {
        if (!seen) {
          EXPECT_EQ(own.count(all.items[i]), 0u);
        }
        double combined = 0;
        for (int t = 0; t < 3; ++t) {
          EXPECT_GT(all.scores[t][i], 0.0f);
          EXPECT_LE(all.scores[t][i], 1.0f);
          combined += opts.weights.w[t] * all.scores[t][i];
        }
        EXPECT_NEAR(all.combined[i], combined, 1e-6);
        if (i > 0) {
          EXPECT_GE(all.combined[i - 1], all.combined[i]);
        }
      }
      for (int k : {1, 4, 9}) {
        opts.top_k = k;
        const Recommendations r = rec_->Recommend(ev, opts);
        ASSERT_EQ(r.items.size(), static_cast<size_t>(k));
        EXPECT_TRUE(std::equal(r.items.begin(), r.items.end(), all.items.begin())) << k;
      }
      // Per type, the list is the top of that type's score.
      const auto per_type = rec_->RecommendPerType(ev, 5, seen);
      opts.top_k = 5;
      opts.weights.w = {0.0, 0.0, 1.0};
      const Recommendations orders = rec_->Recommend(ev, opts);
      EXPECT_EQ(per_type[2], orders.items);
    }
  }
}

}  // namespace
}  // namespace sessionrec
