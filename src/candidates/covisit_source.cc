// "covisit_<matrix>": neighbours of the session's items in one co-visitation matrix.
#include "candidates/candidate_sources.h"

namespace sessionrec {
namespace {

class CovisitSource final : public CandidateSource {
 public:
  CovisitSource(std::string name, const CovisitMatrix& m, const SessionWeightParams& w)
      : name_(std::move(name)), m_(m), w_(w) {}
  std::string_view name() const override { return name_; }
  void Generate(const SessionContext& s, size_t k, CandidateScratch& scratch,
                std::vector<ScoredCandidate>& out) const override {
    for (size_t i = FirstCountedEvent(s, w_); i < s.items.size(); ++i) {
      const auto nb = m_.Neighbors(s.items[i]);
      if (nb.empty()) continue;
      const auto wt = m_.Weights(s.items[i]);
      // Row-normalised so that a popular item's large raw weights do not drown the rest;
      // rows are sorted by weight, so wt[0] is the row maximum.
      const float scale = wt[0] > 0 ? EventWeight(s, w_, i) / wt[0] : 0.0f;
      for (size_t j = 0; j < nb.size(); ++j) scratch.Add(nb[j], scale * wt[j]);
    }
    scratch.TakeTop(s, k, out);
  }

 private:
  std::string name_;
  const CovisitMatrix& m_;
  SessionWeightParams w_;
};

}  // namespace

std::unique_ptr<CandidateSource> MakeCovisitSource(std::string name, const CovisitMatrix& matrix,
                                                   const SessionWeightParams& w) {
  return std::make_unique<CovisitSource>(std::move(name), matrix, w);
}

}  // namespace sessionrec
