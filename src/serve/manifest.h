// manifest.json of a model directory (docs/model-dir.md): format version, creation time,
// training parameters, statistics, and every artifact with its kind, version, size and
// CRC. The manifest is written last, so a directory without one is never a model.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"

namespace sessionrec {

inline constexpr char kManifestFile[] = "manifest.json";
inline constexpr char kModelFormat[] = "sessionrec-model";
inline constexpr int kModelFormatVersion = 1;

struct ManifestArtifact {
  std::string name;      // role in the model: "items", "covisit_clicks", ...
  std::string file;      // file name inside the model directory
  std::string kind;      // artifact kind ("ITEMS", "COVISIT", ...)
  uint32_t version = 0;  // artifact format version
  uint32_t crc32 = 0;    // payload CRC-32 of the file's header
  uint64_t bytes = 0;    // file size
};

struct ModelManifest {
  int format_version = kModelFormatVersion;
  std::string created_utc;                                    // ISO 8601, e.g. 2026-11-26T06:00:00Z
  nlohmann::json parameters = nlohmann::json::object();       // training parameters
  uint64_t sessions = 0;                                      // training sessions
  uint64_t events = 0;                                        // training events
  uint64_t items = 0;                                         // catalogue size (items.bin)
  nlohmann::json timings_seconds = nlohmann::json::object();  // stage -> wall seconds
  std::vector<ManifestArtifact> artifacts;

  const ManifestArtifact* Find(const std::string& name) const;
};

// Opens `dir/file` as an artifact of `kind` and records its header (validates the CRC).
StatusOr<ManifestArtifact> DescribeArtifact(const std::string& dir, const std::string& name,
                                            const std::string& file, const std::string& kind,
                                            uint32_t max_version);

// Writes `dir/manifest.json` (through a temporary file and a rename).
Status WriteManifest(const std::string& dir, const ModelManifest& manifest);
// Reads and checks the structure of `dir/manifest.json`; errors name the file and field.
StatusOr<ModelManifest> ReadManifest(const std::string& dir);

// The current UTC time as ISO 8601.
std::string UtcNowIso8601();

}  // namespace sessionrec
