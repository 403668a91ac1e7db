// A thin owner of an XGBoost 1.7 booster (C API): training on a dense float matrix,
// the JSON model format (what rankers/<type>.json holds and TreeEnsemble reads),
// prediction and gain importance. Every XGBoost failure becomes a Status carrying
// XGBGetLastError().
//
// Thread safety: Train/Load/Save are not thread-safe for one object; PredictDense is
// (XGBoost's in-place prediction is thread-safe), with nthread fixed to 1 per call.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace sessionrec {

struct BoosterParams {
  std::string objective = "binary:logistic";  // or "rank:pairwise", "rank:ndcg"
  // Boosting rounds (trees). 50: serving walks candidates x rounds x 3 trees per request;
  // 50 rounds with 40 candidates kept recall on REES46, Taobao and the demo (docs/rankers.md,
  // "Serving speed") at 1/6 of the tree walks of 150 x 80.
  int num_rounds = 50;
  int max_depth = 6;
  double eta = 0.1;
  double subsample = 0.8;
  double colsample_bytree = 0.8;
  double min_child_weight = 1.0;
  int threads = 0;    // training threads; 0 = XGBoost's default (all cores)
  uint64_t seed = 1;  // XGBoost's seed
};

// A training matrix: num_rows x num_features row-major floats (NaN = missing), a label per
// row, and for ranking objectives the group sizes (consecutive rows of one query).
struct BoosterData {
  std::span<const float> rows;
  size_t num_features = 0;
  std::span<const float> labels;
  std::span<const uint32_t> groups;  // may be empty for binary objectives
  // Per-row starting margin (XGBoost's base_margin): the trees learn the rest. Empty: none.
  std::span<const float> base_margin;
};

class XgbBooster {
 public:
  XgbBooster() = default;
  ~XgbBooster();
  XgbBooster(XgbBooster&& o) noexcept : handle_(std::exchange(o.handle_, nullptr)) {}
  XgbBooster& operator=(XgbBooster&& o) noexcept;
  XgbBooster(const XgbBooster&) = delete;
  XgbBooster& operator=(const XgbBooster&) = delete;

  static StatusOr<XgbBooster> Train(const BoosterData& data, const BoosterParams& params);
  // From the JSON model text (XGBoosterSaveModelToBuffer {"format":"json"}).
  static StatusOr<XgbBooster> FromJson(std::string_view json);
  static StatusOr<XgbBooster> Load(const std::string& path);

  StatusOr<std::string> ToJson() const;
  Status Save(const std::string& path) const;

  // Scores num_rows rows of num_features floats into `out` (resized). margin: the raw
  // sum of leaves; otherwise the objective's transform (sigmoid for binary:logistic).
  Status PredictDense(std::span<const float> rows, size_t num_features, bool margin,
                      std::vector<float>& out) const;

  // Total gain per feature index (features never split on get 0).
  StatusOr<std::vector<double>> GainImportance(size_t num_features) const;

  bool loaded() const { return handle_ != nullptr; }

 private:
  void* handle_ = nullptr;  // BoosterHandle
};

}  // namespace sessionrec
