// Creates candidate sources by name from the artifacts of a model (or of an evaluation
// run). Names:
//   session                      the session's own items
//   covisit_<matrix>             one per entry of CandidateResources::covisit, e.g.
//                                covisit_clicks, covisit_carts_orders, covisit_buy2buy,
//                                covisit_forward, ...
//   embed_neighbors              needs item_neighbors
//   session_embed                needs embeddings and item_neighbors (no index search)
//   session_embed_search         needs embeddings and ann_index (an index search per call;
//                                not in AvailableCandidateSources: the measured reference)
//   category_pop                 needs category_lists (item categories, catalogue metadata)
//   pop_all, pop_recent, pop_clicks, pop_carts, pop_orders   need popularity
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "candidates/candidate_sources.h"
#include "candidates/merger.h"
#include "core/status.h"

namespace sessionrec {

// What the sources read; pointers are not owned and must outlive the sources. A null
// pointer makes the sources that need it unavailable.
struct CandidateResources {
  // (matrix name, matrix): source "covisit_" + name.
  std::vector<std::pair<std::string, const CovisitMatrix*>> covisit;
  const ItemNeighbors* item_neighbors = nullptr;
  const EmbeddingTable* embeddings = nullptr;
  const ItemAnnIndex* ann_index = nullptr;
  const PopularityLists* popularity = nullptr;
  const CategoryLists* category_lists = nullptr;
  // Event weighting of the session-aggregating sources.
  SessionWeightParams weights;
  // embed_neighbors: distinct recent items expanded.
  size_t embed_recent_items = 5;
  // session_embed(_search): the session-embedding definition (the embed stage's default).
  SessionEmbeddingParams session_embedding;
  // category_pop: distinct recent categories expanded.
  size_t category_recent = 3;
  // session_embed: its candidate pool.
  SessionEmbedPoolParams session_embed_pool;
};

// The names available with `r`, in a fixed order (session, covisit_*, embed_neighbors,
// session_embed, category_pop, pop_*).
std::vector<std::string> AvailableCandidateSources(const CandidateResources& r);

// The source called `name`; an error names it when it is unknown or its artifact is absent.
StatusOr<std::unique_ptr<CandidateSource>> MakeCandidateSource(std::string_view name,
                                                               const CandidateResources& r);

// A Merger over the sources `names` (created as above), weights[i] for names[i]; an empty
// `weights` means DefaultBlendWeight of every source. Errors: an unavailable source, or
// weights of another size than names.
StatusOr<Merger> MakeMerger(const std::vector<std::string>& names, const CandidateResources& r,
                            std::vector<float> weights, MergerParams params = {});

}  // namespace sessionrec
