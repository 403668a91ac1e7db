// The rankers stage of `sessionrec train` (docs/rankers.md): learns the clicks, carts and
// orders rankers without touching any data after the training log's end.
//
//   1. The training log itself is split with the OTTO protocol (data/split.h): its last
//      `label_days` become label sessions, truncated as the test split is; the earlier
//      part is the "candidate model" period. With label_windows > 1, the log cut at the
//      start of that period is split again the same way, and so on: the windows' rows are
//      pooled. (Evaluation passes its own train split here,
//      so no test-period event ever reaches the rankers.)
//   2. A candidate model is trained from the earlier part only, by TrainModel itself (the
//      rankers off) into a temporary directory, and loaded as the server loads a model.
//   3. Every label query gets its candidates from the Merger over that model, once with
//      the session's own items (include_seen) and once without (new items); each row gets
//      the features of features/feature_builder.h and 0/1 labels per type.
//   4. rank/ranker_trainer.h trains and calibrates the three models; they are written into
//      the model directory with feature_schema.json and feature_importance.json.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "data/event_store.h"
#include "features/feature_builder.h"
#include "rank/ranker_trainer.h"

namespace sessionrec {

struct RankerTrainingParams {
  bool enabled = true;       // false: `train --no-rankers`
  double label_days = 0;     // label period at the end of the log; 0 = 1/8 of its span, <= 7 d
  bool all_prefixes = true;  // every prefix of a label session is a query (more labels)
  // Label periods pooled into one training set: the last `label_days` of the log and
  // label_windows - 1 periods of the same length before it, each with the candidate model
  // of the log before its own start (more labels from a short log; costs one candidate
  // model per window). max_queries is shared evenly between the windows.
  size_t label_windows = 1;
  int64_t label_seed = 42;  // truncation seed (when not all_prefixes)
  // Candidates per query (Merger k and per-source k); the server ranks as many per request
  // (40: see num_rounds in rank/xgb_booster.h).
  size_t candidates = 40;
  // Queries used at most (evenly thinned above). Bounds time and memory whatever the log
  // size: 5k queries = 800k rows of ~110 features; measured on the 20k-session demo split:
  // 20k queries took 273 s of XGBoost training and 10.7 GB peak RSS.
  size_t max_queries = 5000;
  // Share of the label sessions (all their prefixes) held out to validate the rankers
  // against the blend before the refit on every query (rank/ranker_trainer.h); the result
  // is in rankers.json and decides what scorer `auto` serves. 0: no validation.
  double validation_fraction = 0.25;
  RankerTrainParams train;  // objective, rounds, negative sampling, ...
};

struct TrainParams;  // pipeline/train_model.h
class ModelBundle;   // serve/model_bundle.h

// The names of the Merger's sources, in its order (the candidate feature family's columns).
std::vector<std::string> MergerSourceNames(const Merger& merger);
// What the feature families read from a loaded model: `items` (the model's item features),
// the three baseline co-visitation matrices, `embeddings` (may be null), the bundle's
// category lists (null without categories). Training and
// serving both build their FeatureBuilder from this.
FeatureResources RankerFeatureResources(const ModelBundle& bundle, const ItemFeatureTable& items,
                                        const EmbeddingTable* embeddings);

struct RankerStageReport {
  bool trained = false;
  std::string skipped;  // why no rankers were trained (empty when trained)
  size_t queries = 0;   // label queries (both protocols count once)
  size_t rows = 0;      // candidate rows
  size_t features = 0;
  double label_recall = 0;  // share of labels (all types) found among the candidates
  std::array<RankerTypeStats, kNumEventTypes> types;
  bool validated = false;  // held-out label queries compared rankers and blend
  double validation_rankers = 0, validation_blend = 0;  // weighted held-out recall@20
  bool preferred = true;  // the rankers won the validation (or there was none)
  double seconds_candidates = 0, seconds_train = 0;
};

// Trains the rankers on `train` (with model_params.rankers; the candidate model with the
// rest of model_params) and writes them into `model_dir` (an existing directory: the
// unpublished model of TrainModel). Item features of the *full* log are written there
// too (item_features.bin). A log too small for a label period is not an error: the report
// says why rankers were skipped.
StatusOr<RankerStageReport> TrainRankerStage(const EventStore& train,
                                             const TrainParams& model_params,
                                             const std::string& model_dir);

}  // namespace sessionrec
