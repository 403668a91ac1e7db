#include "serve/model_bundle.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "candidates/candidate_registry.h"
#include "candidates/category_lists.h"
#include "core/str_cat.h"
#include "covisit/covisit_variants.h"
#include "data/event_store.h"
#include "data/item_categories.h"
#include "embed/train_embeddings.h"
#include "io/artifact.h"

namespace sessionrec {

struct ModelBundle::Impl {
  std::string dir;
  ModelManifest manifest;
  ItemTable items;
  ItemDictionary dictionary;
  CovisitMatrix clicks;
  CovisitMatrix carts_orders;
  CovisitMatrix buy2buy;
  Popularity popularity;
  BundleStats stats;
  std::unique_ptr<EmbeddingArtifacts> embeddings;  // null when the model has none
  // The blend (all empty / null without variants). The sources point into this Impl,
  // which never moves (held by unique_ptr).
  std::vector<std::pair<std::string, CovisitMatrix>> variants;  // (variant name, matrix)
  PopularityLists popularity_lists;
  // Item categories (catalogue metadata) and their per-category lists: category_pop.
  std::optional<ItemCategories> categories;
  std::optional<CategoryLists> category_lists;
  std::unique_ptr<Merger> blend;
  std::array<std::vector<float>, kNumEventTypes> blend_weights;
  // The rankers (null without): they rank blend's candidates with ranker_features' columns.
  std::unique_ptr<RankerSet> rankers;
  ItemFeatureTable item_features;
  std::unique_ptr<FeatureBuilder> ranker_features;
};

ModelBundle::ModelBundle(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ModelBundle::~ModelBundle() = default;

const BundleStats& ModelBundle::stats() const { return impl_->stats; }
const std::string& ModelBundle::dir() const { return impl_->dir; }
const ModelManifest& ModelBundle::manifest() const { return impl_->manifest; }
const ItemTable& ModelBundle::items() const { return impl_->items; }
std::optional<ItemIndex> ModelBundle::FindItem(ItemId aid) const {
  return impl_->dictionary.Find(aid);
}
const CovisitMatrix& ModelBundle::covisit_clicks() const { return impl_->clicks; }
const CovisitMatrix& ModelBundle::covisit_carts_orders() const { return impl_->carts_orders; }
const CovisitMatrix& ModelBundle::covisit_buy2buy() const { return impl_->buy2buy; }
const Popularity& ModelBundle::popularity() const { return impl_->popularity; }
const Merger* ModelBundle::blend() const { return impl_->blend.get(); }
const RankerSet* ModelBundle::rankers() const { return impl_->rankers.get(); }
const FeatureBuilder* ModelBundle::ranker_features() const { return impl_->ranker_features.get(); }
const CategoryLists* ModelBundle::category_lists() const {
  return impl_->category_lists ? &*impl_->category_lists : nullptr;
}
std::span<const float> ModelBundle::blend_weights(EventType t) const {
  return impl_->blend_weights[static_cast<size_t>(t)];
}

std::optional<std::span<const float>> ModelBundle::ItemEmbedding(ItemId aid) const {
  if (!impl_->embeddings) return std::nullopt;
  const std::optional<ItemIndex> i = FindItem(aid);
  const EmbeddingTable& table = impl_->embeddings->table;
  if (!i || !table.HasVector(*i)) return std::nullopt;
  return table.Row(*i);
}

std::optional<std::vector<float>> ModelBundle::SessionEmbedding(
    std::span<const Event> events) const {
  if (!impl_->embeddings) return std::nullopt;
  // Time order (stable), as the training sessions were embedded; unknown aids count as
  // events without a vector (kNoItem).
  std::vector<Event> sorted(events.begin(), events.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Event& a, const Event& b) { return a.ts < b.ts; });
  std::vector<ItemIndex> items(sorted.size());
  std::vector<uint8_t> types(sorted.size());
  for (size_t i = 0; i < sorted.size(); ++i) {
    items[i] = FindItem(sorted[i].aid).value_or(kNoItem);
    types[i] = static_cast<uint8_t>(sorted[i].type);
  }
  const EmbeddingTable& table = impl_->embeddings->table;
  std::vector<float> out(static_cast<size_t>(table.dim()));
  if (!ComputeSessionEmbedding(table, items, types, SessionEmbeddingParams{}, out)) {
    return std::nullopt;
  }
  return out;
}

std::optional<std::span<const float>> ModelBundle::TrainingSessionEmbedding(SessionId id) const {
  if (!impl_->embeddings) return std::nullopt;
  std::span<const float> row = impl_->embeddings->sessions.FloatRow(id);
  if (row.empty()) return std::nullopt;
  return row;
}

namespace {

// The type whose serving blend orders the Merger's pool (see LoadBlend).
constexpr size_t kPoolType = static_cast<size_t>(EventType::kCart);

// The artifacts every model has: manifest name, expected kind, newest version read here.
struct Required {
  const char* name;
  const char* kind;
  uint32_t max_version;
};
constexpr Required kRequired[] = {
    {"items", kItemTableKind, kItemTableVersion},
    {"covisit_clicks", kCovisitKind, kCovisitVersion},
    {"covisit_carts_orders", kCovisitKind, kCovisitVersion},
    {"covisit_buy2buy", kCovisitKind, kCovisitVersion},
};
// The embedding stage's artifacts (all or none; item_index is optional among them).
constexpr Required kEmbedding[] = {
    {"embeddings", kEmbedKind, kEmbedVersion},
    {"item_neighbors", kNeighborsKind, kNeighborsVersion},
    {"session_embeddings", kSessionEmbedKind, kSessionEmbedVersion},
    {"item_index", kAnnIndexKind, kAnnIndexVersion},
};

// Checks that the manifest lists `a` with the kind its role needs, that the file exists, has
// that kind, and is the very file the manifest describes (size and CRC), then validates the
// container.
Status CheckListed(const std::string& dir, const ManifestArtifact& a, std::string_view kind,
                   uint32_t max_version) {
  if (a.kind != kind) {
    return absl::DataLossError(StrCat(dir, "/", kManifestFile, ": artifact \"", a.name,
                                      "\" has kind \"", a.kind, "\", want \"", kind, "\""));
  }
  const std::string path = dir + "/" + a.file;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return absl::NotFoundError(
        StrCat(path, ": missing (listed in manifest.json as \"", a.name, "\")"));
  }
  SR_ASSIGN_OR_RETURN(Artifact art, Artifact::Open(path, a.kind, max_version));
  if (art.file_bytes() != a.bytes || art.crc32() != a.crc32) {
    return absl::DataLossError(StrCat(path, ": does not match manifest.json (", art.file_bytes(),
                                      " bytes, CRC ", art.crc32(), "; manifest says ", a.bytes,
                                      " bytes, CRC ", a.crc32, ")"));
  }
  return absl::OkStatus();
}

Status CheckRows(const std::string& dir, const ManifestArtifact& a, const CovisitMatrix& m,
                 size_t items) {
  if (m.num_rows() != items) {
    return absl::DataLossError(StrCat(dir, "/", a.file, ": ", m.num_rows(),
                                      " rows, but the item table has ", items, " items"));
  }
  return absl::OkStatus();
}

// Events per item by PopularityKind, from the item table: what the pop_* sources rank by
// ("recent" is the item table's recent window, ItemTableParams::recent_days); the all-types
// column also ranks the category lists.
PopularityLists::Counts ItemCounts(const ItemTable& items) {
  PopularityLists::Counts counts;
  const size_t n = items.num_items();
  for (auto& c : counts) c.assign(n, 0);
  for (ItemIndex i = 0; i < n; ++i) {
    for (EventType t : kAllEventTypes) {
      const uint32_t c = items.count(i, t);
      counts[static_cast<size_t>(PopularityKind::kAll)][i] += c;
      counts[static_cast<size_t>(PopularityKind::kRecent)][i] += items.recent_count(i, t);
      counts[static_cast<size_t>(PopularityKind::kClicks) + static_cast<size_t>(t)][i] = c;
    }
  }
  return counts;
}

// Loads the item categories when the manifest lists them (a model trained with
// --categories) and builds the per-category lists from `counts` (events per item, every
// type: what category_pop ranks by).
Status LoadCategories(ModelBundle::Impl& impl, std::span<const uint32_t> counts) {
  const ManifestArtifact* a = impl.manifest.Find("item_categories");
  if (a == nullptr) return absl::OkStatus();
  SR_RETURN_IF_ERROR(CheckListed(impl.dir, *a, kItemCategoriesKind, kItemCategoriesVersion));
  SR_ASSIGN_OR_RETURN(impl.categories, ItemCategories::Open(impl.dir + "/" + a->file));
  impl.category_lists = CategoryLists::Build(impl.items.item_ids(), counts, *impl.categories);
  return absl::OkStatus();
}

// The weights that order the served Merger's pool (the rankers' candidates and their
// cand_blend columns) over the sources `names`: with rankers, the blend their training pool
// was ordered by (rankers.json training.pool_weights, by source name), so a model keeps
// the pool it was trained on whatever this build's weights are; rankers trained before
// session 7 recorded none and followed the clicks blend; without rankers, the carts blend.
StatusOr<std::vector<float>> PoolWeights(const ModelBundle::Impl& impl,
                                         const std::vector<std::string>& names) {
  if (impl.rankers == nullptr) return impl.blend_weights[kPoolType];
  const nlohmann::json& training = impl.rankers->training();
  if (!training.is_object() || !training.contains("pool_weights")) {
    return impl.blend_weights[static_cast<size_t>(EventType::kClick)];
  }
  const nlohmann::json& stored = training["pool_weights"];
  const std::string where = StrCat(impl.dir, "/", kRankersInfoFile, ": training.pool_weights");
  if (!stored.is_object()) return absl::DataLossError(StrCat(where, " must be an object"));
  std::vector<float> weights;
  for (const std::string& name : names) {
    const auto it = stored.find(name);
    if (it == stored.end() || !it->is_number()) {
      return absl::DataLossError(
          StrCat(where, " has no weight for the candidate source \"", name, "\""));
    }
    const double w = it->get<double>();
    if (!std::isfinite(w) || w < 0) {
      return absl::DataLossError(StrCat(where, ".", name, " must be a finite number >= 0"));
    }
    weights.push_back(static_cast<float>(w));
  }
  return weights;
}

// Loads the variants the manifest lists and, when there is at least one, builds the blend
// (and loads the rankers, whose training pool orders it).
Status LoadBlend(ModelBundle::Impl& impl) {
  const ModelManifest& m = impl.manifest;
  const size_t n = impl.items.num_items();
  impl.variants.reserve(kAllCovisitVariants.size());  // no reallocation: sources point here
  for (CovisitVariant v : kAllCovisitVariants) {
    const std::string name = StrCat("covisit_", CovisitVariantName(v));
    const ManifestArtifact* a = m.Find(name);
    if (a == nullptr) continue;
    SR_RETURN_IF_ERROR(CheckListed(impl.dir, *a, kCovisitKind, kCovisitVersion));
    SR_ASSIGN_OR_RETURN(CovisitMatrix matrix, CovisitMatrix::Open(impl.dir + "/" + a->file));
    SR_RETURN_IF_ERROR(CheckRows(impl.dir, *a, matrix, n));
    impl.variants.emplace_back(std::string(CovisitVariantName(v)), std::move(matrix));
  }
  if (impl.variants.empty()) return absl::OkStatus();  // an older model: the rules serve

  const PopularityLists::Counts counts = ItemCounts(impl.items);
  impl.popularity_lists = PopularityLists::FromCounts(counts, PopularityListParams{}.max_items);
  SR_RETURN_IF_ERROR(LoadCategories(impl, counts[static_cast<size_t>(PopularityKind::kAll)]));
  CandidateResources r;
  r.covisit = {
      {"clicks", &impl.clicks}, {"carts_orders", &impl.carts_orders}, {"buy2buy", &impl.buy2buy}};
  for (const auto& [name, matrix] : impl.variants) r.covisit.emplace_back(name, &matrix);
  r.popularity = &impl.popularity_lists;
  if (impl.category_lists) r.category_lists = &*impl.category_lists;
  if (impl.embeddings) {
    r.item_neighbors = &impl.embeddings->neighbors;
    r.embeddings = &impl.embeddings->table;
    r.ann_index = impl.embeddings->index.get();
  }
  const std::vector<std::string> names = AvailableCandidateSources(r);
  for (const std::string& name : names) {
    const std::array<float, kNumEventTypes> w = ServingBlendWeights(name);
    for (int t = 0; t < kNumEventTypes; ++t) impl.blend_weights[t].push_back(w[t]);
  }
  // The Merger's own order (the rankers' candidate pool and their cand_blend columns) is the
  // carts blend: carts and orders share their weights and carry 0.9 of the metric, and the
  // clicks-only weights of the embedding sources would take pool places from the items
  // carts are found by (docs/candidates.md, session 7). A model with rankers keeps the
  // weights its rankers were trained with (PoolWeights). The Recommender re-blends per type.
  if (RankerSet::Present(impl.dir)) {
    SR_ASSIGN_OR_RETURN(impl.rankers, RankerSet::Load(impl.dir));
  }
  SR_ASSIGN_OR_RETURN(std::vector<float> pool, PoolWeights(impl, names));
  SR_ASSIGN_OR_RETURN(Merger merger, MakeMerger(names, r, std::move(pool)));
  impl.blend = std::make_unique<Merger>(std::move(merger));
  return absl::OkStatus();
}

// Checks the rankers LoadBlend loaded (a model with rankers and a blend): their schema and
// sources must be the columns this build computes for this model.
Status LoadRankers(ModelBundle::Impl& impl) {
  if (impl.rankers == nullptr) return absl::OkStatus();  // LoadBlend loads them
  const std::string features_path = impl.dir + "/" + kItemFeaturesFile;
  SR_ASSIGN_OR_RETURN(impl.item_features, ItemFeatureTable::Open(features_path));
  if (impl.item_features.num_items() != impl.items.num_items()) {
    return absl::DataLossError(StrCat(features_path, ": ", impl.item_features.num_items(),
                                      " items, items.bin has ", impl.items.num_items()));
  }
  std::vector<std::string> sources;
  for (size_t i = 0; i < impl.blend->num_sources(); ++i) {
    sources.emplace_back(impl.blend->source(i).name());
  }
  FeatureResources r =
      StandardFeatureResources(impl.clicks, impl.carts_orders, impl.buy2buy, impl.item_features,
                               impl.embeddings ? &impl.embeddings->table : nullptr,
                               impl.category_lists ? &*impl.category_lists : nullptr);
  auto builder = std::make_unique<FeatureBuilder>(std::move(r), std::move(sources));
  if (builder->schema().names != impl.rankers->schema().names) {
    return absl::DataLossError(
        StrCat(impl.dir, "/", kFeatureSchemaFile, ": ", impl.rankers->schema().size(),
               " features that differ from the ", builder->schema().size(),
               " this build computes for this model (other sources or another version)"));
  }
  impl.ranker_features = std::move(builder);
  return absl::OkStatus();
}

}  // namespace

