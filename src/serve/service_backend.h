// What the HTTP handlers need from a loaded model: the Recommender and its ModelBundle in
// production (serve/model_backend.h), a fake in tests.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "core/types.h"
#include "serve/model_bundle.h"
#include "serve/recommender.h"

namespace sessionrec {

// Implementations must be safe to call from many threads at once.
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

}  // namespace sessionrec
