// Catalogue metadata: the category of each item (Taobao's category_id column, REES46's
// category_id, ...), kept by external item id, so that items the model never saw in
// training (most of a sparse catalogue's next items) still have one. The shop knows the
// category of every item it lists; no event of any period is stored here.
//
// Artifact kind "ITEMCAT" (io/artifact.h): sections "aids" (u64, ascending), "category"
// (u32 per aid: dense category index), "category_ids" (u64 per category: its external id),
// "meta" (JSON). Immutable after construction; thread-safe to read.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "io/artifact.h"

namespace sessionrec {

inline constexpr char kItemCategoriesKind[] = "ITEMCAT";
inline constexpr uint32_t kItemCategoriesVersion = 1;
inline constexpr char kItemCategoriesFile[] = "item_categories.bin";  // in a model directory
inline constexpr uint32_t kNoCategory = UINT32_MAX;

// Collects (item, category) pairs in file order.
class ItemCategoriesBuilder {
 public:
  void Add(ItemId item, uint64_t category) { pairs_.emplace_back(item, category); }
  size_t num_pairs() const { return pairs_.size(); }
  uint64_t invalid = 0;  // rows whose category value was not a non-negative integer

 private:
  friend class ItemCategories;
  std::vector<std::pair<ItemId, uint64_t>> pairs_;
};

class ItemCategories {
 public:
  ItemCategories() = default;  // no items

  // From the builder's pairs: an item listed with several categories keeps the one it was
  // first listed with; `conflicts` (may be null) gets the number of items that had another.
  static ItemCategories Build(ItemCategoriesBuilder builder, uint64_t* conflicts = nullptr);

  // Opens and validates an ITEMCAT artifact (CRC, sizes, ascending aids, indices in range).
  static StatusOr<ItemCategories> Open(const std::string& path);
  Status Write(const std::string& path) const;

  size_t num_items() const { return aids_.size(); }
  size_t num_categories() const { return category_ids_.size(); }
  // Dense category index of `item` (< num_categories()), or kNoCategory when not listed.
  // O(log num_items()).
  uint32_t CategoryOf(ItemId item) const;
  uint64_t category_id(uint32_t category) const { return category_ids_[category]; }
  std::span<const ItemId> aids() const { return aids_; }

 private:
  std::shared_ptr<const void> owner_;  // the mapped artifact or the owned vectors
  std::span<const ItemId> aids_;
  std::span<const uint32_t> category_;
  std::span<const uint64_t> category_ids_;
};

}  // namespace sessionrec
