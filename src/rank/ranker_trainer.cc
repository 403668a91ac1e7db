#include "rank/ranker_trainer.h"

#include <algorithm>
#include <chrono>
#include <numeric>

#include "core/str_cat.h"

namespace sessionrec {
namespace {

constexpr const char* kNames[kNumEventTypes] = {"clicks", "carts", "orders"};
// The OTTO metric's type weights (clicks, carts, orders).
constexpr double kMetricWeights[kNumEventTypes] = {0.1, 0.3, 0.6};

// The training rows of one type: the queries with a positive (held-out ones only when
// `with_holdout`), in dataset order.
struct TypeRows {
  std::vector<float> rows, labels;
  std::vector<uint32_t> groups;
  size_t positives = 0;
};

// `orders_from_carts`: the orders' training label is "carted or ordered".
TypeRows CollectTraining(const RankerDataset& data, int t, bool with_holdout,
                         bool orders_from_carts) {
  const size_t f = data.num_features;
  const bool pooled = orders_from_carts && t == static_cast<int>(EventType::kOrder);
  auto label = [&](size_t r) {
    return data.labels[t][r] > 0 || (pooled && data.labels[1][r] > 0) ? 1.0f : 0.0f;
  };
  TypeRows out;
  size_t begin = 0;
  for (size_t g = 0; g < data.groups.size(); ++g) {
    const size_t n = data.groups[g];
    const bool held = g < data.holdout.size() && data.holdout[g] != 0;
    bool positive = false;
    for (size_t r = begin; r < begin + n; ++r) positive |= label(r) > 0;
    if (positive && (with_holdout || !held)) {
      const auto row = data.rows.begin() + static_cast<std::ptrdiff_t>(begin * f);
      out.rows.insert(out.rows.end(), row, row + static_cast<std::ptrdiff_t>(n * f));
      for (size_t r = begin; r < begin + n; ++r) {
        out.labels.push_back(label(r));
        out.positives += label(r) > 0 ? 1 : 0;
      }
      out.groups.push_back(static_cast<uint32_t>(n));
    }
    begin += n;
  }
  return out;
}

// One type's model on `tr`: the prior (when asked) fitted on its rows, then the trees on
// top of the prior's margins.
Status TrainType(const TypeRows& tr, size_t f, int t, const RankerTrainParams& params,
                 RankerModel& out) {
  out.prior = params.blend_prior
                  ? RankPrior::Fit(params.baseline_rank_column, tr.rows, f, tr.labels)
                  : RankPrior{};
  std::vector<float> base;
  if (out.prior.column >= 0) {
    base.resize(tr.labels.size());
    for (size_t r = 0; r < base.size(); ++r) base[r] = out.prior.Margin(&tr.rows[r * f]);
  }
  BoosterData bd{tr.rows, f, tr.labels, {}, base};
  if (params.booster.objective.rfind("rank:", 0) == 0) bd.groups = tr.groups;
  BoosterParams bp = params.booster;
  bp.seed = params.seed + static_cast<uint64_t>(t);
  SR_ASSIGN_OR_RETURN(out.booster, XgbBooster::Train(bd, bp));
  return absl::OkStatus();
}

// The served margin (trees + prior) of every row of `data`.
Status PredictMargins(const RankerModel& m, const RankerDataset& data,
                      std::vector<float>& margins) {
  const size_t f = data.num_features;
  SR_RETURN_IF_ERROR(m.booster.PredictDense(data.rows, f, /*margin=*/true, margins));
  for (size_t r = 0; r < margins.size(); ++r) margins[r] += m.prior.Margin(&data.rows[r * f]);
  return absl::OkStatus();
}

nlohmann::json RecallJson(const CandidateRecall& r) {
  return {{"recall", r.recall()}, {"hits", r.hits}, {"labels", r.labels}};
}

}  // namespace

void RankerDataset::AddQuery(std::span<const float> query_rows, size_t n,
                             const std::array<std::span<const float>, kNumEventTypes>& l,
                             bool held_out) {
  SR_CHECK(query_rows.size() == n * num_features);
  rows.insert(rows.end(), query_rows.begin(), query_rows.end());
  for (int t = 0; t < kNumEventTypes; ++t) {
    SR_CHECK(l[t].size() == n);
    labels[t].insert(labels[t].end(), l[t].begin(), l[t].end());
  }
  groups.push_back(static_cast<uint32_t>(n));
  holdout.resize(groups.size() - 1, 0);
  holdout.push_back(held_out ? 1 : 0);
}

void AddQueryRecall(std::span<const float> score, std::span<const float> labels, size_t k,
                    CandidateRecall& acc) {
  SR_CHECK(score.size() == labels.size());
  const size_t positives = static_cast<size_t>(
      std::count_if(labels.begin(), labels.end(), [](float l) { return l > 0; }));
  if (positives == 0) return;
  std::vector<uint32_t> order(score.size());
  std::iota(order.begin(), order.end(), 0u);
  const size_t m = std::min(k, order.size());
  std::partial_sort(
      order.begin(), order.begin() + static_cast<std::ptrdiff_t>(m), order.end(),
      [&](uint32_t a, uint32_t b) { return score[a] != score[b] ? score[a] > score[b] : a < b; });
  size_t hits = 0;
  for (size_t i = 0; i < m; ++i) hits += labels[order[i]] > 0 ? 1 : 0;
  acc.hits += static_cast<double>(hits);
  acc.labels += static_cast<double>(std::min(k, positives));
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
  if (params.baseline_rank_column >= static_cast<int>(data.num_features)) {
    return absl::InvalidArgumentError(StrCat("ranker training: baseline column ",
                                             params.baseline_rank_column, " of ", data.num_features,
                                             " features"));
  }
  const size_t f = data.num_features;
  const size_t num_held = static_cast<size_t>(
      std::count_if(data.holdout.begin(), data.holdout.end(), [](uint8_t h) { return h != 0; }));
  const bool validate = num_held > 0 && num_held < data.groups.size();
  RankerTrainResult result;
  std::array<RankerModel, kNumEventTypes> models;
  // The baseline's score of every row: minus its rank (rank 1 first).
  std::vector<float> baseline;
  if (validate && params.baseline_rank_column >= 0) {
    baseline.resize(data.num_rows());
    for (size_t r = 0; r < baseline.size(); ++r) {
      baseline[r] = -data.rows[r * f + static_cast<size_t>(params.baseline_rank_column)];
    }
  }
  std::vector<float> margins;
  for (int t = 0; t < kNumEventTypes; ++t) {
    const auto t0 = std::chrono::steady_clock::now();
    RankerTypeStats& st = result.stats[t];
    const TypeRows all = CollectTraining(data, t, /*with_holdout=*/true, params.orders_from_carts);
    st.queries = all.groups.size();
    st.rows = all.labels.size();
    st.positives = all.positives;
    if (st.positives == 0) {
      return absl::InvalidArgumentError(
          StrCat("ranker training: no query has a ", kNames[t], " label among its candidates"));
    }
    const std::span<const float> labels = data.labels[t];
    if (validate) {
      const TypeRows fit =
          CollectTraining(data, t, /*with_holdout=*/false, params.orders_from_carts);
      if (fit.positives > 0) {
        SR_RETURN_IF_ERROR(TrainType(fit, f, t, params, models[t]));
        SR_RETURN_IF_ERROR(PredictMargins(models[t], data, margins));
      } else {
        margins.assign(data.num_rows(), 0.0f);  // nothing to fit: a constant model
      }
      RankerValidation& v = st.validation;
      size_t begin = 0;
      for (size_t g = 0; g < data.groups.size(); ++g) {
        const size_t n = data.groups[g];
        const auto m = std::span<const float>(margins).subspan(begin, n);
        const auto l = labels.subspan(begin, n);
        if (data.holdout[g] != 0) {
          AddQueryRecall(m, l, params.validation_k, v.rankers);
          if (!baseline.empty()) {
            AddQueryRecall(std::span<const float>(baseline).subspan(begin, n), l,
                           params.validation_k, v.baseline);
          }
        } else {
          AddQueryRecall(m, l, params.validation_k, v.fit);
        }
        begin += n;
      }
      result.validation_rankers += kMetricWeights[t] * v.rankers.recall();
      result.validation_baseline += kMetricWeights[t] * v.baseline.recall();
    }
    if (!validate || params.refit || !models[t].booster.loaded()) {
      SR_RETURN_IF_ERROR(TrainType(all, f, t, params, models[t]));
    }
    SR_RETURN_IF_ERROR(PredictMargins(models[t], data, margins));
    // Calibration on every query's rows (also those without a positive), negatives
    // weighted back by 1 / neg_rate.
    std::vector<float> cal_labels(labels.size()), cal_weights(labels.size());
    for (size_t r = 0; r < labels.size(); ++r) {
      const bool pos = labels[r] > 0;
      cal_labels[r] = pos ? 1.0f : 0.0f;
      cal_weights[r] = pos ? 1.0f : static_cast<float>(1.0 / params.neg_rate);
    }
    models[t].calibration = PlattCalibration::Fit(margins, cal_labels, cal_weights);
    st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    info["types"][kNames[t]] = {{"queries", st.queries},
                                {"rows", st.rows},
                                {"positives", st.positives},
                                {"seconds", st.seconds}};
    if (validate) {
      info["validation"]["types"][kNames[t]] = {{"fit", RecallJson(st.validation.fit)},
                                                {"held_out", RecallJson(st.validation.rankers)},
                                                {"baseline", RecallJson(st.validation.baseline)}};
    }
  }
  if (validate) {
    result.validated = true;
    // The rankers must beat the baseline on the held-out queries to be served by `auto`.
    result.preferred = baseline.empty() || result.validation_rankers > result.validation_baseline;
    info["validation"]["held_out_queries"] = num_held;
    info["validation"]["k"] = params.validation_k;
    info["validation"]["rankers"] = result.validation_rankers;
    info["validation"]["baseline"] = result.validation_baseline;
    info["validation"]["refit"] = params.refit;
    info["validation"]["serve"] = result.preferred ? "rankers" : "blend";
  }
  info["neg_rate"] = params.neg_rate;
  info["rounds"] = params.booster.num_rounds;
  info["max_depth"] = params.booster.max_depth;
  info["eta"] = params.booster.eta;
  info["min_child_weight"] = params.booster.min_child_weight;
  info["orders_from_carts"] = params.orders_from_carts;
  info["blend_prior"] = params.blend_prior && params.baseline_rank_column >= 0;
  result.rankers =
      std::make_unique<RankerSet>(schema, std::move(sources), std::move(covisit), candidates,
                                  params.booster.objective, std::move(models), std::move(info));
  SR_RETURN_IF_ERROR(result.rankers->BuildTrees());
  return result;
}

}  // namespace sessionrec
