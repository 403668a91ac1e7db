#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "candidates/candidate_registry.h"
#include "candidates/merger.h"

namespace sessionrec {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr uint8_t kClick = 0, kCart = 1;
constexpr ItemIndex A = 0, B = 1, C = 2, D = 3;

// A session over dense items, one second apart.
struct TestSession {
  std::vector<ItemIndex> items;
  std::vector<uint32_t> ts;
  std::vector<uint8_t> types;
  TestSession(std::vector<ItemIndex> i, std::vector<uint8_t> t)
      : items(std::move(i)), types(std::move(t)) {
    for (size_t k = 0; k < items.size(); ++k) ts.push_back(static_cast<uint32_t>(1000 + k));
  }
  SessionContext Context(bool exclude_seen = false) const {
    return {items, ts, types, exclude_seen};
  }
};

// Row A: B 4, C 2; row B: C 1; rows C, D empty.
CovisitMatrix SmallMatrix() {
  return CovisitMatrix({0, 2, 3, 3, 3}, {B, C, C}, {4.0f, 2.0f, 1.0f});
}

std::vector<ScoredCandidate> Candidates(const CandidateSource& s, const SessionContext& ctx,
                                        size_t k) {
  CandidateScratch scratch(4);
  std::vector<ScoredCandidate> out;
  s.Generate(ctx, k, scratch, out);
  return out;
}

MATCHER_P2(Cand, item, score, "") {
  return arg.item == static_cast<ItemIndex>(item) &&
         std::abs(arg.score - static_cast<float>(score)) < 1e-5f;
}

TEST(CandidatesTest, SessionItemsAreRecencyAndTypeWeighted) {
  // Weights clicks 1, carts 3; half-life 5 events. A@0 click (age 2), B@1 cart (age 1),
  // A@2 click (age 0): A = 2^-0.4 + 1 = 1.757858, B = 3 * 2^-0.2 = 2.611652.
  const TestSession s({A, B, A}, {kClick, kCart, kClick});
  auto src = MakeSessionItemsSource({});
  EXPECT_EQ(src->name(), "session");
  EXPECT_THAT(Candidates(*src, s.Context(), 10), ElementsAre(Cand(B, 2.611652), Cand(A, 1.757858)));
  EXPECT_THAT(Candidates(*src, s.Context(), 1), ElementsAre(Cand(B, 2.611652)));
  EXPECT_THAT(Candidates(*src, s.Context(true), 10), IsEmpty());
}

TEST(CandidatesTest, CovisitSourceAggregatesRowNormalisedNeighbours) {
  const CovisitMatrix m = SmallMatrix();
  auto src = MakeCovisitSource("covisit_small", m, {});
  // One click on A (weight 1): B 4/4, C 2/4.
  EXPECT_THAT(Candidates(*src, TestSession({A}, {kClick}).Context(), 10),
              ElementsAre(Cand(B, 1.0), Cand(C, 0.5)));
  // A (age 1, w 2^-0.2 = 0.870551) then B (w 1): B 0.870551; C 0.870551 * 0.5 + 1 = 1.435275.
  const TestSession ab({A, B}, {kClick, kClick});
  EXPECT_THAT(Candidates(*src, ab.Context(), 10),
              ElementsAre(Cand(C, 1.435275), Cand(B, 0.870551)));
  EXPECT_THAT(Candidates(*src, ab.Context(true), 10), ElementsAre(Cand(C, 1.435275)));
}

TEST(CandidatesTest, EmbeddingNeighboursSkipNegativeSimilarities) {
  // Row A: B 0.9, C -0.1; others empty.
  const ItemNeighbors n({0, 2, 2, 2, 2}, {B, C}, {0.9f, -0.1f});
  auto src = MakeEmbeddingNeighborsSource(n, {}, 5);
  EXPECT_THAT(Candidates(*src, TestSession({A}, {kClick}).Context(), 10),
              ElementsAre(Cand(B, 0.9)));
}

TEST(CandidatesTest, PopularityListsAndSource) {
  // D twice (one cart), C once, A once (A is older than the 10-second recent window).
  EventStoreBuilder b;
  ASSERT_TRUE(b.AddSession(1, std::vector<Event>{{10, 100, EventType::kClick}}).ok());
  ASSERT_TRUE(b.AddSession(2, std::vector<Event>{{20, 200, EventType::kClick},
                                                 {30, 201, EventType::kCart},
                                                 {30, 202, EventType::kClick}})
                  .ok());
  const EventStore st = b.Finish();  // dense: aid 10 -> 0, 20 -> 1, 30 -> 2
  const PopularityLists lists = PopularityLists::Build(st, {.recent_seconds = 10});
  EXPECT_THAT(lists.List(PopularityKind::kAll), ElementsAre(Cand(2, 2), Cand(0, 1), Cand(1, 1)));
  EXPECT_THAT(lists.List(PopularityKind::kRecent), ElementsAre(Cand(2, 2), Cand(1, 1)));
  EXPECT_THAT(lists.List(PopularityKind::kCarts), ElementsAre(Cand(2, 1)));
  auto src = MakePopularitySource(lists, PopularityKind::kAll);
  EXPECT_EQ(src->name(), "pop_all");
  const TestSession s({2}, {kClick});
  EXPECT_THAT(Candidates(*src, s.Context(), 2), ElementsAre(Cand(2, 2), Cand(0, 1)));
  EXPECT_THAT(Candidates(*src, s.Context(true), 2), ElementsAre(Cand(0, 1), Cand(1, 1)));
}

TEST(CandidatesTest, RegistryCreatesByNameAndNamesWhatIsMissing) {
  const CovisitMatrix m = SmallMatrix();
  CandidateResources r;
  r.covisit.emplace_back("clicks", &m);
  EXPECT_THAT(AvailableCandidateSources(r), ElementsAre("session", "covisit_clicks"));
  auto s = MakeCandidateSource("covisit_clicks", r);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ((*s)->name(), "covisit_clicks");
  auto missing = MakeCandidateSource("covisit_buy2buy", r);
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("buy2buy"));
  EXPECT_FALSE(MakeCandidateSource("embed_neighbors", r).ok());
  auto unknown = MakeCandidateSource("nope", r);
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(std::string(unknown.status().message()), HasSubstr("unknown candidate source"));
}

