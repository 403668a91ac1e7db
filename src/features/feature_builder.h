// The ranker's feature rows: one row per candidate of a session, the families in a fixed
// order (docs/features.md):
//   session (features/session_features.h), item (item_features.h), candidate sources and
//   blend (candidate_features.h), in-session (in_session_features.h), co-visitation
//   aggregates (covisit_features.h), embedding similarities (embedding_features.h), and
//   for models with item categories the category family (category_features.h).
// The same builder runs in training (pipeline/ranker_training.h) and serving
// (serve/recommender.h), so the served columns are the trained ones; schema() names them
// and is persisted as feature_schema.json.
//
// Thread safety: a FeatureBuilder is immutable; Build is const; each thread passes its own
// FeatureScratch. Missing values are NaN (XGBoost's missing).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "candidates/category_lists.h"
#include "candidates/merger.h"
#include "candidates/session_weights.h"
#include "covisit/covisit_matrix.h"
#include "embed/embed_params.h"
#include "embed/embedding_table.h"
#include "features/category_features.h"
#include "features/feature_schema.h"
#include "features/feature_scratch.h"
#include "features/item_features.h"

namespace sessionrec {

// What the families read; not owned, must outlive the builder.
struct FeatureResources {
  const ItemFeatureTable* items = nullptr;  // required
  // (name, matrix) of every co-visitation matrix aggregated by the covisit family.
  std::vector<std::pair<std::string, const CovisitMatrix*>> covisit;
  const EmbeddingTable* embeddings = nullptr;  // optional: NaN embedding columns without
  SessionWeightParams weights;                 // event weights of the aggregates
  SessionEmbeddingParams session_embedding;    // definition of the session embedding
  // Per-category popularity lists of the model's item categories (optional): with them the
  // schema has the category family's columns, without it has none.
  const CategoryLists* categories = nullptr;
};

// The resources every model uses: the three baseline co-visitation matrices ("clicks",
// "carts_orders", "buy2buy"), the model's item features, its embeddings and its category
// lists (both may be null).
// Training (pipeline/ranker_training.cc) and serving (serve/model_bundle.cc) both call it,
// so their columns agree.
FeatureResources StandardFeatureResources(const CovisitMatrix& clicks,
                                          const CovisitMatrix& carts_orders,
                                          const CovisitMatrix& buy2buy,
                                          const ItemFeatureTable& items,
                                          const EmbeddingTable* embeddings,
                                          const CategoryLists* categories);

class FeatureBuilder {
 public:
  // `source_names`: the Merger's sources in its order (the candidate family's columns).
  FeatureBuilder(FeatureResources resources, std::vector<std::string> source_names);

  const FeatureSchema& schema() const { return schema_; }
  size_t num_features() const { return schema_.size(); }
  const std::vector<std::string>& source_names() const { return source_names_; }

  // Writes set.size() rows of num_features() floats (row-major) into `out` (resized).
  // set.num_sources must equal source_names().size() (SR_CHECK).
  void Build(const SessionContext& s, const CandidateSet& set, FeatureScratch& scratch,
             std::vector<float>& out) const;

 private:
  FeatureResources r_;
  std::vector<std::string> source_names_;
  FeatureSchema schema_;
  std::unique_ptr<const CategoryFeatures> categories_;  // null without categories
  size_t off_item_ = 0, off_cand_ = 0, off_ins_ = 0, off_cv_ = 0, off_emb_ = 0, off_cat_ = 0;
};

}  // namespace sessionrec
