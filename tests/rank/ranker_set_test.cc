// Ranker training, calibration and the model round trip (save -> load gives identical
// scores; the compact tree layout agrees with XGBoost's own predict).
#include "rank/ranker_set.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "rank/ranker_trainer.h"
#include "test_util.h"

namespace sessionrec {
namespace {

constexpr size_t kFeatures = 4;

// 120 queries of 8 candidates; type t is positive where feature t is the row's largest of
// the first three (plus noise in feature 3).
RankerDataset Synthetic() {
  RankerDataset d;
  d.num_features = kFeatures;
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  for (int q = 0; q < 120; ++q) {
    std::vector<float> rows;
    std::array<std::vector<float>, kNumEventTypes> labels;
    for (int r = 0; r < 8; ++r) {
      float x[kFeatures];
      for (float& v : x) v = u(rng);
      if (r == 3) x[1] = NAN;  // missing values take the default direction
      rows.insert(rows.end(), x, x + kFeatures);
      for (int t = 0; t < kNumEventTypes; ++t) labels[t].push_back(x[t] > 0.8f ? 1.0f : 0.0f);
    }
    d.AddQuery(rows, 8, {labels[0], labels[1], labels[2]});
  }
  return d;
}

FeatureSchema Schema() { return {{"a", "b", "c", "d"}}; }

std::unique_ptr<RankerSet> Train(const std::string& objective) {
  RankerTrainParams p;
  p.booster.objective = objective;
  p.booster.num_rounds = 20;
  p.booster.threads = 1;
  StatusOr<RankerTrainResult> r =
      TrainRankers(Synthetic(), Schema(), {"session"}, {"clicks"}, 8, p, nlohmann::json::object());
  if (!r.ok()) ADD_FAILURE() << r.status();
  SR_CHECK(r.ok());
  return std::move(r->rankers);
}

TEST(RankerSet, SaveLoadGivesIdenticalScores) {
  for (const char* objective : {"binary:logistic", "rank:pairwise"}) {
    SCOPED_TRACE(objective);
    const std::unique_ptr<RankerSet> trained = Train(objective);
    const auto dir = testing::TempDir("ranker_set");
    ASSERT_TRUE(trained->Save(dir.string()).ok());
    EXPECT_TRUE(RankerSet::Present(dir.string()));
    StatusOr<std::unique_ptr<RankerSet>> loaded = RankerSet::Load(dir.string());
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    EXPECT_EQ((*loaded)->schema().names, Schema().names);
    EXPECT_EQ((*loaded)->objective(), objective);
    EXPECT_EQ((*loaded)->candidates(), 8u);

    const RankerDataset d = Synthetic();
    const size_t n = d.num_rows();
    std::array<std::vector<float>, kNumEventTypes> a, b;
    std::vector<float> margin;
    trained->Score(d.rows, n, a, margin);
    (*loaded)->Score(d.rows, n, b, margin);
    for (int t = 0; t < kNumEventTypes; ++t) {
      ASSERT_EQ(a[t].size(), n);
      for (size_t r = 0; r < n; ++r) {
        ASSERT_EQ(a[t][r], b[t][r]) << "type " << t << " row " << r;
        ASSERT_GE(a[t][r], 0.0f);
        ASSERT_LE(a[t][r], 1.0f);
      }
      // The compact layout the server walks (the perfect layout) gives XGBoost's own
      // in-place predict margins to the bit.
      const TreeEnsemble& trees = *(*loaded)->model(t).trees;
      EXPECT_TRUE(trees.has_perfect_layout());
      std::vector<float> xgb, ours(n);
      ASSERT_TRUE((*loaded)->model(t).booster.PredictDense(d.rows, kFeatures, true, xgb).ok());
      ASSERT_TRUE(trees.PredictMargin(d.rows, n, kFeatures, ours).ok());
      ASSERT_EQ(xgb.size(), n);
      for (size_t r = 0; r < n; ++r) ASSERT_EQ(xgb[r], ours[r]) << r;
    }
  }
}

TEST(RankerSet, LearnsTheSignalAndWritesImportance) {
  const std::unique_ptr<RankerSet> set = Train("binary:logistic");
  StatusOr<nlohmann::json> imp = set->FeatureImportance();
  ASSERT_TRUE(imp.ok());
  // Each type's most important feature is its own signal column.
  EXPECT_EQ((*imp)["clicks"][0]["feature"], "a");
  EXPECT_EQ((*imp)["carts"][0]["feature"], "b");
  EXPECT_EQ((*imp)["orders"][0]["feature"], "c");
  const auto dir = testing::TempDir("ranker_importance");
  ASSERT_TRUE(set->Save(dir.string()).ok());
  const nlohmann::json file =
      nlohmann::json::parse(testing::ReadFile(dir / kFeatureImportanceFile));
  EXPECT_EQ(file["orders"].size(), kFeatures);
  EXPECT_GT(file["orders"][0]["gain"].get<double>(), 0.0);
}

TEST(RankerSet, LoadRejectsMismatchedSchema) {
  const std::unique_ptr<RankerSet> set = Train("binary:logistic");
  const auto dir = testing::TempDir("ranker_mismatch");
  ASSERT_TRUE(set->Save(dir.string()).ok());
  const FeatureSchema three{{"a", "b", "c"}};
  ASSERT_TRUE(three.Save(dir.string()).ok());
  StatusOr<std::unique_ptr<RankerSet>> loaded = RankerSet::Load(dir.string());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("feature_schema.json"), std::string::npos)
      << loaded.status();
  std::filesystem::remove(dir / "rankers" / "orders.json");
  EXPECT_FALSE(RankerSet::Load(dir.string()).ok());
}

TEST(PlattCalibration, RecoversAKnownSigmoid) {
  // Labels drawn from p = sigmoid(2 m - 1).
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::vector<float> m, y;
  for (int i = 0; i < 20000; ++i) {
    const float x = 4.0f * u(rng) - 2.0f;
    m.push_back(x);
    y.push_back(u(rng) < 1.0 / (1.0 + std::exp(-(2.0 * x - 1.0))) ? 1.0f : 0.0f);
  }
  const PlattCalibration c = PlattCalibration::Fit(m, y, {});
  EXPECT_NEAR(c.a, 2.0, 0.15);
  EXPECT_NEAR(c.b, -1.0, 0.1);
  EXPECT_NEAR(c.Apply(0.5f), 0.5f, 0.03f);
}

TEST(PlattCalibration, SeparableLabelsGiveAFiniteIncreasingFit) {
  // Every positive above every negative: the loss keeps falling as a grows, so the fit must
  // stop at a finite a > 0, not diverge or fall back to the identity.
  std::vector<float> m, y;
  for (int i = 0; i < 200; ++i) {
    m.push_back(i < 20 ? 1.0f + 0.01f * i : -1.0f - 0.01f * i);
    y.push_back(i < 20 ? 1.0f : 0.0f);
  }
  const PlattCalibration c = PlattCalibration::Fit(m, y, {});
  EXPECT_TRUE(std::isfinite(c.a) && std::isfinite(c.b));
  EXPECT_GT(c.a, 2.0);
  EXPECT_GT(c.Apply(1.0f), 0.99f);
  EXPECT_LT(c.Apply(-1.0f), 0.01f);
  // A ridge keeps it moderate.
  const PlattCalibration r = PlattCalibration::Fit(m, y, {}, 1.0);
  EXPECT_GT(r.a, 0.5);
  EXPECT_LT(r.a, c.a);
}

TEST(RankerTrainer, RejectsBadInput) {
  RankerTrainParams p;
  EXPECT_FALSE(TrainRankers(RankerDataset{}, Schema(), {}, {}, 8, p, {}).ok());
  p.neg_rate = 0;
  EXPECT_FALSE(TrainRankers(Synthetic(), Schema(), {}, {}, 8, p, {}).ok());
  p.neg_rate = 1;
  EXPECT_FALSE(TrainRankers(Synthetic(), FeatureSchema{{"a"}}, {}, {}, 8, p, {}).ok());
}

}  // namespace
}  // namespace sessionrec
