#include "candidates/merge_schedule.h"

#include <algorithm>
#include <unordered_set>

#include "core/status.h"

namespace sessionrec {
namespace {

// The greedy's view of one query: what is placed, where each list stands, and the recall
// each label item adds when placed.
struct QueryState {
  std::unordered_set<ItemIndex> placed;
  std::vector<size_t> cursor;  // per source
  size_t blend_cursor = 0;
  std::vector<std::pair<ItemIndex, double>> gain;  // label item -> recall added
};

double GainOf(const QueryState& st, ItemIndex y) {
  double g = 0;
  for (const auto& [item, w] : st.gain) g += item == y ? w : 0.0;
  return g;
}

// The item `step` would place in query q (mirrors ApplyMergeSchedule), kNoItem when none.
ItemIndex NextItem(const ScheduleFitQuery& q, QueryState& st, int32_t step) {
  if (step != kScheduleBlend) {
    const std::vector<ItemIndex>& l = q.lists[static_cast<size_t>(step)];
    size_t& c = st.cursor[static_cast<size_t>(step)];
    while (c < l.size() && st.placed.contains(l[c])) ++c;
    if (c < l.size()) return l[c];
  }
  size_t& b = st.blend_cursor;
  while (b < q.blend.size() && st.placed.contains(q.blend[b])) ++b;
  return b < q.blend.size() ? q.blend[b] : kNoItem;
}

}  // namespace

std::vector<int32_t> FitMergeSchedule(std::span<const ScheduleFitQuery> queries, size_t num_sources,
                                      const MergeScheduleFitParams& p) {
  // Σ_q min(metric_k, |labels_t(q)|) per type: the recall denominators.
  std::array<double, kNumEventTypes> denom{};
  for (const ScheduleFitQuery& q : queries) {
    SR_CHECK(q.lists.size() == num_sources);
    for (int t = 0; t < kNumEventTypes; ++t) {
      denom[t] += static_cast<double>(std::min(p.metric_k, q.labels[t].size()));
    }
  }
  std::vector<QueryState> states(queries.size());
  for (size_t i = 0; i < queries.size(); ++i) {
    states[i].cursor.assign(num_sources, 0);
    for (int t = 0; t < kNumEventTypes; ++t) {
      if (denom[t] == 0) continue;
      for (ItemIndex y : queries[i].labels[t]) {
        if (y != kNoItem) states[i].gain.emplace_back(y, p.type_weights[t] / denom[t]);
      }
    }
  }
  std::vector<int32_t> schedule;
  schedule.reserve(p.places);
  for (size_t place = 0; place < p.places; ++place) {
    int32_t best = kScheduleBlend;
    double best_gain = -1;
    for (int32_t step = kScheduleBlend; step < static_cast<int32_t>(num_sources); ++step) {
      double g = 0;
      for (size_t i = 0; i < queries.size(); ++i) {
        if (states[i].gain.empty()) continue;
        const ItemIndex y = NextItem(queries[i], states[i], step);
        if (y != kNoItem) g += GainOf(states[i], y);
      }
      if (g > best_gain) best = step, best_gain = g;  // ties: the blend, then lower sources
    }
    schedule.push_back(best);
    for (size_t i = 0; i < queries.size(); ++i) {
      const ItemIndex y = NextItem(queries[i], states[i], best);
      if (y != kNoItem) states[i].placed.insert(y);
    }
  }
  return schedule;
}

}  // namespace sessionrec
