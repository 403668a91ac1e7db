// The rankers' held-out validation against the blend order, the blend-rank prior, and the
// recall they are judged by (rank/ranker_trainer.h, rank/ranker_set.h).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "rank/ranker_set.h"
#include "rank/ranker_trainer.h"
#include "test_util.h"

namespace sessionrec {
namespace {

TEST(CandidateRecall, CountsHitsInTheTopKOverMinOfKAndPositives) {
  CandidateRecall acc;
  // Order: row 0 (0.9), row 2 (0.5, ties go to the lower row), row 3, row 1.
  AddQueryRecall(std::vector<float>{0.9f, 0.1f, 0.5f, 0.5f}, std::vector<float>{0, 1, 1, 0}, 2,
                 acc);
  EXPECT_EQ(acc.hits, 1.0);    // row 2
  EXPECT_EQ(acc.labels, 2.0);  // min(2, 2 positives)
  // A query without positives adds nothing.
  AddQueryRecall(std::vector<float>{1, 2}, std::vector<float>{0, 0}, 2, acc);
  EXPECT_EQ(acc.labels, 2.0);
  // Two positives, k = 1: the denominator is min(1, 2).
  AddQueryRecall(std::vector<float>{1, 2}, std::vector<float>{1, 1}, 1, acc);
  EXPECT_EQ(acc.hits, 2.0);
  EXPECT_EQ(acc.labels, 3.0);
  EXPECT_DOUBLE_EQ(acc.recall(), 2.0 / 3.0);
}

TEST(RankPrior, MarginIsALogLinearFunctionOfTheRank) {
  const RankPrior none;
  const float row[2] = {5.0f, 3.0f};
  EXPECT_EQ(none.Margin(row), 0.0f);
  const RankPrior p{1, -2.0, 0.5};
  EXPECT_FLOAT_EQ(p.Margin(row), static_cast<float>(-2.0 * std::log(3.0) + 0.5));
  const float first[2] = {0.0f, 1.0f}, missing[2] = {0.0f, NAN}, zero[2] = {0.0f, 0.0f};
  EXPECT_FLOAT_EQ(p.Margin(first), 0.5f);  // log 1 = 0
  EXPECT_FLOAT_EQ(p.Margin(missing), 0.5f);
  EXPECT_FLOAT_EQ(p.Margin(zero), 0.5f);
}

TEST(RankPrior, FitPrefersTheBetterRanksWhenTheyHoldThePositives) {
  // Column 1 is the rank 1..8; rank 1 is positive in 3 of 4 queries, rank 2 in 1 of 4.
  std::vector<float> rows, labels;
  for (int q = 0; q < 4; ++q) {
    for (int r = 1; r <= 8; ++r) {
      rows.insert(rows.end(), {0.0f, static_cast<float>(r)});
      labels.push_back((r == 1 && q < 3) || (r == 2 && q == 3) ? 1.0f : 0.0f);
    }
  }
  const RankPrior p = RankPrior::Fit(1, rows, 2, labels);
  EXPECT_EQ(p.column, 1);
  EXPECT_LT(p.a, 0.0);
  const float r1[2] = {0, 1}, r2[2] = {0, 2}, r8[2] = {0, 8};
  EXPECT_GT(p.Margin(r1), p.Margin(r2));
  EXPECT_GT(p.Margin(r2), p.Margin(r8));
  EXPECT_EQ(RankPrior::Fit(-1, rows, 2, labels).column, -1);
}

TEST(RankPrior, StaysFiniteWhenTheBlendPutsEveryPositiveFirst) {
  // Separable: every positive at rank 1. Without the ridge the slope runs to -infinity.
  std::vector<float> rows, labels;
  for (int q = 0; q < 50; ++q) {
    for (int r = 1; r <= 10; ++r) {
      rows.insert(rows.end(), {static_cast<float>(r)});
      labels.push_back(r == 1 ? 1.0f : 0.0f);
    }
  }
  const RankPrior p = RankPrior::Fit(0, rows, 1, labels);
  EXPECT_LT(p.a, -1.0);
  EXPECT_GT(p.a, -50.0);
  EXPECT_LT(std::fabs(p.b), 50.0);
  const float r1[1] = {1}, r2[1] = {2};
  EXPECT_GT(p.Margin(r1), p.Margin(r2));
}

constexpr size_t kFeatures = 3;

// 200 queries of 30 candidates: column 2 is the blend rank (1..30). With `signal` the label
// of every type is "column 0 > 0.93" (a feature the blend ignores); without, it is
// "rank <= 2" (the blend is perfect). Every 4th query is held out.
RankerDataset Dataset(bool signal) {
  RankerDataset d;
  d.num_features = kFeatures;
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  for (int q = 0; q < 200; ++q) {
    std::vector<float> rows, labels;
    for (int r = 0; r < 30; ++r) {
      const float x = u(rng);
      rows.insert(rows.end(), {x, u(rng), static_cast<float>(r + 1)});
      labels.push_back(signal ? (x > 0.93f ? 1.0f : 0.0f) : (r < 2 ? 1.0f : 0.0f));
    }
    d.AddQuery(rows, 30, {labels, labels, labels}, /*held_out=*/q % 4 == 3);
  }
  return d;
}

StatusOr<RankerTrainResult> TrainOn(const RankerDataset& d) {
  RankerTrainParams p;
  p.booster.num_rounds = 30;
  p.booster.max_depth = 3;
  p.booster.threads = 1;
  p.baseline_rank_column = 2;
  return TrainRankers(d, FeatureSchema{{"x", "noise", "cand_blend_rank"}}, {"session"}, {"clicks"},
                      30, p, nlohmann::json::object());
}

TEST(RankerValidation, RankersThatBeatTheBlendAreServedAndPersisted) {
  StatusOr<RankerTrainResult> r = TrainOn(Dataset(/*signal=*/true));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->validated);
  EXPECT_TRUE(r->preferred);
  EXPECT_GT(r->validation_rankers, r->validation_baseline + 0.2);
  const RankerValidation& v = r->stats[0].validation;
  EXPECT_GT(v.rankers.labels, 0.0);
  EXPECT_EQ(v.rankers.labels, v.baseline.labels);  // same held-out queries and labels
  EXPECT_GT(v.fit.labels, v.rankers.labels);       // 3/4 of the queries are fitted
  EXPECT_TRUE(r->rankers->preferred());
  EXPECT_EQ(r->rankers->model(0).prior.column, 2);

