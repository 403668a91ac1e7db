#include "candidates/merge_schedule.h"

#include <algorithm>
#include <unordered_set>

#include "core/status.h"

namespace sessionrec {
namespace {

// The greedy's view of one query: what is placed, and the recall each label item adds
// when placed.
struct QueryState {
  std::unordered_set<ItemIndex> placed;
  std::vector<std::pair<ItemIndex, double>> gain;  // label item -> recall added
};

double GainOf(const QueryState& st, ItemIndex y) {
  double g = 0;
  for (const auto& [item, w] : st.gain) g += item == y ? w : 0.0;
  return g;
}

// The next `n` items `step` would place in query q (mirrors ApplyMergeSchedule: a source
// with nothing left hands the place to the blend), into `out`; the state is not changed.
void Take(const ScheduleFitQuery& q, const QueryState& st, int32_t step, size_t n,
          std::vector<ItemIndex>& out) {
  out.clear();
  auto free = [&](ItemIndex y) {
    return !st.placed.contains(y) && std::find(out.begin(), out.end(), y) == out.end();
  };
  size_t c = 0, b = 0;
  while (out.size() < n) {
    ItemIndex y = kNoItem;
    if (step != kScheduleBlend) {
      const std::vector<ItemIndex>& l = q.lists[static_cast<size_t>(step)];
      while (c < l.size() && !free(l[c])) ++c;
      if (c < l.size()) y = l[c];
    }
    if (y == kNoItem) {
      while (b < q.blend.size() && !free(q.blend[b])) ++b;
      if (b == q.blend.size()) return;
      y = q.blend[b];
    }
    out.push_back(y);
  }
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
    for (int t = 0; t < kNumEventTypes; ++t) {
      if (denom[t] == 0) continue;
      for (ItemIndex y : queries[i].labels[t]) {
        if (y != kNoItem) states[i].gain.emplace_back(y, p.type_weights[t] / denom[t]);
      }
    }
  }
  std::vector<int32_t> schedule;
  schedule.reserve(p.places);
  std::vector<ItemIndex> taken;
  const size_t block = std::max<size_t>(1, p.block);
  while (schedule.size() < p.places) {
    const size_t n = std::min(block, p.places - schedule.size());
    int32_t best = kScheduleBlend;
    double best_gain = -1;
    for (int32_t step = kScheduleBlend; step < static_cast<int32_t>(num_sources); ++step) {
      double g = 0;
      for (size_t i = 0; i < queries.size(); ++i) {
        if (states[i].gain.empty()) continue;
        Take(queries[i], states[i], step, n, taken);
        for (ItemIndex y : taken) g += GainOf(states[i], y);
      }
      if (g > best_gain) best = step, best_gain = g;  // ties: the blend, then lower sources
    }
    schedule.insert(schedule.end(), n, best);
    for (size_t i = 0; i < queries.size(); ++i) {
      if (states[i].gain.empty()) continue;  // its places cannot matter to the fit
      Take(queries[i], states[i], best, n, taken);
      states[i].placed.insert(taken.begin(), taken.end());
    }
  }
  return schedule;
}

}  // namespace sessionrec
