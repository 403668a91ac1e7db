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
  // Per query: 1 when it is held out for validation (never trained on before the refit).
  std::vector<uint8_t> holdout;

  size_t num_rows() const { return labels[0].size(); }
  // Appends one query: n rows of num_features floats and their labels (each n long).
  void AddQuery(std::span<const float> query_rows, size_t n,
                const std::array<std::span<const float>, kNumEventTypes>& query_labels,
                bool held_out = false);
};

struct RankerTrainParams {
  BoosterParams booster;  // objective, rounds, depth, ... (threads and seed used as given)
  double neg_rate = 1.0;  // fraction of negative rows the dataset kept, in (0, 1]
  uint64_t seed = 1;      // XGBoost seeds (seed + type)
  // Column whose ascending order is the baseline the validation compares with (the blend
  // rank, `cand_blend_rank`); -1: no baseline.
  int baseline_rank_column = -1;
  // With held-out queries: after validating, train again on every query (the served
  // models); false keeps the models fitted without the held-out queries.
  bool refit = true;
  // Recall cut-off of the validation (the metric's 20).
  size_t validation_k = 20;
  // The orders ranker trains on "carted or ordered" (orders are rare; a cart is the step
  // before an order). Validation and calibration still use the order labels.
  bool orders_from_carts = false;
  // Start every model from a prior margin on the baseline rank column (RankPrior: the
  // blend's order), so the trees learn corrections to the blend rather than a ranking from
  // scratch: with few labels a ranker then stays close to the blend.
  bool blend_prior = true;
};

// Recall@k of one ordering over queries: hits = positives among a query's k best rows,
// divided by Σ min(k, positives of the query) (the OTTO denominator, restricted to the
// labels the candidates hold).
struct CandidateRecall {
  double hits = 0;
  double labels = 0;
  double recall() const { return labels > 0 ? hits / labels : 0.0; }
};

// The validation of one type (held-out queries unless noted).
struct RankerValidation {
  CandidateRecall fit;       // the model on its own training queries (in-sample)
  CandidateRecall rankers;   // the model on the held-out queries
  CandidateRecall baseline;  // the baseline order on the held-out queries
};

// Figures of one type's training, for reports.
struct RankerTypeStats {
  size_t queries = 0;    // queries with at least one positive
  size_t rows = 0;       // rows trained on (after sampling)
  size_t positives = 0;  // positive rows
  double seconds = 0;
  RankerValidation validation;  // zeros without held-out queries
};

struct RankerTrainResult {
  std::unique_ptr<RankerSet> rankers;
  std::array<RankerTypeStats, kNumEventTypes> stats;
  bool validated = false;  // held-out queries with labels existed
  // Weighted (0.1/0.3/0.6) held-out recall of the rankers and of the baseline, and whether
  // the rankers won (also RankerSet::preferred()).
  double validation_rankers = 0, validation_baseline = 0;
  bool preferred = true;
};

// Recall@k (CandidateRecall) of the rows [begin, begin + n) ordered by `score` descending
// (ties: row order), against `labels`; adds to `acc`.
void AddQueryRecall(std::span<const float> score, std::span<const float> labels, size_t k,
                    CandidateRecall& acc);

// `sources`, `covisit`, `candidates`: what serving must rebuild (written to rankers.json).
// Errors: an empty dataset, a type without any positive, neg_rate outside (0, 1], XGBoost.
StatusOr<RankerTrainResult> TrainRankers(const RankerDataset& data, const FeatureSchema& schema,
                                         std::vector<std::string> sources,
                                         std::vector<std::string> covisit, size_t candidates,
                                         const RankerTrainParams& params, nlohmann::json info);

}  // namespace sessionrec
