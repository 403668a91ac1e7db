// The evaluation pipeline of `sessionrec evaluate --data`: for each truncation seed, split
// (OTTO protocol, data/split.h) -> train (the model `train` builds, a temporary model directory)
// -> recommend (the serving Recommender) -> score (eval/metrics.h), under both protocols
// of DESIGN.md §4:
//   official:   predictions may include the session's own aids (include_seen), all labels;
//   new items:  predictions exclude the session's own aids, scored on all labels and on the
//               labels that are not in the session.
// Reported as means over the seeds.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "data/event_store.h"
#include "data/split.h"
#include "eval/metrics.h"
#include "pipeline/train_model.h"
#include "serve/recommender.h"

namespace sessionrec {

struct EvaluationParams {
  double days = 2.0;          // test period (split --days)
  int seeds = 5;              // number of truncation seeds
  int64_t seed_base = 0;      // seeds are seed_base .. seed_base + seeds - 1
  bool all_prefixes = false;  // every prefix of a test session is a query
  size_t k = 20;              // recall cut-off and aids per type
  int threads = 0;            // worker threads (train and recommend); 0 = all cores
  // Model parameters: by default what `sessionrec train` builds (embeddings included);
  // train.only_covisit skips the embedding stage (`evaluate --no-embeddings`).
  TrainParams train;
  RecommenderScorer scorer = RecommenderScorer::kAuto;  // rules or blend (serve/recommender.h)
};

enum Protocol : int { kOfficial = 0, kNewItemsAllLabels = 1, kNewItemsNewLabels = 2 };
inline constexpr int kNumProtocols = 3;

struct SeedEvaluation {
  int64_t seed = 0;
  SplitCounts counts;
  std::array<RecallScores, kNumProtocols> scores;
  uint64_t embedding_items = 0;  // items with a vector in the seed's model (0: no embeddings)
  double seconds = 0;            // split + train + recommend + score
};

struct EvaluationReport {
  std::string data;  // name of the input, for the table's title
  EvaluationParams params;
  std::vector<SeedEvaluation> runs;
};

// Runs every seed on `data`. Errors: a split that leaves no test query (choose larger
// --days), or any stage's error.
StatusOr<EvaluationReport> RunEvaluation(const EventStore& data, const std::string& data_name,
                                         const EvaluationParams& params);
// The same for several scorers at once: one split and one model (params.train) per seed,
// every scorer's Recommender over that model; reports[i] is scorers[i]'s (params.scorer
// ignored). SeedEvaluation::seconds = the shared split and training + that scorer's part.
StatusOr<std::vector<EvaluationReport>> RunEvaluations(const EventStore& data,
                                                       const std::string& data_name,
                                                       const EvaluationParams& params,
                                                       std::span<const RecommenderScorer> scorers);

// The table of means over the seeds: one row per protocol (recall per type, total) and the
// label counts (sessions with labels, Σ min(k, |labels|)).
std::string FormatEvaluation(const EvaluationReport& report);
// The same as one JSON object: {"data", "days", "seeds", "protocols": {"official": {...},
// "new_items_all_labels": {...}, "new_items_new_labels": {...}}, "split": {...}}.
std::string EvaluationJson(const EvaluationReport& report);

}  // namespace sessionrec
