// A bounded, sharded LRU map with an optional time-to-live, for the answer cache.
//
// Thread safety: every method may be called from many threads at once; keys are spread
// over shards by hash, each behind its own mutex.
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"

namespace sessionrec {

template <typename Key, typename Value>
class LruCache {
 public:
  using Clock = std::chrono::steady_clock;

  // At most `capacity` entries (> 0); each lives for `ttl` after its Put (0: forever).
  LruCache(size_t capacity, Clock::duration ttl) : ttl_(ttl) {
    const size_t n = std::min<size_t>(kMaxShards, capacity);
    for (size_t i = 0; i < n; ++i) {
      auto s = std::make_unique<Shard>();
      s->capacity = capacity / n + (i < capacity % n ? 1 : 0);
      shards_.push_back(std::move(s));
    }
  }

  // Copies the live value of `key` into *out and marks it most recently used.
  bool Get(const Key& key, Value* out) {
    Shard& s = ShardOf(key);
    std::lock_guard<std::mutex> lock(s.mu);
    auto it = s.index.find(key);
    if (it == s.index.end()) return false;
    if (ttl_ != Clock::duration::zero() && Clock::now() >= it->second->expires) {
      s.lru.erase(it->second);
      s.index.erase(it);
      return false;
    }
    s.lru.splice(s.lru.begin(), s.lru, it->second);
    *out = it->second->value;
    return true;
  }

  // Inserts or replaces `key`, evicting the least recently used entry when full.
  void Put(const Key& key, const Value& value) {
    Shard& s = ShardOf(key);
    const Clock::time_point expires = Clock::now() + ttl_;
    std::lock_guard<std::mutex> lock(s.mu);
    auto it = s.index.find(key);
    if (it != s.index.end()) {
      it->second->value = value;
      it->second->expires = expires;
      s.lru.splice(s.lru.begin(), s.lru, it->second);
      return;
    }
    if (s.lru.size() >= s.capacity) {
      s.index.erase(s.lru.back().key);
      s.lru.pop_back();
    }
    s.lru.push_front(Entry{key, value, expires});
    s.index.emplace(key, s.lru.begin());
  }

  size_t size() const {
    size_t n = 0;
    for (const auto& s : shards_) {
      std::lock_guard<std::mutex> lock(s->mu);
      n += s->lru.size();
    }
    return n;
  }

 private:
  static constexpr size_t kMaxShards = 16;
  struct Entry {
    Key key;
    Value value;
    Clock::time_point expires;
  };
  struct Shard {
    mutable std::mutex mu;
    std::list<Entry> lru;  // front: most recently used
    absl::flat_hash_map<Key, typename std::list<Entry>::iterator> index;
    size_t capacity = 0;
  };
  Shard& ShardOf(const Key& key) { return *shards_[absl::Hash<Key>{}(key) % shards_.size()]; }

  Clock::duration ttl_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace sessionrec
