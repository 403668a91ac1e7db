// Offline recommendation over many sessions: the `recommend` command and the evaluation
// pipeline both go through here, and through the same Recommender the server calls.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "data/event_store.h"
#include "eval/predictions.h"
#include "serve/recommender.h"

namespace sessionrec {

struct BatchRecommendParams {
  int top_k = 20;             // aids per type
  bool include_seen = false;  // true: the competition's lists (own aids first)
  int threads = 0;            // OpenMP threads; 0 = all cores
};

// RecommendPerType for every session, in order (parallel over sessions).
std::vector<TypedAids> RecommendSessions(const Recommender& rec, std::span<const Session> sessions,
                                         const BatchRecommendParams& params);

// Recommends for every session of `store` and writes the Kaggle CSV `session_type,labels`
// to `path` (through `path.tmp`, renamed when complete). Returns the sessions written.
StatusOr<uint64_t> WriteRecommendationsCsv(const Recommender& rec, const EventStore& store,
                                           const BatchRecommendParams& params,
                                           const std::string& path);

// Appends the three CSV rows of one session (`<session>_clicks,<aid> <aid> ...` etc.).
void AppendPredictionRows(SessionId session, const TypedAids& aids, std::string* out);

}  // namespace sessionrec
