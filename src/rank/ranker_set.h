// The learned rankers of a model directory: one model per action type (clicks, carts,
// orders) over the feature columns of feature_schema.json, each with a Platt calibration
// that maps its margin to a probability in [0, 1] (docs/rankers.md). On disk:
//
//   feature_schema.json      {"version":1,"features":[...]}        (features/feature_schema.h)
//   rankers/clicks.json      XGBoost JSON model (likewise carts.json, orders.json)
//   rankers/rankers.json     {"version":1,"objective","sources":[Merger source names],
//                             "covisit":[matrix names aggregated], "candidates":K,
//                             "calibration":{"clicks":{"a","b"},...},
//                             "prior":{"clicks":{"feature","a","b"},...} (optional),
//                             "training":{...}}
//   feature_importance.json  {"clicks":[{"feature":name,"gain":x},...],"carts":...,"orders":...}
//
// Thread safety: immutable after Load/Train; Score is const and thread-safe (the caller
// passes its own buffers).
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
#include "rank/tree_ensemble.h"
#include "rank/xgb_booster.h"

namespace sessionrec {

inline constexpr char kRankersDir[] = "rankers";
inline constexpr char kRankersInfoFile[] = "rankers/rankers.json";
inline constexpr char kFeatureImportanceFile[] = "feature_importance.json";
inline constexpr int kRankersVersion = 1;

// p = 1 / (1 + exp(-(a * margin + b))).
struct PlattCalibration {
  double a = 1.0;
  double b = 0.0;
  float Apply(float margin) const;
  // Fits a, b by Newton's method on the weighted logistic loss of (margin, label) pairs
  // plus ridge · (a² + b²) / 2 (finite even when the labels are separable).
  static PlattCalibration Fit(std::span<const float> margins, std::span<const float> labels,
                              std::span<const float> weights, double ridge = 1e-6);
};

// A prior margin from one feature column: a · log(max(1, x)) + b, with x the blend rank
// (`cand_blend_rank`), so that without trees a ranker orders its candidates as the blend
// does; the trees learn corrections to it (XGBoost base_margin). column < 0: no prior.
struct RankPrior {
  int column = -1;
  double a = 0.0;
  double b = 0.0;
  float Margin(const float* row) const;
  // a, b by the logistic fit of `labels` on log(rank) of the rows' column, with a ridge
  // of 1 (kPriorRidge): a blend that puts every positive first would otherwise give an
  // infinite slope, saturated margins and trees that learn nothing. No prior (column -1)
  // when the fitted slope does not favour the first ranks (a >= 0).
  static RankPrior Fit(int column, std::span<const float> rows, size_t num_features,
                       std::span<const float> labels);
};

struct RankerModel {
  XgbBooster booster;                   // training, importance, fallback scoring
  std::unique_ptr<TreeEnsemble> trees;  // serving: our compact layout of the same model
  RankPrior prior;                      // added to the trees' margin
  PlattCalibration calibration;         // of the margin with the prior
};

class RankerSet {
 public:
  // True when `model_dir` holds rankers (rankers/rankers.json exists).
  static bool Present(const std::string& model_dir);
  // Loads and cross-checks schema, info and the three models; errors name the file.
  static StatusOr<std::unique_ptr<RankerSet>> Load(const std::string& model_dir);
  // Writes everything listed in the header comment into `model_dir`.
  Status Save(const std::string& model_dir) const;

  const FeatureSchema& schema() const { return schema_; }
  const std::vector<std::string>& sources() const { return sources_; }
  const std::vector<std::string>& covisit() const { return covisit_; }
  size_t candidates() const { return candidates_; }
  const std::string& objective() const { return objective_; }
  const RankerModel& model(int type) const { return models_[type]; }
  // The "training" object of rankers.json (label queries, validation, ...).
  const nlohmann::json& training() const { return training_; }
  // False when the trainer's validation found the rankers worse than the blend on its
  // held-out label queries (training.validation.serve is "blend"): scorer `auto` then
  // serves the blend. True for models without a validation.
  bool preferred() const;

  // Calibrated scores in [0, 1] of num_rows rows (schema().size() floats each, row-major):
  // scores[t][r] for type t, from the trees' margin plus the type's prior. `margin` is a
  // caller-owned buffer (reuse it per thread).
  // `margins` (optional): also each type's margin (trees + prior), the ordering to rank by:
  // calibration is monotone but saturates in float (many rows at 1.0f or equal tiny values).
  void Score(std::span<const float> rows, size_t num_rows,
             std::array<std::vector<float>, kNumEventTypes>& scores, std::vector<float>& margin,
             std::array<std::vector<float>, kNumEventTypes>* margins = nullptr) const;

  // {"clicks":[{"feature","gain"} sorted by gain desc],...}.
  StatusOr<nlohmann::json> FeatureImportance() const;

  // Assembled by the trainer (rank/ranker_trainer.h).
  RankerSet(FeatureSchema schema, std::vector<std::string> sources,
            std::vector<std::string> covisit, size_t candidates, std::string objective,
            std::array<RankerModel, kNumEventTypes> models, nlohmann::json training);

  // Builds the compact tree layout (rank/tree_ensemble.h) of every model; Score uses it
  // once built (XGBoost's own predict before). Checks the feature count.
  Status BuildTrees();

 private:
  FeatureSchema schema_;
  std::vector<std::string> sources_;
  std::vector<std::string> covisit_;
  size_t candidates_ = 0;
  std::string objective_;
  std::array<RankerModel, kNumEventTypes> models_;
  nlohmann::json training_;
};

}  // namespace sessionrec
