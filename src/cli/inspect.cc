// `sessionrec inspect FILE`: the header, sections and "meta" text of any artifact, plus
// statistics for the kinds this file knows (one small function per kind, chosen in
// PrintKindDetails). An OTTO JSONL file gets the event statistics without a header.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "core/str_cat.h"
#include "data/event_store.h"
#include "data/import_summary.h"
#include "data/load.h"
#include "io/artifact.h"
#include "rank/ranker_set.h"

namespace sessionrec::cli {
namespace {

Status PrintEvents(const std::string& path, std::ostream& out) {
  SR_ASSIGN_OR_RETURN(EventStore store, EventStore::Open(path));
  out << "event store:\n" << FormatEventStoreStats(ComputeEventStoreStats(store), "  ");
  return absl::OkStatus();
}

// Kind-specific statistics; kinds without an entry get the generic view only.
Status PrintKindDetails(const Artifact& a, std::ostream& out) {
  if (a.kind() == kEventStoreKind) return PrintEvents(a.path(), out);
  return absl::OkStatus();
}

void PrintHeader(const Artifact& a, std::ostream& out) {
  out << fmt::format(
      "file:      {}\nkind:      {}\nversion:   {}\nsize:      {} bytes\n"
      "crc32:     {:08x}\nsections:  {}\n",
      a.path(), a.kind(), a.version(), a.file_bytes(), a.crc32(), a.sections().size());
  for (const SectionInfo& s : a.sections()) {
    const uint64_t count = s.elem_size > 0 ? s.bytes / s.elem_size : 0;
    out << fmt::format("  {:<24} {:>14} bytes  {:>12} x {} B  at {}\n", s.name, s.bytes, count,
                       s.elem_size, s.offset);
  }
  if (StatusOr<std::string_view> meta = a.GetText("meta"); meta.ok()) {
    out << "meta:      " << *meta << "\n";
  }
}

// A model directory (or its rankers/ folder): the rankers' objective, schema size and the
// top features by gain per type (feature_importance.json, written at training).
Status PrintRankers(std::string dir) {
  namespace fs = std::filesystem;
  if (fs::path(dir).filename() == kRankersDir) dir = fs::path(dir).parent_path().string();
  if (!RankerSet::Present(dir)) {
    return absl::NotFoundError(
        StrCat(dir, ": a directory without rankers (", kRankersInfoFile, ")"));
  }
  SR_ASSIGN_OR_RETURN(std::unique_ptr<RankerSet> set, RankerSet::Load(dir));
  SR_ASSIGN_OR_RETURN(nlohmann::json imp, set->FeatureImportance());
  std::cout << fmt::format("rankers:   {} ({} features, {} candidates per session)\n",
                           set->objective(), set->schema().size(), set->candidates());
  std::cout << "serves:    " << (set->preferred() ? "rankers" : "blend")
            << " (scorer auto; training.validation)\n";
  // The blend weights that order the served candidate pool (serve/model_bundle.cc).
  const nlohmann::json& training = set->training();
  std::string pool;
  if (training.is_object() && training.contains("pool_weights") &&
      training["pool_weights"].is_object()) {
    for (const auto& [name, w] : training["pool_weights"].items()) {
      pool += fmt::format("{}{} {}", pool.empty() ? "" : ", ", name,
                          w.is_number() ? fmt::format("{}", w.get<float>()) : w.dump());
    }
    pool += " (training.pool_weights)";
  } else {
    pool = "the clicks blend (rankers trained before training.pool_weights)";
  }
  std::cout << "pool:      " << pool << "\n";
  for (const char* type : {"clicks", "carts", "orders"}) {
    std::cout << fmt::format("{} ranker, top features by total gain:\n", type);
    double total = 0;
    for (const auto& f : imp[type]) total += f["gain"].get<double>();
    for (size_t i = 0; i < imp[type].size() && i < 15; ++i) {
      const double g = imp[type][i]["gain"].get<double>();
      std::cout << fmt::format("  {:>2}. {:<32} {:>12.2f}  {:5.1f}%\n", i + 1,
                               imp[type][i]["feature"].get<std::string>(), g,
                               total > 0 ? 100.0 * g / total : 0.0);
    }
  }
  return absl::OkStatus();
}

Status RunInspect(const std::string& path) {
  if (std::filesystem::is_directory(path)) return PrintRankers(path);
  StatusOr<std::string> kind = SniffArtifactKind(path);
  if (!kind.ok()) {
    if (absl::IsNotFound(kind.status())) return kind.status();
    // Not an artifact: try it as OTTO JSONL, whose errors name the line.
    StatusOr<EventStore> store = LoadEventStore(path);
    if (!store.ok()) {
      return absl::InvalidArgumentError(StrCat(path,
                                               ": neither a sessionrec artifact nor OTTO "
                                               "JSONL (",
                                               std::string(store.status().message()), ")"));
    }
    std::cout << "file:      " << path << "\nkind:      OTTO JSONL (not an artifact)\n"
              << FormatEventStoreStats(ComputeEventStoreStats(*store), "  ");
    return absl::OkStatus();
  }
  SR_ASSIGN_OR_RETURN(Artifact a, Artifact::Open(path, "", UINT32_MAX));
  PrintHeader(a, std::cout);
  return PrintKindDetails(a, std::cout);
}

}  // namespace

void RegisterInspect(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand(
      "inspect", "Print the header, sections and statistics of any artifact (or OTTO JSONL)");
  sub->add_option("file", *path, "artifact or .jsonl file")->required();
  sub->callback([path] { ExitOnError("inspect", RunInspect(*path)); });
}

}  // namespace sessionrec::cli
