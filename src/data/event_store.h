// The event store: all sessions of a log in columnar form (docs/artifacts.md, kind "EVENTS").
//
//   session_ids  int64[S]     external session ids, in file order
//   offsets      uint64[S+1]  session s owns events offsets[s] .. offsets[s+1)-1
//   items        uint32[E]    dense item index of each event
//   ts           uint32[E]    Unix seconds
//   types        uint8[E]     EventType
//   item_ids     uint64[I]    dense index -> external aid
//
// Events of a session are in time order (stable for ties). An EventStore either owns its
// columns (built in memory) or views a memory-mapped artifact; either way it is immutable
// and safe to read from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "data/item_indexer.h"
#include "io/artifact.h"

namespace sessionrec {

inline constexpr char kEventStoreKind[] = "EVENTS";
inline constexpr uint32_t kEventStoreVersion = 1;

// A view of one session inside an EventStore.
struct SessionView {
  SessionId id;
  std::span<const ItemIndex> items;
  std::span<const uint32_t> ts;
  std::span<const uint8_t> types;
  size_t size() const { return items.size(); }
  EventType type(size_t i) const { return static_cast<EventType>(types[i]); }
};

class EventStore {
 public:
  EventStore() = default;
  EventStore(EventStore&&) = default;
  EventStore& operator=(EventStore&&) = default;

  size_t num_sessions() const { return session_ids_.size(); }
  size_t num_events() const { return items_.size(); }
  size_t num_items() const { return item_ids_.size(); }

  SessionView session(size_t s) const {
    const size_t b = offsets_[s], e = offsets_[s + 1];
    return {session_ids_[s], items_.subspan(b, e - b), ts_.subspan(b, e - b),
            types_.subspan(b, e - b)};
  }
  std::span<const SessionId> session_ids() const { return session_ids_; }
  std::span<const uint64_t> offsets() const { return offsets_; }
  std::span<const ItemIndex> items() const { return items_; }
  std::span<const uint32_t> ts() const { return ts_; }
  std::span<const uint8_t> types() const { return types_; }
  std::span<const ItemId> item_ids() const { return item_ids_; }
  ItemId item_id(ItemIndex i) const { return item_ids_[i]; }

  // The session with external events (for writing JSONL and for tests).
  Session ToSession(size_t s) const;

  // Writes the store as an artifact ("EVENTS"), with `meta` JSON text for inspect.
  Status Save(const std::string& path, const std::string& meta = "{}") const;
  // Memory-maps and validates an artifact written by Save.
  static StatusOr<EventStore> Open(const std::string& path);

 private:
  friend class EventStoreBuilder;
  // Owned columns (empty when mapped).
  struct Owned {
    std::vector<SessionId> session_ids;
    std::vector<uint64_t> offsets{0};
    std::vector<ItemIndex> items;
    std::vector<uint32_t> ts;
    std::vector<uint8_t> types;
    std::vector<ItemId> item_ids;
  };
  void PointAtOwned();

  std::shared_ptr<Owned> owned_;
  std::shared_ptr<Artifact> mapped_;
  std::span<const SessionId> session_ids_;
  std::span<const uint64_t> offsets_;
  std::span<const ItemIndex> items_;
  std::span<const uint32_t> ts_;
  std::span<const uint8_t> types_;
  std::span<const ItemId> item_ids_;
};

// Builds an EventStore in memory, one session at a time, mapping external aids to dense
// indices in order of first appearance. Events must already be in time order.
class EventStoreBuilder {
 public:
  EventStoreBuilder();
  // Returns an error if a timestamp is outside [0, 2^32) seconds.
  Status AddSession(SessionId id, std::span<const Event> events);
  // Appends every session of `other` after the ones added so far, as if they had been
  // added here one by one (item indices in order of first appearance overall). Lets
  // several threads each build a part of one input, merged in input order.
  void Append(EventStoreBuilder&& other);
  // Capacity hints (no effect on the result).
  void Reserve(size_t sessions, size_t events);
  size_t num_sessions() const { return owned_->session_ids.size(); }
  size_t num_events() const { return owned_->items.size(); }
  EventStore Finish();

 private:
  // Indexes the aids of pending_aids_ into the last pending_aids_.size() items.
  void ResolvePending();

  std::shared_ptr<EventStore::Owned> owned_;
  ItemIndexer index_;
  // Aids of the newest events, indexed in batches: the index lookups are cache misses
  // (one random read of a table of all items per event), and a batch lets each be
  // prefetched far enough ahead to overlap with the others.
  std::vector<ItemId> pending_aids_;
};

// Lookup from external aid to dense index for one store's item table.
class ItemDictionary {
 public:
  ItemDictionary() = default;
  explicit ItemDictionary(std::span<const ItemId> item_ids) : index_(item_ids) {}
  std::optional<ItemIndex> Find(ItemId aid) const { return index_.Find(aid); }
  size_t size() const { return index_.size(); }

 private:
  ItemIndexer index_;
};

}  // namespace sessionrec
