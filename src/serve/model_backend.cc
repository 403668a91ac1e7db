#include "serve/model_backend.h"

#include <utility>

#include "serve/recommender.h"

namespace sessionrec {
namespace {

class ModelBackend final : public ServiceBackend {
 public:
  explicit ModelBackend(std::shared_ptr<const ModelBundle> bundle)
      : bundle_(bundle), recommender_(std::move(bundle)) {}

  const BundleStats& stats() const override { return bundle_->stats(); }
  Recommendations Recommend(std::span<const Event> events,
                            const RecommendOptions& opts) const override {
    return recommender_.Recommend(events, opts);
  }
  std::optional<std::span<const float>> ItemEmbedding(ItemId aid) const override {
    return bundle_->ItemEmbedding(aid);
  }
  std::optional<std::vector<float>> SessionEmbedding(std::span<const Event> events) const override {
    return bundle_->SessionEmbedding(events);
  }
  std::optional<std::span<const float>> TrainingSessionEmbedding(SessionId id) const override {
    return bundle_->TrainingSessionEmbedding(id);
  }

 private:
  std::shared_ptr<const ModelBundle> bundle_;
  Recommender recommender_;
};

}  // namespace

std::unique_ptr<ServiceBackend> MakeModelBackend(std::shared_ptr<const ModelBundle> bundle) {
  return std::make_unique<ModelBackend>(std::move(bundle));
}

}  // namespace sessionrec
