// The part of each session that co-visitation pairs up, and an item -> sessions index over it.
//
// A session's tail is its `max_events` most recent events of the wanted types, ordered as the
// public baseline's pandas code orders them: `sort_values(['session','ts'],
// ascending=[True,False])` is a stable sort, so the order is ts descending and, among equal
// timestamps, store (file) order ascending; `cumcount() < 30` then keeps the first 30 of that
// order. The item index lists, for every item, the sessions whose tail contains it (each
// session once, ascending), so one matrix row can be computed on its own.
//
// Memory: 12 bytes per tail event + 8 bytes per session + 4 bytes per (item, session) +
// 8 bytes per item. Immutable after Build(); safe to read from many threads.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "data/event_store.h"

namespace sessionrec {

// One event of a tail (ts in Unix seconds, type an EventType value).
struct TailEvent {
  ItemIndex item;
  uint32_t ts;
  uint8_t type;
};

class SessionTails {
 public:
  // Takes, per session, the `max_events` most recent events whose type bit is set in
  // `type_mask` (bit t = EventType t). Tails with fewer than two distinct items cannot form
  // a pair and are left empty. Uses up to `num_threads` OpenMP threads (0: OpenMP default);
  // the result does not depend on the thread count. Fails if the store has 2^32 sessions or
  // more (session numbers are 32-bit here).
  static StatusOr<SessionTails> Build(const EventStore& events, int max_events, uint8_t type_mask,
                                      int num_threads);

  size_t num_sessions() const { return offsets_.size() - 1; }
  size_t num_items() const { return item_offsets_.size() - 1; }
  size_t num_tail_events() const { return events_.size(); }
  // Session s's tail, most recent first (empty if it has no pair).
  std::span<const TailEvent> tail(size_t s) const {
    return std::span<const TailEvent>(events_).subspan(offsets_[s], offsets_[s + 1] - offsets_[s]);
  }
  // The sessions whose tail holds item x, ascending.
  std::span<const uint32_t> SessionsWithItem(ItemIndex x) const {
    return std::span<const uint32_t>(item_sessions_)
        .subspan(item_offsets_[x], item_offsets_[x + 1] - item_offsets_[x]);
  }

 private:
  std::vector<uint64_t> offsets_{0};       // [sessions + 1] into events_
  std::vector<TailEvent> events_;          // all tails, session by session
  std::vector<uint64_t> item_offsets_{0};  // [items + 1] into item_sessions_
  std::vector<uint32_t> item_sessions_;    // session numbers, grouped by item
};

}  // namespace sessionrec
