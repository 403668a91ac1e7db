// Constructors of the candidate sources, one .cc file each (docs/candidates.md). The
// referenced artifacts must outlive the source. Prefer MakeCandidateSource
// (candidates/candidate_registry.h), which creates them by name.
#pragma once

#include <memory>
#include <string>

#include "candidates/candidate_source.h"
#include "candidates/category_lists.h"
#include "candidates/popularity_lists.h"
#include "candidates/session_weights.h"
#include "covisit/covisit_matrix.h"
#include "embed/ann_index.h"
#include "embed/embed_params.h"
#include "embed/embedding_table.h"
#include "embed/item_neighbors.h"

namespace sessionrec {

// "session": the session's own items, score Σ_i EventWeight(i) over the events of the item.
std::unique_ptr<CandidateSource> MakeSessionItemsSource(const SessionWeightParams& w);

// `name`: neighbours of the session's items in one co-visitation matrix; an event i adds
// EventWeight(i) * weight(x_i, y) / weight of row x_i's first entry to each neighbour y.
std::unique_ptr<CandidateSource> MakeCovisitSource(std::string name, const CovisitMatrix& matrix,
                                                   const SessionWeightParams& w);

// "embed_neighbors": precomputed embedding neighbours (embed/item_neighbors.h) of the
// session's items; an event i adds EventWeight(i) * max(0, cos(x_i, y)). Only the last
// `recent_items` distinct items are expanded.
std::unique_ptr<CandidateSource> MakeEmbeddingNeighborsSource(const ItemNeighbors& neighbors,
                                                              const SessionWeightParams& w,
                                                              size_t recent_items);

// How "session_embed" finds its candidates without an index search.
struct SessionEmbedPoolParams {
  // The newest distinct session items (with a vector) whose neighbour lists seed the pool.
  size_t recent_items = 10;
  // While the pool has fewer items, the neighbour lists of its members are added in pool
  // order (breadth first); bounds the cost to about min_pool + k dot products (k = the
  // neighbour lists' length). 100: the best measured recall per microsecond of 100 / 200 /
  // 400 (docs/candidates.md, session 5).
  size_t min_pool = 100;
};

// "session_embed": the session embedding (embed/session_embedding.h, computed per call)
// scored by cosine against a pool: the session's recent items, their precomputed neighbour
// lists (embed/item_neighbors.h) and, while the pool is below min_pool, the lists of the
// pool's members (breadth first). Score: the cosine, positive ones only; empty when no item
// has a vector. No index search.
std::unique_ptr<CandidateSource> MakeSessionEmbeddingSource(const EmbeddingTable& table,
                                                            const ItemNeighbors& neighbors,
                                                            const SessionEmbeddingParams& p,
                                                            const SessionEmbedPoolParams& pool);

// "session_embed_search": the items nearest to the session embedding by an index search in
// `index` (exact below exact_below vectors, HNSW above); score max(0, cosine). Kept as the
// measured reference of "session_embed" (candidate recall lists it; the Merger of
// AvailableCandidateSources does not use it).
std::unique_ptr<CandidateSource> MakeSessionEmbeddingSearchSource(const EmbeddingTable& table,
                                                                  const ItemAnnIndex& index,
                                                                  const SessionEmbeddingParams& p);

// "category_pop": the popular items (CategoryLists) of the newest `recent_categories`
// distinct categories of the session's counted events; category c's weight W_c is
// Σ EventWeight(i) over its events, an item y of c scores W_c * count(y) / count(c's best).
// Items without a dense index are looked up by external id (SessionContext::aids).
std::unique_ptr<CandidateSource> MakeCategoryPopularitySource(const CategoryLists& lists,
                                                              const SessionWeightParams& w,
                                                              size_t recent_categories);

// "pop_<kind>": the popularity list of `kind`, score = count; independent of the session
// (except that its items are left out under exclude_seen).
std::unique_ptr<CandidateSource> MakePopularitySource(const PopularityLists& lists,
                                                      PopularityKind kind);

}  // namespace sessionrec