  const auto dir = testing::TempDir("ranker_validation");
  ASSERT_TRUE(r->rankers->Save(dir.string()).ok());
  StatusOr<std::unique_ptr<RankerSet>> loaded = RankerSet::Load(dir.string());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_TRUE((*loaded)->preferred());
  EXPECT_EQ((*loaded)->training()["validation"]["serve"], "rankers");
  // The prior is part of the served margin: a round trip gives identical scores.
  const RankerDataset d = Dataset(true);
  std::array<std::vector<float>, kNumEventTypes> a, b, ma, mb;
  std::vector<float> margin;
  r->rankers->Score(d.rows, d.num_rows(), a, margin, &ma);
  (*loaded)->Score(d.rows, d.num_rows(), b, margin, &mb);
  for (int t = 0; t < kNumEventTypes; ++t) {
    EXPECT_EQ((*loaded)->model(t).prior.column, 2);
    EXPECT_EQ(r->rankers->model(t).prior.a, (*loaded)->model(t).prior.a);
    ASSERT_EQ(a[t], b[t]);
    ASSERT_EQ(ma[t], mb[t]);
    // The scores are the calibrated margins.
    for (size_t i = 0; i < 5; ++i) {
      EXPECT_FLOAT_EQ(a[t][i], (*loaded)->model(t).calibration.Apply(ma[t][i]));
    }
  }
}

TEST(RankerValidation, RankersThatOnlyTieThePerfectBlendLeaveItToTheBlend) {
  StatusOr<RankerTrainResult> r = TrainOn(Dataset(/*signal=*/false));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->validated);
  EXPECT_DOUBLE_EQ(r->validation_baseline, 1.0);  // the positives are ranks 1 and 2
  EXPECT_FALSE(r->preferred);
  EXPECT_FALSE(r->rankers->preferred());
  EXPECT_EQ(r->rankers->training()["validation"]["serve"], "blend");
}

TEST(RankerValidation, NoHeldOutQueriesMeansNoValidation) {
  RankerDataset d = Dataset(true);
  std::fill(d.holdout.begin(), d.holdout.end(), 0);
  StatusOr<RankerTrainResult> r = TrainOn(d);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->validated);
  EXPECT_TRUE(r->rankers->preferred());
  EXPECT_FALSE(r->rankers->training().contains("validation"));
}

TEST(RankerValidation, OrdersMayLearnFromCarts) {
  // Orders only in the held-out queries: no order to fit without the carts.
  RankerDataset d;
  d.num_features = kFeatures;
  for (int q = 0; q < 8; ++q) {
    std::vector<float> rows, clicks, carts, orders;
    for (int r = 0; r < 4; ++r) {
      rows.insert(rows.end(), {static_cast<float>(r == q % 4), 0.0f, static_cast<float>(r + 1)});
      clicks.push_back(r == q % 4 ? 1.0f : 0.0f);
      carts.push_back(r == q % 4 ? 1.0f : 0.0f);
      orders.push_back(r == q % 4 && q == 7 ? 1.0f : 0.0f);
    }
    d.AddQuery(rows, 4, {clicks, carts, orders}, q == 7);
  }
  RankerTrainParams p;
  p.booster.num_rounds = 5;
  p.booster.threads = 1;
  p.booster.min_child_weight = 0;
  p.baseline_rank_column = 2;
  const FeatureSchema schema{{"x", "noise", "cand_blend_rank"}};
  StatusOr<RankerTrainResult> alone = TrainRankers(d, schema, {}, {}, 4, p, {});
  ASSERT_TRUE(alone.ok()) << alone.status();
  EXPECT_EQ(alone->stats[2].positives, 1u);
  p.orders_from_carts = true;
  StatusOr<RankerTrainResult> pooled = TrainRankers(d, schema, {}, {}, 4, p, {});
  ASSERT_TRUE(pooled.ok()) << pooled.status();
  EXPECT_EQ(pooled->stats[2].positives, 8u);  // every cart trains the orders ranker
  // Validation still counts the real order labels: one, in query 7.
  EXPECT_EQ(pooled->stats[2].validation.rankers.labels, 1.0);
  EXPECT_EQ(pooled->stats[2].validation.fit.labels, 0.0);
}

}  // namespace
}  // namespace sessionrec
