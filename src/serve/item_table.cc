#include "serve/item_table.h"

#include <fmt/format.h>

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "core/str_cat.h"

namespace sessionrec {

ItemTable ItemTable::Build(const EventStore& store, const ItemTableParams& params) {
  auto owned = std::make_shared<Owned>();
  const size_t n = store.num_items();
  owned->item_ids.assign(store.item_ids().begin(), store.item_ids().end());
  owned->counts.assign(3 * n, 0);
  owned->recent_counts.assign(3 * n, 0);
  const auto ts = store.ts();
  const auto items = store.items();
  const auto types = store.types();
  const int64_t max_ts = ts.empty() ? 0 : *std::max_element(ts.begin(), ts.end());
  const int64_t window_start = max_ts - static_cast<int64_t>(params.recent_days * 86400.0);
  std::array<uint64_t, kNumEventTypes> totals{};
  for (size_t e = 0; e < items.size(); ++e) {
    const size_t slot = 3 * size_t{items[e]} + types[e];
    ++owned->counts[slot];
    if (static_cast<int64_t>(ts[e]) >= window_start) ++owned->recent_counts[slot];
    ++totals[types[e]];
  }
  ItemTable t;
  t.meta_ = fmt::format(
      R"({{"recent_days":{},"max_ts":{},"items":{},"clicks":{},"carts":{},"orders":{}}})",
      params.recent_days, max_ts, n, totals[0], totals[1], totals[2]);
  t.owned_ = std::move(owned);
  t.item_ids_ = t.owned_->item_ids;
  t.counts_ = t.owned_->counts;
  t.recent_counts_ = t.owned_->recent_counts;
  return t;
}

Status ItemTable::Save(const std::string& path) const {
  ArtifactWriter w(kItemTableKind, kItemTableVersion);
  w.Add("item_ids", item_ids_);
  w.Add("counts", counts_);
  w.Add("recent_counts", recent_counts_);
  w.AddText("meta", meta_);
  return w.Write(path);
}

StatusOr<ItemTable> ItemTable::Open(const std::string& path) {
  SR_ASSIGN_OR_RETURN(Artifact a, Artifact::Open(path, kItemTableKind, kItemTableVersion));
  ItemTable t;
  t.mapped_ = std::make_shared<Artifact>(std::move(a));
  const Artifact& m = *t.mapped_;
  SR_ASSIGN_OR_RETURN(t.item_ids_, m.Get<ItemId>("item_ids"));
  SR_ASSIGN_OR_RETURN(t.counts_, m.Get<uint32_t>("counts"));
  SR_ASSIGN_OR_RETURN(t.recent_counts_, m.Get<uint32_t>("recent_counts"));
  SR_ASSIGN_OR_RETURN(std::string_view meta, m.GetText("meta"));
  t.meta_ = std::string(meta);
  const size_t n = t.item_ids_.size();
  if (t.counts_.size() != 3 * n || t.recent_counts_.size() != 3 * n) {
    return absl::DataLossError(StrCat(path, ": inconsistent item table: ", n, " items but ",
                                      t.counts_.size(), " and ", t.recent_counts_.size(),
                                      " counts (want 3 per item)"));
  }
  // Dense index <-> aid must be a bijection, or the dictionary would silently drop items.
  absl::flat_hash_set<ItemId> seen;
  seen.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (!seen.insert(t.item_ids_[i]).second) {
      return absl::DataLossError(
          StrCat(path, ": inconsistent item table: aid ", t.item_ids_[i], " appears twice"));
    }
  }
  return t;
}

}  // namespace sessionrec
