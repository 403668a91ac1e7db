#include "data/item_categories.h"

#include <algorithm>
#include <unordered_map>

#include "core/str_cat.h"

namespace sessionrec {
namespace {

struct Owned {
  std::vector<ItemId> aids;
  std::vector<uint32_t> category;
  std::vector<uint64_t> category_ids;
};

}  // namespace

ItemCategories ItemCategories::Build(ItemCategoriesBuilder builder, uint64_t* conflicts) {
  std::vector<std::pair<ItemId, uint64_t>>& pairs = builder.pairs_;
  // Stable: among one item's pairs the first listed stays first.
  std::stable_sort(pairs.begin(), pairs.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  auto owned = std::make_shared<Owned>();
  std::unordered_map<uint64_t, uint32_t> dense;
  uint64_t conflicting = 0;
  for (size_t i = 0; i < pairs.size();) {
    const auto [item, category] = pairs[i];
    bool other = false;
    size_t j = i + 1;
    for (; j < pairs.size() && pairs[j].first == item; ++j) other |= pairs[j].second != category;
    conflicting += other ? 1 : 0;
    auto [it, added] = dense.try_emplace(category, static_cast<uint32_t>(dense.size()));
    if (added) owned->category_ids.push_back(category);
    owned->aids.push_back(item);
    owned->category.push_back(it->second);
    i = j;
  }
  if (conflicts != nullptr) *conflicts = conflicting;
  ItemCategories c;
  c.aids_ = owned->aids;
  c.category_ = owned->category;
  c.category_ids_ = owned->category_ids;
  c.owner_ = std::move(owned);
  return c;
}

uint32_t ItemCategories::CategoryOf(ItemId item) const {
  const auto it = std::lower_bound(aids_.begin(), aids_.end(), item);
  if (it == aids_.end() || *it != item) return kNoCategory;
  return category_[static_cast<size_t>(it - aids_.begin())];
}

Status ItemCategories::Write(const std::string& path) const {
  ArtifactWriter w(kItemCategoriesKind, kItemCategoriesVersion);
  w.Add("aids", aids_);
  w.Add("category", category_);
  w.Add("category_ids", category_ids_);
  w.AddText("meta",
            StrCat("{\"items\":", aids_.size(), ",\"categories\":", category_ids_.size(), "}"));
  return w.Write(path);
}

StatusOr<ItemCategories> ItemCategories::Open(const std::string& path) {
  SR_ASSIGN_OR_RETURN(Artifact a,
                      Artifact::Open(path, kItemCategoriesKind, kItemCategoriesVersion));
  auto art = std::make_shared<Artifact>(std::move(a));
  ItemCategories c;
  SR_ASSIGN_OR_RETURN(c.aids_, art->Get<ItemId>("aids"));
  SR_ASSIGN_OR_RETURN(c.category_, art->Get<uint32_t>("category"));
  SR_ASSIGN_OR_RETURN(c.category_ids_, art->Get<uint64_t>("category_ids"));
  if (c.category_.size() != c.aids_.size()) {
    return absl::DataLossError(
        StrCat(path, ": ", c.aids_.size(), " items but ", c.category_.size(), " category entries"));
  }
  for (size_t i = 1; i < c.aids_.size(); ++i) {
    if (c.aids_[i - 1] >= c.aids_[i]) {
      return absl::DataLossError(StrCat(path, ": item ids not strictly ascending at entry ", i));
    }
  }
  for (size_t i = 0; i < c.category_.size(); ++i) {
    if (c.category_[i] >= c.category_ids_.size()) {
      return absl::DataLossError(StrCat(path, ": entry ", i, " has category index ", c.category_[i],
                                        " of ", c.category_ids_.size()));
    }
  }
  c.owner_ = std::move(art);
  return c;
}

}  // namespace sessionrec
