// The OTTO metric, numerically identical to otto-de/recsys-dataset src/evaluate.py:
//   per type t, Recall@k = Σ hits_t / Σ min(k, |labels_t|) over the sessions that have
//   labels of type t; total = 0.10·clicks + 0.30·carts + 0.60·orders (summed in that
//   order, in double, as evaluate.py does).
//   - clicks: one label; a hit when it is among the first k predicted click aids;
//   - carts / orders: hits = |set(first k predicted aids) ∩ labels|, so a duplicated
//     prediction counts once and still takes one of the k places;
//   - a labelled session without predictions scores 0 hits (its labels still count);
//     predictions for sessions without labels are ignored.
// Where evaluate.py divides by zero (no labels of a type at all) we report recall 0 with
// `labels` = 0 so the caller can tell.
//
// "New items" protocol (DESIGN.md §4): RemoveSeenAids drops from each session's labels the
// aids that occur among that session's own events; a session left without labels of a
// type no longer counts for that type. Score the result with ScoreRecall as usual.
#pragma once

#include <array>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "data/labels.h"
#include "eval/predictions.h"

namespace sessionrec {

struct MetricParams {
  // Cut-off: only the first k predicted aids of each type count.
  size_t k = 20;
  // Weights of the total.
  TypeWeights weights;
};

struct TypeScore {
  uint64_t sessions = 0;  // sessions with labels of this type
  uint64_t labels = 0;    // Σ min(k, |labels|): the denominator
  uint64_t hits = 0;      // Σ hits
  double recall = 0;      // hits / labels, 0 when labels == 0
};

struct RecallScores {
  std::array<TypeScore, kNumEventTypes> by_type;
  double total = 0;
  uint64_t sessions = 0;                   // labelled sessions (lines of the labels file)
  uint64_t sessions_with_predictions = 0;  // of those, how many have predictions
  const TypeScore& operator[](EventType t) const { return by_type[static_cast<int>(t)]; }
};

// Scores `predictions` against `labels` (session ids in `labels` must be unique).
RecallScores ScoreRecall(std::span<const SessionLabels> labels, const PredictionMap& predictions,
                         const MetricParams& params = {});

// Labels without the aids that occur in the session's own events. Every labelled session
// must be in `sessions` (matched by id); otherwise an error names the first missing one.
StatusOr<std::vector<SessionLabels>> RemoveSeenAids(std::span<const SessionLabels> labels,
                                                    std::span<const Session> sessions);

// A fixed-width table: one row per type (recall, hits, labels, sessions) and the total.
std::string FormatScores(const RecallScores& scores);
// One JSON object: {"clicks": r, "carts": r, "orders": r, "total": t, "k": 20,
//  "sessions": n, "sessions_with_predictions": n, "counts": {"clicks": {"sessions": ..,
//  "labels": .., "hits": ..}, ...}}. Doubles are printed in shortest round-trip form.
std::string ScoresJson(const RecallScores& scores, size_t k);

}  // namespace sessionrec
