// "session": the session's own items (recency- and type-weighted); the strongest source in
// the official protocol, empty under exclude_seen.
#include "candidates/candidate_sources.h"

namespace sessionrec {
namespace {

class SessionItemsSource final : public CandidateSource {
 public:
  explicit SessionItemsSource(const SessionWeightParams& w) : w_(w) {}
  std::string_view name() const override { return "session"; }
  void Generate(const SessionContext& s, size_t k, CandidateScratch& scratch,
                std::vector<ScoredCandidate>& out) const override {
    for (size_t i = FirstCountedEvent(s, w_); i < s.items.size(); ++i) {
      scratch.Add(s.items[i], EventWeight(s, w_, i));
    }
    scratch.TakeTop(s, k, out);
  }

 private:
  SessionWeightParams w_;
};

}  // namespace

std::unique_ptr<CandidateSource> MakeSessionItemsSource(const SessionWeightParams& w) {
  return std::make_unique<SessionItemsSource>(w);
}

}  // namespace sessionrec
