#include "rank/xgb_booster.h"

#include <xgboost/c_api.h>

#include <fstream>
#include <sstream>

#include "core/str_cat.h"

namespace sessionrec {
namespace {

Status XgbError(std::string_view what) {
  return absl::InternalError(StrCat("XGBoost ", what, ": ", XGBGetLastError()));
}

#define SR_XGB(call, what)                  \
  do {                                      \
    if ((call) != 0) return XgbError(what); \
  } while (0)

// A DMatrix freed on scope exit.
struct DMatrix {
  DMatrixHandle h = nullptr;
  ~DMatrix() {
    if (h) XGDMatrixFree(h);
  }
};

std::string ArrayInterface(const float* data, size_t rows, size_t cols) {
  return StrCat("{\"data\":[", reinterpret_cast<uintptr_t>(data), ",true],\"shape\":[", rows, ",",
                cols, "],\"typestr\":\"<f4\",\"version\":3}");
}

}  // namespace

XgbBooster::~XgbBooster() {
  if (handle_) XGBoosterFree(handle_);
}

XgbBooster& XgbBooster::operator=(XgbBooster&& o) noexcept {
  if (this != &o) {
    if (handle_) XGBoosterFree(handle_);
    handle_ = std::exchange(o.handle_, nullptr);
  }
  return *this;
}

StatusOr<XgbBooster> XgbBooster::Train(const BoosterData& d, const BoosterParams& p) {
  if (d.num_features == 0 || d.rows.size() % d.num_features != 0) {
    return absl::InvalidArgumentError("booster training: rows do not match num_features");
  }
  const size_t n = d.rows.size() / d.num_features;
  if (n == 0 || d.labels.size() != n) {
    return absl::InvalidArgumentError(
        StrCat("booster training: ", n, " rows, ", d.labels.size(), " labels"));
  }
  DMatrix m;
  SR_XGB(XGDMatrixCreateFromMat(d.rows.data(), n, d.num_features, NAN, &m.h), "DMatrix");
  SR_XGB(XGDMatrixSetFloatInfo(m.h, "label", d.labels.data(), n), "labels");
  if (!d.groups.empty()) {
    SR_XGB(XGDMatrixSetUIntInfo(m.h, "group", d.groups.data(), d.groups.size()), "groups");
  }
  if (!d.base_margin.empty()) {
    if (d.base_margin.size() != n) {
      return absl::InvalidArgumentError(
          StrCat("booster training: ", n, " rows, ", d.base_margin.size(), " base margins"));
    }
    SR_XGB(XGDMatrixSetFloatInfo(m.h, "base_margin", d.base_margin.data(), n), "base margins");
  }
  XgbBooster b;
  BoosterHandle h = nullptr;
  SR_XGB(XGBoosterCreate(&m.h, 1, &h), "create");
  b.handle_ = h;
  const std::pair<const char*, std::string> kv[] = {
      {"objective", p.objective},
      {"eval_metric", p.objective.rfind("rank:", 0) == 0 ? "map@20" : "logloss"},
      {"max_depth", StrCat(p.max_depth)},
      {"eta", StrCat(p.eta)},
      {"subsample", StrCat(p.subsample)},
      {"colsample_bytree", StrCat(p.colsample_bytree)},
      {"min_child_weight", StrCat(p.min_child_weight)},
      {"tree_method", "hist"},
      {"seed", StrCat(p.seed)},
      {"nthread", StrCat(p.threads)},
      {"verbosity", "0"},
  };
  for (const auto& [k, v] : kv) SR_XGB(XGBoosterSetParam(h, k, v.c_str()), StrCat("param ", k));
  for (int it = 0; it < p.num_rounds; ++it) {
    SR_XGB(XGBoosterUpdateOneIter(h, it, m.h), StrCat("round ", it));
  }
  return b;
}

StatusOr<XgbBooster> XgbBooster::FromJson(std::string_view json) {
  XgbBooster b;
  BoosterHandle h = nullptr;
  SR_XGB(XGBoosterCreate(nullptr, 0, &h), "create");
  b.handle_ = h;
  SR_XGB(XGBoosterLoadModelFromBuffer(h, json.data(), json.size()), "load model");
  SR_XGB(XGBoosterSetParam(h, "nthread", "1"), "param nthread");
  return b;
}

StatusOr<XgbBooster> XgbBooster::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(StrCat(path, ": cannot open"));
  std::stringstream ss;
  ss << in.rdbuf();
  StatusOr<XgbBooster> b = FromJson(ss.str());
  if (!b.ok())
    return absl::InvalidArgumentError(StrCat(path, ": ", std::string(b.status().message())));
  return b;
}

StatusOr<std::string> XgbBooster::ToJson() const {
  if (!handle_) return absl::FailedPreconditionError("booster not loaded");
  bst_ulong len = 0;
  const char* buf = nullptr;
  SR_XGB(XGBoosterSaveModelToBuffer(handle_, "{\"format\":\"json\"}", &len, &buf), "save model");
  return std::string(buf, len);
}

Status XgbBooster::Save(const std::string& path) const {
  SR_ASSIGN_OR_RETURN(std::string json, ToJson());
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << json;
    if (!out.good()) return absl::InternalError(StrCat(tmp, ": cannot write"));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::InternalError(StrCat(path, ": cannot rename ", tmp));
  }
  return absl::OkStatus();
}

Status XgbBooster::PredictDense(std::span<const float> rows, size_t num_features, bool margin,
                                std::vector<float>& out) const {
  if (!handle_) return absl::FailedPreconditionError("booster not loaded");
  const size_t n = num_features == 0 ? 0 : rows.size() / num_features;
  out.resize(n);
  if (n == 0) return absl::OkStatus();
  const std::string values = ArrayInterface(rows.data(), n, num_features);
  const char* config =
      margin ? "{\"type\":1,\"training\":false,\"iteration_begin\":0,"
               "\"iteration_end\":0,\"strict_shape\":false,\"cache_id\":0,\"missing\":NaN}"
             : "{\"type\":0,\"training\":false,\"iteration_begin\":0,"
               "\"iteration_end\":0,\"strict_shape\":false,\"cache_id\":0,\"missing\":NaN}";
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  SR_XGB(XGBoosterPredictFromDense(handle_, values.c_str(), config, nullptr, &shape, &dim, &result),
         "predict");
  std::copy(result, result + n, out.begin());
  return absl::OkStatus();
}

StatusOr<std::vector<double>> XgbBooster::GainImportance(size_t num_features) const {
  if (!handle_) return absl::FailedPreconditionError("booster not loaded");
  bst_ulong nf = 0, dim = 0;
  const char** names = nullptr;
  const bst_ulong* shape = nullptr;
  const float* scores = nullptr;
  SR_XGB(XGBoosterFeatureScore(handle_, "{\"importance_type\":\"total_gain\"}", &nf, &names, &dim,
                               &shape, &scores),
         "feature score");
  std::vector<double> gain(num_features, 0.0);
  for (bst_ulong i = 0; i < nf; ++i) {
    // Without feature names XGBoost calls them f0, f1, ...
    const std::string_view name = names[i];
    if (name.size() < 2 || name[0] != 'f') continue;
    const size_t idx = std::strtoul(names[i] + 1, nullptr, 10);
    if (idx < num_features) gain[idx] = scores[i];
  }
  return gain;
}

}  // namespace sessionrec
