// The item table of a model (artifact kind "ITEMS", docs/model-dir.md): the catalogue the
// model knows, dense index -> external aid, with per-type event counts over the whole
// training log and over its last `recent_days` days (popularity).
//
//   item_ids       uint64[I]    dense index -> aid (the training event store's order)
//   counts         uint32[3*I]  events per item and type: counts[3*i + t], t = EventType
//   recent_counts  uint32[3*I]  the same over ts >= max_ts - recent_days * 86400
//   meta           text         JSON: recent_days, max_ts, totals
//
// Immutable once built or opened; safe to read from many threads.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "data/event_store.h"
#include "io/artifact.h"

namespace sessionrec {

inline constexpr char kItemTableKind[] = "ITEMS";
inline constexpr uint32_t kItemTableVersion = 1;

struct ItemTableParams {
  double recent_days = 7.0;  // window (days before the last event) of recent_counts
};

class ItemTable {
 public:
  ItemTable() = default;

  size_t num_items() const { return item_ids_.size(); }
  ItemId item_id(ItemIndex i) const { return item_ids_[i]; }
  std::span<const ItemId> item_ids() const { return item_ids_; }
  // Events of type `t` on item `i`, overall and in the recent window. i < num_items().
  uint32_t count(ItemIndex i, EventType t) const { return counts_[3 * i + static_cast<int>(t)]; }
  uint32_t recent_count(ItemIndex i, EventType t) const {
    return recent_counts_[3 * i + static_cast<int>(t)];
  }
  const std::string& meta() const { return meta_; }

  // Counts every event of `store`; dense indices are the store's.
  static ItemTable Build(const EventStore& store, const ItemTableParams& params);

  Status Save(const std::string& path) const;
  // Maps and validates (column lengths agree, aids distinct).
  static StatusOr<ItemTable> Open(const std::string& path);

 private:
  struct Owned {
    std::vector<ItemId> item_ids;
    std::vector<uint32_t> counts;
    std::vector<uint32_t> recent_counts;
  };
  std::shared_ptr<Owned> owned_;
  std::shared_ptr<Artifact> mapped_;
  std::span<const ItemId> item_ids_;
  std::span<const uint32_t> counts_;
  std::span<const uint32_t> recent_counts_;
  std::string meta_ = "{}";
};

}  // namespace sessionrec
