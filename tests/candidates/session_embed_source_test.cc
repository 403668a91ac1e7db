#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "candidates/candidate_registry.h"
#include "candidates/candidate_sources.h"

namespace sessionrec {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

MATCHER_P2(Cand, item, score, "") {
  return arg.item == static_cast<ItemIndex>(item) &&
         std::abs(arg.score - static_cast<float>(score)) < 1e-4f;
}

// Five items on the unit circle: 0 (1, 0), 1 (0.8, 0.6), 2 (0.6, 0.8), 3 (0, 1), 4 (-1, 0).
// Neighbour lists (hand-made, a chain): 0: 1; 1: 2 0; 2: 1 3; 3: 2 4; 4: 3.
struct Catalogue {
  EmbeddingTable table{
      2, {10, 11, 12, 13, 14}, {1, 0, 0.8f, 0.6f, 0.6f, 0.8f, 0, 1, -1, 0}, {1, 1, 1, 1, 1}};
  ItemNeighbors neighbors{{0, 1, 3, 5, 7, 8},
                          {1, 2, 0, 1, 3, 2, 4, 3},
                          {0.8f, 0.96f, 0.8f, 0.96f, 0.8f, 0.8f, 0.0f, 0.0f}};
};

std::vector<ScoredCandidate> Generated(const CandidateSource& src,
                                       const std::vector<ItemIndex>& items, bool exclude_seen,
                                       size_t k = 10) {
  const std::vector<uint32_t> ts(items.size(), 1000);
  const std::vector<uint8_t> types(items.size(), 0);
  CandidateScratch scratch(5);
  std::vector<ScoredCandidate> out;
  src.Generate({items, ts, types, exclude_seen}, k, scratch, out);
  // A second call on the same scratch gives the same list (nothing left over).
  std::vector<ScoredCandidate> again;
  src.Generate({items, ts, types, exclude_seen}, k, scratch, again);
  EXPECT_EQ(out, again);
  return out;
}

TEST(SessionEmbedSource, ScoresTheNeighbourListPoolAgainstTheSessionVector) {
  const Catalogue c;
  // Session [0]: vector (1, 0). First hop only (min_pool 0): pool {0, 1}: 0 1, 1 0.8.
  auto first_hop = MakeSessionEmbeddingSource(c.table, c.neighbors, {}, {.min_pool = 0});
  EXPECT_EQ(first_hop->name(), "session_embed");
  EXPECT_THAT(Generated(*first_hop, {0}, false), ElementsAre(Cand(0, 1.0), Cand(1, 0.8)));
  EXPECT_THAT(Generated(*first_hop, {0}, true), ElementsAre(Cand(1, 0.8)));
  // min_pool 3: the lists of the pool's members (0: 1, had; 1: 2 0) add 2 (0.6); then the
  // pool has 3 members and grows no more (3 and 4 stay out).
  auto three = MakeSessionEmbeddingSource(c.table, c.neighbors, {}, {.min_pool = 3});
  EXPECT_THAT(Generated(*three, {0}, false), ElementsAre(Cand(0, 1.0), Cand(1, 0.8), Cand(2, 0.6)));
  // Session [3, 0] (clicks; half-life 4: 3 weighs 2^-0.25 = 0.840896): vector (1, 0.840896)
  // / 1.306563 = (0.765367, 0.643594). Seeds 0 then 3: pool {0, 1, 3, 2, 4}; 4 is negative.
  // 1: 0.8 * 0.765367 + 0.6 * 0.643594 = 0.998450; 2: 0.6 * 0.765367 + 0.8 * 0.643594 =
  // 0.974095; 0: 0.765367; 3: 0.643594.
  EXPECT_THAT(
      Generated(*first_hop, {3, 0}, false),
      ElementsAre(Cand(1, 0.998450), Cand(2, 0.974095), Cand(0, 0.765367), Cand(3, 0.643594)));
  // recent_items 1: only 0 seeds the pool, so 2 (a neighbour of 3) is missed.
  auto one_seed =
      MakeSessionEmbeddingSource(c.table, c.neighbors, {}, {.recent_items = 1, .min_pool = 0});
  EXPECT_THAT(Generated(*one_seed, {3, 0}, false),
              ElementsAre(Cand(1, 0.998450), Cand(0, 0.765367)));
  // No item with a vector: nothing.
  EXPECT_THAT(Generated(*first_hop, {kNoItem}, false), IsEmpty());
}

TEST(SessionEmbedSource, MatchesBruteForceWhenThePoolCoversTheCatalogue) {
  const Catalogue c;
  NeighborParams np;
  const auto exact = ItemAnnIndex::Build(c.table, np, 1, 1, /*force_exact=*/true);
  auto search = MakeSessionEmbeddingSearchSource(c.table, *exact, {});
  EXPECT_EQ(search->name(), "session_embed_search");
  auto pool = MakeSessionEmbeddingSource(c.table, c.neighbors, {}, {.min_pool = 5});
  for (const std::vector<ItemIndex>& s :
       std::vector<std::vector<ItemIndex>>{{0}, {3, 0}, {2}, {4, 1}, {1, 1, 3}}) {
    for (bool exclude : {false, true}) {
      for (size_t k : {1, 2, 10}) {
        EXPECT_EQ(Generated(*pool, s, exclude, k), Generated(*search, s, exclude, k))
            << "session of " << s.size() << " items, exclude " << exclude << ", k " << k;
      }
    }
  }
  // Session [3, 0] by brute force, new items only: 1 and 2 (the hand-computed values above).
  EXPECT_THAT(Generated(*search, {3, 0}, true), ElementsAre(Cand(1, 0.998450), Cand(2, 0.974095)));
}

TEST(SessionEmbedSource, RegistryNeedsNeighbourListsForThePoolAndTheIndexForTheSearch) {
  const Catalogue c;
  CandidateResources r;
  r.embeddings = &c.table;
  EXPECT_THAT(AvailableCandidateSources(r), ElementsAre("session"));
  auto missing = MakeCandidateSource("session_embed", r);
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("neighbour lists"));
  EXPECT_FALSE(MakeCandidateSource("session_embed_search", r).ok());
  r.item_neighbors = &c.neighbors;
  EXPECT_THAT(AvailableCandidateSources(r),
              ElementsAre("session", "embed_neighbors", "session_embed"));
  auto made = MakeCandidateSource("session_embed", r);
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ((*made)->name(), "session_embed");
}

}  // namespace
}  // namespace sessionrec
