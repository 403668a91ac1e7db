#include "rank/ranker_set.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/str_cat.h"

namespace sessionrec {
namespace {

namespace fs = std::filesystem;

constexpr const char* kTypeNames[kNumEventTypes] = {"clicks", "carts", "orders"};

StatusOr<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(StrCat(path, ": cannot open"));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status WriteText(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.good()) return absl::InternalError(StrCat(tmp, ": cannot write"));
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return absl::InternalError(StrCat(path, ": cannot rename: ", ec.message()));
  return absl::OkStatus();
}

StatusOr<std::vector<std::string>> StringArray(const nlohmann::json& j, const char* key,
                                               const std::string& path) {
  if (!j.contains(key) || !j[key].is_array()) {
    return absl::InvalidArgumentError(StrCat(path, ": field \"", key, "\" must be an array"));
  }
  std::vector<std::string> out;
  for (const nlohmann::json& v : j[key]) {
    if (!v.is_string()) {
      return absl::InvalidArgumentError(StrCat(path, ": field \"", key, "\" must hold strings"));
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

}  // namespace

float PlattCalibration::Apply(float margin) const {
  const double z = a * static_cast<double>(margin) + b;
  return static_cast<float>(1.0 / (1.0 + std::exp(-z)));
}

PlattCalibration PlattCalibration::Fit(std::span<const float> margins,
                                       std::span<const float> labels,
                                       std::span<const float> weights, double ridge) {
  auto weight = [&](size_t i) { return weights.empty() ? 1.0 : double(weights[i]); };
  // The objective: weighted log-loss plus the ridge (log1p form: no overflow).
  auto loss = [&](double a, double b) {
    double l = 0.5 * ridge * (a * a + b * b);
    for (size_t i = 0; i < margins.size(); ++i) {
      const double z = a * margins[i] + b;
      l += weight(i) * (std::max(z, 0.0) + std::log1p(std::exp(-std::fabs(z))) - labels[i] * z);
    }
    return l;
  };
  PlattCalibration c;
  double current = loss(c.a, c.b);
  // Newton's method with step halving: every accepted step lowers the objective, so the fit
  // cannot run away on separable labels (it used to, and then fell back to a = 1, b = 0).
  for (int it = 0; it < 50; ++it) {
    double ga = ridge * c.a, gb = ridge * c.b, haa = ridge, hab = 0, hbb = ridge;
    for (size_t i = 0; i < margins.size(); ++i) {
      const double m = margins[i], w = weight(i);
      const double p = 1.0 / (1.0 + std::exp(-(c.a * m + c.b)));
      const double g = (p - labels[i]) * w, h = std::max(p * (1 - p), 1e-12) * w;
      ga += g * m;
      gb += g;
      haa += h * m * m;
      hab += h * m;
      hbb += h;
    }
    const double det = haa * hbb - hab * hab;
    if (!(std::fabs(det) > 1e-18)) break;
    const double da = (hbb * ga - hab * gb) / det, db = (haa * gb - hab * ga) / det;
    if (!std::isfinite(da) || !std::isfinite(db)) break;
    double step = 1.0, next = loss(c.a - da, c.b - db);
    for (int h = 0; h < 40 && !(next <= current); ++h) {
      step *= 0.5;
      next = loss(c.a - step * da, c.b - step * db);
    }
    if (!(next <= current)) break;
    c.a -= step * da;
    c.b -= step * db;
    current = next;
    if (std::fabs(step * da) < 1e-9 && std::fabs(step * db) < 1e-9) break;
  }
  return c;
}

namespace {
// log of a rank feature (1 when missing or below 1).
double LogRank(float x) { return std::log(std::isnan(x) ? 1.0 : std::max(1.0, double(x))); }
}  // namespace

float RankPrior::Margin(const float* row) const {
  if (column < 0) return 0.0f;
  return static_cast<float>(a * LogRank(row[column]) + b);
}

RankPrior RankPrior::Fit(int column, std::span<const float> rows, size_t num_features,
                         std::span<const float> labels) {
  RankPrior p;
  if (column < 0 || num_features == 0) return p;
  const size_t n = rows.size() / num_features;
  std::vector<float> x(n);
  for (size_t r = 0; r < n; ++r) {
    x[r] = static_cast<float>(LogRank(rows[r * num_features + static_cast<size_t>(column)]));
  }
  constexpr double kPriorRidge = 1.0;
  const PlattCalibration c = PlattCalibration::Fit(x, labels, {}, kPriorRidge);
  if (!(c.a < 0)) return p;  // the labels do not favour the first ranks: no prior
  p.column = column;
  p.a = c.a;
  p.b = c.b;
  return p;
}

RankerSet::RankerSet(FeatureSchema schema, std::vector<std::string> sources,
                     std::vector<std::string> covisit, size_t candidates, std::string objective,
                     std::array<RankerModel, kNumEventTypes> models, nlohmann::json training)
    : schema_(std::move(schema)),
      sources_(std::move(sources)),
      covisit_(std::move(covisit)),
      candidates_(candidates),
      objective_(std::move(objective)),
      models_(std::move(models)),
      training_(std::move(training)) {}

bool RankerSet::preferred() const {
  if (!training_.is_object() || !training_.contains("validation")) return true;
  const nlohmann::json& v = training_["validation"];
  return !v.is_object() || v.value("serve", std::string("rankers")) != "blend";
}

bool RankerSet::Present(const std::string& model_dir) {
  std::error_code ec;
  return fs::exists(fs::path(model_dir) / kRankersInfoFile, ec);
}

Status RankerSet::BuildTrees() {
  for (int t = 0; t < kNumEventTypes; ++t) {
    SR_ASSIGN_OR_RETURN(std::string json, models_[t].booster.ToJson());
    SR_ASSIGN_OR_RETURN(TreeEnsemble trees,
                        TreeEnsemble::FromXGBoostJson(json, StrCat(kTypeNames[t], " ranker")));
    if (trees.num_features() != schema_.size()) {
      return absl::InvalidArgumentError(StrCat(kTypeNames[t], " ranker: ", trees.num_features(),
                                               " features, feature_schema.json has ",
                                               schema_.size()));
    }
    models_[t].trees = std::make_unique<TreeEnsemble>(std::move(trees));
  }
  return absl::OkStatus();
}

StatusOr<std::unique_ptr<RankerSet>> RankerSet::Load(const std::string& model_dir) {
  SR_ASSIGN_OR_RETURN(FeatureSchema schema, FeatureSchema::Load(model_dir));
  const std::string info_path = model_dir + "/" + kRankersInfoFile;
  SR_ASSIGN_OR_RETURN(std::string text, ReadText(info_path));
  const nlohmann::json info = nlohmann::json::parse(text, nullptr, false);
  if (info.is_discarded() || !info.is_object()) {
    return absl::InvalidArgumentError(StrCat(info_path, ": not a JSON object"));
  }
  if (info.value("version", 0) != kRankersVersion) {
    return absl::InvalidArgumentError(
        StrCat(info_path, ": field \"version\" must be ", kRankersVersion));
  }
  SR_ASSIGN_OR_RETURN(std::vector<std::string> sources, StringArray(info, "sources", info_path));
  SR_ASSIGN_OR_RETURN(std::vector<std::string> covisit, StringArray(info, "covisit", info_path));
  if (!info.contains("candidates") || !info["candidates"].is_number_unsigned() ||
      info["candidates"].get<size_t>() == 0) {
    return absl::InvalidArgumentError(
        StrCat(info_path, ": field \"candidates\" must be a positive integer"));
  }
  std::array<RankerModel, kNumEventTypes> models;
  for (int t = 0; t < kNumEventTypes; ++t) {
    const std::string path = StrCat(model_dir, "/", kRankersDir, "/", kTypeNames[t], ".json");
    SR_ASSIGN_OR_RETURN(models[t].booster, XgbBooster::Load(path));
    const nlohmann::json c = info.value("calibration", nlohmann::json::object())
                                 .value(kTypeNames[t], nlohmann::json::object());
    if (!c.contains("a") || !c["a"].is_number() || !c.contains("b") || !c["b"].is_number()) {
      return absl::InvalidArgumentError(
          StrCat(info_path, ": calibration.", kTypeNames[t], " needs numbers \"a\" and \"b\""));
    }
    models[t].calibration = {c["a"].get<double>(), c["b"].get<double>()};
    if (!info.contains("prior") || !info["prior"].contains(kTypeNames[t])) continue;
    const nlohmann::json& p = info["prior"][kTypeNames[t]];
    if (!p.is_object() || !p.contains("feature") || !p["feature"].is_string() || !p.contains("a") ||
        !p["a"].is_number() || !p.contains("b") || !p["b"].is_number()) {
      return absl::InvalidArgumentError(
          StrCat(info_path, ": prior.", kTypeNames[t],
                 " needs a string \"feature\" and numbers \"a\", \"b\""));
    }
    const auto& names = schema.names;
    const auto it = std::find(names.begin(), names.end(), p["feature"].get<std::string>());
    if (it == names.end()) {
      return absl::InvalidArgumentError(StrCat(info_path, ": prior.", kTypeNames[t], ": feature \"",
                                               p["feature"].get<std::string>(), "\" is not in ",
                                               kFeatureSchemaFile));
    }
    models[t].prior = {static_cast<int>(it - names.begin()), p["a"].get<double>(),
                       p["b"].get<double>()};
  }
  auto set = std::make_unique<RankerSet>(std::move(schema), std::move(sources), std::move(covisit),
                                         info["candidates"].get<size_t>(),
                                         info.value("objective", std::string()), std::move(models),
                                         info.value("training", nlohmann::json::object()));
  Status trees = set->BuildTrees();
  if (!trees.ok()) {
    return absl::InvalidArgumentError(StrCat(model_dir, ": ", std::string(trees.message())));
  }
  return set;
}

Status RankerSet::Save(const std::string& model_dir) const {
  std::error_code ec;
  fs::create_directories(fs::path(model_dir) / kRankersDir, ec);
  if (ec) return absl::InternalError(StrCat(model_dir, "/", kRankersDir, ": ", ec.message()));
  SR_RETURN_IF_ERROR(schema_.Save(model_dir));
  nlohmann::json info;
  info["version"] = kRankersVersion;
  info["objective"] = objective_;
  info["sources"] = sources_;
  info["covisit"] = covisit_;
  info["candidates"] = candidates_;
  info["num_features"] = schema_.size();
  for (int t = 0; t < kNumEventTypes; ++t) {
    info["calibration"][kTypeNames[t]] = {{"a", models_[t].calibration.a},
                                          {"b", models_[t].calibration.b}};
    if (const RankPrior& p = models_[t].prior; p.column >= 0) {
      info["prior"][kTypeNames[t]] = {
          {"feature", schema_.names[static_cast<size_t>(p.column)]}, {"a", p.a}, {"b", p.b}};
    }
    SR_RETURN_IF_ERROR(
        models_[t].booster.Save(StrCat(model_dir, "/", kRankersDir, "/", kTypeNames[t], ".json")));
  }
  info["training"] = training_;
  SR_RETURN_IF_ERROR(WriteText(model_dir + "/" + kRankersInfoFile, info.dump(1) + "\n"));
  SR_ASSIGN_OR_RETURN(nlohmann::json importance, FeatureImportance());
  return WriteText(model_dir + "/" + kFeatureImportanceFile, importance.dump(1) + "\n");
}

void RankerSet::Score(std::span<const float> rows, size_t num_rows,
                      std::array<std::vector<float>, kNumEventTypes>& scores,
                      std::vector<float>& margin,
                      std::array<std::vector<float>, kNumEventTypes>* margins) const {
  const size_t f = schema_.size();
  margin.resize(num_rows);
  for (int t = 0; t < kNumEventTypes; ++t) {
    const RankerModel& m = models_[t];
    Status s = m.trees ? m.trees->PredictMargin(rows.first(num_rows * f), num_rows, f, margin)
                       : m.booster.PredictDense(rows.first(num_rows * f), f, true, margin);
    SR_CHECK(s.ok());  // sizes are ours: a failure is a bug
    scores[t].resize(num_rows);
    for (size_t r = 0; r < num_rows; ++r) margin[r] += m.prior.Margin(rows.data() + r * f);
    for (size_t r = 0; r < num_rows; ++r) scores[t][r] = m.calibration.Apply(margin[r]);
    if (margins != nullptr) (*margins)[t].assign(margin.begin(), margin.end());
  }
}

StatusOr<nlohmann::json> RankerSet::FeatureImportance() const {
  nlohmann::json out = nlohmann::json::object();
  for (int t = 0; t < kNumEventTypes; ++t) {
    SR_ASSIGN_OR_RETURN(std::vector<double> gain,
                        models_[t].booster.GainImportance(schema_.size()));
    std::vector<size_t> order(gain.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return gain[a] > gain[b]; });
    nlohmann::json list = nlohmann::json::array();
    for (size_t i : order) list.push_back({{"feature", schema_.names[i]}, {"gain", gain[i]}});
    out[kTypeNames[t]] = list;
  }
  return out;
}

}  // namespace sessionrec
