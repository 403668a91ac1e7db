#include "serve/live_model.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/str_cat.h"
#include "ops/stable_hash.h"
#include "serve/manifest.h"
#include "serve/model_backend.h"

namespace sessionrec {
namespace {

namespace fs = std::filesystem;

// Files this large are hashed by size only: every big artifact is listed in the manifest
// with its CRC anyway.
constexpr uintmax_t kMaxHashedFileBytes = 64u << 20;

StatusOr<std::string> ReadWhole(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return absl::NotFoundError(StrCat(p.string(), ": cannot open"));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::shared_ptr<const LoadedModel> WrapBackend(const ServiceBackend& backend, std::string version) {
  auto m = std::make_shared<LoadedModel>();
  // Non-owning: the caller keeps `backend` alive.
  m->backend = std::shared_ptr<const ServiceBackend>(std::shared_ptr<void>(), &backend);
  m->version = std::move(version);
  return m;
}

StatusOr<std::string> ModelVersion(const std::string& dir) {
  SR_ASSIGN_OR_RETURN(ModelManifest manifest, ReadManifest(dir));
  SR_ASSIGN_OR_RETURN(std::string manifest_text, ReadWhole(fs::path(dir) / kManifestFile));
  StableHasher h;
  h.AddBytes(manifest_text);
  std::set<std::string> listed = {kManifestFile};
  for (const ManifestArtifact& a : manifest.artifacts) listed.insert(a.file);
  std::vector<fs::path> others;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    const std::string rel = fs::relative(it->path(), dir).generic_string();
    if (!listed.contains(rel)) others.push_back(rel);
  }
  if (ec) return absl::InternalError(StrCat(dir, ": cannot list the directory: ", ec.message()));
  std::sort(others.begin(), others.end());
  for (const fs::path& rel : others) {
    h.AddBytes(rel.generic_string());
    const fs::path full = fs::path(dir) / rel;
    const uintmax_t size = fs::file_size(full, ec);
    if (ec || size > kMaxHashedFileBytes) {
      h.AddU64(ec ? 0 : size);
      continue;
    }
    SR_ASSIGN_OR_RETURN(std::string text, ReadWhole(full));
    h.AddBytes(text);
  }
  return h.Hex().substr(0, 16);
}

StatusOr<std::shared_ptr<const LoadedModel>> LoadModel(const std::string& dir) {
  const auto t0 = std::chrono::steady_clock::now();
  SR_ASSIGN_OR_RETURN(std::string version, ModelVersion(dir));
  SR_ASSIGN_OR_RETURN(std::shared_ptr<const ModelBundle> bundle, LoadModelBundle(dir));
  std::shared_ptr<const ServiceBackend> backend = MakeModelBackend(bundle);
  // Validate by serving: a cold-start request must answer in full.
  try {
    const Event probe[] = {Event{.aid = UINT64_MAX, .ts = 0, .type = EventType::kClick}};
    RecommendOptions opts;
    Recommendations r = backend->Recommend(probe, opts);
    const size_t want = std::min<size_t>(opts.top_k, backend->stats().total_items);
    if (r.items.size() < want) {
      return absl::FailedPreconditionError(StrCat(dir,
                                                  ": validation failed: a cold-start request got ",
                                                  r.items.size(), " items, expected ", want));
    }
  } catch (const std::exception& e) {
    return absl::InternalError(StrCat(dir, ": validation failed: ", e.what()));
  }
  auto m = std::make_shared<LoadedModel>();
  m->backend = std::move(backend);
  m->dir = dir;
  m->version = std::move(version);
  m->load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return std::shared_ptr<const LoadedModel>(std::move(m));
}

}  // namespace sessionrec
