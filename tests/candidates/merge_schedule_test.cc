#include "candidates/merge_schedule.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "candidates/candidate_sources.h"
#include "candidates/merger.h"

namespace sessionrec {
namespace {

using ::testing::ElementsAre;

constexpr ItemIndex A = 0, B = 1, C = 2, D = 3;

std::vector<ItemIndex> Apply(const std::vector<int32_t>& schedule,
                             const std::vector<std::vector<ItemIndex>>& lists,
                             const std::vector<ItemIndex>& blend, size_t k) {
  std::vector<uint8_t> placed(4, 0);
  std::vector<size_t> cursor;
  std::vector<ItemIndex> out;
  ApplyMergeSchedule<ItemIndex>(schedule, lists, blend, k, cursor, placed, out);
  EXPECT_THAT(placed, ElementsAre(0, 0, 0, 0));  // left clean for the next call
  return out;
}

TEST(MergeSchedule, PlacesFollowTheScheduleAndTheBlendFillsTheRest) {
  // Source 0: A B C; source 1: D A; blend order A D B C.
  const std::vector<std::vector<ItemIndex>> lists = {{A, B, C}, {D, A}};
  const std::vector<ItemIndex> blend = {A, D, B, C};
  // s1 -> D, s1 -> A, blend -> B (A, D placed), s0 -> C (A, B placed).
  EXPECT_THAT(Apply({1, 1, kScheduleBlend, 0}, lists, blend, 4), ElementsAre(D, A, B, C));
  EXPECT_THAT(Apply({1, 1, kScheduleBlend, 0}, lists, blend, 2), ElementsAre(D, A));
  // No schedule: the blend order. A source with nothing left: the blend's next.
  EXPECT_THAT(Apply({}, lists, blend, 4), ElementsAre(A, D, B, C));
  EXPECT_THAT(Apply({1, 1, 1}, lists, blend, 3), ElementsAre(D, A, B));
  // Fewer candidates than k: all of them.
  EXPECT_THAT(Apply({0}, lists, blend, 10), ElementsAre(A, D, B, C));
}

TEST(MergeSchedule, FitGivesThePlaceToTheSourceThatFindsTheLabel) {
  // Source 0 ("embeddings") X1 X2 ranks above source 1 ("popularity fill") P Q in the blend.
  // Query 0's click is P, query 1's is X1 (each hit adds 0.1 / 2 clicks = 0.05).
  // Place 0: blend X1 0.05, s0 X1 0.05, s1 P 0.05: a tie goes to the blend (X1 placed).
  // Place 1: blend X2 0, s0 X2 0, s1 P 0.05: the fill. Places 2, 3: no gain: the blend.
  constexpr ItemIndex X1 = 0, X2 = 1, P = 2, Q = 3;
  std::vector<ScheduleFitQuery> qs(2);
  for (ScheduleFitQuery& q : qs) {
    q.lists = {{X1, X2}, {P, Q}};
    q.blend = {X1, X2, P, Q};
  }
  qs[0].labels[0] = {P};
  qs[1].labels[0] = {X1};
  const std::vector<int32_t> schedule = FitMergeSchedule(qs, 2, {.places = 4, .block = 1});
  EXPECT_THAT(schedule, ElementsAre(kScheduleBlend, 1, kScheduleBlend, kScheduleBlend));
  // Applied, the fill's P is at place 2 (the blend alone has it at place 3).
  EXPECT_THAT(Apply(schedule, qs[0].lists, qs[0].blend, 2), ElementsAre(X1, P));
  // Without labels nothing has a gain: the plain blend.
  for (ScheduleFitQuery& q : qs) q.labels = {};
  EXPECT_THAT(FitMergeSchedule(qs, 2, {.places = 2, .block = 1}),
              ElementsAre(kScheduleBlend, kScheduleBlend));
}

TEST(MergeSchedule, BlocksSeeASparseFill) {
  // One query; the fill's label Q is its second item. Place by place no step gains at
  // places 0 and 1 (X1 / P, then X2 / P), so everything goes to the blend and Q is 4th.
  // Blocks of 2: the fill's P, Q gain 0.1 (one click label) against 0 for X1, X2.
  constexpr ItemIndex X1 = 0, X2 = 1, P = 2, Q = 3;
  std::vector<ScheduleFitQuery> qs(1);
  qs[0].lists = {{X1, X2}, {P, Q}};
  qs[0].blend = {X1, X2, P, Q};
  qs[0].labels[0] = {Q};
  EXPECT_THAT(FitMergeSchedule(qs, 2, {.places = 4, .block = 1}),
              ElementsAre(kScheduleBlend, kScheduleBlend, kScheduleBlend, kScheduleBlend));
  const std::vector<int32_t> blocks = FitMergeSchedule(qs, 2, {.places = 4, .block = 2});
  EXPECT_THAT(blocks, ElementsAre(1, 1, kScheduleBlend, kScheduleBlend));
  EXPECT_THAT(Apply(blocks, qs[0].lists, qs[0].blend, 4), ElementsAre(P, Q, X1, X2));
  // A block longer than what is left: the last block is cut to the schedule's length.
  EXPECT_THAT(FitMergeSchedule(qs, 2, {.places = 3, .block = 2}),
              ElementsAre(1, 1, kScheduleBlend));
}

TEST(MergeSchedule, MergerKeepsTheFillsPlaces) {
  // Matrix row A: B 4, C 2. Popularity: D (count 5). Session: one click on A.
  // Blend (covisit 1, pop 0.02): B 1, C 0.5, A? no (not a covisit neighbour of itself),
  // D 0.02 -> B C D. Schedule [blend, pop]: B D C.
  const CovisitMatrix m({0, 2, 2, 2, 2}, {B, C}, {4.0f, 2.0f});
  PopularityLists::Counts counts;
  for (auto& c : counts) c = {0, 0, 0, 5};
  const PopularityLists pop = PopularityLists::FromCounts(counts, 10);
  std::vector<std::unique_ptr<CandidateSource>> sources;
  sources.push_back(MakeCovisitSource("covisit_m", m, {}));
  sources.push_back(MakePopularitySource(pop, PopularityKind::kAll));
  Merger merger(std::move(sources), {1.0f, 0.02f});
  const std::vector<ItemIndex> items = {A};
  const std::vector<uint32_t> ts = {1000};
  const std::vector<uint8_t> types = {0};
  MergerScratch scratch(4);
  CandidateSet set;
  merger.Generate({items, ts, types, false}, 3, scratch, set);
  EXPECT_THAT(set.items, ElementsAre(B, C, D));
  merger.SetSchedules({std::vector<int32_t>{kScheduleBlend, 1}, {}});
  merger.Generate({items, ts, types, false}, 3, scratch, set);
  EXPECT_THAT(set.items, ElementsAre(B, D, C));
  // Rows keep their own blend and features: D's blend 0.02, its pop rank 1.
  EXPECT_NEAR(set.blend[1], 0.02, 1e-6);
  EXPECT_EQ(set.Features(1)[kFeaturesPerSource + kRank], 1.0f);
  // k = 2 keeps the fill's place; exclude_seen uses schedule [1], empty: the blend.
  merger.Generate({items, ts, types, false}, 2, scratch, set);
  EXPECT_THAT(set.items, ElementsAre(B, D));
  merger.Generate({items, ts, types, true}, 2, scratch, set);
  EXPECT_THAT(set.items, ElementsAre(B, C));
}

}  // namespace
}  // namespace sessionrec
