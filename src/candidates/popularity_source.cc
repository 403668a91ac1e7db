// "pop_<kind>": a precomputed popularity list; the fill when the other sources run dry.
#include "candidates/candidate_sources.h"
#include "core/str_cat.h"

namespace sessionrec {
namespace {

class PopularitySource final : public CandidateSource {
 public:
  PopularitySource(const PopularityLists& lists, PopularityKind kind)
      : list_(lists.List(kind)), name_(StrCat("pop_", PopularityKindName(kind))) {}
  std::string_view name() const override { return name_; }
  void Generate(const SessionContext& s, size_t k, CandidateScratch& /*scratch*/,
                std::vector<ScoredCandidate>& out) const override {
    out.clear();
    for (const ScoredCandidate& c : list_) {
      if (out.size() >= k) break;
      if (s.exclude_seen && CandidateScratch::InSession(s, c.item)) continue;
      out.push_back(c);
    }
  }

 private:
  std::span<const ScoredCandidate> list_;
  std::string name_;
};

}  // namespace

std::unique_ptr<CandidateSource> MakePopularitySource(const PopularityLists& lists,
                                                      PopularityKind kind) {
  return std::make_unique<PopularitySource>(lists, kind);
}

}  // namespace sessionrec
