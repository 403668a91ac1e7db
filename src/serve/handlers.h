// The HTTP handlers: route -> decode -> recommend / look up -> encode. No sockets here:
// the server (http_server.h) hands each request's method, target, body and Authorization
// header to Handle and writes back the status and body it produces, so routing and every
// status code can be tested without a network.
//
// Routes: the API of ../shared/spec/API.md (/health, /stats, /recommend,
// /batch_recommend, /items/{aid}/embedding, /sessions/{id}/embedding) plus the operations
// routes of docs/operations.md: /ready, /metrics, /admin/reload.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/types.h"
#include "ops/metrics.h"
#include "ops/redis_client.h"
#include "serve/answer_cache.h"
#include "serve/live_model.h"
#include "serve/reloader.h"
#include "serve/request_codec.h"
#include "serve/service_backend.h"
#include "serve/session_store.h"
#include "serve/shared_session_store.h"
#include "serve/work_pool.h"

namespace sessionrec {

// The endpoint a request was routed to (the `endpoint` label of the metrics).
enum class Route : uint8_t {
  kHealth,
  kReady,
  kStats,
  kRecommend,
  kBatchRecommend,
  kItemEmbedding,
  kSessionEmbedding,
  kMetrics,
  kAdminReload,
  kOther,  // unknown routes and malformed HTTP
};
// Label values in Route order ("health", "ready", ..., "other").
std::vector<std::string> RouteNames();

// What the handlers read of a request.
struct HttpRequestView {
  std::string_view method;
  std::string_view target;  // request-target; a query string is ignored
  std::string_view body;
  std::string_view authorization;  // the Authorization header ("" when absent)
};

// One answer: status code and body; `allow` lists the methods of a known route answered
// 405 (for the Allow header), else empty; `content_type` is empty for JSON.
struct HttpAnswer {
  unsigned status = 200;
  std::string body;
  std::string_view allow;
  std::string_view content_type;
  Route route = Route::kOther;
};

struct HandlerOptions {
  RequestLimits limits;     // decoder limits (events, sessions, top_k)
  size_t batch_chunk = 16;  // sessions a worker claims at a time in /batch_recommend
  std::string admin_token;  // "": /admin/reload is off (404)
};

// The serving state the handlers use; every pointer must outlive the Handlers.
struct ServingParts {
  LiveModel* model = nullptr;              // required; empty until the first load
  SharedSessionStore* sessions = nullptr;  // required
  WorkPool* pool = nullptr;                // required
  AnswerCache* cache = nullptr;            // null: answers are always computed
  Metrics* metrics = nullptr;              // null: GET /metrics is 404
  Reloader* reloader = nullptr;            // null: /admin/reload is 404
  RedisClient* redis = nullptr;            // for the Redis error totals in /metrics
};

class Handlers {
 public:
  Handlers(ServingParts parts, HandlerOptions options = {});
  // A fixed, already loaded backend and a process-local session store, without cache,
  // metrics or reload (tests). All references must outlive the Handlers.
  Handlers(const ServiceBackend& backend, SessionStore& store, WorkPool& pool,
           HandlerOptions options = {});
  ~Handlers();

  // Answers one request. Never throws: an exception escaping a handler becomes a JSON 500.
  // Thread safety: may be called from many threads at once.
  void Handle(const HttpRequestView& request, HttpAnswer* out) const;
  void Handle(std::string_view method, std::string_view target, std::string_view body,
              HttpAnswer* out) const {
    Handle(HttpRequestView{method, target, body, {}}, out);
  }

 private:
  void Health(HttpAnswer* out) const;
  void Ready(HttpAnswer* out) const;
  void Stats(const LoadedModel& m, HttpAnswer* out) const;
  void Recommend(const LoadedModel& m, std::string_view body, HttpAnswer* out) const;
  void BatchRecommend(const LoadedModel& m, std::string_view body, HttpAnswer* out) const;
  void ItemEmbedding(const LoadedModel& m, std::string_view aid_text, HttpAnswer* out) const;
  void SessionEmbedding(const LoadedModel& m, std::string_view id_text, HttpAnswer* out) const;
  void MetricsText(HttpAnswer* out) const;
  // The answer cache when it is on, else null.
  AnswerCache* ActiveCache() const {
    return parts_.cache != nullptr && parts_.cache->enabled() ? parts_.cache : nullptr;
  }
  void AdminReload(const HttpRequestView& request, HttpAnswer* out) const;

  std::unique_ptr<LiveModel> owned_model_;
  std::unique_ptr<SharedSessionStore> owned_sessions_;
  ServingParts parts_;
  HandlerOptions options_;
};

}  // namespace sessionrec
