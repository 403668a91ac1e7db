#include "features/feature_builder.h"

#include <algorithm>

#include "features/candidate_features.h"
#include "features/covisit_features.h"
#include "features/embedding_features.h"
#include "features/in_session_features.h"
#include "features/session_features.h"

namespace sessionrec {

FeatureResources StandardFeatureResources(const CovisitMatrix& clicks,
                                          const CovisitMatrix& carts_orders,
                                          const CovisitMatrix& buy2buy,
                                          const ItemFeatureTable& items,
                                          const EmbeddingTable* embeddings,
                                          const CategoryLists* categories) {
  FeatureResources r;
  r.items = &items;
  r.covisit = {{"clicks", &clicks}, {"carts_orders", &carts_orders}, {"buy2buy", &buy2buy}};
  r.embeddings = embeddings;
  r.categories = categories;
  return r;
}

FeatureBuilder::FeatureBuilder(FeatureResources resources, std::vector<std::string> source_names)
    : r_(std::move(resources)), source_names_(std::move(source_names)) {
  SR_CHECK(r_.items != nullptr);
  std::vector<std::string>& n = schema_.names;
  AppendSessionFeatureNames(n);
  off_item_ = n.size();
  const std::vector<std::string> item_names = ItemFeatureTable::Names();
  n.insert(n.end(), item_names.begin(), item_names.end());
  off_cand_ = n.size();
  AppendCandidateFeatureNames(source_names_, n);
  off_ins_ = n.size();
  AppendInSessionFeatureNames(n);
  off_cv_ = n.size();
  AppendCovisitFeatureNames(r_.covisit, n);
  off_emb_ = n.size();
  AppendEmbeddingFeatureNames(n);
  off_cat_ = n.size();
  if (r_.categories != nullptr) {
    categories_ = std::make_unique<CategoryFeatures>(*r_.categories, r_.items->num_items());
    CategoryFeatures::AppendNames(n);
  }
}

void FeatureBuilder::Build(const SessionContext& s, const CandidateSet& set,
                           FeatureScratch& scratch, std::vector<float>& out) const {
  SR_CHECK(set.num_sources == source_names_.size() || set.size() == 0);
  const size_t f = num_features();
  out.resize(set.size() * f);
  if (set.size() == 0) return;
  scratch.EnsureCatalogue(r_.items->num_items());
  for (size_t r = 0; r < set.size(); ++r) {
    if (set.items[r] < scratch.slot.size()) scratch.slot[set.items[r]] = static_cast<uint32_t>(r);
  }
  float* base = out.data();
  ComputeSessionFeatures(s, set.size(), {base, f});
  const size_t ni = ItemFeatureTable::NumFeatures();
  for (size_t r = 0; r < set.size(); ++r) {
    const std::span<const float> row = r_.items->Row(set.items[r]);
    float* dst = base + r * f + off_item_;
    if (row.size() == ni) {
      std::copy(row.begin(), row.end(), dst);
    } else {
      std::fill(dst, dst + ni, NAN);
    }
  }
  ComputeCandidateFeatures(set, {base + off_cand_, f});
  ComputeInSessionFeatures(s, set, r_.weights, scratch, {base + off_ins_, f});
  ComputeCovisitFeatures(s, set, r_.covisit, r_.weights, scratch, {base + off_cv_, f});
  ComputeEmbeddingFeatures(s, set, r_.embeddings, r_.session_embedding, scratch,
                           {base + off_emb_, f});
  if (categories_) categories_->Compute(s, set, r_.weights, scratch, {base + off_cat_, f});
  for (ItemIndex item : set.items) {
    if (item < scratch.slot.size()) scratch.slot[item] = UINT32_MAX;
  }
}

}  // namespace sessionrec
