// Session feature family: properties of the session alone, the same for every candidate
// row (docs/features.md): length, distinct items, duration, type counts, gaps between
// events, last event's type and hour, and the protocol flag (include_seen).
#pragma once

#include <string>
#include <vector>

#include "candidates/candidate_source.h"
#include "features/feature_scratch.h"

namespace sessionrec {

void AppendSessionFeatureNames(std::vector<std::string>& names);

// Fills the family's columns of rows 0 .. num_rows-1.
void ComputeSessionFeatures(const SessionContext& s, size_t num_rows, FeatureBlock out);

}  // namespace sessionrec
