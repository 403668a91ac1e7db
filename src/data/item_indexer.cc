#include "data/item_indexer.h"

#include <algorithm>

#include "core/status.h"

namespace sessionrec {
namespace {

// The direct array may cover ids up to this bound for `items` items: dense enough that
// the array costs at most ~32 bytes per item, and never more than 256 MiB.
uint64_t DirectLimit(size_t items) {
  constexpr uint64_t kCap = uint64_t{1} << 26;
  return std::min<uint64_t>(8 * (static_cast<uint64_t>(items) + (uint64_t{1} << 17)), kCap);
}

}  // namespace

ItemIndexer::ItemIndexer(std::span<const ItemId> ids) {
  ids_.reserve(ids.size());
  for (ItemId aid : ids) {
    const size_t before = ids_.size();
    SR_CHECK(IndexOf(aid) == before);  // distinct ids
  }
}

ItemIndex ItemIndexer::IndexOfSlow(ItemId aid) {
  if (!overflow_.empty()) {
    auto it = overflow_.find(aid);
    if (it != overflow_.end()) return it->second;
  }
  SR_CHECK(ids_.size() < kNone);
  const auto index = static_cast<ItemIndex>(ids_.size());
  ids_.push_back(aid);
  const uint64_t limit = DirectLimit(ids_.size());
  if (aid >= limit) {
    overflow_.emplace(aid, index);
    return index;
  }
  if (aid >= direct_.size()) {
    // Grow geometrically; ids of the overflow map that the array now covers move into it,
    // so a hot item met early while the limit was low does not pay a hash probe forever.
    const uint64_t size =
        std::min<uint64_t>(std::max<uint64_t>(aid + 1, 2 * direct_.size()), limit);
    direct_.resize(size, kNone);
    for (auto it = overflow_.begin(); it != overflow_.end();) {
      if (it->first < size) {
        direct_[it->first] = it->second;
        overflow_.erase(it++);
      } else {
        ++it;
      }
    }
  }
  direct_[aid] = index;
  return index;
}

std::vector<ItemId> ItemIndexer::TakeIds() {
  std::vector<ItemId> ids = std::move(ids_);
  ids_.clear();
  direct_.clear();
  overflow_.clear();
  return ids;
}

}  // namespace sessionrec
