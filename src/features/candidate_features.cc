#include "features/candidate_features.h"

#include "core/str_cat.h"

namespace sessionrec {

void AppendCandidateFeatureNames(const std::vector<std::string>& source_names,
                                 std::vector<std::string>& names) {
  for (const std::string& s : source_names) {
    names.push_back(StrCat("src_", s, "_norm"));
    names.push_back(StrCat("src_", s, "_raw"));
    names.push_back(StrCat("src_", s, "_rank"));
  }
  names.insert(names.end(), {"cand_blend", "cand_blend_rank", "cand_num_sources"});
}

void ComputeCandidateFeatures(const CandidateSet& set, FeatureBlock out) {
  const size_t w = set.num_sources * kFeaturesPerSource;
  for (size_t r = 0; r < set.size(); ++r) {
    const std::span<const float> f = set.Features(r);
    int found = 0;
    for (size_t j = 0; j < w; ++j) out.at(r, j) = f[j];
    for (size_t s = 0; s < set.num_sources; ++s) found += f[s * kFeaturesPerSource + kRank] > 0;
    out.at(r, w) = set.blend[r];
    out.at(r, w + 1) = float(r + 1);
    out.at(r, w + 2) = float(found);
  }
}

}  // namespace sessionrec
