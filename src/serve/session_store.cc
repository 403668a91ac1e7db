#include "serve/session_store.h"

#include <algorithm>

namespace sessionrec {
namespace {
constexpr size_t kMaxShards = 16;
}  // namespace

SessionStore::SessionStore(size_t capacity) : capacity_(capacity) {
  if (capacity == 0) return;
  // Small stores use fewer shards so that the bound stays exact per shard and overall.
  const size_t n = std::min(kMaxShards, capacity);
  for (size_t i = 0; i < n; ++i) {
    auto shard = std::make_unique<Shard>();
    shard->capacity = capacity / n + (i < capacity % n ? 1 : 0);
    shards_.push_back(std::move(shard));
  }
}

SessionStore::~SessionStore() = default;

SessionStore::Shard& SessionStore::ShardOf(SessionId id) {
  // Mix the id so that sequential ids spread over the shards.
  uint64_t h = static_cast<uint64_t>(id) * 0x9E3779B97F4A7C15ULL;
  return *shards_[(h >> 32) % shards_.size()];
}

void SessionStore::Put(SessionId id, std::span<const Event> events) {
  if (shards_.empty()) return;
  Shard& s = ShardOf(id);
  std::lock_guard<std::mutex> lock(s.mu);
  auto it = s.index.find(id);
  if (it != s.index.end()) {
    it->second->events.assign(events.begin(), events.end());
    s.lru.splice(s.lru.begin(), s.lru, it->second);
    return;
  }
  if (s.lru.size() >= s.capacity) {
    // Recycle the least recently used node and its vector's capacity.
    auto last = std::prev(s.lru.end());
    s.index.erase(last->id);
    last->id = id;
    last->events.assign(events.begin(), events.end());
    s.lru.splice(s.lru.begin(), s.lru, last);
  } else {
    s.lru.push_front(Entry{id, std::vector<Event>(events.begin(), events.end())});
  }
  s.index[id] = s.lru.begin();
}

std::optional<std::vector<Event>> SessionStore::Get(SessionId id) {
  if (shards_.empty()) return std::nullopt;
  Shard& s = ShardOf(id);
  std::lock_guard<std::mutex> lock(s.mu);
  auto it = s.index.find(id);
  if (it == s.index.end()) return std::nullopt;
  s.lru.splice(s.lru.begin(), s.lru, it->second);
  return it->second->events;
}

size_t SessionStore::size() const {
  size_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard<std::mutex> lock(s->mu);
    n += s->lru.size();
  }
  return n;
}

}  // namespace sessionrec
