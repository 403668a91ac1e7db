// Ranked popularity lists of the training events, for the popularity candidate sources:
//
//   all      events of any type, all time
//   recent   events of any type in the last recent_seconds before the newest event
//   clicks / carts / orders   events of that type, all time
//
// Each list keeps its top max_items items by count, descending, equal counts by dense
// index ascending (items with count 0 are not listed). Immutable; thread-safe to read.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "candidates/candidate_source.h"
#include "data/event_store.h"

namespace sessionrec {

enum class PopularityKind : uint8_t { kAll = 0, kRecent = 1, kClicks = 2, kCarts = 3, kOrders = 4 };
inline constexpr std::array<PopularityKind, 5> kAllPopularityKinds = {
    PopularityKind::kAll, PopularityKind::kRecent, PopularityKind::kClicks, PopularityKind::kCarts,
    PopularityKind::kOrders};
// "all", "recent", "clicks", "carts", "orders".
std::string_view PopularityKindName(PopularityKind kind);

struct PopularityListParams {
  // Window of the "recent" list, counted back from the newest training event (seconds).
  int64_t recent_seconds = 24 * 60 * 60;
  // Items kept per list: enough for the largest k plus the session's own items.
  size_t max_items = 1000;
};

class PopularityLists {
 public:
  PopularityLists() = default;
  static PopularityLists Build(const EventStore& train, const PopularityListParams& p);
  // From per-item counts, indexed by PopularityKind (each vector one entry per dense item;
  // all the same length). Used by the model bundle, which has counts but no events.
  using Counts = std::array<std::vector<uint32_t>, kAllPopularityKinds.size()>;
  static PopularityLists FromCounts(const Counts& counts, size_t max_items);
  // Items by count descending, and their counts (same length).
  std::span<const ScoredCandidate> List(PopularityKind kind) const {
    return lists_[static_cast<size_t>(kind)];
  }

 private:
  std::array<std::vector<ScoredCandidate>, kAllPopularityKinds.size()> lists_;
};

}  // namespace sessionrec
