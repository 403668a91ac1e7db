// In-session feature family (session x item): whether, how often, how recently and how
// the candidate occurred in the session itself (docs/features.md). Items absent from the
// session get 0 counts and NaN (missing) positions, ages and types.
#pragma once

#include <string>
#include <vector>

#include "candidates/merger.h"
#include "candidates/session_weights.h"
#include "features/feature_scratch.h"

namespace sessionrec {

void AppendInSessionFeatureNames(std::vector<std::string>& names);

// Needs scratch.slot mapping every candidate item to its row (FeatureBuilder sets it).
void ComputeInSessionFeatures(const SessionContext& s, const CandidateSet& set,
                              const SessionWeightParams& w, const FeatureScratch& scratch,
                              FeatureBlock out);

}  // namespace sessionrec
