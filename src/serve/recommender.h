// The Recommender: given a live session, the next items to click, cart and order.
// One implementation serves both front doors: `sessionrec recommend` (offline, Kaggle CSV)
// and `sessionrec serve` (HTTP), so an offline score measures what is served.
//
// Thread safety: Recommend* are const and may be called from many threads at once; the
// per-call scratch is thread_local inside the implementation. No HTTP inside.
#pragma once

#include <array>
#include <memory>
#include <span>
#include <vector>

#include "core/types.h"
#include "serve/model_bundle.h"

namespace sessionrec {

struct RecommendOptions {
  int top_k = 20;              // number of items to return (API: 1..1000)
  TypeWeights weights;         // weights of `combined` (API default 0.1/0.3/0.6)
  bool include_seen = false;   // true: the session's own aids may be recommended
};

// Items sorted by `combined` descending; every vector has items.size() entries.
// scores[t][i] is the score in [0, 1] of items[i] for EventType t;
// combined[i] = sum_t weights[t] * scores[t][i].
struct Recommendations {
  std::vector<ItemId> items;
  std::array<std::vector<float>, kNumEventTypes> scores;
  std::vector<float> combined;
};

class Recommender {
 public:
  explicit Recommender(std::shared_ptr<const ModelBundle> bundle);

  // `events` in any order (sorted stably by ts here); unknown aids are ignored for scoring
  // but never recommended. Exactly min(top_k, eligible catalogue) distinct items, filled
  // with popular items when candidates run short; a session of only unknown aids gets the
  // cold-start (popularity) answer.
  Recommendations Recommend(std::span<const Event> events, const RecommendOptions& opts) const;

  // The Kaggle submission view: for each type, the top `k` items by that type's score.
  std::array<std::vector<ItemId>, kNumEventTypes> RecommendPerType(std::span<const Event> events,
                                                                  int k, bool include_seen) const;

  const ModelBundle& bundle() const { return *bundle_; }

 private:
  std::shared_ptr<const ModelBundle> bundle_;
};

}  // namespace sessionrec
