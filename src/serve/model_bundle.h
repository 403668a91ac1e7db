// A loaded model directory: everything the Recommender and the server read, loaded once,
// memory-mapped where large, immutable afterwards (share as shared_ptr<const ModelBundle>).
//
// Model directory layout (docs/model-dir.md):
//   manifest.json            format version, training parameters, statistics, artifact list
//   items.bin                ITEMS: dense index -> aid, counts per type (popularity)
//   covisit_clicks.bin       COVISIT: CSR top-20 "clicks" matrix
//   covisit_carts_orders.bin COVISIT: CSR top-15 "carts-orders" matrix
//   covisit_buy2buy.bin      COVISIT: CSR top-15 "buy2buy" matrix
//   covisit_<variant>.bin    COVISIT (optional): the variants of covisit/covisit_variants.h;
//                            with them the bundle builds the merged-candidate blend
//   embeddings.bin           EMBED (optional): 128-d item vectors, L2-normalised
//   session_embeddings.bin   SESSEMB (optional): training sessions' embeddings
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "candidates/category_lists.h"
#include "candidates/merger.h"
#include "core/status.h"
#include "core/types.h"
#include "covisit/covisit_matrix.h"
#include "features/feature_builder.h"
#include "rank/ranker_set.h"
#include "serve/item_table.h"
#include "serve/manifest.h"
#include "serve/popularity.h"

namespace sessionrec {

// Figures reported by /stats and /health; all real values of the loaded artifacts.
struct BundleStats {
  size_t total_items = 0;           // items in the catalogue (items.bin)
  size_t total_sessions = 0;        // training sessions
  size_t embedding_dimension = 0;   // 0 when no embeddings are loaded
  size_t feature_dimension = 0;     // ranker feature columns (0 without rankers)
  std::vector<std::string> models;  // action types with a model: "clicks", "carts", "orders"
  bool embeddings_loaded = false;
};

class ModelBundle {
 public:
  struct Impl;  // defined in model_bundle.cc: the loaded artifacts
  explicit ModelBundle(std::unique_ptr<Impl> impl);
  ~ModelBundle();

  const BundleStats& stats() const;
  const std::string& dir() const;

  // The item's vector (stats().embedding_dimension floats, L2-normalised), or nullopt when
  // the aid is unknown or has no vector (never seen in training, or no embeddings loaded).
  std::optional<std::span<const float>> ItemEmbedding(ItemId aid) const;
  // The session embedding of `events` (definition in docs/embeddings.md), or nullopt when
  // none of its items has a vector.
  std::optional<std::vector<float>> SessionEmbedding(std::span<const Event> events) const;
  // The stored embedding of a training session, or nullopt.
  std::optional<std::span<const float>> TrainingSessionEmbedding(SessionId id) const;

  const Impl& impl() const { return *impl_; }

  // The read side the Recommender uses; all immutable, safe from many threads.
  const ModelManifest& manifest() const;
  const ItemTable& items() const;
  // Dense index of `aid`, or nullopt when the model has never seen it.
  std::optional<ItemIndex> FindItem(ItemId aid) const;
  const CovisitMatrix& covisit_clicks() const;
  const CovisitMatrix& covisit_carts_orders() const;
  const CovisitMatrix& covisit_buy2buy() const;
  const Popularity& popularity() const;

  // The merged candidates of the serving blend (docs/recommender.md): sources session, the
  // three matrices, the variants listed in the manifest, embed_neighbors and session_embed
  // (with embeddings), pop_* (from the item table's counts). Null for a model without any
  // co-visitation variant (older models, or trained without them): the rules serve those.
  const Merger* blend() const;
  // blend_weights(t)[s]: the serving weight (candidates/blend_weights.h) of
  // blend()->source(s) for event type t; empty without a blend.
  std::span<const float> blend_weights(EventType t) const;

  // The learned rankers (rankers/, feature_schema.json, item_features.bin; docs/rankers.md)
  // and the feature builder of their columns; both null when the model has no rankers or
  // no blend (the rankers rank the blend's candidates).
  const RankerSet* rankers() const;
  const FeatureBuilder* ranker_features() const;
  // Per-category popularity lists of the model's item categories (category_pop and the
  // rankers' category features); null for a model without categories or without a blend.
  const CategoryLists* category_lists() const;

 private:
  std::unique_ptr<Impl> impl_;
};

// Loads and validates every artifact of `dir`; a missing, partial or corrupt directory is an
// error naming the file.
StatusOr<std::shared_ptr<const ModelBundle>> LoadModelBundle(const std::string& dir);

}  // namespace sessionrec
