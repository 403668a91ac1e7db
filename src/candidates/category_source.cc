// "category_pop": the most popular trained items of the categories of the session's
// recent items. In a sparse catalogue most next items never co-occurred with the session's
// items in training (Taobao: only 26% of the last items are even known to the model), but
// the shop knows every listed item's category (data/item_categories.h).
#include <algorithm>

#include "candidates/candidate_sources.h"

namespace sessionrec {
namespace {

class CategoryPopularitySource final : public CandidateSource {
 public:
  CategoryPopularitySource(const CategoryLists& lists, const SessionWeightParams& w,
                           size_t recent_categories)
      : lists_(lists), w_(w), recent_categories_(recent_categories) {}
  std::string_view name() const override { return "category_pop"; }

  void Generate(const SessionContext& s, size_t k, CandidateScratch& scratch,
                std::vector<ScoredCandidate>& out) const override {
    // Category weights: Σ EventWeight over the counted events of each category, for the
    // newest `recent_categories` distinct categories.
    struct Weighted {
      uint32_t category;
      float weight;
    };
    Weighted recent[kMaxRecent];
    size_t n = 0;
    const size_t first = FirstCountedEvent(s, w_);
    const size_t keep = std::min(recent_categories_, kMaxRecent);
    for (size_t i = s.items.size(); i-- > first;) {
      uint32_t c = lists_.CategoryOfItem(s.items[i]);
      if (c == kNoCategory && i < s.aids.size()) c = lists_.CategoryOfAid(s.aids[i]);
      if (c == kNoCategory) continue;
      const float w = EventWeight(s, w_, i);
      size_t j = 0;
      while (j < n && recent[j].category != c) ++j;
      if (j < n) {
        recent[j].weight += w;
      } else if (n < keep) {
        recent[n++] = {c, w};
      }
    }
    for (size_t j = 0; j < n; ++j) {
      const std::span<const ScoredCandidate> list = lists_.List(recent[j].category);
      if (list.empty()) continue;
      // Normalised by the category's best, so categories of any size weigh alike.
      const float scale = recent[j].weight / list[0].score;
      for (const ScoredCandidate& c : list) scratch.Add(c.item, scale * c.score);
    }
    scratch.TakeTop(s, k, out);
  }

 private:
  static constexpr size_t kMaxRecent = 16;
  const CategoryLists& lists_;
  SessionWeightParams w_;
  size_t recent_categories_;
};

}  // namespace

std::unique_ptr<CandidateSource> MakeCategoryPopularitySource(const CategoryLists& lists,
                                                              const SessionWeightParams& w,
                                                              size_t recent_categories) {
  return std::make_unique<CategoryPopularitySource>(lists, w, recent_categories);
}

}  // namespace sessionrec
