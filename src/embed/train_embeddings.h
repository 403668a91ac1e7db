// The embedding stage's entry points: one call for `sessionrec train` that writes every
// embedding artifact into the model directory, and one loader for the serve side.
//
//   embeddings.bin          EMBED    item vectors (embed/embedding_table.h)
//   item_neighbors.bin      NEIGHB   top-k neighbours per item (embed/item_neighbors.h)
//   session_embeddings.bin  SESSEMB  training sessions' embeddings (embed/session_embedding.h)
//   item_index.bin          ANNIDX   HNSW graph for session queries (embed/ann_index.h);
//                                    only for catalogues with >= exact_below vectors
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "data/event_store.h"
#include "data/item_categories.h"
#include "embed/ann_index.h"
#include "embed/embed_params.h"
#include "embed/embedding_table.h"
#include "embed/item_neighbors.h"
#include "embed/session_embedding.h"

namespace sessionrec {

inline constexpr char kEmbeddingsFile[] = "embeddings.bin";
inline constexpr char kItemNeighborsFile[] = "item_neighbors.bin";
inline constexpr char kSessionEmbeddingsFile[] = "session_embeddings.bin";
inline constexpr char kItemIndexFile[] = "item_index.bin";

// What TrainEmbeddingArtifacts did, for logs and the manifest.
struct EmbedTrainStats {
  size_t items = 0;              // items in the training item table
  size_t items_with_vector = 0;  // of which have a vector
  size_t neighbor_entries = 0;   // entries of item_neighbors.bin
  bool hnsw = false;             // neighbours found with HNSW (else exact)
  size_t sessions_stored = 0;    // rows of session_embeddings.bin
  double train_seconds = 0;      // item2vec
  double index_seconds = 0;      // building the HNSW graph (0 when exact)
  double neighbor_seconds = 0;   // searching every item's neighbours
  double session_seconds = 0;    // session embeddings
};

// The item vectors of `train` (params.trainer; fastText writes its corpus into `work_dir`).
// With `categories` (not owned; may be null) and params.category.enabled, category vectors
// are mixed in (embed/category_vectors.h). The table's meta says in "category_mix" whether
// they were ({"mixed":true,...}) or not ({"mixed":false,"reason":...}).
StatusOr<EmbeddingTable> TrainItemVectors(const EventStore& train, const EmbedParams& params,
                                          const ItemCategories* categories,
                                          const std::string& work_dir);

// Trains item vectors on `train` (TrainItemVectors), then writes the four artifacts above
// into `model_dir` (which must exist). `train` is the training event store: its dense item
// index is the row index of every artifact.
StatusOr<EmbedTrainStats> TrainEmbeddingArtifacts(const EventStore& train,
                                                  const EmbedParams& params,
                                                  const std::string& model_dir,
                                                  const ItemCategories* categories = nullptr);

// The loaded embedding artifacts. Not movable (the index points at the table): hold it by
// unique_ptr. Immutable and thread-safe to read.
struct EmbeddingArtifacts {
  EmbeddingTable table;
  ItemNeighbors neighbors;
  SessionEmbeddingStore sessions;
  std::unique_ptr<ItemAnnIndex> index;  // loaded from item_index.bin, else exact
};

// Opens and validates embeddings.bin, item_neighbors.bin and session_embeddings.bin, and
// loads item_index.bin when present (else builds an exact index, or an HNSW one for a
// catalogue of >= params.exact_below vectors: slow at scale). Errors name the file.
StatusOr<std::unique_ptr<EmbeddingArtifacts>> LoadEmbeddingArtifacts(
    const std::string& model_dir, const NeighborParams& params = {});

}  // namespace sessionrec
