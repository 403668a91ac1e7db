#include "features/item_features.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/str_cat.h"

namespace sessionrec {
namespace {

// Column layout: 4 spans (all, h1, d1, d7) x 3 types, then the derived columns.
constexpr const char* kSpanNames[4] = {"all", "h1", "d1", "d7"};
constexpr const char* kTypeNames[3] = {"clicks", "carts", "orders"};
enum Derived : size_t {
  kSessions = 12,
  kTrendH1D1,
  kTrendD1D7,
  kCartRate,
  kOrderRate,
  kOrderPerCart,
  kHoursSinceLast,
  kAgeHours,
  kNumColumns
};

}  // namespace

std::vector<std::string> ItemFeatureTable::Names() {
  std::vector<std::string> n;
  for (const char* span : kSpanNames) {
    for (const char* type : kTypeNames) n.push_back(StrCat("item_", type, "_", span));
  }
  n.insert(n.end(),
           {"item_sessions", "item_trend_h1_d1", "item_trend_d1_d7", "item_cart_rate",
            "item_order_rate", "item_order_per_cart", "item_hours_since_last", "item_age_hours"});
  SR_CHECK(n.size() == kNumColumns);
  return n;
}

size_t ItemFeatureTable::NumFeatures() { return kNumColumns; }

ItemFeatureTable ItemFeatureTable::Build(const EventStore& store, const ItemFeatureParams& p) {
  const size_t ni = store.num_items();
  uint32_t max_ts = 0;
  for (uint32_t t : store.ts()) max_ts = std::max(max_ts, t);
  std::vector<uint32_t> counts(ni * 12, 0);
  std::vector<uint32_t> sessions(ni, 0), last_session(ni, UINT32_MAX);
  std::vector<uint32_t> first_ts(ni, UINT32_MAX), last_ts(ni, 0);
  std::array<double, 3> cutoff;
  for (size_t w = 0; w < 3; ++w) cutoff[w] = double(max_ts) - p.window_hours[w] * 3600.0;
  for (size_t s = 0; s < store.num_sessions(); ++s) {
    const SessionView v = store.session(s);
    for (size_t e = 0; e < v.size(); ++e) {
      const ItemIndex i = v.items[e];
      if (i >= ni) continue;
      const size_t t = v.types[e] % kNumEventTypes;
      uint32_t* c = &counts[size_t{i} * 12];
      ++c[t];
      for (size_t w = 0; w < 3; ++w) {
        if (double(v.ts[e]) >= cutoff[w]) ++c[3 * (w + 1) + t];
      }
      if (last_session[i] != s) {
        last_session[i] = static_cast<uint32_t>(s);
        ++sessions[i];
      }
      first_ts[i] = std::min(first_ts[i], v.ts[e]);
      last_ts[i] = std::max(last_ts[i], v.ts[e]);
    }
  }
  auto values = std::make_shared<std::vector<float>>(ni * kNumColumns, 0.0f);
  for (size_t i = 0; i < ni; ++i) {
    const uint32_t* c = &counts[i * 12];
    float* f = values->data() + i * kNumColumns;
    for (size_t j = 0; j < 12; ++j) f[j] = std::log1p(float(c[j]));
    auto span_total = [&](size_t span) {
      return double(c[3 * span] + c[3 * span + 1] + c[3 * span + 2]);
    };
    const double h1 = span_total(1), d1 = span_total(2), d7 = span_total(3);
    f[kSessions] = std::log1p(float(sessions[i]));
    // Rate per hour in the shorter window against the longer one (log ratio, +1 smoothing).
    f[kTrendH1D1] =
        float(std::log((h1 / p.window_hours[0] + 1.0) / (d1 / p.window_hours[1] + 1.0)));
    f[kTrendD1D7] =
        float(std::log((d1 / p.window_hours[1] + 1.0) / (d7 / p.window_hours[2] + 1.0)));
    f[kCartRate] = float(c[1]) / float(c[0] + 1);
    f[kOrderRate] = float(c[2]) / float(c[0] + 1);
    f[kOrderPerCart] = float(c[2]) / float(c[1] + 1);
    const bool any = first_ts[i] != UINT32_MAX;
    f[kHoursSinceLast] = any ? float(max_ts - last_ts[i]) / 3600.0f : NAN;
    f[kAgeHours] = any ? float(max_ts - first_ts[i]) / 3600.0f : NAN;
  }
  ItemFeatureTable t;
  t.owned_ = values;
  t.values_ = *values;
  t.num_items_ = ni;
  t.num_features_ = kNumColumns;
  nlohmann::json meta;
  meta["names"] = Names();
  meta["max_ts"] = max_ts;
  meta["window_hours"] = p.window_hours;
  t.meta_ = meta.dump();
  return t;
}

Status ItemFeatureTable::Save(const std::string& path) const {
  const uint32_t shape[2] = {static_cast<uint32_t>(num_items_),
                             static_cast<uint32_t>(num_features_)};
  ArtifactWriter w(kItemFeaturesKind, kItemFeaturesVersion);
  w.Add("shape", std::span<const uint32_t>(shape, 2));
  w.Add("values", values_);
  w.AddText("meta", meta_);
  return w.Write(path);
}

StatusOr<ItemFeatureTable> ItemFeatureTable::Open(const std::string& path) {
  SR_ASSIGN_OR_RETURN(Artifact a, Artifact::Open(path, kItemFeaturesKind, kItemFeaturesVersion));
  SR_ASSIGN_OR_RETURN(std::span<const uint32_t> shape, a.Get<uint32_t>("shape"));
  SR_ASSIGN_OR_RETURN(std::span<const float> values, a.Get<float>("values"));
  if (shape.size() != 2)
    return absl::DataLossError(StrCat(path, ": section shape must hold 2 values"));
  if (shape[1] != kNumColumns) {
    return absl::DataLossError(
        StrCat(path, ": ", shape[1], " item features, this build has ", size_t{kNumColumns}));
  }
  if (values.size() != size_t{shape[0]} * shape[1]) {
    return absl::DataLossError(StrCat(path, ": section values holds ", values.size(),
                                      " floats, shape says ", shape[0], " x ", shape[1]));
  }
  ItemFeatureTable t;
  t.num_items_ = shape[0];
  t.num_features_ = shape[1];
  t.values_ = values;
  if (StatusOr<std::string_view> m = a.GetText("meta"); m.ok()) t.meta_ = std::string(*m);
  t.mapped_ = std::make_shared<Artifact>(std::move(a));
  return t;
}

}  // namespace sessionrec
