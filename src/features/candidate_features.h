// Candidate feature family (session x item): what the Merger (candidates/merger.h) knows
// about each candidate. For every source s, in the Merger's source order:
// src_<s>_norm (score / the source's best for this session), src_<s>_raw (the score) and
// src_<s>_rank (1-based rank; 0 when s did not return the item); then the blend, the
// blend rank and the number of sources that returned the item.
#pragma once

#include <string>
#include <vector>

#include "candidates/merger.h"
#include "features/feature_scratch.h"

namespace sessionrec {

void AppendCandidateFeatureNames(const std::vector<std::string>& source_names,
                                 std::vector<std::string>& names);

// `set.num_sources` must equal the number of source names the block was named with.
void ComputeCandidateFeatures(const CandidateSet& set, FeatureBlock out);

}  // namespace sessionrec
