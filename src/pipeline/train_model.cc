#include "pipeline/train_model.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/progress.h"
#include "core/str_cat.h"
#include "embed/train_embeddings.h"
#include "serve/manifest.h"

namespace sessionrec {
namespace {

namespace fs = std::filesystem;

class Stopwatch {
 public:
  double Lap() {
    const auto now = std::chrono::steady_clock::now();
    const double s = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    return s;
  }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

// Removes the temporary directory unless Release()d.
class TempDirGuard {
 public:
  explicit TempDirGuard(fs::path p) : path_(std::move(p)) {}
  ~TempDirGuard() {
    if (!path_.empty()) {
      std::error_code ec;
      fs::remove_all(path_, ec);
    }
  }
  void Release() { path_.clear(); }

 private:
  fs::path path_;
};

nlohmann::json VariantsJson(const CovisitVariantParams& v) {
  return {{"tail_events", v.tail_events},
          {"top_k", v.top_k},
          {"forward_events", v.forward_events},
          {"window_seconds", v.window_seconds},
          {"half_life_seconds", v.half_life_seconds},
          {"recent_seconds", v.recent_seconds},
          {"buy_window_seconds", v.buy_window_seconds},
          {"buy_half_life_seconds", v.buy_half_life_seconds},
          {"type_weights", v.type_weights}};
}

nlohmann::json ParamsJson(const TrainParams& p) {
  const CovisitParams& c = p.covisit;
  return {{"only_covisit", p.only_covisit},
          {"threads", p.threads},
          {"seed", p.seed},
          {"embed", p.only_covisit ? nlohmann::json(nullptr)
                                   : nlohmann::json::parse(EmbedParamsJson(p.embed), nullptr,
                                                           /*allow_exceptions=*/false)},
          {"items", {{"recent_days", p.items.recent_days}}},
          {"rankers",
           {{"enabled", p.rankers.enabled},
            {"label_days", p.rankers.label_days},
            {"all_prefixes", p.rankers.all_prefixes},
            {"candidates", p.rankers.candidates},
            {"max_queries", p.rankers.max_queries},
            {"objective", p.rankers.train.booster.objective},
            {"rounds", p.rankers.train.booster.num_rounds},
            {"max_depth", p.rankers.train.booster.max_depth},
            {"eta", p.rankers.train.booster.eta},
            {"neg_rate", p.rankers.train.neg_rate}}},
          {"covisit",
           {{"tail_events", c.tail_events},
            {"window_seconds", c.window_seconds},
            {"buy2buy_window_seconds", c.buy2buy_window_seconds},
            {"clicks_top_k", c.clicks_top_k},
            {"carts_orders_top_k", c.carts_orders_top_k},
            {"buy2buy_top_k", c.buy2buy_top_k},
            {"time_weight_span", c.time_weight_span},
            {"ts_min", c.ts_min},
            {"ts_max", c.ts_max},
            {"type_weights", c.type_weights}}},
          {"covisit_variants", p.covisit_variants ? VariantsJson(p.variants) : nullptr}};
}

// Moves `tmp` to `dir`, replacing an older model there.
Status Publish(const fs::path& tmp, const fs::path& dir) {
  std::error_code ec;
  fs::path old;
  if (fs::exists(dir, ec)) {
    old = dir;
    old += StrCat(".old-", ::getpid());
    fs::remove_all(old, ec);
    fs::rename(dir, old, ec);
    if (ec) return absl::InternalError(StrCat(dir.string(), ": cannot move aside: ", ec.message()));
  }
  fs::rename(tmp, dir, ec);
  if (ec) {
    std::error_code ignored;
    if (!old.empty()) fs::rename(old, dir, ignored);  // put the previous model back
    return absl::InternalError(
        StrCat(dir.string(), ": cannot rename ", tmp.string(), ": ", ec.message()));
  }
  if (!old.empty()) fs::remove_all(old, ec);
  return absl::OkStatus();
}

// "covisit_<variant>" and its file name.
std::string VariantArtifactName(CovisitVariant v) {
  return StrCat("covisit_", CovisitVariantName(v));
}
std::string VariantFile(CovisitVariant v) { return StrCat(VariantArtifactName(v), ".bin"); }

}  // namespace

StatusOr<TrainReport> TrainModel(const EventStore& train, const TrainParams& params,
                                 const std::string& model_dir) {
  if (train.num_sessions() == 0 || train.num_items() == 0) {
    return absl::InvalidArgumentError("training data is empty: no sessions to learn from");
  }
  if (!(params.items.recent_days > 0)) {
    return absl::InvalidArgumentError(
        StrCat("items.recent_days must be > 0, got ", params.items.recent_days));
  }
  CovisitParams covisit = params.covisit;
  covisit.num_threads = params.threads;
  SR_RETURN_IF_ERROR(ValidateCovisitParams(covisit));
  if (params.covisit_variants) SR_RETURN_IF_ERROR(ValidateCovisitVariantParams(params.variants));
  EmbedParams embed = params.embed;
  embed.threads = params.threads;
  embed.seed = params.seed;
  if (!params.only_covisit) SR_RETURN_IF_ERROR(ValidateEmbedParams(embed));

  const fs::path dir = fs::path(model_dir).lexically_normal();
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) {
      return absl::FailedPreconditionError(StrCat(model_dir, ": exists and is not a directory"));
    }
    if (!fs::is_empty(dir, ec) && !fs::exists(dir / kManifestFile, ec)) {
      return absl::FailedPreconditionError(
          StrCat(model_dir,
                 ": exists, is not empty and is not a model directory; refusing to replace it"));
    }
  }
  static std::atomic<int> counter{0};
  fs::path tmp = dir;
  tmp += StrCat(".tmp-", ::getpid(), "-", counter++);
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) return absl::InternalError(StrCat(tmp.string(), ": cannot create: ", ec.message()));
  TempDirGuard guard(tmp);
  const std::string t = tmp.string();

  TrainReport report;
  report.sessions = train.num_sessions();
  report.events = train.num_events();
  report.items = train.num_items();
  Stopwatch watch;

  ProgressNote("train: items");  // core/progress.h: names the stage on a terminal
  ItemTable items = ItemTable::Build(train, params.items);
  SR_RETURN_IF_ERROR(items.Save(t + "/items.bin"));
  report.timings.push_back({"items", watch.Lap()});

  ProgressNote("train: covisit");
  SR_ASSIGN_OR_RETURN(CovisitMatrices m, BuildAllCovisit(train, covisit));
  report.timings.push_back({"covisit", watch.Lap()});
  SR_RETURN_IF_ERROR(m.clicks.Save(t + "/covisit_clicks.bin"));
  SR_RETURN_IF_ERROR(m.carts_orders.Save(t + "/covisit_carts_orders.bin"));
  SR_RETURN_IF_ERROR(m.buy2buy.Save(t + "/covisit_buy2buy.bin"));
  report.covisit_entries[0] = m.clicks.num_entries();
  report.covisit_entries[1] = m.carts_orders.num_entries();
  report.covisit_entries[2] = m.buy2buy.num_entries();
  report.timings.push_back({"covisit_write", watch.Lap()});

  if (params.covisit_variants) {
    ProgressNote("train: covisit variants");
    for (CovisitVariant v : kAllCovisitVariants) {
      SR_ASSIGN_OR_RETURN(CovisitMatrix vm, BuildCovisitVariant(train, v, params.variants));
      SR_RETURN_IF_ERROR(vm.Save(StrCat(t, "/", VariantFile(v))));
      report.variant_entries += vm.num_entries();
    }
    report.timings.push_back({"covisit_variants", watch.Lap()});
  }

  if (!params.only_covisit) {
    ProgressNote("train: embeddings");
    SR_ASSIGN_OR_RETURN(EmbedTrainStats es,
                        TrainEmbeddingArtifacts(train, embed, t, params.categories));
    report.embedding_items = es.items_with_vector;
    report.timings.push_back({"embeddings", watch.Lap()});
  }

  if (params.categories != nullptr) {
    SR_RETURN_IF_ERROR(params.categories->Write(t + "/" + kItemCategoriesFile));
  }

  ModelManifest manifest;
  manifest.created_utc = UtcNowIso8601();
  manifest.parameters = ParamsJson(params);
  manifest.sessions = report.sessions;
  manifest.events = report.events;
  manifest.items = report.items;
  struct Listed {
    const char* name;
    const char* file;
    const char* kind;
    uint32_t version;
  };
  const Listed listed[] = {
      {"items", "items.bin", kItemTableKind, kItemTableVersion},
      {"covisit_clicks", "covisit_clicks.bin", kCovisitKind, kCovisitVersion},
      {"covisit_carts_orders", "covisit_carts_orders.bin", kCovisitKind, kCovisitVersion},
      {"covisit_buy2buy", "covisit_buy2buy.bin", kCovisitKind, kCovisitVersion},
  };
  for (const Listed& l : listed) {
    SR_ASSIGN_OR_RETURN(ManifestArtifact a, DescribeArtifact(t, l.name, l.file, l.kind, l.version));
    manifest.artifacts.push_back(std::move(a));
  }
  if (params.covisit_variants) {
    for (CovisitVariant v : kAllCovisitVariants) {
      SR_ASSIGN_OR_RETURN(ManifestArtifact a,
                          DescribeArtifact(t, VariantArtifactName(v), VariantFile(v), kCovisitKind,
                                           kCovisitVersion));
      manifest.artifacts.push_back(std::move(a));
    }
  }
  if (!params.only_covisit) {
    const Listed embedded[] = {
        {"embeddings", kEmbeddingsFile, kEmbedKind, kEmbedVersion},
        {"item_neighbors", kItemNeighborsFile, kNeighborsKind, kNeighborsVersion},
        {"session_embeddings", kSessionEmbeddingsFile, kSessionEmbedKind, kSessionEmbedVersion},
        {"item_index", kItemIndexFile, kAnnIndexKind, kAnnIndexVersion},
    };
    for (const Listed& l : embedded) {
      if (std::string_view(l.name) == "item_index" && !fs::exists(tmp / l.file, ec)) continue;
      SR_ASSIGN_OR_RETURN(ManifestArtifact a,
                          DescribeArtifact(t, l.name, l.file, l.kind, l.version));
      manifest.artifacts.push_back(std::move(a));
    }
  }
  if (params.categories != nullptr) {
    SR_ASSIGN_OR_RETURN(ManifestArtifact a,
                        DescribeArtifact(t, "item_categories", kItemCategoriesFile,
                                         kItemCategoriesKind, kItemCategoriesVersion));
    manifest.artifacts.push_back(std::move(a));
  }
  if (params.rankers.enabled) {
    ProgressNote("train: rankers");
    SR_ASSIGN_OR_RETURN(report.rankers, TrainRankerStage(train, params, t));
    report.timings.push_back({"rankers", watch.Lap()});
    SR_ASSIGN_OR_RETURN(ManifestArtifact a,
                        DescribeArtifact(t, "item_features", kItemFeaturesFile, kItemFeaturesKind,
                                         kItemFeaturesVersion));
    manifest.artifacts.push_back(std::move(a));
  }
  for (const StageTiming& s : report.timings) manifest.timings_seconds[s.stage] = s.seconds;
  SR_RETURN_IF_ERROR(WriteManifest(t, manifest));  // last: its presence marks a model
  SR_RETURN_IF_ERROR(Publish(tmp, dir));
  guard.Release();
  report.timings.push_back({"manifest_publish", watch.Lap()});
  return report;
}

}  // namespace sessionrec