StatusOr<std::shared_ptr<const ModelBundle>> LoadModelBundle(const std::string& dir) {
  auto impl = std::make_unique<ModelBundle::Impl>();
  impl->dir = dir;
  SR_ASSIGN_OR_RETURN(impl->manifest, ReadManifest(dir));
  const ModelManifest& m = impl->manifest;
  const std::string manifest_path = dir + "/" + kManifestFile;
  for (const Required& r : kRequired) {
    const ManifestArtifact* a = m.Find(r.name);
    if (a == nullptr) {
      return absl::DataLossError(
          StrCat(manifest_path, ": no artifact \"", r.name, "\" listed (incomplete model)"));
    }
    SR_RETURN_IF_ERROR(CheckListed(dir, *a, r.kind, r.max_version));
  }
  auto path_of = [&](const char* name) { return dir + "/" + m.Find(name)->file; };
  SR_ASSIGN_OR_RETURN(impl->items, ItemTable::Open(path_of("items")));
  SR_ASSIGN_OR_RETURN(impl->clicks, CovisitMatrix::Open(path_of("covisit_clicks")));
  SR_ASSIGN_OR_RETURN(impl->carts_orders, CovisitMatrix::Open(path_of("covisit_carts_orders")));
  SR_ASSIGN_OR_RETURN(impl->buy2buy, CovisitMatrix::Open(path_of("covisit_buy2buy")));
  const size_t n = impl->items.num_items();
  if (m.items != n) {
    return absl::DataLossError(StrCat(manifest_path, ": statistics.items is ", m.items, " but ",
                                      path_of("items"), " has ", n, " items"));
  }
  SR_RETURN_IF_ERROR(CheckRows(dir, *m.Find("covisit_clicks"), impl->clicks, n));
  SR_RETURN_IF_ERROR(CheckRows(dir, *m.Find("covisit_carts_orders"), impl->carts_orders, n));
  SR_RETURN_IF_ERROR(CheckRows(dir, *m.Find("covisit_buy2buy"), impl->buy2buy, n));

  if (m.Find("embeddings") != nullptr) {
    for (const Required& r : kEmbedding) {
      const ManifestArtifact* a = m.Find(r.name);
      if (a == nullptr && std::string_view(r.name) == "item_index") continue;
      if (a == nullptr) {
        return absl::DataLossError(
            StrCat(manifest_path, ": artifact \"", r.name, "\" missing (embeddings are listed)"));
      }
      SR_RETURN_IF_ERROR(CheckListed(dir, *a, r.kind, r.max_version));
    }
    SR_ASSIGN_OR_RETURN(impl->embeddings, LoadEmbeddingArtifacts(dir));
    if (impl->embeddings->table.num_items() != n) {
      return absl::DataLossError(StrCat(path_of("embeddings"), ": ",
                                        impl->embeddings->table.num_items(),
                                        " rows, but the item table has ", n, " items"));
    }
    impl->stats.embeddings_loaded = true;
    impl->stats.embedding_dimension = static_cast<size_t>(impl->embeddings->table.dim());
  }
  impl->dictionary = ItemDictionary(impl->items.item_ids());
  impl->popularity = Popularity(impl->items);
  SR_RETURN_IF_ERROR(LoadBlend(*impl));
  SR_RETURN_IF_ERROR(LoadRankers(*impl));
  BundleStats& s = impl->stats;
  s.feature_dimension = impl->rankers ? impl->rankers->schema().size() : 0;
  s.total_items = n;
  s.total_sessions = m.sessions;
  s.models = {"clicks", "carts", "orders"};  // the rerank rules answer every type
  return std::shared_ptr<const ModelBundle>(new ModelBundle(std::move(impl)));
}

}  // namespace sessionrec
