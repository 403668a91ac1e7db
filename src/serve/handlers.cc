#include "serve/handlers.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <exception>
#include <nlohmann/json.hpp>

#include "core/str_cat.h"
#include "serve/response_writer.h"

namespace sessionrec {
namespace {

void Error(unsigned status, std::string_view message, HttpAnswer* out) {
  out->status = status;
  WriteError(message, &out->body);
}

// Parses the whole of `text` as a decimal integer.
template <typename Int>
bool ParseInt(std::string_view text, Int* out) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end;
}

// Matches "/<prefix>/{segment}/embedding"; sets *segment.
bool MatchEmbedding(std::string_view path, std::string_view prefix, std::string_view* segment) {
  constexpr std::string_view kSuffix = "/embedding";
  if (path.size() < prefix.size() + kSuffix.size() || !path.starts_with(prefix) ||
      !path.ends_with(kSuffix)) {
    return false;
  }
  std::string_view mid = path.substr(prefix.size(), path.size() - prefix.size() - kSuffix.size());
  if (mid.find('/') != std::string_view::npos) return false;
  *segment = mid;
  return true;
}

// Compares without an early exit, so the time taken does not reveal how much matched.
bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

constexpr std::string_view kNotLoaded =
    "the model is still loading; try again shortly (GET /ready answers 200 once it is loaded)";

// The answer to one request, looked up in `cache` first and stored there when computed;
// `cache` null: always computed.
void AnswerThroughCache(const ServiceBackend& backend, AnswerCache* cache,
                        const std::string& version, const RecommendRequest& req,
                        Recommendations* out) {
  if (cache == nullptr) {
    *out = backend.Recommend(req.events, req.options);
    return;
  }
  const std::string key = AnswerKey(version, req.events, req.options);
  if (!cache->Lookup(key, out)) {
    *out = backend.Recommend(req.events, req.options);
    cache->Store(key, *out);
  }
}

}  // namespace

std::vector<std::string> RouteNames() {
  return {"health",
          "ready",
          "stats",
          "recommend",
          "batch_recommend",
          "items_embedding",
          "sessions_embedding",
          "metrics",
          "admin_reload",
          "other"};
}

Handlers::Handlers(ServingParts parts, HandlerOptions options)
    : parts_(parts), options_(std::move(options)) {
  SR_CHECK(parts_.model != nullptr && parts_.sessions != nullptr && parts_.pool != nullptr);
}

Handlers::Handlers(const ServiceBackend& backend, SessionStore& store, WorkPool& pool,
                   HandlerOptions options)
    : owned_model_(std::make_unique<LiveModel>(WrapBackend(backend))),
      owned_sessions_(std::make_unique<SharedSessionStore>(store, nullptr, nullptr)),
      options_(std::move(options)) {
  parts_.model = owned_model_.get();
  parts_.sessions = owned_sessions_.get();
  parts_.pool = &pool;
}

Handlers::~Handlers() = default;

void Handlers::Handle(const HttpRequestView& req, HttpAnswer* out) const {
  out->status = 200;
  out->allow = {};
  out->content_type = {};
  out->route = Route::kOther;
  std::string_view path = req.target.substr(0, req.target.find('?'));
  try {
    std::string_view segment;
    std::string_view method;  // the route's method
    if (path == "/health") {
      out->route = Route::kHealth, method = "GET";
    } else if (path == "/ready") {
      out->route = Route::kReady, method = "GET";
    } else if (path == "/stats") {
      out->route = Route::kStats, method = "GET";
    } else if (path == "/recommend") {
      out->route = Route::kRecommend, method = "POST";
    } else if (path == "/batch_recommend") {
      out->route = Route::kBatchRecommend, method = "POST";
    } else if (MatchEmbedding(path, "/items/", &segment)) {
      out->route = Route::kItemEmbedding, method = "GET";
    } else if (MatchEmbedding(path, "/sessions/", &segment)) {
      out->route = Route::kSessionEmbedding, method = "GET";
    } else if (path == "/metrics" && parts_.metrics != nullptr) {
      out->route = Route::kMetrics, method = "GET";
    } else if (path == "/admin/reload" && parts_.reloader != nullptr &&
               !options_.admin_token.empty()) {
      out->route = Route::kAdminReload;
      return AdminReload(req, out);  // GET and POST
    } else {
      return Error(404, StrCat("not found: no route for ", path), out);
    }
    if (req.method != method) {
      out->allow = method;
      return Error(
          405, StrCat("method ", req.method, " not allowed on ", path, " (allowed: ", method, ")"),
          out);
    }
    switch (out->route) {
      case Route::kHealth:
        return Health(out);
      case Route::kReady:
        return Ready(out);
      case Route::kMetrics:
        return MetricsText(out);
      default:
        break;
    }
    // One snapshot for the whole request: a reload meanwhile does not affect it.
    std::shared_ptr<const LoadedModel> model = parts_.model->Get();
    if (!model) return Error(503, kNotLoaded, out);
    switch (out->route) {
      case Route::kStats:
        return Stats(*model, out);
      case Route::kRecommend:
        return Recommend(*model, req.body, out);
      case Route::kBatchRecommend:
        return BatchRecommend(*model, req.body, out);
      case Route::kItemEmbedding:
        return ItemEmbedding(*model, segment, out);
      case Route::kSessionEmbedding:
        return SessionEmbedding(*model, segment, out);
      default:
        SR_CHECK(false);
    }
  } catch (const std::exception& e) {
    spdlog::error("{} {}: internal error: {}", req.method, path, e.what());
    out->allow = {};
    out->content_type = {};
    Error(500, StrCat("internal error: ", e.what()), out);
  } catch (...) {
    spdlog::error("{} {}: internal error (unknown exception)", req.method, path);
    out->allow = {};
    out->content_type = {};
    Error(500, "internal error", out);
  }
}

