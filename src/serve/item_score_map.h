// A small open-addressing map from dense item index to a double, for per-request scratch:
// Clear() forgets the entries but keeps every buffer, so a thread that reuses one map
// allocates only while it grows to its largest request. Iteration follows insertion order,
// which the rerank rules use to break ties exactly like Python's Counter.most_common.
//
// Not thread-safe: one map per thread (thread_local in the Recommender).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/types.h"

namespace sessionrec {

class ItemScoreMap {
 public:
  ItemScoreMap() { table_.assign(kMinCapacity, kEmpty); }

  void Clear() {
    for (uint32_t slot : used_slots_) table_[slot] = kEmpty;
    used_slots_.clear();
    keys_.clear();
    values_.clear();
  }
  size_t size() const { return keys_.size(); }
  bool empty() const { return keys_.empty(); }

  // The value of `key`, inserted as `init` (at the end of the insertion order) if absent.
  double& At(ItemIndex key, double init = 0.0) {
    uint32_t slot = Probe(key);
    if (table_[slot] == kEmpty) {
      if ((keys_.size() + 1) * 2 > table_.size()) {  // keep the load factor <= 1/2
        Grow();
        slot = Probe(key);
      }
      table_[slot] = static_cast<uint32_t>(keys_.size());
      used_slots_.push_back(slot);
      keys_.push_back(key);
      values_.push_back(init);
    }
    return values_[table_[slot]];
  }
  // Position of `key` in insertion order, or -1.
  int64_t Find(ItemIndex key) const {
    const uint32_t e = table_[Probe(key)];
    return e == kEmpty ? -1 : static_cast<int64_t>(e);
  }
  bool Contains(ItemIndex key) const { return Find(key) >= 0; }

  // Entries in insertion order: key(e), value(e) for e < size().
  ItemIndex key(size_t e) const { return keys_[e]; }
  double value(size_t e) const { return values_[e]; }
  std::span<const ItemIndex> keys() const { return keys_; }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  static constexpr size_t kMinCapacity = 256;

  uint32_t Probe(ItemIndex key) const {
    const uint32_t mask = static_cast<uint32_t>(table_.size() - 1);
    uint32_t slot = static_cast<uint32_t>((uint64_t{key} * 0x9E3779B97F4A7C15ull) >> 32) & mask;
    while (table_[slot] != kEmpty && keys_[table_[slot]] != key) slot = (slot + 1) & mask;
    return slot;
  }
  void Grow() {
    table_.assign(table_.size() * 2, kEmpty);
    used_slots_.clear();
    for (uint32_t e = 0; e < keys_.size(); ++e) {
      const uint32_t slot = Probe(keys_[e]);
      table_[slot] = e;
      used_slots_.push_back(slot);
    }
  }

  std::vector<uint32_t> table_;       // slot -> entry index, kEmpty when free
  std::vector<uint32_t> used_slots_;  // slots to reset on Clear()
  std::vector<ItemIndex> keys_;
  std::vector<double> values_;
};

}  // namespace sessionrec
