// A small synchronous Redis client (hiredis) for the serving path: GET, SET with a TTL,
// and pipelined SETs, over a pool of connections, with strict timeouts and a back-off.
//
// Redis is an optimisation for the server (answer cache, shared session store), never a
// dependency of an answer: every call returns an error instead of blocking for long.
// Each connect and each command is bounded by `timeout`; after a failure the client skips
// Redis for `retry_after` (calls fail at once with Unavailable, without touching the
// network), so a Redis that is down or stalled costs one timeout per `retry_after`, not
// one per request.
//
// Thread safety: every method may be called from many threads at once. A call borrows an
// idle connection (or opens one) and returns it afterwards; a connection that saw an error
// is closed, never reused.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

struct redisContext;

namespace sessionrec {

struct RedisOptions {
  std::string host = "127.0.0.1";               // TCP host (name or address)
  int port = 6379;                              // TCP port
  std::string password;                         // AUTH after connecting when non-empty
  int db = 0;                                   // SELECT after connecting when non-zero
  std::chrono::milliseconds timeout{50};        // connect timeout and per-command timeout
  std::chrono::milliseconds retry_after{1000};  // after a failure, skip Redis this long
  size_t max_idle_connections = 32;             // idle connections kept for reuse
};

// Parses "redis://[[user]:password@]host[:port][/db]" (user is ignored: Redis < 6 AUTH).
// Errors name the part of the URL that is wrong.
StatusOr<RedisOptions> ParseRedisUrl(std::string_view url);

class RedisClient {
 public:
  // Connects lazily: construction never fails and never blocks.
  explicit RedisClient(RedisOptions options);
  ~RedisClient();

  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // GET key: the value, nullopt when the key is absent, an error when Redis failed.
  StatusOr<std::optional<std::string>> Get(std::string_view key);
  // SET key value EX ttl_seconds (ttl_seconds > 0).
  Status SetEx(std::string_view key, std::string_view value, int ttl_seconds);
  // Every SET ... EX of `items` in one round trip (pipelined).
  Status SetExMany(std::span<const std::pair<std::string, std::string>> items, int ttl_seconds);
  // PING: ok when Redis answers.
  Status Ping();

  // Failed calls that reached (or tried to reach) Redis, and calls skipped during a
  // back-off; both only grow.
  uint64_t errors() const { return errors_.load(std::memory_order_relaxed); }
  uint64_t skipped() const { return skipped_.load(std::memory_order_relaxed); }
  const RedisOptions& options() const { return options_; }

 private:
  struct Conn;
  // Runs `argvs` (one or more commands, pipelined) and returns their replies through
  // `on_reply`, which returns an error for an unexpected reply.
  template <typename OnReply>
  Status Run(std::string_view op, std::span<const std::vector<std::string_view>> argvs,
             OnReply&& on_reply);
  StatusOr<redisContext*> Acquire();
  void Release(redisContext* ctx, bool healthy);
  Status Fail(std::string_view op, std::string_view why);

  RedisOptions options_;
  std::string where_;  // "host:port" for messages
  std::mutex mu_;
  std::vector<redisContext*> idle_;
  std::atomic<int64_t> skip_until_ns_{0};  // steady_clock; 0: not backing off
  std::atomic<uint64_t> errors_{0};
  std::atomic<uint64_t> skipped_{0};
};

}  // namespace sessionrec
