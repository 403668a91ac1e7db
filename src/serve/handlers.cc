#include "serve/handlers.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <exception>

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

}  // namespace

Handlers::Handlers(const ServiceBackend& backend, SessionStore& store, WorkPool& pool,
                   HandlerOptions options)
    : backend_(backend), store_(store), pool_(pool), options_(options) {}

void Handlers::Handle(std::string_view method, std::string_view target, std::string_view body,
                      HttpAnswer* out) const {
  out->status = 200;
  out->allow = {};
  std::string_view path = target.substr(0, target.find('?'));
  const bool get = method == "GET";
  const bool post = method == "POST";
  try {
    std::string_view segment;
    if (path == "/health") {
      if (!get) {
        out->allow = "GET";
      } else {
        return Health(out);
      }
    } else if (path == "/stats") {
      if (!get) {
        out->allow = "GET";
      } else {
        return Stats(out);
      }
    } else if (path == "/recommend") {
      if (!post) {
        out->allow = "POST";
      } else {
        return Recommend(body, out);
      }
    } else if (path == "/batch_recommend") {
      if (!post) {
        out->allow = "POST";
      } else {
        return BatchRecommend(body, out);
      }
    } else if (MatchEmbedding(path, "/items/", &segment)) {
      if (!get) {
        out->allow = "GET";
      } else {
        return ItemEmbedding(segment, out);
      }
    } else if (MatchEmbedding(path, "/sessions/", &segment)) {
      if (!get) {
        out->allow = "GET";
      } else {
        return SessionEmbedding(segment, out);
      }
    } else {
      return Error(404, StrCat("not found: no route for ", path), out);
    }
    return Error(
        405, StrCat("method ", method, " not allowed on ", path, " (allowed: ", out->allow, ")"),
        out);
  } catch (const std::exception& e) {
    spdlog::error("{} {}: internal error: {}", method, path, e.what());
    out->allow = {};
    Error(500, StrCat("internal error: ", e.what()), out);
  } catch (...) {
    spdlog::error("{} {}: internal error (unknown exception)", method, path);
    out->allow = {};
    Error(500, "internal error", out);
  }
}

void Handlers::Health(HttpAnswer* out) const { WriteHealth(backend_.stats(), &out->body); }

void Handlers::Stats(HttpAnswer* out) const { WriteStats(backend_.stats(), &out->body); }

void Handlers::Recommend(std::string_view body, HttpAnswer* out) const {
  thread_local RecommendRequest req;  // keeps its events' capacity between requests
  Status s = DecodeRecommendRequest(body, options_.limits, &req);
  if (!s.ok()) return Error(400, std::string(s.message()), out);
  Recommendations recs = backend_.Recommend(req.events, req.options);
  if (backend_.stats().embeddings_loaded) store_.Put(req.session_id, req.events);
  WriteRecommendation(req.session_id, recs, &out->body);
}

void Handlers::BatchRecommend(std::string_view body, HttpAnswer* out) const {
  thread_local BatchRequest batch;
  thread_local std::vector<Recommendations> results;
  thread_local std::vector<BatchOutcome> outcomes;
  Status s = DecodeBatchRequest(body, options_.limits, &batch);
  if (!s.ok()) return Error(400, std::string(s.message()), out);
  const size_t n = batch.entries.size();
  results.resize(n);
  // Name the thread_local vectors through plain references: inside the lambda, on a
  // helper thread, `batch` and `results` would otherwise mean that thread's own copies.
  std::vector<BatchEntry>& entries = batch.entries;
  std::vector<Recommendations>& answers = results;
  pool_.ParallelFor(n, options_.batch_chunk, [&entries, &answers, this](size_t i) {
    BatchEntry& e = entries[i];
    if (!e.error.empty()) return;
    // One failing session must not fail the batch: it becomes an entry of "errors".
    try {
      answers[i] = backend_.Recommend(e.request.events, e.request.options);
    } catch (const std::exception& ex) {
      e.error = StrCat("internal error: ", ex.what());
    } catch (...) {
      e.error = "internal error";
    }
  });
  const bool store = backend_.stats().embeddings_loaded;
  outcomes.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const BatchEntry& e = batch.entries[i];
    outcomes[i] = BatchOutcome{e.session_id, e.error.empty() ? &results[i] : nullptr, e.error};
    if (store && e.error.empty()) store_.Put(e.request.session_id, e.request.events);
  }
  WriteBatch(outcomes, batch.include_scores, &out->body);
}

void Handlers::ItemEmbedding(std::string_view aid_text, HttpAnswer* out) const {
  ItemId aid;
  if (!ParseInt(aid_text, &aid)) {
    int64_t negative;
    if (ParseInt(aid_text, &negative)) {  // an integer, but no aid is negative
      return Error(404, StrCat("item ", aid_text, " is not in the catalogue"), out);
    }
    return Error(400, StrCat("aid must be an integer >= 0, got \"", aid_text, "\""), out);
  }
  if (!backend_.stats().embeddings_loaded) {
    return Error(404, StrCat("item ", aid, " has no embedding: the model has no embeddings"), out);
  }
  std::optional<std::span<const float>> vec = backend_.ItemEmbedding(aid);
  if (!vec) {
    return Error(404,
                 StrCat("item ", aid,
                        " has no embedding (not in the catalogue or never seen in "
                        "training)"),
                 out);
  }
  WriteItemEmbedding(aid, *vec, &out->body);
}

void Handlers::SessionEmbedding(std::string_view id_text, HttpAnswer* out) const {
  SessionId id;
  if (!ParseInt(id_text, &id)) {
    return Error(400, StrCat("session_id must be a 64-bit integer, got \"", id_text, "\""), out);
  }
  if (!backend_.stats().embeddings_loaded) {
    return Error(404, StrCat("session ", id, " has no embedding: the model has no embeddings"),
                 out);
  }
  // The latest events seen through the recommend endpoints win over the training data.
  if (std::optional<std::vector<Event>> events = store_.Get(id)) {
    if (std::optional<std::vector<float>> vec = backend_.SessionEmbedding(*events)) {
      return WriteSessionEmbedding(id, *vec, &out->body);
    }
    return Error(404, StrCat("session ", id, " has no embedding: none of its items has a vector"),
                 out);
  }
  if (std::optional<std::span<const float>> vec = backend_.TrainingSessionEmbedding(id)) {
    return WriteSessionEmbedding(id, *vec, &out->body);
  }
  return Error(404,
               StrCat("session ", id,
                      " is unknown (neither a training session nor seen "
                      "through /recommend or /batch_recommend)"),
               out);
}

}  // namespace sessionrec
