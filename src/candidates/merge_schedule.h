// A merge schedule: which source fills each place of the merged candidate list, fitted by
// measured recall on a held-out part of the training period (docs/candidates.md §Merge
// schedule). It replaces "one blend order for every catalogue": on a sparse catalogue
// (Taobao) a popularity list finds more than the deep places of the embedding sources, on
// a dense one (REES46) the reverse, and one set of blend weights cannot serve both.
//
// Place p (0-based) of a scheduled merge takes the best item of source schedule[p] that is
// not placed yet; kScheduleBlend, a source with nothing left, or p >= schedule.size() take
// the next unplaced item in blend order. So a schedule of only kScheduleBlend is the plain
// blend order.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "candidates/candidate_source.h"
#include "core/types.h"

namespace sessionrec {

inline constexpr int32_t kScheduleBlend = -1;

// One held-out session: every source's list and the blend order of the Merger (items best
// first, as Merger::Generate makes them), and its labels per event type (clicks, carts,
// orders; dense items, kNoItem for an unknown item).
struct ScheduleFitQuery {
  std::vector<std::vector<ItemIndex>> lists;  // one per source, in the Merger's order
  std::vector<ItemIndex> blend;
  std::array<std::vector<ItemIndex>, kNumEventTypes> labels;
};

struct MergeScheduleFitParams {
  size_t places = 200;  // schedule length (the largest k the merged list is asked for)
  // Places decided together: one place rarely holds a label in a sparse catalogue, so a
  // per-place greedy sees no gain anywhere and leaves everything to the blend.
  size_t block = 10;
  // Recall of the OTTO metric (eval/metrics.h) the gain is measured in: a hit on a type-t
  // label of query q adds type_weights[t] / Σ_q min(metric_k, |labels_t(q)|).
  size_t metric_k = 100;
  std::array<double, kNumEventTypes> type_weights = {0.10, 0.30, 0.60};
};

// Greedy fit, `block` places at a time: the step (a source, or kScheduleBlend) whose next
// `block` unplaced items add the most recall over all queries takes those places; equal
// gains (also none) go to the blend, then to the lower source index. Deterministic;
// O(places · (sources + 1) · queries · block).
std::vector<int32_t> FitMergeSchedule(std::span<const ScheduleFitQuery> queries, size_t num_sources,
                                      const MergeScheduleFitParams& p);

inline ItemIndex ScheduleItem(ItemIndex i) { return i; }
inline ItemIndex ScheduleItem(const ScoredCandidate& c) { return c.item; }

// Applies `schedule` to one session: `lists[s]` are the sources' lists (best first; items
// ItemIndex or ScoredCandidate), `blend` the union in blend order (at least its first k);
// writes the first k places into `out` (cleared first). `placed` is working memory indexed
// by item (more entries than the largest item; all 0 on entry and again on return),
// `cursor` too (resized here).
template <typename T>
void ApplyMergeSchedule(std::span<const int32_t> schedule, std::span<const std::vector<T>> lists,
                        std::span<const ItemIndex> blend, size_t k, std::vector<size_t>& cursor,
                        std::vector<uint8_t>& placed, std::vector<ItemIndex>& out) {
  out.clear();
  cursor.assign(lists.size(), 0);
  size_t b = 0;
  while (out.size() < k) {
    const size_t p = out.size();
    const int32_t step = p < schedule.size() ? schedule[p] : kScheduleBlend;
    ItemIndex y = kNoItem;
    if (step >= 0 && static_cast<size_t>(step) < lists.size()) {
      const std::vector<T>& l = lists[static_cast<size_t>(step)];
      size_t& c = cursor[static_cast<size_t>(step)];
      // Items outside `placed` (none from a correct source) count as placed: skipped.
      while (c < l.size() &&
             (ScheduleItem(l[c]) >= placed.size() || placed[ScheduleItem(l[c])] != 0)) {
        ++c;
      }
      if (c < l.size()) y = ScheduleItem(l[c]);
    }
    if (y == kNoItem) {  // the blend's turn, or the source has nothing left
      while (b < blend.size() && (blend[b] >= placed.size() || placed[blend[b]] != 0)) ++b;
      if (b == blend.size()) break;
      y = blend[b];
    }
    placed[y] = 1;
    out.push_back(y);
  }
  for (ItemIndex y : out) placed[y] = 0;
}

}  // namespace sessionrec
