// The live sessions seen through /recommend and /batch_recommend, for
// GET /sessions/{id}/embedding: the process-local SessionStore (LRU), and with
// --redis-url also Redis, shared by every replica behind a load balancer.
//
// Put writes both (Redis with a TTL; a batch's sessions in one pipelined round trip).
// Get asks Redis first, since another replica may have seen the session more recently;
// a Redis miss or failure falls back to the local store. A Redis failure never fails a
// request: it is counted (redis fallbacks, use="session_store") and the local store
// answers.
//
// Thread safety: every method may be called from many threads at once.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/types.h"
#include "ops/metrics.h"
#include "ops/redis_client.h"
#include "serve/session_store.h"

namespace sessionrec {

struct SharedSessionStoreOptions {
  int ttl_seconds = 86'400;                  // lifetime of a session in Redis
  std::string redis_prefix = "sessionrec:";  // namespace of the Redis keys
};

// Binary form of a session's events for Redis; Decode rejects anything malformed.
std::string EncodeEvents(std::span<const Event> events);
bool DecodeEvents(std::string_view bytes, std::vector<Event>* out);

class SharedSessionStore {
 public:
  // `local` must outlive the store; `redis` and `metrics` may be null (else outlive it).
  SharedSessionStore(SessionStore& local, RedisClient* redis, Metrics* metrics,
                     SharedSessionStoreOptions options = {});

  bool enabled() const { return local_.capacity() > 0 || redis_ != nullptr; }
  void Put(SessionId id, std::span<const Event> events);
  // Several sessions at once (one Redis round trip).
  void PutMany(std::span<const std::pair<SessionId, std::span<const Event>>> sessions);
  std::optional<std::vector<Event>> Get(SessionId id);

 private:
  std::string Key(SessionId id) const;

  SessionStore& local_;
  RedisClient* redis_;
  Metrics* metrics_;
  SharedSessionStoreOptions options_;
};

}  // namespace sessionrec
