#include "features/session_features.h"

#include <cmath>

namespace sessionrec {

void AppendSessionFeatureNames(std::vector<std::string>& names) {
  names.insert(names.end(),
               {"sess_events", "sess_distinct_items", "sess_unknown_events", "sess_duration_s",
                "sess_clicks", "sess_carts", "sess_orders", "sess_buy_frac", "sess_last_gap_s",
                "sess_mean_gap_s", "sess_last_type", "sess_hour", "sess_include_seen"});
}

void ComputeSessionFeatures(const SessionContext& s, size_t num_rows, FeatureBlock out) {
  const size_t n = s.items.size();
  float v[13];
  size_t unknown = 0, distinct = 0;
  float types[kNumEventTypes] = {0, 0, 0};
  for (size_t i = 0; i < n; ++i) {
    types[s.types[i] % kNumEventTypes] += 1;
    if (s.items[i] == kNoItem) {
      ++unknown;
      continue;
    }
    bool first = true;  // sessions are short (the request limit): quadratic is fine
    for (size_t j = 0; j < i && first; ++j) first = s.items[j] != s.items[i];
    distinct += first ? 1 : 0;
  }
  const float duration = n > 0 ? float(s.ts[n - 1] - s.ts[0]) : 0.0f;
  v[0] = float(n);
  v[1] = float(distinct);
  v[2] = float(unknown);
  v[3] = std::log1p(duration);
  v[4] = types[0];
  v[5] = types[1];
  v[6] = types[2];
  v[7] = n > 0 ? (types[1] + types[2]) / float(n) : 0.0f;
  v[8] = n >= 2 ? std::log1p(float(s.ts[n - 1] - s.ts[n - 2])) : NAN;
  v[9] = n >= 2 ? std::log1p(duration / float(n - 1)) : NAN;
  v[10] = n > 0 ? float(s.types[n - 1] % kNumEventTypes) : NAN;
  v[11] = n > 0 ? float((s.ts[n - 1] / 3600) % 24) : NAN;
  v[12] = s.exclude_seen ? 0.0f : 1.0f;
  for (size_t r = 0; r < num_rows; ++r) {
    for (size_t j = 0; j < 13; ++j) out.at(r, j) = v[j];
  }
}

}  // namespace sessionrec
