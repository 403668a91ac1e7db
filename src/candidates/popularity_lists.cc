#include "candidates/popularity_lists.h"

#include <algorithm>

namespace sessionrec {

std::string_view PopularityKindName(PopularityKind kind) {
  static constexpr std::string_view kNames[] = {"all", "recent", "clicks", "carts", "orders"};
  return kNames[static_cast<size_t>(kind)];
}

PopularityLists PopularityLists::Build(const EventStore& train, const PopularityListParams& p) {
  Counts counts;
  for (auto& c : counts) c.assign(train.num_items(), 0);
  uint32_t newest = 0;
  for (uint32_t t : train.ts()) newest = std::max(newest, t);
  const auto items = train.items();
  const auto ts = train.ts();
  const auto types = train.types();
  for (size_t e = 0; e < items.size(); ++e) {
    const ItemIndex i = items[e];
    ++counts[static_cast<size_t>(PopularityKind::kAll)][i];
    if (static_cast<int64_t>(newest) - static_cast<int64_t>(ts[e]) < p.recent_seconds) {
      ++counts[static_cast<size_t>(PopularityKind::kRecent)][i];
    }
    ++counts[static_cast<size_t>(PopularityKind::kClicks) + (types[e] % kNumEventTypes)][i];
  }
  return FromCounts(counts, p.max_items);
}

PopularityLists PopularityLists::FromCounts(const Counts& counts, size_t max_items) {
  PopularityLists out;
  for (size_t k = 0; k < counts.size(); ++k) {
    std::vector<ScoredCandidate>& list = out.lists_[k];
    for (ItemIndex i = 0; i < counts[k].size(); ++i) {
      if (counts[k][i] > 0) list.push_back({i, static_cast<float>(counts[k][i])});
    }
    auto better = [](const ScoredCandidate& a, const ScoredCandidate& b) {
      return a.score != b.score ? a.score > b.score : a.item < b.item;
    };
    const size_t keep = std::min(max_items, list.size());
    std::partial_sort(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(keep), list.end(),
                      better);
    list.resize(keep);
    list.shrink_to_fit();
  }
  return out;
}

}  // namespace sessionrec
