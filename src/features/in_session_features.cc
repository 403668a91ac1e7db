#include "features/in_session_features.h"

#include <cmath>

namespace sessionrec {

namespace {
enum Col : size_t {
  kIn = 0,
  kClicks,
  kCarts,
  kOrders,
  kEventsBack,
  kAgeS,
  kLastType,
  kWeighted,
  kIsLast,
  kNumCols
};
}  // namespace

void AppendInSessionFeatureNames(std::vector<std::string>& names) {
  names.insert(names.end(),
               {"ins_in_session", "ins_clicks", "ins_carts", "ins_orders", "ins_events_back",
                "ins_age_s", "ins_last_type", "ins_weighted", "ins_is_last_item"});
}

void ComputeInSessionFeatures(const SessionContext& s, const CandidateSet& set,
                              const SessionWeightParams& w, const FeatureScratch& scratch,
                              FeatureBlock out) {
  for (size_t r = 0; r < set.size(); ++r) {
    for (size_t j = 0; j < kNumCols; ++j) out.at(r, j) = 0.0f;
    out.at(r, kEventsBack) = out.at(r, kAgeS) = out.at(r, kLastType) = NAN;
  }
  const size_t n = s.items.size();
  if (n == 0) return;
  const size_t first_weighted = FirstCountedEvent(s, w);
  for (size_t i = 0; i < n; ++i) {  // time order: the last write is the latest occurrence
    const ItemIndex item = s.items[i];
    if (item >= scratch.slot.size() || scratch.slot[item] == UINT32_MAX) continue;
    const size_t r = scratch.slot[item];
    const int t = s.types[i] % kNumEventTypes;
    out.at(r, kIn) = 1.0f;
    out.at(r, kClicks + t) += 1.0f;
    out.at(r, kEventsBack) = float(n - 1 - i);
    out.at(r, kAgeS) = std::log1p(float(s.ts[n - 1] - s.ts[i]));
    out.at(r, kLastType) = float(t);
    if (i >= first_weighted) out.at(r, kWeighted) += EventWeight(s, w, i);
    out.at(r, kIsLast) = i == n - 1 ? 1.0f : 0.0f;
  }
}

}  // namespace sessionrec
