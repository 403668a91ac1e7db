#include "embed/embed_params.h"

#include <omp.h>

#include <algorithm>
#include <cmath>

#include "core/str_cat.h"

namespace sessionrec {
namespace {

constexpr int kMaxEpochs = 1000;

Status OutOfRange(std::string_view field, std::string_view want) {
  return absl::InvalidArgumentError(StrCat("embedding parameter ", field, " must be ", want));
}

}  // namespace

Status ValidateEmbedParams(const EmbedParams& p) {
  if (p.dim < 1 || p.dim > 4096) return OutOfRange("dim", "in 1..4096");
  if (p.window < 1 || p.window > 1000) return OutOfRange("window", "in 1..1000");
  if (p.negatives < 1 || p.negatives > 100) return OutOfRange("negatives", "in 1..100");
  if (p.epochs < 1 || p.epochs > kMaxEpochs) return OutOfRange("epochs", "in 1..1000");
  if (p.max_auto_epochs < 1 || p.max_auto_epochs > kMaxEpochs) {
    return OutOfRange("max_auto_epochs", "in 1..1000");
  }
  if (p.min_count < 1) return OutOfRange("min_count", ">= 1");
  if (!(p.learning_rate > 0.0f && p.learning_rate <= 1.0f)) {
    return OutOfRange("learning_rate", "in (0, 1]");
  }
  if (!(p.subsample >= 0.0 && p.subsample < 1.0)) return OutOfRange("subsample", "in [0, 1)");
  if (p.threads < 0 || p.threads > 1024) return OutOfRange("threads", "in 0..1024");
  for (float w : p.session.type_weights) {
    if (!(w >= 0.0f && std::isfinite(w))) return OutOfRange("session.type_weights", ">= 0");
  }
  if (!(p.session.half_life_events > 0.0f && std::isfinite(p.session.half_life_events))) {
    return OutOfRange("session.half_life_events", "> 0");
  }
  if (p.neighbors.k < 1 || p.neighbors.k > 1000) return OutOfRange("neighbors.k", "in 1..1000");
  if (p.neighbors.hnsw_m < 2 || p.neighbors.hnsw_m > 128) {
    return OutOfRange("neighbors.hnsw_m", "in 2..128");
  }
  if (p.neighbors.ef_construction < 1) return OutOfRange("neighbors.ef_construction", ">= 1");
  if (p.neighbors.ef_search < 1) return OutOfRange("neighbors.ef_search", ">= 1");
  if (p.store.last_days < 0) return OutOfRange("store.last_days", ">= 0");
  if (!(p.category.item_weight >= 0.0f && p.category.item_weight <= 1.0f)) {
    return OutOfRange("category.item_weight", "in [0, 1]");
  }
  return absl::OkStatus();
}

std::string EmbedParamsJson(const EmbedParams& p) {
  const auto& s = p.session;
  return StrCat(
      "{\"trainer\":\"", p.trainer == EmbedTrainer::kSgns ? "sgns" : "fasttext",
      "\",\"dim\":", p.dim, ",\"window\":", p.window, ",\"negatives\":", p.negatives,
      ",\"epochs\":", p.epochs, ",\"min_tokens\":", p.min_tokens,
      ",\"max_auto_epochs\":", p.max_auto_epochs, ",\"min_count\":", p.min_count,
      ",\"learning_rate\":", p.learning_rate, ",\"subsample\":", p.subsample,
      ",\"center\":", p.center ? "true" : "false",
      ",\"add_output_vectors\":", p.add_output_vectors ? "true" : "false",
      ",\"threads\":", p.threads, ",\"seed\":", p.seed, ",\"session\":{\"type_weights\":[",
      s.type_weights[0], ",", s.type_weights[1], ",", s.type_weights[2],
      "],\"half_life_events\":", s.half_life_events, "},\"neighbors\":{\"k\":", p.neighbors.k,
      ",\"exact_below\":", p.neighbors.exact_below, ",\"hnsw_m\":", p.neighbors.hnsw_m,
      ",\"ef_construction\":", p.neighbors.ef_construction,
      ",\"ef_search\":", p.neighbors.ef_search, "},\"store\":{\"encoding\":\"",
      p.store.encoding == RowEncoding::kFloat32 ? "float32" : "int8",
      "\",\"last_days\":", p.store.last_days,
      "},\"category\":{\"enabled\":", p.category.enabled ? "true" : "false",
      ",\"item_weight\":", p.category.item_weight,
      ",\"category_only_items\":", p.category.category_only_items ? "true" : "false", "}}");
}

int EffectiveEpochs(const EmbedParams& p, uint64_t tokens_per_epoch) {
  const uint64_t epochs = static_cast<uint64_t>(p.epochs);
  if (p.min_tokens == 0 || tokens_per_epoch == 0) return p.epochs;
  const uint64_t wanted = (p.min_tokens + tokens_per_epoch - 1) / tokens_per_epoch;
  const uint64_t cap = std::max<uint64_t>(epochs, static_cast<uint64_t>(p.max_auto_epochs));
  return static_cast<int>(std::min(std::max(epochs, wanted), cap));
}

int EffectiveThreads(int threads) { return threads > 0 ? threads : omp_get_num_procs(); }

}  // namespace sessionrec
