#include "serve/popularity.h"

#include <algorithm>
#include <numeric>
#include <tuple>

namespace sessionrec {

Popularity::Popularity(const ItemTable& items) {
  const size_t n = items.num_items();
  using T = EventType;
  auto clicks_key = [&](ItemIndex i) {
    return std::make_tuple(items.recent_count(i, T::kClick), items.count(i, T::kClick));
  };
  auto buys_key = [&](ItemIndex i) {
    return std::make_tuple(items.recent_count(i, T::kOrder), items.recent_count(i, T::kCart),
                           items.count(i, T::kOrder), items.count(i, T::kCart),
                           items.recent_count(i, T::kClick));
  };
  for (int l = 0; l < 2; ++l) {
    ranked_[l].resize(n);
    std::iota(ranked_[l].begin(), ranked_[l].end(), ItemIndex{0});
    // Keys descending, dense index ascending: a total order, so the ranking is deterministic.
    auto by = [&](auto key) {
      return [key](ItemIndex a, ItemIndex b) {
        const auto ka = key(a), kb = key(b);
        return ka != kb ? ka > kb : a < b;
      };
    };
    if (l == 0) {
      std::sort(ranked_[l].begin(), ranked_[l].end(), by(clicks_key));
    } else {
      std::sort(ranked_[l].begin(), ranked_[l].end(), by(buys_key));
    }
    rank_[l].resize(n);
    for (size_t r = 0; r < n; ++r) rank_[l][ranked_[l][r]] = static_cast<uint32_t>(r);
  }
}

}  // namespace sessionrec
