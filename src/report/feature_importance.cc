#include "report/feature_importance.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/str_cat.h"

namespace sessionrec {

StatusOr<FeatureImportance> ParseFeatureImportance(const std::string& json,
                                                   const std::string& name) {
  const nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return absl::InvalidArgumentError(StrCat(name, ": not valid JSON"));
  if (!doc.is_object()) {
    return absl::InvalidArgumentError(StrCat(name, ": expected an object {target: [...]}"));
  }
  FeatureImportance out;
  for (const auto& [target, entries] : doc.items()) {
    if (!entries.is_array()) {
      return absl::InvalidArgumentError(StrCat(name, ": ", target, ": expected an array"));
    }
    std::vector<FeatureGain> gains;
    for (size_t i = 0; i < entries.size(); ++i) {
      const nlohmann::json& e = entries[i];
      const std::string where = StrCat(name, ": ", target, "[", i, "]");
      if (!e.is_object()) return absl::InvalidArgumentError(StrCat(where, ": expected an object"));
      auto feature = e.find("feature");
      if (feature == e.end() || !feature->is_string()) {
        return absl::InvalidArgumentError(StrCat(where, ".feature: expected a string"));
      }
      auto gain = e.find("gain");
      if (gain == e.end() || !gain->is_number() || !std::isfinite(gain->get<double>())) {
        return absl::InvalidArgumentError(StrCat(where, ".gain: expected a number"));
      }
      gains.push_back({feature->get<std::string>(), gain->get<double>()});
    }
    std::stable_sort(gains.begin(), gains.end(),
                     [](const FeatureGain& a, const FeatureGain& b) { return a.gain > b.gain; });
    out.targets.emplace_back(target, std::move(gains));
  }
  // nlohmann's object is sorted by key; show the OTTO types in their usual order.
  auto rank = [](const std::string& t) {
    return t == "clicks" ? 0 : t == "carts" ? 1 : t == "orders" ? 2 : 3;
  };
  std::stable_sort(out.targets.begin(), out.targets.end(),
                   [&](const auto& a, const auto& b) { return rank(a.first) < rank(b.first); });
  return out;
}

StatusOr<FeatureImportance> ReadFeatureImportance(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(StrCat(path, ": cannot open"));
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseFeatureImportance(ss.str(), path);
}

}  // namespace sessionrec
