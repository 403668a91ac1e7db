#include "features/embedding_features.h"

#include <algorithm>
#include <cmath>

#include "embed/session_embedding.h"

namespace sessionrec {

void AppendEmbeddingFeatureNames(std::vector<std::string>& names) {
  names.insert(names.end(),
               {"emb_cos_last", "emb_cos_session", "emb_cos_max_recent", "emb_cos_mean_recent"});
}

void ComputeEmbeddingFeatures(const SessionContext& s, const CandidateSet& set,
                              const EmbeddingTable* table, const SessionEmbeddingParams& p,
                              FeatureScratch& scratch, FeatureBlock out) {
  for (size_t r = 0; r < set.size(); ++r) {
    for (size_t j = 0; j < 4; ++j) out.at(r, j) = NAN;
  }
  if (table == nullptr || table->dim() == 0) return;
  // The last distinct items with a vector, most recent first.
  scratch.recent.clear();
  for (size_t i = s.items.size(); i-- > 0 && scratch.recent.size() < kEmbeddingRecentItems;) {
    const ItemIndex x = s.items[i];
    if (!table->HasVector(x)) continue;
    if (std::find(scratch.recent.begin(), scratch.recent.end(), x) != scratch.recent.end())
      continue;
    scratch.recent.push_back(x);
  }
  scratch.session_embedding.resize(static_cast<size_t>(table->dim()));
  const bool has_session =
      ComputeSessionEmbedding(*table, s.items, s.types, p, scratch.session_embedding);
  for (size_t r = 0; r < set.size(); ++r) {
    const std::span<const float> y = table->Row(set.items[r]);
    if (y.empty()) continue;
    if (has_session) out.at(r, 1) = Dot(y, scratch.session_embedding);
    if (scratch.recent.empty()) continue;
    float mx = -2.0f, sum = 0.0f;
    for (size_t k = 0; k < scratch.recent.size(); ++k) {
      const float c = Dot(y, table->Row(scratch.recent[k]));
      if (k == 0) out.at(r, 0) = c;
      mx = std::max(mx, c);
      sum += c;
    }
    out.at(r, 2) = mx;
    out.at(r, 3) = sum / float(scratch.recent.size());
  }
}

}  // namespace sessionrec
