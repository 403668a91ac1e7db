// External item id (aid) -> dense item index, in order of first appearance.
//
// Most logs number their items densely enough (OTTO: 1.86M items with aids < 1.86M) that a
// plain array indexed by aid beats any hash table: one 4-byte load per event instead of a
// probe into a table several times larger. Ids up to 8 x (items so far + 2^17), capped at
// 2^26, live in that array; sparser or larger ids (REES46's 10^8-range product ids, 64-bit
// hashes) go to a hash map, so memory stays at most ~32 bytes per item either way.
//
// Thread safety: Find is const and safe from many threads once building is over; IndexOf
// is not.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "core/types.h"

namespace sessionrec {

class ItemIndexer {
 public:
  ItemIndexer() = default;
  // Indexes `ids` in order; they must be distinct (SR_CHECK).
  explicit ItemIndexer(std::span<const ItemId> ids);

  // The index of `aid`, assigning the next free one when it is new.
  ItemIndex IndexOf(ItemId aid) {
    if (aid < direct_.size()) {
      const uint32_t v = direct_[aid];
      if (v != kNone) return v;
    }
    return IndexOfSlow(aid);
  }

  // Hints that IndexOf(aid) or Find(aid) follows soon. Calling it for every id of a batch
  // before indexing them lets their cache misses overlap instead of queueing.
  void Prefetch(ItemId aid) const {
    if (aid < direct_.size()) __builtin_prefetch(&direct_[aid]);
  }

  std::optional<ItemIndex> Find(ItemId aid) const {
    if (aid < direct_.size()) {
      const uint32_t v = direct_[aid];
      if (v != kNone) return v;
    }
    if (overflow_.empty()) return std::nullopt;
    auto it = overflow_.find(aid);
    if (it == overflow_.end()) return std::nullopt;
    return it->second;
  }

  size_t size() const { return ids_.size(); }
  // ids()[i] is the aid of index i.
  const std::vector<ItemId>& ids() const { return ids_; }
  // Moves the id column out and empties the indexer.
  std::vector<ItemId> TakeIds();

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  ItemIndex IndexOfSlow(ItemId aid);

  std::vector<uint32_t> direct_;                     // aid -> index, kNone when absent
  absl::flat_hash_map<ItemId, ItemIndex> overflow_;  // aids beyond direct_'s limit
  std::vector<ItemId> ids_;
};

}  // namespace sessionrec
