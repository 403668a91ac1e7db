// The part of each session that co-visitation pairs up, and an item -> sessions index over it.
//
// A session's tail is its `max_events` most recent events of the wanted types, ordered as the
// public baseline's pandas code orders them: `sort_values(['session','ts'],
// ascending=[True,False])` is a stable sort, so the order is ts descending and, among equal
// timestamps, store (file) order ascending; `cumcount() < 30` then keeps the first 30 of that
// order. The item index lists, for every item, the sessions whose tail contains it (each
// session once, ascending), so one matrix row can be computed on its own.
//
// Memory: 8 bytes per tail event + 8 bytes per session + 8 bytes per (item, session) +
// 8 bytes per item. Immutable after Build(); safe to read from many threads.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "covisit/huge_page_allocator.h"
#include "data/event_store.h"

namespace sessionrec {

// One event of a tail: 8 bytes, so a 30-event tail spans four cache lines. The item index
// (< 2^30) and the EventType share one word.
struct TailEvent {
  uint32_t item_and_type;
  uint32_t ts;  // Unix seconds
  ItemIndex item() const { return item_and_type & kItemMask; }
  uint8_t type() const { return static_cast<uint8_t>(item_and_type >> 30); }
  static constexpr uint32_t kItemMask = (1u << 30) - 1;
};

// Where one session's tail lies in SessionTails: start (48 bits) and length (16 bits).
struct TailRef {
  uint64_t bits;
  uint64_t start() const { return bits >> 16; }
  size_t size() const { return bits & 0xffff; }
};

class SessionTails {
 public:
  // Largest tail length and item count this layout holds.
  static constexpr int kMaxTailEvents = 0xffff;
  static constexpr size_t kMaxItems = size_t{1} << 30;

  // Takes, per session, the `max_events` most recent events whose type bit is set in
  // `type_mask` (bit t = EventType t). Tails with fewer than two distinct items cannot form
  // a pair and are left empty. Uses up to `num_threads` OpenMP threads (0: OpenMP default);
  // the result does not depend on the thread count. Fails if max_events is outside
  // 1..kMaxTailEvents or the store has kMaxItems items or more.
  static StatusOr<SessionTails> Build(const EventStore& events, int max_events, uint8_t type_mask,
                                      int num_threads);

  size_t num_sessions() const { return offsets_.size() - 1; }
  size_t num_items() const { return item_offsets_.size() - 1; }
  size_t num_tail_events() const { return events_.size(); }
  // Session s's tail, most recent first (empty if it has no pair).
  std::span<const TailEvent> tail(size_t s) const {
    return std::span<const TailEvent>(events_).subspan(offsets_[s], offsets_[s + 1] - offsets_[s]);
  }
  std::span<const TailEvent> tail(TailRef r) const {
    return std::span<const TailEvent>(events_.data() + r.start(), r.size());
  }
  // The tails that hold item x, in ascending session order (each once).
  std::span<const TailRef> TailsWithItem(ItemIndex x) const {
    return std::span<const TailRef>(item_tails_)
        .subspan(item_offsets_[x], item_offsets_[x + 1] - item_offsets_[x]);
  }

 private:
  std::vector<uint64_t> offsets_{0};                             // [sessions + 1] into events_
  std::vector<TailEvent, HugePageAllocator<TailEvent>> events_;  // all tails, session by session
  std::vector<uint64_t> item_offsets_{0};                        // [items + 1] into item_tails_
  // Tail references grouped by item; a reference rather than a session number saves the
  // reader a dependent load of offsets_ per visit.
  std::vector<TailRef, HugePageAllocator<TailRef>> item_tails_;
};

}  // namespace sessionrec
