// Serialises the service's JSON answers (API.md shapes) with rapidjson's Writer.
//
// Floats are printed in their shortest round-trip form (0.1f -> 0.1, not
// 0.10000000149011612); a non-finite score, which a model should never produce, is
// written as null rather than as invalid JSON. Every function clears `out` first, so a
// caller can reuse one string's capacity across requests. Thread-compatible: no state.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/types.h"
#include "serve/model_bundle.h"
#include "serve/recommender.h"

namespace sessionrec {

// {"error": "<message>"}
void WriteError(std::string_view message, std::string* out);

// GET /health: {"status":"healthy","models_loaded":..,"embeddings_loaded":..,
// "feature_columns":..}; models_loaded is false while the first model is still loading.
void WriteHealth(const BundleStats& stats, bool models_loaded, std::string* out);

// GET /stats: {"models":[..],"total_items":..,"total_sessions":..,"embedding_dimension":..,
// "feature_dimension":..}
void WriteStats(const BundleStats& stats, std::string* out);

// POST /recommend: {"session_id":..,"recommendations":[..],"scores":{"clicks":[..],
// "carts":[..],"orders":[..],"combined":[..]}}
void WriteRecommendation(SessionId session_id, const Recommendations& recs, std::string* out);

// One result or error of a batch, in request order.
struct BatchOutcome {
  std::optional<SessionId> session_id;    // null in an error when it could not be read
  const Recommendations* recs = nullptr;  // the answer; nullptr for an error
  std::string_view error;                 // the reason when recs is nullptr
};

// POST /batch_recommend: {"results":[{"session_id":..,"recommendations":[..]
// [,"scores":{..}]}..],"errors":[{"index":i,"session_id":..|null,"error":".."}..],
// "total":..,"success":..,"failed":..}
void WriteBatch(std::span<const BatchOutcome> outcomes, bool include_scores, std::string* out);

// GET /items/{aid}/embedding: {"aid":..,"embedding":[..],"dimension":..}
void WriteItemEmbedding(ItemId aid, std::span<const float> vec, std::string* out);

// GET /sessions/{id}/embedding: {"session_id":..,"embedding":[..],"dimension":..}
void WriteSessionEmbedding(SessionId id, std::span<const float> vec, std::string* out);

}  // namespace sessionrec