TEST(CandidatesTest, MergerKeepsPerSourceFeaturesAndOrdersByBlend) {
  const CovisitMatrix m = SmallMatrix();
  std::vector<std::unique_ptr<CandidateSource>> sources;
  sources.push_back(MakeSessionItemsSource({}));
  sources.push_back(MakeCovisitSource("covisit_small", m, {}));
  const Merger merger(std::move(sources), {1.0f, 0.5f});
  // Session A, B (clicks): session source B 1, A 0.870551 -> norm B 1, A 0.870551.
  // Covisit: C 1.435275, B 0.870551 -> norm C 1, B 0.606541.
  // Blend: B 1 + 0.5 * 0.606541 = 1.303271; A 0.870551; C 0.5.
  const TestSession s({A, B}, {kClick, kClick});
  MergerScratch scratch(4);
  CandidateSet set;
  merger.Generate(s.Context(), 10, scratch, set);
  ASSERT_EQ(set.num_sources, 2u);
  EXPECT_THAT(set.items, ElementsAre(B, A, C));
  EXPECT_NEAR(set.blend[0], 1.303271, 1e-5);
  EXPECT_NEAR(set.blend[1], 0.870551, 1e-5);
  EXPECT_NEAR(set.blend[2], 0.5, 1e-5);
  // B: session norm 1, raw 1, rank 1; covisit norm 0.606541, raw 0.870551, rank 2.
  const auto fb = set.Features(0);
  EXPECT_NEAR(fb[kNormScore], 1.0, 1e-5);
  EXPECT_NEAR(fb[kRank], 1.0, 1e-6);
  EXPECT_NEAR(fb[kFeaturesPerSource + kNormScore], 0.606541, 1e-5);
  EXPECT_NEAR(fb[kFeaturesPerSource + kRawScore], 0.870551, 1e-5);
  EXPECT_NEAR(fb[kFeaturesPerSource + kRank], 2.0, 1e-6);
  // C comes from the matrix only: the session-source columns are 0.
  const auto fc = set.Features(2);
  EXPECT_EQ(fc[kNormScore], 0.0f);
  EXPECT_EQ(fc[kRank], 0.0f);
  EXPECT_NEAR(fc[kFeaturesPerSource + kRank], 1.0, 1e-6);
  // k cuts after ordering; the same scratch is reused without leftovers.
  merger.Generate(s.Context(true), 1, scratch, set);
  EXPECT_THAT(set.items, ElementsAre(C));
  EXPECT_NEAR(set.blend[0], 0.5, 1e-5);
  merger.Generate(s.Context(), 2, scratch, set);
  EXPECT_THAT(set.items, ElementsAre(B, A));
  // Re-blending the rows: the merger's own weights give its blend bit for bit; other
  // weights (session 0, covisit 2): B 2 * 0.606541, A 0, C 2.
  merger.Generate(s.Context(), 10, scratch, set);
  std::vector<float> again;
  BlendRows(set, std::vector<float>{1.0f, 0.5f}, again);
  EXPECT_EQ(again, set.blend);
  BlendRows(set, std::vector<float>{0.0f, 2.0f}, again);
  ASSERT_EQ(again.size(), 3u);
  EXPECT_NEAR(again[0], 1.213082, 1e-5);
  EXPECT_EQ(again[1], 0.0f);
  EXPECT_NEAR(again[2], 2.0, 1e-5);
}

