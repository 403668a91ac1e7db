#include "features/category_features.h"

#include <algorithm>
#include <cmath>

namespace sessionrec {

namespace {
enum Col : size_t {
  kSameLast = 0,
  kSessionEvents,
  kSessionShare,
  kSessionRank,
  kEventsBack,
  kPopRank,
  kPopShare,
  kSessionDistinct,
  kNumCols
};
static_assert(kNumCols == kCategoryFeatureColumns);
}  // namespace

CategoryFeatures::CategoryFeatures(const CategoryLists& lists, size_t num_items)
    : lists_(lists), pop_rank_(num_items, NAN), pop_share_(num_items, NAN) {
  // Items with a category start outside their list (rank = list size + 1, share 0).
  for (ItemIndex i = 0; i < num_items; ++i) {
    const uint32_t c = lists_.CategoryOfItem(i);
    if (c == kNoCategory) continue;
    pop_rank_[i] = static_cast<float>(lists_.List(c).size() + 1);
    pop_share_[i] = 0.0f;
  }
  for (uint32_t c = 0; c < lists_.num_categories(); ++c) {
    const std::span<const ScoredCandidate> list = lists_.List(c);
    for (size_t r = 0; r < list.size(); ++r) {
      if (list[r].item >= num_items) continue;
      pop_rank_[list[r].item] = static_cast<float>(r + 1);
      pop_share_[list[r].item] = list[r].score / list[0].score;
    }
  }
}

void CategoryFeatures::AppendNames(std::vector<std::string>& names) {
  names.insert(names.end(),
               {"cat_same_last", "cat_session_events", "cat_session_share", "cat_session_rank",
                "cat_events_back", "cat_pop_rank", "cat_pop_share", "cat_session_distinct"});
}

uint32_t CategoryFeatures::EventCategory(const SessionContext& s, size_t i) const {
  const uint32_t c = lists_.CategoryOfItem(s.items[i]);
  if (c != kNoCategory || i >= s.aids.size()) return c;
  return lists_.CategoryOfAid(s.aids[i]);
}

void CategoryFeatures::Compute(const SessionContext& s, const CandidateSet& set,
                               const SessionWeightParams& w, FeatureScratch& scratch,
                               FeatureBlock out) const {
  // The session's categories, in order of first appearance.
  std::vector<FeatureScratch::SessionCategory>& cats = scratch.categories;
  cats.clear();
  const size_t n = s.items.size();
  const size_t first_weighted = FirstCountedEvent(s, w);
  uint32_t last_category = kNoCategory;
  float total_weight = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint32_t c = EventCategory(s, i);
    if (c == kNoCategory) continue;
    last_category = c;
    auto it =
        std::find_if(cats.begin(), cats.end(), [c](const auto& e) { return e.category == c; });
    if (it == cats.end()) {
      cats.push_back({c, 0, 0, 0.0f, 0});
      it = cats.end() - 1;
    }
    ++it->events;
    it->newest = static_cast<uint32_t>(i);
    if (i >= first_weighted) {
      const float ew = EventWeight(s, w, i);
      it->weight += ew;
      total_weight += ew;
    }
  }
  for (auto& e : cats) {  // rank by weight; equal weights: the newer category first
    e.rank = 1;
    for (const auto& o : cats) {
      e.rank += o.weight > e.weight || (o.weight == e.weight && o.newest > e.newest);
    }
  }
  for (size_t r = 0; r < set.size(); ++r) {
    const ItemIndex y = set.items[r];
    const uint32_t c = lists_.CategoryOfItem(y);
    out.at(r, kSessionDistinct) = static_cast<float>(cats.size());
    if (c == kNoCategory) {
      for (size_t j = 0; j < kSessionDistinct; ++j) out.at(r, j) = NAN;
      continue;
    }
    out.at(r, kSameLast) = last_category == kNoCategory ? NAN : (c == last_category ? 1.0f : 0.0f);
    out.at(r, kPopRank) = y < pop_rank_.size() ? pop_rank_[y] : NAN;
    out.at(r, kPopShare) = y < pop_share_.size() ? pop_share_[y] : NAN;
    const auto it =
        std::find_if(cats.begin(), cats.end(), [c](const auto& e) { return e.category == c; });
    if (it == cats.end()) {
      out.at(r, kSessionEvents) = 0.0f;
      out.at(r, kSessionShare) = total_weight > 0 ? 0.0f : NAN;
      out.at(r, kSessionRank) = out.at(r, kEventsBack) = NAN;
      continue;
    }
    out.at(r, kSessionEvents) = static_cast<float>(it->events);
    out.at(r, kSessionShare) = total_weight > 0 ? it->weight / total_weight : NAN;
    out.at(r, kSessionRank) = static_cast<float>(it->rank);
    out.at(r, kEventsBack) = static_cast<float>(n - 1 - it->newest);
  }
}

}  // namespace sessionrec
