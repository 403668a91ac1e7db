// "embed_neighbors": the precomputed item2vec neighbour lists of the recent items.
#include <algorithm>

#include "candidates/candidate_sources.h"

namespace sessionrec {
namespace {

class EmbeddingNeighborsSource final : public CandidateSource {
 public:
  EmbeddingNeighborsSource(const ItemNeighbors& n, const SessionWeightParams& w, size_t recent)
      : n_(n), w_(w), recent_(recent) {}
  std::string_view name() const override { return "embed_neighbors"; }
  void Generate(const SessionContext& s, size_t k, CandidateScratch& scratch,
                std::vector<ScoredCandidate>& out) const override {
    // Most recent first; an item already expanded is skipped (its most recent event
    // carries the largest recency weight of that type anyway).
    size_t expanded = 0;
    const size_t first = FirstCountedEvent(s, w_);
    for (size_t i = s.items.size(); i-- > first && expanded < recent_;) {
      const ItemIndex x = s.items[i];
      if (std::find(s.items.begin() + static_cast<std::ptrdiff_t>(i) + 1, s.items.end(), x) !=
          s.items.end()) {
        continue;
      }
      ++expanded;
      const auto nb = n_.Neighbors(x);
      const auto sims = n_.Sims(x);
      const float w = EventWeight(s, w_, i);
      for (size_t j = 0; j < nb.size(); ++j) {
        if (sims[j] > 0) scratch.Add(nb[j], w * sims[j]);
      }
    }
    scratch.TakeTop(s, k, out);
  }

 private:
  const ItemNeighbors& n_;
  SessionWeightParams w_;
  size_t recent_;
};

}  // namespace

std::unique_ptr<CandidateSource> MakeEmbeddingNeighborsSource(const ItemNeighbors& neighbors,
                                                              const SessionWeightParams& w,
                                                              size_t recent_items) {
  return std::make_unique<EmbeddingNeighborsSource>(neighbors, w, recent_items);
}

}  // namespace sessionrec
