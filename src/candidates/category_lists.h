// Per-category popularity lists over a model's items, for the "category_pop" source: the
// most popular trained items of each category (data/item_categories.h), best first.
// Built at load time from the item counts the model already has (ItemTable in serving,
// the training store in evaluate), so the model directory only adds the category map.
//
// Immutable after Build; thread-safe to read. The ItemCategories passed to Build must
// outlive this object (unknown items are looked up in it by external id).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "candidates/candidate_source.h"
#include "core/types.h"
#include "data/event_store.h"
#include "data/item_categories.h"

namespace sessionrec {

struct CategoryListParams {
  size_t per_category = 50;  // items kept per category
};

class CategoryLists {
 public:
  // item_ids[i] and counts[i]: the external id and the training event count of the model's
  // dense item i (same length). Items with count 0 or without a category are in no list.
  // Equal counts keep the lower dense index first.
  static CategoryLists Build(std::span<const ItemId> item_ids, std::span<const uint32_t> counts,
                             const ItemCategories& categories, const CategoryListParams& p = {});
  // The same from a training store (counts = events per item).
  static CategoryLists FromStore(const EventStore& train, const ItemCategories& categories,
                                 const CategoryListParams& p = {});

  // Category of dense item i (kNoCategory when it has none or i is out of range).
  uint32_t CategoryOfItem(ItemIndex i) const {
    return i < item_category_.size() ? item_category_[i] : kNoCategory;
  }
  // Category of an external id (for items the model has no dense index for).
  uint32_t CategoryOfAid(ItemId aid) const { return categories_->CategoryOf(aid); }
  // The list of `category` (empty for kNoCategory or an unknown index); scores are counts.
  std::span<const ScoredCandidate> List(uint32_t category) const;
  size_t num_categories() const { return offsets_.empty() ? 0 : offsets_.size() - 1; }

 private:
  const ItemCategories* categories_ = nullptr;
  std::vector<uint32_t> item_category_;  // per dense item
  std::vector<uint64_t> offsets_;        // per category, into entries_
  std::vector<ScoredCandidate> entries_;
};

}  // namespace sessionrec
