// Co-visitation feature family (session x item): for each co-visitation matrix m and
// candidate y, the matrix weights weight(x_i, y) over the session's counted events x_i
// (the last SessionWeightParams::max_events) aggregated four ways (docs/features.md):
//   cv_<m>_sum    Σ_i weight(x_i, y)
//   cv_<m>_max    max_i weight(x_i, y)
//   cv_<m>_wsum   Σ_i EventWeight(i) · weight(x_i, y) / (row x_i's top weight)
//                 (recency and type weighted, as the covisit candidate source scores)
//   cv_<m>_last   weight(x_last, y) from the session's last known item
// All 0 when y is not among the neighbours.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "candidates/merger.h"
#include "candidates/session_weights.h"
#include "covisit/covisit_matrix.h"
#include "features/feature_scratch.h"

namespace sessionrec {

inline constexpr size_t kCovisitFeaturesPerMatrix = 4;

void AppendCovisitFeatureNames(
    const std::vector<std::pair<std::string, const CovisitMatrix*>>& matrices,
    std::vector<std::string>& names);

// Needs scratch.slot mapping every candidate item to its row.
void ComputeCovisitFeatures(const SessionContext& s, const CandidateSet& set,
                            const std::vector<std::pair<std::string, const CovisitMatrix*>>& m,
                            const SessionWeightParams& w, const FeatureScratch& scratch,
                            FeatureBlock out);

}  // namespace sessionrec
