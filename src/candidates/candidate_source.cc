#include "candidates/candidate_source.h"

#include <algorithm>

namespace sessionrec {

CandidateScratch::CandidateScratch(size_t num_items) : score_(num_items, 0.0f) {
  touched_.reserve(1024);
}

bool CandidateScratch::InSession(const SessionContext& s, ItemIndex item) {
  return std::find(s.items.begin(), s.items.end(), item) != s.items.end();
}

void CandidateScratch::TakeTop(const SessionContext& s, size_t k,
                               std::vector<ScoredCandidate>& out) {
  out.clear();
  // Zeroing the session's entries drops them below (touched entries of 0 are skipped).
  if (s.exclude_seen) {
    for (ItemIndex i : s.items) {
      if (i < score_.size()) score_[i] = 0;
    }
  }
  for (ItemIndex i : touched_) {
    const float w = score_[i];
    score_[i] = 0;
    if (w > 0) out.push_back({i, w});
  }
  touched_.clear();
  auto better = [](const ScoredCandidate& a, const ScoredCandidate& b) {
    return a.score != b.score ? a.score > b.score : a.item < b.item;
  };
  // partial_sort keeps the cost at O(n log k) for long neighbour unions.
  if (out.size() > k) {
    std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(k), out.end(), better);
    out.resize(k);
  } else {
    std::sort(out.begin(), out.end(), better);
  }
}

}  // namespace sessionrec
