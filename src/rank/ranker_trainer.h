// Training the three rankers (rank/ranker_set.h) from a dataset of candidate rows grouped
// by query (docs/rankers.md):
//   - per action type, queries whose candidates hold no positive of that type are dropped
//     (they teach a ranker nothing);
//   - negatives were sampled when the dataset was built (RankerDataset::neg_rate says at
//     which rate; positives are always kept);
//   - one XGBoost model per type (binary:logistic or a ranking objective over the groups);
//   - a Platt calibration per type fitted on the margins of every query's rows (dropped
//     queries included, negatives weighted 1 / neg_rate), so served scores estimate the
//     probability that a candidate is the next click / is carted / is ordered.
#pragma once

#include <array>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "features/feature_schema.h"
#include "rank/ranker_set.h"
#include "rank/xgb_booster.h"

namespace sessionrec {

// Candidate rows of many queries, appended one query at a time.
struct RankerDataset {
  size_t num_features = 0;
  std::vector<float> rows;                                // row-major
  std::array<std::vector<float>, kNumEventTypes> labels;  // 0/1 per row and type
  std::vector<uint32_t> groups;                           // rows per query, in order

  size_t num_rows() const { return labels[0].size(); }
  // Appends one query: n rows of num_features floats and their labels (each n long).
  void AddQuery(std::span<const float> query_rows, size_t n,
                const std::array<std::span<const float>, kNumEventTypes>& query_labels);
};

struct RankerTrainParams {
  BoosterParams booster;  // objective, rounds, depth, ... (threads and seed used as given)
  double neg_rate = 1.0;  // fraction of negative rows the dataset kept, in (0, 1]
  uint64_t seed = 1;      // XGBoost seeds (seed + type)
};

// Figures of one type's training, for reports.
struct RankerTypeStats {
  size_t queries = 0;    // queries with at least one positive
  size_t rows = 0;       // rows trained on (after sampling)
  size_t positives = 0;  // positive rows
  double seconds = 0;
};

struct RankerTrainResult {
  std::unique_ptr<RankerSet> rankers;
  std::array<RankerTypeStats, kNumEventTypes> stats;
};

// `sources`, `covisit`, `candidates`: what serving must rebuild (written to rankers.json).
// Errors: an empty dataset, a type without any positive, neg_rate outside (0, 1], XGBoost.
StatusOr<RankerTrainResult> TrainRankers(const RankerDataset& data, const FeatureSchema& schema,
                                         std::vector<std::string> sources,
                                         std::vector<std::string> covisit, size_t candidates,
                                         const RankerTrainParams& params, nlohmann::json info);

}  // namespace sessionrec
