#include "report/dataset_stats.h"

#include <algorithm>
#include <bit>
#include <functional>

#include "core/str_cat.h"

namespace sessionrec {
namespace {

// Bucket of a session with n >= 1 events: 0 for 1, 1 for 2, 2 for 3-4, 3 for 5-8, ...
size_t Bucket(uint64_t n) { return n <= 1 ? 0 : static_cast<size_t>(std::bit_width(n - 1)); }

std::string BucketName(size_t b) {
  if (b == 0) return "1";
  if (b == 1) return "2";
  const uint64_t lo = (uint64_t{1} << (b - 1)) + 1, hi = uint64_t{1} << b;
  return StrCat(lo, "-", hi);
}

}  // namespace

DatasetStats ComputeDatasetStats(const EventStore& store) {
  DatasetStats out;
  out.basic = ComputeEventStoreStats(store);
  const uint32_t first_day = out.basic.min_ts / 86400;
  if (store.num_events() > 0) {
    out.events_per_day.resize(out.basic.max_ts / 86400 - first_day + 1);
  }
  std::vector<uint64_t> item_events(store.num_items(), 0);
  for (size_t s = 0; s < store.num_sessions(); ++s) {
    const SessionView v = store.session(s);
    if (v.size() == 0) continue;
    const size_t b = Bucket(v.size());
    if (out.sessions_per_bucket.size() <= b) out.sessions_per_bucket.resize(b + 1, 0);
    ++out.sessions_per_bucket[b];
    bool cart = false, order = false;
    for (size_t i = 0; i < v.size(); ++i) {
      const EventType t = v.type(i);
      cart |= t == EventType::kCart;
      order |= t == EventType::kOrder;
      ++out.events_per_day[v.ts[i] / 86400 - first_day][static_cast<int>(t)];
      ++item_events[v.items[i]];
    }
    out.sessions_with_cart += cart ? 1 : 0;
    out.sessions_with_order += order ? 1 : 0;
  }
  for (size_t b = 0; b < out.sessions_per_bucket.size(); ++b) {
    out.length_buckets.push_back(BucketName(b));
  }
  if (!item_events.empty() && store.num_events() > 0) {
    const size_t top = std::max<size_t>(1, item_events.size() / 100);
    std::nth_element(item_events.begin(), item_events.begin() + static_cast<ptrdiff_t>(top - 1),
                     item_events.end(), std::greater<>());
    uint64_t sum = 0;
    for (size_t i = 0; i < top; ++i) sum += item_events[i];
    out.top1pct_item_share = static_cast<double>(sum) / static_cast<double>(store.num_events());
  }
  return out;
}

}  // namespace sessionrec
