// Candidate recall for `sessionrec evaluate --data X --days D --seeds N --candidates`
// (docs/candidates.md): for each truncation seed, split (data/split.h) -> build the
// candidate resources from the training part (the three baseline co-visitation matrices,
// the variants of covisit/covisit_variants.h, popularity lists, and unless disabled item
// embeddings with their neighbour lists and index) -> generate candidates for every query
// -> count how many labels the first K candidates contain.
//
// Recall@K uses the OTTO metric's definition (eval/metrics.h) with one list for all three
// types: per type, Σ hits / Σ min(K, |labels|), weighted 0.10/0.30/0.60. Two protocols:
//   official   candidates may contain the session's own items; all labels;
//   new items  candidates exclude them (SessionContext::exclude_seen); scored on the labels
//              that are not in the session (RemoveSeenAids).
// Lists: every source alone; reference sources alone (session_embed_search: the index
// search session_embed replaced); "merged_blend" (all sources in DefaultBlendWeight blend
// order); "merged" (the same sources with merge schedules fitted on the training part: it
// is split again with the same --days and seed, the sources are built on its earlier part
// and FitMergeSchedule runs on its later part's queries, candidates/merge_schedule.h); and
// "baseline" (session + the three baseline matrices, weight 1 each, with popularity fill:
// pop_all at weight 1e-3, so it only orders items no matrix found).
#pragma once

#include <array>
#include <string>
#include <vector>

#include "candidates/candidate_sources.h"
#include "candidates/merger.h"
#include "candidates/popularity_lists.h"
#include "core/status.h"
#include "covisit/covisit_builder.h"
#include "covisit/covisit_variants.h"
#include "data/event_store.h"
#include "data/item_categories.h"
#include "embed/embed_params.h"

namespace sessionrec {

inline constexpr std::array<size_t, 4> kCandidateRecallKs = {20, 50, 100, 200};
inline constexpr int kNumCandidateProtocols = 2;  // 0 official, 1 new items

struct CandidateRecallParams {
  double days = 2.0;                // test period (split --days)
  int seeds = 5;                    // truncation seeds seed_base .. seed_base + seeds - 1
  int64_t seed_base = 0;            //
  int threads = 0;                  // worker threads; 0 = all cores
  bool embeddings = true;           // train item2vec per seed for embed_neighbors / session_embed
  CovisitParams covisit;            // the three baseline matrices
  CovisitVariantParams variants;    // every variant of kAllCovisitVariants
  PopularityListParams popularity;  // pop_* lists
  EmbedParams embed;                // item2vec (threads taken from above)
  SessionEmbedPoolParams session_embed_pool;  // session_embed's candidate pool
  // Item categories (catalogue metadata) for category_pop; null: no such source. Not owned.
  const ItemCategories* categories = nullptr;
};

// Recall of one list in one protocol at one K: per type and weighted.
struct KRecall {
  std::array<double, kNumEventTypes> recall{};
  double total = 0;
};

struct CandidateRecallSeed {
  int64_t seed = 0;
  uint64_t queries = 0;
  // [list][protocol][k index]
  std::vector<std::array<std::array<KRecall, kCandidateRecallKs.size()>, kNumCandidateProtocols>>
      recall;
  double seconds = 0;
  double merged_us_per_query = 0;  // wall time of one Merger::Generate (k = 200), mean
  // The merge schedules of "merged" (official, new items), fitted on the training part.
  MergeSchedules schedule;
};

struct CandidateRecallReport {
  std::string data;
  CandidateRecallParams params;
  std::vector<std::string> lists;  // source names, then "merged", then "baseline"
  std::vector<CandidateRecallSeed> runs;
  // Mean over the seeds.
  KRecall Mean(size_t list, int protocol, size_t k_index) const;
  // Index of a list by name, or -1.
  int Find(const std::string& name) const;
};

// Runs every seed on `data`. Errors: a split without test queries, a failing stage.
StatusOr<CandidateRecallReport> RunCandidateRecall(const EventStore& data,
                                                   const std::string& data_name,
                                                   const CandidateRecallParams& params);

// The tables (per protocol: weighted and per-type recall at each K, one row per list) and
// the merged / baseline ratio of new-items weighted recall@100.
std::string FormatCandidateRecall(const CandidateRecallReport& report);

}  // namespace sessionrec
