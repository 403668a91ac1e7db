// The cache of /recommend answers: an in-process LRU (always, unless its size is 0) in
// front of Redis (with --redis-url, shared by every replica). Both tiers expire entries
// after the TTL.
//
// The key is the model version plus everything an answer depends on: the request's
// events (after decoding: sorted, timestamps in seconds), top_k, weights and include_seen.
// session_id is not part of it (it only labels the answer), so two sessions with the same
// events share one entry. Keys are 128-bit hashes (ops/stable_hash.h), equal across
// processes, so replicas share entries.
//
// Redis failing (down, slow, a corrupt value) never fails a lookup: it is a miss, counted
// as a fallback in the metrics, and the answer is computed.
//
// Thread safety: every method may be called from many threads at once.
#pragma once

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/types.h"
#include "ops/metrics.h"
#include "ops/redis_client.h"
#include "serve/lru_cache.h"
#include "serve/recommender.h"

namespace sessionrec {

struct AnswerCacheOptions {
  size_t local_entries = 10'000;             // in-process LRU entries; 0: no local tier
  int ttl_seconds = 300;                     // lifetime of an entry in either tier
  std::string redis_prefix = "sessionrec:";  // namespace of the Redis keys
};

// The cache key of one /recommend computation (without the Redis prefix).
std::string AnswerKey(std::string_view model_version, std::span<const Event> events,
                      const RecommendOptions& options);

// Binary form of an answer for Redis; Decode rejects anything malformed.
std::string EncodeRecommendations(const Recommendations& recs);
bool DecodeRecommendations(std::string_view bytes, Recommendations* out);

class AnswerCache {
 public:
  // `redis` and `metrics` may be null; when given they must outlive the cache.
  AnswerCache(AnswerCacheOptions options, RedisClient* redis, Metrics* metrics);

  bool enabled() const { return local_ != nullptr || redis_ != nullptr; }
  // True (and *out filled) on a hit in either tier; a Redis hit also fills the local tier.
  bool Lookup(const std::string& key, Recommendations* out);
  // Stores an answer in both tiers.
  void Store(const std::string& key, const Recommendations& recs);

 private:
  AnswerCacheOptions options_;
  std::unique_ptr<LruCache<std::string, Recommendations>> local_;
  RedisClient* redis_;
  Metrics* metrics_;
};

}  // namespace sessionrec
