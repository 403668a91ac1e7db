// How much each event of a session counts when a source aggregates over the session's
// items: w_i = type_weights[t_i] * 2^(-(n-1-i) / half_life_events) for the last
// max_events events (i = n-1 the most recent), 0 for older ones.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>

#include "candidates/candidate_source.h"
#include "core/types.h"

namespace sessionrec {

struct SessionWeightParams {
  // Weight by event type: clicks, carts, orders.
  std::array<float, kNumEventTypes> type_weights = {1.0f, 3.0f, 6.0f};
  // Events back at which the recency factor halves; > 0.
  float half_life_events = 5.0f;
  // Only the most recent this many events count.
  size_t max_events = 30;
};

// First event index that counts.
inline size_t FirstCountedEvent(const SessionContext& s, const SessionWeightParams& p) {
  return s.items.size() > p.max_events ? s.items.size() - p.max_events : 0;
}

// w_i of event i (FirstCountedEvent(s, p) <= i < s.items.size()).
inline float EventWeight(const SessionContext& s, const SessionWeightParams& p, size_t i) {
  const float age = static_cast<float>(s.items.size() - 1 - i);
  return p.type_weights[s.types[i] % kNumEventTypes] * std::exp2(-age / p.half_life_events);
}

}  // namespace sessionrec
