// feature_importance.json of a model directory (written by the ranker training):
//   {"clicks":[{"feature":"covisit_clicks_score","gain":12.5},...],"carts":[...],
//    "orders":[...]}
// Every key is a target (ranker); each entry names a feature and its total gain. Unknown
// fields of an entry are ignored.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace sessionrec {

struct FeatureGain {
  std::string feature;
  double gain = 0;
};

struct FeatureImportance {
  // Per target, in file order of the targets; features sorted by gain, largest first.
  std::vector<std::pair<std::string, std::vector<FeatureGain>>> targets;
};

// Parses the JSON text; `name` is used in messages. Errors name the field, e.g.
// "FILE: orders[3].gain: expected a number".
StatusOr<FeatureImportance> ParseFeatureImportance(const std::string& json,
                                                   const std::string& name);

// Reads `path`.
StatusOr<FeatureImportance> ReadFeatureImportance(const std::string& path);

}  // namespace sessionrec
