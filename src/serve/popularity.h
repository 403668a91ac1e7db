// Popularity rankings of the catalogue, derived from the item table at load time: the fill
// of every recommendation list once the session's own items and its co-visitation
// candidates run out (the public baseline's "top clicks" / "top orders" of the period).
//
//   clicks ranking: recent clicks desc, then all-time clicks desc, then dense index asc
//   buys ranking:   recent orders desc, recent carts desc, all-time orders desc,
//                   all-time carts desc, recent clicks desc, then dense index asc
//
// Immutable; safe to read from many threads.
#pragma once

#include <span>
#include <vector>

#include "core/types.h"
#include "serve/item_table.h"

namespace sessionrec {

// The two ranked lists the rerank rules fill from.
enum class PopularityList : int { kClicks = 0, kBuys = 1 };

class Popularity {
 public:
  Popularity() = default;
  explicit Popularity(const ItemTable& items);

  size_t num_items() const { return rank_[0].size(); }
  // Dense indices, most popular first (a permutation of 0..num_items-1).
  std::span<const ItemIndex> Ranked(PopularityList l) const { return ranked_[Idx(l)]; }
  // Position of item `i` in Ranked(l). i < num_items().
  uint32_t Rank(PopularityList l, ItemIndex i) const { return rank_[Idx(l)][i]; }

 private:
  static int Idx(PopularityList l) { return static_cast<int>(l); }
  std::vector<ItemIndex> ranked_[2];
  std::vector<uint32_t> rank_[2];
};

}  // namespace sessionrec
