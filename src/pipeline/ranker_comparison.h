// `sessionrec evaluate --data X` (default --scorer all): the rules, the candidate blend and
// the learned rankers side by side, each through pipeline/evaluation.h with the same
// split seeds (so the same queries and labels), under both protocols (DESIGN.md §4).
// One model per seed, trained with rankers (on the seed's training part; label period =
// --days inside it, so no test-period event reaches them), scored by each of the three.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "data/event_store.h"
#include "pipeline/evaluation.h"

namespace sessionrec {

struct ScorerComparison {
  std::vector<std::pair<std::string, EvaluationReport>> runs;  // ("rules", ...), ...
  double seconds = 0;                                          // wall time of the whole comparison
};

StatusOr<ScorerComparison> RunScorerComparison(const EventStore& data, const std::string& name,
                                               const EvaluationParams& params);

// Per protocol: one row per scorer (recall per type and weighted total, means over the
// seeds), then the rankers' gains over the rules (official: difference; new items: ratio).
std::string FormatScorerComparison(const ScorerComparison& c);

}  // namespace sessionrec
