// The train stage: from a training event store to a complete model directory
// (docs/model-dir.md): items.bin, the three co-visitation matrices, the co-visitation
// variants of the serving blend (covisit_<variant>.bin, unless covisit_variants is off),
// the embedding artifacts (unless only_covisit), then manifest.json.
//
// Atomicity: everything is written into a fresh sibling directory `DIR.tmp-<pid>-<n>`, the
// manifest last; only then is it renamed to DIR (an older model at DIR is moved aside and
// removed after the rename). A failed or interrupted train never leaves a directory at DIR
// that loads as a model.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "covisit/covisit_builder.h"
#include "covisit/covisit_variants.h"
#include "data/event_store.h"
#include "data/item_categories.h"
#include "embed/embed_params.h"
#include "pipeline/ranker_training.h"
#include "serve/item_table.h"

namespace sessionrec {

struct TrainParams {
  bool only_covisit = false;  // skip the optional stages (embeddings)
  int threads = 0;            // worker threads of every stage; 0 = all cores
  uint64_t seed = 1;          // seed of the stochastic stages (embeddings)
  ItemTableParams items;      // popularity window
  CovisitParams covisit;      // the three matrices (num_threads is taken from `threads`)
  // Build the six variants of covisit/covisit_variants.h (the merged-candidate blend serves
  // only with them). Their builder keeps every pair in memory: off for OTTO-scale logs.
  bool covisit_variants = true;
  CovisitVariantParams variants;  // the variants' parameters
  EmbedParams embed;              // item2vec etc. (threads and seed are taken from above)
  RankerTrainingParams rankers;   // learned rankers (docs/rankers.md); threads from above
  // Item categories (catalogue metadata, import --category); when set, written into the
  // model as item_categories.bin, which serves the category_pop candidates, and mixed into
  // the item vectors unless embed.category.enabled is false (embed/category_vectors.h).
  // Not owned.
  const ItemCategories* categories = nullptr;
};

struct StageTiming {
  std::string stage;   // "items", "covisit", "write", ...
  double seconds = 0;  // wall time
};

struct TrainReport {
  std::vector<StageTiming> timings;
  uint64_t sessions = 0;
  uint64_t events = 0;
  uint64_t items = 0;
  uint64_t covisit_entries[3] = {0, 0, 0};  // clicks, carts_orders, buy2buy
  uint64_t variant_entries = 0;             // entries of all variant matrices together
  uint64_t embedding_items = 0;             // items with a vector (0: no embedding stage)
  RankerStageReport rankers;                // trained, or why not
};

// Trains every stage on `train` and publishes the model at `model_dir`. A non-empty
// `model_dir` that is not a model directory (no manifest.json) is refused, never replaced.
StatusOr<TrainReport> TrainModel(const EventStore& train, const TrainParams& params,
                                 const std::string& model_dir);

}  // namespace sessionrec