void Handlers::Health(HttpAnswer* out) const {
  // Liveness: 200 while loading too, with "models_loaded": false.
  std::shared_ptr<const LoadedModel> model = parts_.model->Get();
  static const BundleStats kNothing;
  WriteHealth(model ? model->backend->stats() : kNothing, model != nullptr, &out->body);
}

void Handlers::Ready(HttpAnswer* out) const {
  std::shared_ptr<const LoadedModel> model = parts_.model->Get();
  if (!model) return Error(503, kNotLoaded, out);
  out->body =
      nlohmann::json{
          {"status", "ready"}, {"model_version", model->version}, {"model_dir", model->dir}}
          .dump();
}

void Handlers::Stats(const LoadedModel& m, HttpAnswer* out) const {
  WriteStats(m.backend->stats(), &out->body);
}

void Handlers::Recommend(const LoadedModel& m, std::string_view body, HttpAnswer* out) const {
  thread_local RecommendRequest req;  // keeps its events' capacity between requests
  thread_local Recommendations recs;
  Status s = DecodeRecommendRequest(body, options_.limits, &req);
  if (!s.ok()) return Error(400, std::string(s.message()), out);
  const ServiceBackend& backend = *m.backend;
  AnswerThroughCache(backend, ActiveCache(), m.version, req, &recs);
  if (backend.stats().embeddings_loaded) parts_.sessions->Put(req.session_id, req.events);
  WriteRecommendation(req.session_id, recs, &out->body);
}

void Handlers::BatchRecommend(const LoadedModel& m, std::string_view body, HttpAnswer* out) const {
  thread_local BatchRequest batch;
  thread_local std::vector<Recommendations> results;
  thread_local std::vector<BatchOutcome> outcomes;
  Status s = DecodeBatchRequest(body, options_.limits, &batch);
  if (!s.ok()) return Error(400, std::string(s.message()), out);
  const size_t n = batch.entries.size();
  if (parts_.metrics != nullptr) parts_.metrics->ObserveBatchSize(n);
  results.resize(n);
  const ServiceBackend& backend = *m.backend;
  // Name the thread_local vectors through plain references: inside the lambda, on a
  // helper thread, `batch` and `results` would otherwise mean that thread's own copies.
  std::vector<BatchEntry>& entries = batch.entries;
  std::vector<Recommendations>& answers = results;
  // Each entry goes through the answer cache like a /recommend request: the same key, so
  // a session answered by either endpoint is a hit for the other.
  AnswerCache* cache = ActiveCache();
  const std::string& version = m.version;
  parts_.pool->ParallelFor(n, options_.batch_chunk,
                           [&entries, &answers, &backend, cache, &version](size_t i) {
                             BatchEntry& e = entries[i];
                             if (!e.error.empty()) return;
                             // One failing session must not fail the batch: it becomes an entry of
                             // "errors".
                             try {
                               AnswerThroughCache(backend, cache, version, e.request, &answers[i]);
                             } catch (const std::exception& ex) {
                               e.error = StrCat("internal error: ", ex.what());
                             } catch (...) {
                               e.error = "internal error";
                             }
                           });
  const bool store = backend.stats().embeddings_loaded;
  std::vector<std::pair<SessionId, std::span<const Event>>> seen;
  outcomes.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const BatchEntry& e = batch.entries[i];
    outcomes[i] = BatchOutcome{e.session_id, e.error.empty() ? &results[i] : nullptr, e.error};
    if (store && e.error.empty()) seen.emplace_back(e.request.session_id, e.request.events);
  }
  parts_.sessions->PutMany(seen);
  WriteBatch(outcomes, batch.include_scores, &out->body);
}

