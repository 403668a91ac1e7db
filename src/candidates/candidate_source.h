// The candidate-generation interface (docs/candidates.md): one CandidateSource per way of
// finding items a session may interact with next (its own items, each co-visitation
// matrix, embedding neighbours, popularity). Sources are created by name
// (candidates/candidate_registry.h) and combined by the Merger (candidates/merger.h).
//
// Thread safety: a source is immutable after construction and Generate is const, so one
// source serves many threads; each thread passes its own CandidateScratch.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "core/types.h"
#include "embed/ann_index.h"

namespace sessionrec {

// The query: a session's events in time order, items as dense indices of the model's item
// table (kNoItem for items the model has never seen; sources skip them). Views only.
struct SessionContext {
  std::span<const ItemIndex> items;
  std::span<const uint32_t> ts;    // Unix seconds, same length as items
  std::span<const uint8_t> types;  // EventType values, same length as items
  // Leave out the session's own items ("new items" protocol); they are kept otherwise.
  bool exclude_seen = false;
  // The external ids of the events (same length as items), or empty: lets a source look up
  // metadata of items the model has no dense index for (category_pop).
  std::span<const ItemId> aids = {};
};

// A candidate and its source-specific score (larger is better; > 0).
struct ScoredCandidate {
  ItemIndex item;
  float score;
  friend bool operator==(const ScoredCandidate&, const ScoredCandidate&) = default;
};

// Per-thread working memory of Generate: a dense score array over the catalogue plus the
// list of touched entries, so a call allocates nothing once the buffers have grown.
// Not thread-safe; one per thread. Sized for num_items items.
class CandidateScratch {
 public:
  explicit CandidateScratch(size_t num_items);

  size_t num_items() const { return score_.size(); }
  // score[item] += w. item < num_items() (kNoItem and out-of-range items are ignored).
  void Add(ItemIndex item, float w) {
    if (item >= score_.size()) return;
    if (score_[item] == 0) touched_.push_back(item);
    score_[item] += w;
  }
  // Sets score[item] = w unless item already has a score (or is out of range); true when
  // set. For sources that score each item once; w may be <= 0 (TakeTop drops it).
  bool SetOnce(ItemIndex item, float w) {
    if (item >= score_.size() || score_[item] != 0) return false;
    touched_.push_back(item);
    score_[item] = w != 0 ? w : -1e-30f;  // nonzero, so that the item counts as set
    return true;
  }
  // Replaces the score of an item set since the last TakeTop (by SetOnce or Add) with w
  // (w may be <= 0; the item stays set). Out-of-range items are ignored.
  void Reset(ItemIndex item, float w) {
    if (item < score_.size()) score_[item] = w != 0 ? w : -1e-30f;
  }
  // Writes the (at most) k items with the largest positive accumulated scores into `out`
  // (cleared first), best first, equal scores by item index ascending; with
  // s.exclude_seen the session's own items are left out. Resets the accumulator.
  void TakeTop(const SessionContext& s, size_t k, std::vector<ScoredCandidate>& out);
  // True when `item` occurs among the session's items (linear in the session length).
  static bool InSession(const SessionContext& s, ItemIndex item);

  // Buffers for sources that need them (session embedding and its search results).
  std::vector<float> embedding;
  std::vector<ScoredItem> found;
  std::vector<ItemIndex> pool;  // items to score (session_embed)
  std::vector<float> sims;      // their scores

 private:
  std::vector<float> score_;
  std::vector<ItemIndex> touched_;
};

class CandidateSource {
 public:
  virtual ~CandidateSource() = default;
  // The registry name ("session", "covisit_clicks", "pop_all", ...).
  virtual std::string_view name() const = 0;
  // Up to k candidates for `s` into `out` (cleared first), best first, scores > 0, no
  // duplicates; none of the session's items when s.exclude_seen. Uses `scratch` (sized for
  // the model's catalogue) and allocates nothing once its buffers have grown.
  virtual void Generate(const SessionContext& s, size_t k, CandidateScratch& scratch,
                        std::vector<ScoredCandidate>& out) const = 0;
};

}  // namespace sessionrec
