// The Recommender: given a live session, the next items to click, cart and order.
// One implementation serves both front doors: `sessionrec recommend` (offline, Kaggle CSV)
// and `sessionrec serve` (HTTP), so an offline score measures what is served.
//
// Three scorers (docs/recommender.md, docs/rankers.md):
//   rules  the public baseline's rerank rules over the three co-visitation matrices;
//   blend  the merged candidates of the model's sources (ModelBundle::blend()), ordered per
//          type by the serving score blend (candidates/blend_weights.h), then popularity.
//   rankers the blend's candidates scored by the learned rankers (one calibrated
//          probability per type), then popularity.
// A model with rankers serves them by default when they won the trainer's held-out
// validation against the blend (docs/rankers.md), else a model with the co-visitation
// variants serves the blend; older models (no variants in the manifest) serve the rules.
//
// Thread safety: Recommend* are const and may be called from many threads at once; the
// per-call scratch is thread_local inside the implementation. No HTTP inside.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/types.h"
#include "serve/model_bundle.h"

namespace sessionrec {

struct RecommendOptions {
  int top_k = 20;             // number of items to return (API: 1..1000)
  TypeWeights weights;        // weights of `combined` (API default 0.1/0.3/0.6)
  bool include_seen = false;  // true: the session's own aids may be recommended
};

// Items sorted by `combined` descending; every vector has items.size() entries.
// scores[t][i] is the score in [0, 1] of items[i] for EventType t;
// combined[i] = sum_t weights[t] * scores[t][i].
struct Recommendations {
  std::vector<ItemId> items;
  std::array<std::vector<float>, kNumEventTypes> scores;
  std::vector<float> combined;
};

enum class RecommenderScorer : uint8_t {
  // The rankers when the bundle has them and they won the trainer's validation against the
  // blend (RankerSet::preferred), else the blend when the bundle has one, else the rules.
  kAuto = 0,
  kRules = 1,  // always the rerank rules
  kBlend = 2,  // the blend; the rules when the bundle has none (see uses_blend())
  // The learned rankers over the blend's candidates (docs/rankers.md); the blend (or the
  // rules) when the bundle has none. kAuto prefers them too.
  kRankers = 3,
};
// "auto", "rules", "blend".
std::string_view RecommenderScorerName(RecommenderScorer s);
std::optional<RecommenderScorer> ParseRecommenderScorer(std::string_view name);

class Recommender {
 public:
  explicit Recommender(std::shared_ptr<const ModelBundle> bundle,
                       RecommenderScorer scorer = RecommenderScorer::kAuto);

  // True when the blend answers (kAuto or kBlend on a bundle with a blend).
  bool uses_blend() const { return blend_; }
  // True when the rankers answer (kRankers on a bundle with rankers; kAuto when they are
  // also preferred).
  bool uses_rankers() const { return rankers_; }

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
  bool blend_ = false;
  bool rankers_ = false;
};

}  // namespace sessionrec
