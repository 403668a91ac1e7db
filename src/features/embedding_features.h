// Embedding feature family (session x item): cosine similarities of the candidate's item
// vector (embed/embedding_table.h, unit rows) to
//   emb_cos_last       the session's last item that has a vector
//   emb_cos_session    the session embedding (embed/session_embedding.h)
//   emb_cos_max_recent max over the last 5 distinct items with a vector
//   emb_cos_mean_recent mean over the same items
// NaN (missing) when the model has no embeddings or either side has no vector.
#pragma once

#include <string>
#include <vector>

#include "candidates/merger.h"
#include "embed/embed_params.h"
#include "embed/embedding_table.h"
#include "features/feature_scratch.h"

namespace sessionrec {

inline constexpr size_t kEmbeddingRecentItems = 5;

void AppendEmbeddingFeatureNames(std::vector<std::string>& names);

// `table` may be null (every column NaN).
void ComputeEmbeddingFeatures(const SessionContext& s, const CandidateSet& set,
                              const EmbeddingTable* table, const SessionEmbeddingParams& p,
                              FeatureScratch& scratch, FeatureBlock out);

}  // namespace sessionrec
