// The evaluation pipeline trains the model `sessionrec train` builds (embeddings included,
// unless only_covisit), and the served Merger orders the rankers' pool by the carts blend.
#include "pipeline/evaluation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "serve/model_bundle.h"
#include "test_util.h"

namespace sessionrec {
namespace {

// 240 sessions over two days: items 10..39 in overlapping runs of four clicks, every fifth
// session carting its last item, so the split keeps test sessions whose items training knows.
EventStore Log() {
  EventStoreBuilder b;
  Timestamp t = 1'660'000'000;
  for (SessionId id = 0; id < 240; ++id) {
    std::vector<Event> ev;
    for (ItemId k = 0; k < 4; ++k) {
      ev.push_back({10 + (id + k) % 30, t += 60, EventType::kClick});
    }
    if (id % 5 == 0) ev.push_back({ev.back().aid, t += 60, EventType::kCart});
    SR_CHECK(b.AddSession(id, ev).ok());
    t += 420;  // sessions every ~12 minutes
  }
  return b.Finish();
}

EvaluationParams Params() {
  EvaluationParams p;
  p.days = 0.25;
  p.seeds = 1;
  p.threads = 1;
  p.train.rankers.enabled = false;
  p.scorer = RecommenderScorer::kBlend;
  return p;
}

TEST(Evaluation, TrainsTheEmbeddingStageUnlessOnlyCovisit) {
  const EventStore log = Log();
  auto with = RunEvaluation(log, "log", Params());
  ASSERT_TRUE(with.ok()) << with.status();
  ASSERT_EQ(with->runs.size(), 1u);
  EXPECT_GT(with->runs[0].embedding_items, 0u);

  EvaluationParams p = Params();
  p.train.only_covisit = true;
  auto without = RunEvaluation(log, "log", p);
  ASSERT_TRUE(without.ok()) << without.status();
  EXPECT_EQ(without->runs[0].embedding_items, 0u);

  const auto j = nlohmann::json::parse(EvaluationJson(*with));
  EXPECT_EQ(j["embedding_items"][0].get<uint64_t>(), with->runs[0].embedding_items);
  EXPECT_EQ(nlohmann::json::parse(EvaluationJson(*without))["embedding_items"][0], 0);
}

// Several scorers over one model per seed (the side-by-side table) give exactly what each
// scorer's own run gives: the rules and the blend do not depend on the rankers trained
// beside them.
TEST(Evaluation, SharedModelScoresEqualSeparateRuns) {
  const EventStore log = Log();
  EvaluationParams shared = Params();
  shared.seeds = 2;
  shared.train.rankers.enabled = true;
  shared.train.rankers.label_days = shared.days;
  const RecommenderScorer scorers[] = {RecommenderScorer::kRules, RecommenderScorer::kBlend};
  auto both = RunEvaluations(log, "log", shared, scorers);
  ASSERT_TRUE(both.ok()) << both.status();
  ASSERT_EQ(both->size(), 2u);
  for (size_t s = 0; s < 2; ++s) {
    EvaluationParams alone = Params();
    alone.seeds = 2;
    alone.scorer = scorers[s];
    auto one = RunEvaluation(log, "log", alone);
    ASSERT_TRUE(one.ok()) << one.status();
    EXPECT_EQ((*both)[s].params.scorer, scorers[s]);
    ASSERT_EQ((*both)[s].runs.size(), one->runs.size());
    for (size_t i = 0; i < one->runs.size(); ++i) {
      for (int pr = 0; pr < kNumProtocols; ++pr) {
        const RecallScores& a = (*both)[s].runs[i].scores[pr];
        const RecallScores& b = one->runs[i].scores[pr];
        EXPECT_EQ(a.total, b.total) << s << " " << i << " " << pr;
        for (int t = 0; t < kNumEventTypes; ++t) {
          EXPECT_EQ(a.by_type[t].recall, b.by_type[t].recall);
          EXPECT_EQ(a.by_type[t].labels, b.by_type[t].labels);
        }
      }
    }
  }
  // Not vacuous: the new-items protocol is neither empty nor perfect here.
  const double fresh = (*both)[1].runs[0].scores[kNewItemsNewLabels].total;
  EXPECT_GT(fresh, 0.0);
  EXPECT_LT(fresh, 1.0);
  EXPECT_FALSE(RunEvaluations(log, "log", shared, {}).ok());
}

TEST(Evaluation, ServedPoolFollowsTheCartsBlend) {
  const auto dir = testing::TempDir("evaluation_pool") / "model";
  TrainParams p;
  p.threads = 1;
  p.rankers.enabled = false;
  ASSERT_TRUE(TrainModel(Log(), p, dir.string()).ok());
  auto bundle = LoadModelBundle(dir.string());
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  const Merger* merger = (*bundle)->blend();
  ASSERT_NE(merger, nullptr);
  const auto clicks = (*bundle)->blend_weights(EventType::kClick);
  const auto carts = (*bundle)->blend_weights(EventType::kCart);
  ASSERT_EQ(carts.size(), merger->num_sources());
  bool embedding_source = false, weights_differ = false;
  for (size_t i = 0; i < merger->num_sources(); ++i) {
    EXPECT_EQ(merger->weight(i), carts[i]) << merger->source(i).name();
    if (merger->source(i).name() == "session_embed") embedding_source = true;
    if (clicks[i] != carts[i]) weights_differ = true;
  }
  // Not vacuous: the model has the embedding sources, whose clicks weight differs.
  EXPECT_TRUE(embedding_source);
  EXPECT_TRUE(weights_differ);
}

}  // namespace
}  // namespace sessionrec
