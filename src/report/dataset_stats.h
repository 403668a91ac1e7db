// Dataset statistics for the HTML report, computed from an event store in one pass.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/types.h"
#include "data/event_store.h"
#include "data/import_summary.h"

namespace sessionrec {

struct DatasetStats {
  EventStoreStats basic;  // counts, per type, mean/median length, time range
  // Sessions by number of events, in buckets 1, 2, 3-4, 5-8, 9-16, ... (powers of two).
  std::vector<std::string> length_buckets;    // "1", "2", "3-4", ...
  std::vector<uint64_t> sessions_per_bucket;  // same size
  // Events per UTC day (day 0 = the day of the first event), per type.
  std::vector<std::array<uint64_t, kNumEventTypes>> events_per_day;
  // Share of all events on the most frequent 1% of items (at least one item): how
  // concentrated popularity is.
  double top1pct_item_share = 0;
  uint64_t sessions_with_cart = 0;   // sessions with at least one cart event
  uint64_t sessions_with_order = 0;  // sessions with at least one order event
};

DatasetStats ComputeDatasetStats(const EventStore& store);

}  // namespace sessionrec
