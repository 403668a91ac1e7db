#include "covisit/session_tails.h"

#include <omp.h>

#include <algorithm>

#include "core/str_cat.h"

namespace sessionrec {
namespace {

// Fills `out` with the positions (in the session) of its tail, in the baseline's order:
// ts descending, equal ts in ascending position, at most `max_events`, only kept types.
void TailPositions(const SessionView& v, uint8_t type_mask, size_t max_events,
                   std::vector<uint32_t>& out) {
  out.clear();
  const size_t n = v.size();
  auto kept = [&](size_t i) { return ((type_mask >> v.types[i]) & 1) != 0; };
  bool sorted = true;
  for (size_t i = 1; i < n && sorted; ++i) sorted = v.ts[i - 1] <= v.ts[i];
  if (sorted) {
    // The store keeps sessions in time order, so the stable descending sort is the groups
    // of equal ts from the last one back, each group in its own (ascending) order.
    size_t end = n;
    while (end > 0 && out.size() < max_events) {
      size_t begin = end - 1;
      while (begin > 0 && v.ts[begin - 1] == v.ts[end - 1]) --begin;
      for (size_t i = begin; i < end && out.size() < max_events; ++i) {
        if (kept(i)) out.push_back(static_cast<uint32_t>(i));
      }
      end = begin;
    }
    return;
  }
  // A store built from unsorted input: do what the stable sort does.
  for (size_t i = 0; i < n; ++i) {
    if (kept(i)) out.push_back(static_cast<uint32_t>(i));
  }
  std::stable_sort(out.begin(), out.end(),
                   [&](uint32_t a, uint32_t b) { return v.ts[a] > v.ts[b]; });
  if (out.size() > max_events) out.resize(max_events);
}

// A tail whose events all share one item cannot form a pair (aid_x != aid_y).
bool HasPair(const SessionView& v, std::span<const uint32_t> pos) {
  for (uint32_t p : pos) {
    if (v.items[p] != v.items[pos[0]]) return true;
  }
  return false;
}

}  // namespace

StatusOr<SessionTails> SessionTails::Build(const EventStore& events, int max_events,
                                           uint8_t type_mask, int num_threads) {
  const size_t num_sessions = events.num_sessions();
  const size_t num_items = events.num_items();
  if (num_items >= kMaxItems) {
    return absl::InvalidArgumentError(
        StrCat("co-visitation: ", num_items, " items; at most 2^30-1 are supported"));
  }
  if (max_events < 1 || max_events > kMaxTailEvents) {
    return absl::InvalidArgumentError(
        StrCat("co-visitation: tail length ", max_events, " is outside 1..", kMaxTailEvents));
  }
  const int threads = num_threads > 0 ? num_threads : omp_get_max_threads();
  const size_t max_tail = static_cast<size_t>(max_events);
  SessionTails t;
  t.offsets_.assign(num_sessions + 1, 0);

  // Pass 1: tail length of every session; pass 2 (after the prefix sum): the events.
  // Recomputing the order in pass 2 costs less than keeping every session's positions.
#pragma omp parallel num_threads(threads)
  {
    std::vector<uint32_t> pos;
#pragma omp for schedule(dynamic, 4096)
    for (size_t s = 0; s < num_sessions; ++s) {
      const SessionView v = events.session(s);
      TailPositions(v, type_mask, max_tail, pos);
      t.offsets_[s + 1] = HasPair(v, pos) ? pos.size() : 0;
    }
  }
  for (size_t s = 0; s < num_sessions; ++s) t.offsets_[s + 1] += t.offsets_[s];
  t.events_.resize(t.offsets_.back());
#pragma omp parallel num_threads(threads)
  {
    std::vector<uint32_t> pos;
#pragma omp for schedule(dynamic, 4096)
    for (size_t s = 0; s < num_sessions; ++s) {
      if (t.offsets_[s + 1] == t.offsets_[s]) continue;
      const SessionView v = events.session(s);
      TailPositions(v, type_mask, max_tail, pos);
      TailEvent* out = t.events_.data() + t.offsets_[s];
      for (uint32_t p : pos) {
        *out++ = {v.items[p] | static_cast<uint32_t>(v.types[p]) << 30, v.ts[p]};
      }
    }
  }

  // Item -> tails, by counting sort over sessions in ascending order, so every list is
  // ascending. `last` marks the session an item was last counted in (each session once).
  std::vector<size_t> last(num_items, SIZE_MAX);
  t.item_offsets_.assign(num_items + 1, 0);
  for (size_t s = 0; s < num_sessions; ++s) {
    for (const TailEvent& e : t.tail(s)) {
      if (last[e.item()] == s) continue;
      last[e.item()] = s;
      ++t.item_offsets_[e.item() + 1];
    }
  }
  for (size_t i = 0; i < num_items; ++i) t.item_offsets_[i + 1] += t.item_offsets_[i];
  t.item_tails_.resize(t.item_offsets_.back());
  std::vector<uint64_t> fill(t.item_offsets_.begin(), t.item_offsets_.end() - 1);
  std::fill(last.begin(), last.end(), SIZE_MAX);
  for (size_t s = 0; s < num_sessions; ++s) {
    const TailRef ref{t.offsets_[s] << 16 | (t.offsets_[s + 1] - t.offsets_[s])};
    for (const TailEvent& e : t.tail(s)) {
      if (last[e.item()] == s) continue;
      last[e.item()] = s;
      t.item_tails_[fill[e.item()]++] = ref;
    }
  }
  return t;
}

}  // namespace sessionrec