void Handlers::ItemEmbedding(const LoadedModel& m, std::string_view aid_text,
                             HttpAnswer* out) const {
  const ServiceBackend& backend = *m.backend;

  ItemId aid;
  if (!ParseInt(aid_text, &aid)) {
    int64_t negative;
    if (ParseInt(aid_text, &negative)) {  // an integer, but no aid is negative
      return Error(404, StrCat("item ", aid_text, " is not in the catalogue"), out);
    }
    return Error(400, StrCat("aid must be an integer >= 0, got \"", aid_text, "\""), out);
  }
  if (!backend.stats().embeddings_loaded) {
    return Error(404, StrCat("item ", aid, " has no embedding: the model has no embeddings"), out);
  }
  std::optional<std::span<const float>> vec = backend.ItemEmbedding(aid);
  if (!vec) {
    return Error(404,
                 StrCat("item ", aid,
                        " has no embedding (not in the catalogue or never seen in "
                        "training)"),
                 out);
  }
  WriteItemEmbedding(aid, *vec, &out->body);
}

void Handlers::SessionEmbedding(const LoadedModel& m, std::string_view id_text,
                                HttpAnswer* out) const {
  const ServiceBackend& backend = *m.backend;
  SessionId id;
  if (!ParseInt(id_text, &id)) {
    return Error(400, StrCat("session_id must be a 64-bit integer, got \"", id_text, "\""), out);
  }
  if (!backend.stats().embeddings_loaded) {
    return Error(404, StrCat("session ", id, " has no embedding: the model has no embeddings"),
                 out);
  }
  // The latest events seen through the recommend endpoints win over the training data.
  if (std::optional<std::vector<Event>> events = parts_.sessions->Get(id)) {
    if (std::optional<std::vector<float>> vec = backend.SessionEmbedding(*events)) {
      return WriteSessionEmbedding(id, *vec, &out->body);
    }
    return Error(404, StrCat("session ", id, " has no embedding: none of its items has a vector"),
                 out);
  }
  if (std::optional<std::span<const float>> vec = backend.TrainingSessionEmbedding(id)) {
    return WriteSessionEmbedding(id, *vec, &out->body);
  }
  return Error(404,
               StrCat("session ", id,
                      " is unknown (neither a training session nor seen "
                      "through /recommend or /batch_recommend)"),
               out);
}

void Handlers::MetricsText(HttpAnswer* out) const {
  if (parts_.redis != nullptr) {
    parts_.metrics->SetRedisTotals(parts_.redis->errors(), parts_.redis->skipped());
  }
  out->body = parts_.metrics->Serialize();
  out->content_type = "text/plain; version=0.0.4; charset=utf-8";
}

void Handlers::AdminReload(const HttpRequestView& req, HttpAnswer* out) const {
  if (req.method != "GET" && req.method != "POST") {
    out->allow = "GET, POST";
    return Error(
        405, StrCat("method ", req.method, " not allowed on /admin/reload (allowed: GET, POST)"),
        out);
  }
  constexpr std::string_view kBearer = "Bearer ";
  if (req.authorization.empty()) {
    return Error(401, "missing \"Authorization: Bearer <admin token>\" header", out);
  }
  if (!req.authorization.starts_with(kBearer) ||
      !ConstantTimeEquals(req.authorization.substr(kBearer.size()), options_.admin_token)) {
    return Error(403, "wrong admin token", out);
  }
  Reloader& r = *parts_.reloader;
  if (req.method == "POST") {
    std::string dir;
    if (!req.body.empty()) {
      nlohmann::json j = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
      if (j.is_discarded() || !j.is_object()) {
        return Error(400, "body: must be empty or a JSON object like {\"model_dir\": \"...\"}",
                     out);
      }
      if (j.contains("model_dir")) {
        if (!j["model_dir"].is_string() || j["model_dir"].get<std::string>().empty()) {
          return Error(400, "model_dir: must be a non-empty string", out);
        }
        dir = j["model_dir"].get<std::string>();
      }
    }
    // The started directory comes from Trigger itself: a fast load may already have
    // finished (and cleared state().loading_dir) by the time this answer is written.
    std::string started;
    if (!r.Trigger(dir, &started)) return Error(409, "a reload is already in progress", out);
    out->status = 202;
    out->body = nlohmann::json{{"status", "loading"}, {"model_dir", started}}.dump();
    return;
  }
  const ReloadState st = r.state();
  std::shared_ptr<const LoadedModel> model = parts_.model->Get();
  nlohmann::json j = {{"loading", st.loading},
                      {"reloads_succeeded", st.succeeded},
                      {"reloads_failed", st.failed},
                      {"last_error", st.last_error},
                      {"model_version", model ? model->version : ""},
                      {"model_dir", model ? model->dir : ""}};
  if (st.loading) j["loading_dir"] = st.loading_dir;
  out->body = j.dump();
}

}  // namespace sessionrec
