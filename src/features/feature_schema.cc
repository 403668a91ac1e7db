#include "features/feature_schema.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/str_cat.h"

namespace sessionrec {

int FeatureSchema::Find(std::string_view name) const {
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<int>(i);
  }
  return -1;
}

std::string FeatureSchema::ToJson() const {
  nlohmann::json j;
  j["version"] = kFeatureSchemaVersion;
  j["features"] = names;
  return j.dump(1);
}

StatusOr<FeatureSchema> FeatureSchema::FromJson(std::string_view text, std::string_view origin) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::InvalidArgumentError(StrCat(origin, ": not a JSON object"));
  }
  if (!j.contains("version") || !j["version"].is_number_integer() ||
      j["version"].get<int64_t>() != kFeatureSchemaVersion) {
    return absl::InvalidArgumentError(
        StrCat(origin, ": field \"version\" must be ", kFeatureSchemaVersion));
  }
  if (!j.contains("features") || !j["features"].is_array()) {
    return absl::InvalidArgumentError(StrCat(origin, ": field \"features\" must be an array"));
  }
  FeatureSchema s;
  std::set<std::string> seen;
  for (size_t i = 0; i < j["features"].size(); ++i) {
    const nlohmann::json& n = j["features"][i];
    if (!n.is_string() || n.get<std::string>().empty()) {
      return absl::InvalidArgumentError(
          StrCat(origin, ": features[", i, "] must be a non-empty string"));
    }
    std::string name = n.get<std::string>();
    if (!seen.insert(name).second) {
      return absl::InvalidArgumentError(
          StrCat(origin, ": features[", i, "] \"", name, "\" appears twice"));
    }
    s.names.push_back(std::move(name));
  }
  if (s.names.empty()) return absl::InvalidArgumentError(StrCat(origin, ": no features"));
  return s;
}

Status FeatureSchema::Save(const std::string& dir) const {
  const std::string path = dir + "/" + kFeatureSchemaFile;
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << ToJson() << "\n";
    if (!out.good()) return absl::InternalError(StrCat(tmp, ": cannot write"));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return absl::InternalError(StrCat(path, ": cannot rename: ", ec.message()));
  return absl::OkStatus();
}

StatusOr<FeatureSchema> FeatureSchema::Load(const std::string& dir) {
  const std::string path = dir + "/" + kFeatureSchemaFile;
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(StrCat(path, ": cannot open"));
  std::stringstream ss;
  ss << in.rdbuf();
  return FromJson(ss.str(), path);
}

}  // namespace sessionrec