TEST(CandidatesTest, MakeMergerByNameWithDefaultOrGivenWeights) {
  const CovisitMatrix m = SmallMatrix();
  CandidateResources r;
  r.covisit.emplace_back("clicks", &m);
  auto d = MakeMerger({"session", "covisit_clicks"}, r, {});
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->weight(0), DefaultBlendWeight("session"));
  EXPECT_EQ(d->weight(1), DefaultBlendWeight("covisit_clicks"));
  auto given = MakeMerger({"session", "covisit_clicks"}, r, {2.0f, 0.25f});
  ASSERT_TRUE(given.ok()) << given.status();
  EXPECT_EQ(given->weight(1), 0.25f);
  auto wrong = MakeMerger({"session", "covisit_clicks"}, r, {2.0f});
  ASSERT_FALSE(wrong.ok());
  EXPECT_THAT(std::string(wrong.status().message()), HasSubstr("1 blend weights for 2"));
  EXPECT_FALSE(MakeMerger({"session", "embed_neighbors"}, r, {}).ok());
}

TEST(CandidatesTest, PopularityListsFromCounts) {
  // Items 0..3; kept: count > 0, count desc, index asc; at most max_items.
  PopularityLists::Counts counts;
  for (auto& c : counts) c = {0, 0, 0, 0};
  counts[static_cast<size_t>(PopularityKind::kAll)] = {2, 5, 2, 0};
  counts[static_cast<size_t>(PopularityKind::kOrders)] = {0, 0, 0, 7};
  const PopularityLists lists = PopularityLists::FromCounts(counts, 2);
  EXPECT_THAT(lists.List(PopularityKind::kAll), ElementsAre(Cand(1, 5), Cand(0, 2)));
  EXPECT_THAT(lists.List(PopularityKind::kOrders), ElementsAre(Cand(3, 7)));
  EXPECT_THAT(lists.List(PopularityKind::kClicks), IsEmpty());
}

TEST(CandidatesTest, DefaultBlendWeightsAreDocumentedValues) {
  EXPECT_EQ(DefaultBlendWeight("covisit_clicks"), 1.0f);
  EXPECT_EQ(DefaultBlendWeight("pop_all"), 0.02f);
  EXPECT_EQ(DefaultBlendWeight("something_new"), 0.1f);
  // Serving: the session's own items outweigh the sum of three matrices (official protocol).
  EXPECT_THAT(ServingBlendWeights("session"), ElementsAre(3.0f, 3.0f, 3.0f));
  EXPECT_THAT(ServingBlendWeights("something_new"), ElementsAre(0.1f, 0.1f, 0.1f));
  // The embedding sources weigh in for clicks only (session 7: at any carts weight they cost
  // Taobao cart labels), and carts and orders share every weight, so the carts blend that
  // orders the served pool is also the orders blend.
  EXPECT_THAT(ServingBlendWeights("session_embed"), ElementsAre(0.1f, 0.0f, 0.0f));
  EXPECT_THAT(ServingBlendWeights("embed_neighbors"), ElementsAre(0.1f, 0.0f, 0.0f));
  for (const char* name :
       {"session", "covisit_clicks", "covisit_carts_orders", "covisit_buy2buy", "covisit_adjacent",
        "covisit_forward", "covisit_time_decay", "covisit_click_to_buy", "covisit_recent_week",
        "covisit_buy2buy_decay", "embed_neighbors", "session_embed", "session_embed_search",
        "category_pop", "pop_all", "pop_recent", "pop_clicks", "pop_carts", "pop_orders"}) {
    const auto w = ServingBlendWeights(name);
    EXPECT_EQ(w[1], w[2]) << name;
  }
}

}  // namespace
}  // namespace sessionrec
