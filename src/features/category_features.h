// Category feature family (session x item), from the item categories of the catalogue
// (data/item_categories.h, per-category popularity lists of candidates/category_lists.h).
// y is the candidate, c(y) its category; the session's events count with the weights of
// candidates/session_weights.h, their categories looked up by dense item or, for items the
// model does not know, by external id (SessionContext::aids). Columns (docs/features.md):
//   cat_same_last        1 when c(y) is the category of the newest event with a category
//   cat_session_events   events of the session in c(y)
//   cat_session_share    Σ EventWeight of the counted events in c(y) / Σ over the counted
//                        events with a category
//   cat_session_rank     rank of c(y) among the session's categories by that weight (1 first)
//   cat_events_back      n − 1 − (position of the newest event in c(y))
//   cat_pop_rank         1-based rank of y in c(y)'s popularity list; list size + 1 when y
//                        is not in it
//   cat_pop_share        count(y) / count(c(y)'s most popular item); 0 when not in the list
//   cat_session_distinct distinct categories among the session's events (equal per row)
// Missing values are NaN: y without a category (every column but cat_session_distinct), or
// a session feature that does not exist (no event with a category; c(y) not in the session
// for rank and events_back). The family exists only for models with item categories
// (FeatureResources::categories), so models trained without them keep their schema.
//
// Thread safety: CategoryFeatures is immutable after construction; Compute is const and
// writes only to the caller's scratch and block.
#pragma once

#include <string>
#include <vector>

#include "candidates/category_lists.h"
#include "candidates/merger.h"
#include "candidates/session_weights.h"
#include "features/feature_scratch.h"

namespace sessionrec {

inline constexpr size_t kCategoryFeatureColumns = 8;

class CategoryFeatures {
 public:
  // `lists` must outlive this object; `num_items` is the model's catalogue size.
  CategoryFeatures(const CategoryLists& lists, size_t num_items);

  static void AppendNames(std::vector<std::string>& names);

  void Compute(const SessionContext& s, const CandidateSet& set, const SessionWeightParams& w,
               FeatureScratch& scratch, FeatureBlock out) const;

 private:
  // Category of event i of the session (by dense item, else by external id).
  uint32_t EventCategory(const SessionContext& s, size_t i) const;

  const CategoryLists& lists_;
  std::vector<float> pop_rank_;   // per dense item: rank in its category's list (NaN: none)
  std::vector<float> pop_share_;  // per dense item: count / the list's best count
};

}  // namespace sessionrec
