// The feature schema of the rankers: the feature names in column order. It is written into
// the model directory as feature_schema.json ({"version":1,"features":[names in order]}),
// read back by the server, and checked against the rankers' feature count, so a model dir
// can never be scored with columns in another order. docs/features.md defines every name.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace sessionrec {

inline constexpr char kFeatureSchemaFile[] = "feature_schema.json";
inline constexpr int kFeatureSchemaVersion = 1;

struct FeatureSchema {
  std::vector<std::string> names;  // column order; distinct, non-empty

  size_t size() const { return names.size(); }
  // Column of `name`, or -1.
  int Find(std::string_view name) const;
  // {"version":1,"features":[...]}.
  std::string ToJson() const;
  // Parses ToJson()'s format; `origin` (a path) names the input in errors. Rejects other
  // versions, empty or duplicate names.
  static StatusOr<FeatureSchema> FromJson(std::string_view text, std::string_view origin);
  // dir/feature_schema.json (written through a temporary file and renamed).
  Status Save(const std::string& dir) const;
  static StatusOr<FeatureSchema> Load(const std::string& dir);
};

}  // namespace sessionrec
