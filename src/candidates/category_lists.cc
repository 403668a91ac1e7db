#include "candidates/category_lists.h"

#include <algorithm>

#include "core/status.h"
#include "core/types.h"

namespace sessionrec {

CategoryLists CategoryLists::Build(std::span<const ItemId> item_ids,
                                   std::span<const uint32_t> counts,
                                   const ItemCategories& categories, const CategoryListParams& p) {
  SR_CHECK(item_ids.size() == counts.size());
  CategoryLists l;
  l.categories_ = &categories;
  const size_t n = item_ids.size(), m = categories.num_categories();
  l.item_category_.resize(n);
  // Bucket the counted items by category (counting sort), then keep each bucket's best.
  std::vector<uint64_t> start(m + 1, 0);
  for (size_t i = 0; i < n; ++i) {
    const uint32_t c = categories.CategoryOf(item_ids[i]);
    l.item_category_[i] = c;
    if (c != kNoCategory && counts[i] > 0) ++start[c + 1];
  }
  for (size_t c = 0; c < m; ++c) start[c + 1] += start[c];
  std::vector<ScoredCandidate> bucket(start[m]);
  {
    std::vector<uint64_t> next(start.begin(), start.end() - 1);
    for (size_t i = 0; i < n; ++i) {
      const uint32_t c = l.item_category_[i];
      if (c == kNoCategory || counts[i] == 0) continue;
      bucket[next[c]++] = {static_cast<ItemIndex>(i), static_cast<float>(counts[i])};
    }
  }
  l.offsets_.assign(1, 0);
  l.offsets_.reserve(m + 1);
  auto better = [](const ScoredCandidate& a, const ScoredCandidate& b) {
    return a.score != b.score ? a.score > b.score : a.item < b.item;
  };
  for (size_t c = 0; c < m; ++c) {
    auto first = bucket.begin() + static_cast<ptrdiff_t>(start[c]);
    auto last = bucket.begin() + static_cast<ptrdiff_t>(start[c + 1]);
    const auto keep = std::min<ptrdiff_t>(last - first, static_cast<ptrdiff_t>(p.per_category));
    std::partial_sort(first, first + keep, last, better);
    l.entries_.insert(l.entries_.end(), first, first + keep);
    l.offsets_.push_back(l.entries_.size());
  }
  return l;
}

CategoryLists CategoryLists::FromStore(const EventStore& train, const ItemCategories& categories,
                                       const CategoryListParams& p) {
  std::vector<uint32_t> counts(train.num_items(), 0);
  for (ItemIndex i : train.items()) ++counts[i];
  return Build(train.item_ids(), counts, categories, p);
}

std::span<const ScoredCandidate> CategoryLists::List(uint32_t category) const {
  if (category >= num_categories()) return {};
  return std::span<const ScoredCandidate>(entries_).subspan(
      offsets_[category], offsets_[category + 1] - offsets_[category]);
}

}  // namespace sessionrec
