// Decoding and validation of the JSON bodies of POST /recommend and POST /batch_recommend
// (docs/http-api.md, ../shared/spec/API.md) into plain structs.
//
// Every rule of API.md is checked here, so the handlers only see valid requests: required
// fields, types, ranges (events 1..500, top_k 1..1000), weights (keys among
// clicks/carts/orders, finite numbers >= 0, not all 0, missing keys take the defaults),
// events (aid int >= 0, ts int >= 0 read as milliseconds above 10^11, type one of three
// strings). Errors are InvalidArgument statuses whose message names the field, e.g.
// "events[2].type: must be one of \"clicks\", \"carts\", \"orders\"".
//
// Thread safety: the functions may be called from many threads at once; each thread keeps
// its own simdjson parser and padded copy of the body (thread_local), so a warm thread
// decodes without allocating beyond the output's own vectors.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "serve/recommender.h"

namespace sessionrec {

// Limits of the request decoder (API.md defaults).
struct RequestLimits {
  size_t max_events = 500;      // events per session; more is a 400
  size_t max_sessions = 10000;  // sessions per /batch_recommend; more is a 400
  int max_top_k = 1000;         // top_k must be in 1..max_top_k
};

// A decoded /recommend request (or one session of a batch with its options resolved).
struct RecommendRequest {
  SessionId session_id = 0;
  std::vector<Event> events;  // sorted stably by ts; ts normalised to seconds
  RecommendOptions options;   // top_k, weights, include_seen (defaults filled in)
};

// One entry of a batch: either a valid request (error empty) or the reason it was rejected.
struct BatchEntry {
  RecommendRequest request;             // valid only when error is empty
  std::optional<SessionId> session_id;  // the session's id when it could be read
  std::string error;                    // empty: valid
};

// A decoded /batch_recommend request; entries keep the request's order.
struct BatchRequest {
  std::vector<BatchEntry> entries;
  bool include_scores = false;  // add each result's "scores" object
};

// Decodes a /recommend body into `out` (its vectors are reused). A malformed body or a
// violated rule is InvalidArgument naming the field; `out` is then unspecified.
Status DecodeRecommendRequest(std::string_view body, const RequestLimits& limits,
                              RecommendRequest* out);

// Decodes a /batch_recommend body. A malformed top level (not JSON, not an object,
// `sessions` missing or not a list, too many sessions, bad top-level top_k / weights /
// include_seen / include_scores) is InvalidArgument; a bad session only sets its entry's
// `error`. A session's own top_k / weights / include_seen win over the top level's.
Status DecodeBatchRequest(std::string_view body, const RequestLimits& limits, BatchRequest* out);

}  // namespace sessionrec
