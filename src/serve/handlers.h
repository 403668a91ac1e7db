// The HTTP handlers: route -> decode -> recommend / look up -> encode. No sockets here:
// the server (http_server.h) hands each request's method, target and body to Handle and
// writes back the status and JSON body it produces, so routing and every status code of
// API.md can be tested without a network.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/types.h"
#include "serve/model_bundle.h"
#include "serve/recommender.h"
#include "serve/request_codec.h"
#include "serve/session_store.h"
#include "serve/work_pool.h"

namespace sessionrec {

// What the handlers need from the loaded model: the Recommender and its ModelBundle in
// production (serve/model_backend.h), a fake in tests. Implementations must be safe to
// call from many threads at once.
class ServiceBackend {
 public:
  virtual ~ServiceBackend() = default;
  virtual const BundleStats& stats() const = 0;
  virtual Recommendations Recommend(std::span<const Event> events,
                                    const RecommendOptions& opts) const = 0;
  virtual std::optional<std::span<const float>> ItemEmbedding(ItemId aid) const = 0;
  virtual std::optional<std::vector<float>> SessionEmbedding(
      std::span<const Event> events) const = 0;
  virtual std::optional<std::span<const float>> TrainingSessionEmbedding(SessionId id) const = 0;
};

// One answer: status code and JSON body; `allow` lists the methods of a known route
// answered 405 (for the Allow header), else empty.
struct HttpAnswer {
  unsigned status = 200;
  std::string body;
  std::string_view allow;
};

struct HandlerOptions {
  RequestLimits limits;     // decoder limits (events, sessions, top_k)
  size_t batch_chunk = 16;  // sessions a worker claims at a time in /batch_recommend
};

class Handlers {
 public:
  // All references must outlive the Handlers. `store` receives every session answered
  // through /recommend and /batch_recommend when the model has embeddings.
  Handlers(const ServiceBackend& backend, SessionStore& store, WorkPool& pool,
           HandlerOptions options = {});

  // Answers one request. `target` is the request-target (a query string is ignored).
  // Never throws: an exception escaping a handler becomes a JSON 500.
  // Thread safety: may be called from many threads at once.
  void Handle(std::string_view method, std::string_view target, std::string_view body,
              HttpAnswer* out) const;

 private:
  void Health(HttpAnswer* out) const;
  void Stats(HttpAnswer* out) const;
  void Recommend(std::string_view body, HttpAnswer* out) const;
  void BatchRecommend(std::string_view body, HttpAnswer* out) const;
  void ItemEmbedding(std::string_view aid_text, HttpAnswer* out) const;
  void SessionEmbedding(std::string_view id_text, HttpAnswer* out) const;

  const ServiceBackend& backend_;
  SessionStore& store_;
  WorkPool& pool_;
  HandlerOptions options_;
};

}  // namespace sessionrec
