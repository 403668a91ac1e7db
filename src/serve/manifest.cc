#include "serve/manifest.h"

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/str_cat.h"
#include "io/artifact.h"

namespace sessionrec {

const ManifestArtifact* ModelManifest::Find(const std::string& name) const {
  for (const ManifestArtifact& a : artifacts) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

StatusOr<ManifestArtifact> DescribeArtifact(const std::string& dir, const std::string& name,
                                            const std::string& file, const std::string& kind,
                                            uint32_t max_version) {
  SR_ASSIGN_OR_RETURN(Artifact a, Artifact::Open(dir + "/" + file, kind, max_version));
  return ManifestArtifact{name, file, kind, a.version(), a.crc32(), a.file_bytes()};
}

std::string UtcNowIso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Status WriteManifest(const std::string& dir, const ModelManifest& m) {
  nlohmann::json j;
  j["format"] = kModelFormat;
  j["format_version"] = m.format_version;
  j["created_utc"] = m.created_utc;
  j["parameters"] = m.parameters;
  j["statistics"] = {{"sessions", m.sessions}, {"events", m.events}, {"items", m.items}};
  j["timings_seconds"] = m.timings_seconds;
  nlohmann::json arts = nlohmann::json::array();
  for (const ManifestArtifact& a : m.artifacts) {
    arts.push_back({{"name", a.name},
                    {"file", a.file},
                    {"kind", a.kind},
                    {"version", a.version},
                    {"crc32", a.crc32},
                    {"bytes", a.bytes}});
  }
  j["artifacts"] = std::move(arts);
  const std::string path = dir + "/" + kManifestFile;
  const std::string tmp = path + ".tmp";
  std::string text;
  try {
    text = j.dump(2);
  } catch (const nlohmann::json::exception& e) {  // e.g. a parameter that is not UTF-8
    return absl::InvalidArgumentError(StrCat(path, ": cannot encode the manifest: ", e.what()));
  }
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text << "\n";
    out.flush();
    if (!out) return absl::InternalError(StrCat(tmp, ": cannot write"));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return absl::InternalError(StrCat(path, ": cannot rename: ", ec.message()));
  return absl::OkStatus();
}

namespace {

// Reads field `key` of `obj` as T; a missing or mistyped field is an error naming it.
template <typename T>
Status GetField(const nlohmann::json& obj, const std::string& key, const std::string& where,
                const std::string& path, T* out) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    return absl::DataLossError(StrCat(path, ": missing field \"", where, key, "\""));
  }
  try {
    *out = it->template get<T>();
  } catch (const nlohmann::json::exception&) {
    return absl::DataLossError(StrCat(path, ": field \"", where, key, "\" has the wrong type"));
  }
  return absl::OkStatus();
}

}  // namespace

StatusOr<ModelManifest> ReadManifest(const std::string& dir) {
  const std::string path = dir + "/" + kManifestFile;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return absl::NotFoundError(StrCat(dir, ": model directory not found"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        StrCat(path, ": not found (not a model directory, or training did not finish)"));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::DataLossError(StrCat(path, ": not a JSON object"));
  }
  ModelManifest m;
  std::string format;
  SR_RETURN_IF_ERROR(GetField(j, "format", "", path, &format));
  if (format != kModelFormat) {
    return absl::DataLossError(
        StrCat(path, ": field \"format\" is \"", format, "\", want \"", kModelFormat, "\""));
  }
  SR_RETURN_IF_ERROR(GetField(j, "format_version", "", path, &m.format_version));
  if (m.format_version < 1 || m.format_version > kModelFormatVersion) {
    return absl::FailedPreconditionError(StrCat(path, ": model format version ", m.format_version,
                                                " is not supported (this build reads up to ",
                                                kModelFormatVersion, ")"));
  }
  SR_RETURN_IF_ERROR(GetField(j, "created_utc", "", path, &m.created_utc));
  if (auto it = j.find("parameters"); it != j.end()) m.parameters = *it;
  if (auto it = j.find("timings_seconds"); it != j.end()) m.timings_seconds = *it;
  nlohmann::json stats;
  SR_RETURN_IF_ERROR(GetField(j, "statistics", "", path, &stats));
  SR_RETURN_IF_ERROR(GetField(stats, "sessions", "statistics.", path, &m.sessions));
  SR_RETURN_IF_ERROR(GetField(stats, "events", "statistics.", path, &m.events));
  SR_RETURN_IF_ERROR(GetField(stats, "items", "statistics.", path, &m.items));
  nlohmann::json arts;
  SR_RETURN_IF_ERROR(GetField(j, "artifacts", "", path, &arts));
  if (!arts.is_array()) {
    return absl::DataLossError(StrCat(path, ": field \"artifacts\" is not an array"));
  }
  for (size_t i = 0; i < arts.size(); ++i) {
    const std::string where = StrCat("artifacts[", i, "].");
    if (!arts[i].is_object()) {
      return absl::DataLossError(StrCat(path, ": \"artifacts[", i, "]\" is not an object"));
    }
    ManifestArtifact a;
    SR_RETURN_IF_ERROR(GetField(arts[i], "name", where, path, &a.name));
    SR_RETURN_IF_ERROR(GetField(arts[i], "file", where, path, &a.file));
    SR_RETURN_IF_ERROR(GetField(arts[i], "kind", where, path, &a.kind));
    SR_RETURN_IF_ERROR(GetField(arts[i], "version", where, path, &a.version));
    SR_RETURN_IF_ERROR(GetField(arts[i], "crc32", where, path, &a.crc32));
    SR_RETURN_IF_ERROR(GetField(arts[i], "bytes", where, path, &a.bytes));
    // A file name must stay inside the model directory.
    if (a.file.empty() || a.file.find('/') != std::string::npos || a.file == "." ||
        a.file == "..") {
      return absl::DataLossError(
          StrCat(path, ": field \"", where, "file\" is not a plain file name: \"", a.file, "\""));
    }
    m.artifacts.push_back(std::move(a));
  }
  return m;
}

}  // namespace sessionrec
