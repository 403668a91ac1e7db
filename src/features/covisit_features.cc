#include "features/covisit_features.h"

#include <algorithm>

#include "core/str_cat.h"

namespace sessionrec {

void AppendCovisitFeatureNames(
    const std::vector<std::pair<std::string, const CovisitMatrix*>>& matrices,
    std::vector<std::string>& names) {
  for (const auto& [name, unused] : matrices) {
    for (const char* agg : {"sum", "max", "wsum", "last"}) {
      names.push_back(StrCat("cv_", name, "_", agg));
    }
  }
}

void ComputeCovisitFeatures(const SessionContext& s, const CandidateSet& set,
                            const std::vector<std::pair<std::string, const CovisitMatrix*>>& m,
                            const SessionWeightParams& w, const FeatureScratch& scratch,
                            FeatureBlock out) {
  const size_t cols = m.size() * kCovisitFeaturesPerMatrix;
  for (size_t r = 0; r < set.size(); ++r) {
    for (size_t j = 0; j < cols; ++j) out.at(r, j) = 0.0f;
  }
  const size_t n = s.items.size();
  size_t last = n;  // the last known item
  for (size_t i = n; i-- > 0;) {
    if (s.items[i] != kNoItem) {
      last = i;
      break;
    }
  }
  for (size_t mi = 0; mi < m.size(); ++mi) {
    const CovisitMatrix& matrix = *m[mi].second;
    const size_t c0 = mi * kCovisitFeaturesPerMatrix;
    for (size_t i = FirstCountedEvent(s, w); i < n; ++i) {
      const ItemIndex x = s.items[i];
      if (x == kNoItem) continue;
      const std::span<const ItemIndex> nb = matrix.Neighbors(x);
      const std::span<const float> wt = matrix.Weights(x);
      if (nb.empty()) continue;
      const float top = wt[0] > 0 ? wt[0] : 1.0f;
      const float ew = EventWeight(s, w, i);
      for (size_t k = 0; k < nb.size(); ++k) {
        if (nb[k] >= scratch.slot.size()) continue;
        const uint32_t r = scratch.slot[nb[k]];
        if (r == UINT32_MAX) continue;
        out.at(r, c0) += wt[k];
        out.at(r, c0 + 1) = std::max(out.at(r, c0 + 1), wt[k]);
        out.at(r, c0 + 2) += ew * wt[k] / top;
        if (i == last) out.at(r, c0 + 3) = wt[k];
      }
    }
  }
}

}  // namespace sessionrec
