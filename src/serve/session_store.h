// The live sessions seen through /recommend and /batch_recommend: session id -> the latest
// events given for it, bounded in memory (least recently used entries are evicted).
// GET /sessions/{id}/embedding computes a stored session's embedding on demand.
//
// Thread safety: all methods may be called from many threads at once. The store is split
// into shards by id, each behind its own mutex, so concurrent requests rarely contend.
// An evicted entry's vector is reused for the next insertion (no allocation once warm
// for sessions of similar length).
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "core/types.h"

namespace sessionrec {

class SessionStore {
 public:
  // At most `capacity` sessions are kept (0 disables the store: Put does nothing).
  explicit SessionStore(size_t capacity);
  ~SessionStore();

  size_t capacity() const { return capacity_; }
  // Replaces the events stored for `id` (time-ordered) and marks it most recently used.
  void Put(SessionId id, std::span<const Event> events);
  // The latest events stored for `id` (and marks it most recently used), or nullopt.
  std::optional<std::vector<Event>> Get(SessionId id);
  // Sessions currently stored.
  size_t size() const;

 private:
  struct Entry {
    SessionId id;
    std::vector<Event> events;
  };
  struct Shard {
    mutable std::mutex mu;
    std::list<Entry> lru;  // front: most recently used
    absl::flat_hash_map<SessionId, std::list<Entry>::iterator> index;
    size_t capacity = 0;
  };
  Shard& ShardOf(SessionId id);

  size_t capacity_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace sessionrec
