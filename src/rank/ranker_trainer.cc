#include "rank/ranker_trainer.h"

#include <chrono>

#include "core/str_cat.h"

namespace sessionrec {

void RankerDataset::AddQuery(std::span<const float> query_rows, size_t n,
                             const std::array<std::span<const float>, kNumEventTypes>& l) {
  SR_CHECK(query_rows.size() == n * num_features);
  rows.insert(rows.end(), query_rows.begin(), query_rows.end());
  for (int t = 0; t < kNumEventTypes; ++t) {
    SR_CHECK(l[t].size() == n);
    labels[t].insert(labels[t].end(), l[t].begin(), l[t].end());
  }
  groups.push_back(static_cast<uint32_t>(n));
}

StatusOr<RankerTrainResult> TrainRankers(const RankerDataset& data, const FeatureSchema& schema,
                                         std::vector<std::string> sources,
                                         std::vector<std::string> covisit, size_t candidates,
                                         const RankerTrainParams& params, nlohmann::json info) {
  if (data.num_rows() == 0) {
    return absl::InvalidArgumentError("ranker training: no candidate rows (no training queries)");
  }
  if (data.num_features != schema.size()) {
    return absl::InvalidArgumentError(StrCat("ranker training: rows have ", data.num_features,
                                             " features, the schema ", schema.size()));
  }
  if (!(params.neg_rate > 0 && params.neg_rate <= 1)) {
    return absl::InvalidArgumentError(
        StrCat("ranker negative sampling rate must be in (0, 1], got ", params.neg_rate));
  }
  const size_t f = data.num_features;
  constexpr const char* kNames[kNumEventTypes] = {"clicks", "carts", "orders"};
  RankerTrainResult result;
  std::array<RankerModel, kNumEventTypes> models;
  for (int t = 0; t < kNumEventTypes; ++t) {
    const auto t0 = std::chrono::steady_clock::now();
    // Training rows (queries with a positive) and calibration rows (every query, negatives
    // weighted back by 1 / neg_rate).
    std::vector<float> train_rows, train_labels, cal_rows, cal_labels, cal_weights;
    std::vector<uint32_t> train_groups;
    RankerTypeStats& st = result.stats[t];
    size_t begin = 0;
    for (uint32_t g : data.groups) {
      bool positive = false;
      for (size_t r = begin; r < begin + g; ++r) positive |= data.labels[t][r] > 0;
      uint32_t kept = 0;
      for (size_t r = begin; r < begin + g; ++r) {
        const bool pos = data.labels[t][r] > 0;
        const auto row = data.rows.begin() + static_cast<std::ptrdiff_t>(r * f);
        cal_rows.insert(cal_rows.end(), row, row + static_cast<std::ptrdiff_t>(f));
        cal_labels.push_back(pos ? 1.0f : 0.0f);
        cal_weights.push_back(pos ? 1.0f : static_cast<float>(1.0 / params.neg_rate));
        if (!positive) continue;
        train_rows.insert(train_rows.end(), row, row + static_cast<std::ptrdiff_t>(f));
        train_labels.push_back(pos ? 1.0f : 0.0f);
        st.positives += pos ? 1 : 0;
        ++kept;
      }
      if (positive && kept > 0) {
        train_groups.push_back(kept);
        ++st.queries;
      }
      begin += g;
    }
    st.rows = train_labels.size();
    if (st.positives == 0) {
      return absl::InvalidArgumentError(
          StrCat("ranker training: no query has a ", kNames[t], " label among its candidates"));
    }
    BoosterData bd{train_rows, f, train_labels, {}};
    if (params.booster.objective.rfind("rank:", 0) == 0) bd.groups = train_groups;
    BoosterParams bp = params.booster;
    bp.seed = params.seed + static_cast<uint64_t>(t);
    SR_ASSIGN_OR_RETURN(models[t].booster, XgbBooster::Train(bd, bp));
    std::vector<float> margins;
    SR_RETURN_IF_ERROR(models[t].booster.PredictDense(cal_rows, f, /*margin=*/true, margins));
    models[t].calibration = PlattCalibration::Fit(margins, cal_labels, cal_weights);
    st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    info["types"][kNames[t]] = {{"queries", st.queries},
                                {"rows", st.rows},
                                {"positives", st.positives},
                                {"seconds", st.seconds}};
  }
  info["neg_rate"] = params.neg_rate;
  info["rounds"] = params.booster.num_rounds;
  info["max_depth"] = params.booster.max_depth;
  info["eta"] = params.booster.eta;
  result.rankers =
      std::make_unique<RankerSet>(schema, std::move(sources), std::move(covisit), candidates,
                                  params.booster.objective, std::move(models), std::move(info));
  SR_RETURN_IF_ERROR(result.rankers->BuildTrees());
  return result;
}

}  // namespace sessionrec
