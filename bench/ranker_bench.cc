// Ranker inference speed: our TreeEnsemble (rank/tree_ensemble.h) against XGBoost's own
// prediction calls, on the same model and the same rows (docs/rankers.md, "Inference").
//
//   taskset -c 1 build-trees-rel/bench/ranker_bench [--benchmark_filter=...]
//
// For each depth (6, 8) one binary:logistic model of 1000 trees is trained on 20,000
// synthetic rows x 50 features (5% missing) and cut to its first 100 / 300 / 1000 trees
// (XGBoosterSlice). The trained models are cached as JSON under $TMPDIR (or /tmp), so a
// second run skips training. Each case scores one batch of 100 / 200 / 400 candidate rows;
// the counter row_tree is the CPU time per row per tree ("15.2n" = 15.2 ns). The implementations of
// one case run next to each other, so their ratio is measured under the same machine load:
//   ours_perfect    TreeEnsemble::PredictMargin (TreeWalk::kPerfect: the perfect layout)
//   ours_blocked    TreeWalk::kBlocked (blocks of 32 rows walk each tree together)
//   ours_row        TreeEnsemble, one row at a time through all trees
//   xgb_dense       XGBoosterPredictFromDense (in-place predict; one reused proxy DMatrix)
//   xgb_dmatrix     XGDMatrixCreateFromMat + XGBoosterPredictFromDMatrix per batch
// All XGBoost calls use nthread=1, like the server. Before timing, every case checks that our
// margins equal XGBoost's within 1e-4 and aborts otherwise.
#include <benchmark/benchmark.h>
#include <xgboost/c_api.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/str_cat.h"
#include "rank/tree_ensemble.h"

namespace sessionrec {
namespace {

constexpr size_t kFeatures = 50;
constexpr size_t kTrainRows = 20'000;
constexpr int kMaxTrees = 1000;
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

void Check(int rc, const char* what) {
  if (rc != 0) {
    std::fprintf(stderr, "%s failed: %s\n", what, XGBGetLastError());
    std::abort();
  }
}

std::vector<float> Rows(size_t rows, uint32_t seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> normal(0, 1);
  std::uniform_real_distribution<float> u(0, 1);
  std::vector<float> x(rows * kFeatures);
  for (float& v : x) v = u(gen) < 0.05 ? kNaN : normal(gen);
  return x;
}

// Labels from a noisy nonlinear function of many features, so that trees grow to full
// depth with varied splits.
std::vector<float> Labels(const std::vector<float>& x, size_t rows) {
  std::mt19937 gen(11);
  std::normal_distribution<float> normal(0, 1);
  std::vector<float> w(kFeatures);
  for (float& v : w) v = normal(gen);
  std::vector<float> y(rows);
  for (size_t r = 0; r < rows; ++r) {
    const float* row = &x[r * kFeatures];
    float s = 0;
    for (size_t f = 0; f < kFeatures; ++f) {
      const float v = std::isnan(row[f]) ? 0.5f : row[f];
      s += w[f] * v + 0.3f * std::sin(3 * v) * w[(f + 7) % kFeatures];
    }
    s += 0.5f * row[0] * (std::isnan(row[1]) ? 1.0f : row[1]) + normal(gen);
    y[r] = s > 0 ? 1.0f : 0.0f;
  }
  return y;
}

BoosterHandle TrainOrLoad(int depth) {
  const char* tmp = std::getenv("TMPDIR");
  const std::string path = StrCat(tmp != nullptr ? tmp : "/tmp", "/sessionrec_ranker_bench_d",
                                  depth, "_t", kMaxTrees, ".json");
  BoosterHandle b = nullptr;
  if (std::filesystem::exists(path)) {
    Check(XGBoosterCreate(nullptr, 0, &b), "XGBoosterCreate");
    Check(XGBoosterLoadModel(b, path.c_str()), "XGBoosterLoadModel");
  } else {
    std::fprintf(stderr, "training %d trees of depth %d (cached in %s)...\n", kMaxTrees, depth,
                 path.c_str());
    const std::vector<float> x = Rows(kTrainRows, 1);
    const std::vector<float> y = Labels(x, kTrainRows);
    DMatrixHandle d = nullptr;
    Check(XGDMatrixCreateFromMat(x.data(), kTrainRows, kFeatures, kNaN, &d), "create");
    Check(XGDMatrixSetFloatInfo(d, "label", y.data(), kTrainRows), "label");
    Check(XGBoosterCreate(&d, 1, &b), "XGBoosterCreate");
    for (const auto& [k, v] :
         std::map<std::string, std::string>{{"objective", "binary:logistic"},
                                            {"tree_method", "hist"},
                                            {"max_depth", std::to_string(depth)},
                                            {"eta", "0.05"},
                                            {"subsample", "0.8"},
                                            {"colsample_bytree", "0.8"},
                                            {"min_child_weight", "0.5"},
                                            {"seed", "3"},
                                            {"nthread", "2"}}) {
      Check(XGBoosterSetParam(b, k.c_str(), v.c_str()), "XGBoosterSetParam");
    }
    for (int i = 0; i < kMaxTrees; ++i) Check(XGBoosterUpdateOneIter(b, i, d), "update");
    Check(XGBoosterSaveModel(b, path.c_str()), "XGBoosterSaveModel");
    XGDMatrixFree(d);
  }
  Check(XGBoosterSetParam(b, "nthread", "1"), "nthread");
  return b;
}

// One model cut to `trees` trees: XGBoost's booster and our ensemble of the same trees.
struct Model {
  BoosterHandle booster = nullptr;
  std::unique_ptr<TreeEnsemble> ensemble;
};

const Model& GetModel(int depth, int trees) {
  static auto* full = new std::map<int, BoosterHandle>;
  static auto* models = new std::map<std::pair<int, int>, Model>;
  auto it = models->find({depth, trees});
  if (it != models->end()) return it->second;
  if (!full->contains(depth)) (*full)[depth] = TrainOrLoad(depth);
  Model m;
  Check(XGBoosterSlice((*full)[depth], 0, trees, 1, &m.booster), "XGBoosterSlice");
  Check(XGBoosterSetParam(m.booster, "nthread", "1"), "nthread");
  StatusOr<TreeEnsemble> ens = TreeEnsemble::FromXGBoostBooster(m.booster);
  if (!ens.ok() || ens->num_trees() != static_cast<size_t>(trees)) {
    std::fprintf(stderr, "TreeEnsemble: %s\n", std::string(ens.status().message()).c_str());
    std::abort();
  }
  m.ensemble = std::make_unique<TreeEnsemble>(std::move(*ens));
  return models->emplace(std::make_pair(depth, trees), std::move(m)).first->second;
}

std::string DenseInterface(const std::vector<float>& x, size_t rows) {
  return StrCat(R"({"data":[)", reinterpret_cast<uintptr_t>(x.data()), R"(,true],"shape":[)", rows,
                ",", kFeatures, R"(],"typestr":"<f4","version":3})");
}

// XGBoost prediction config; type 1 = margin.
constexpr const char* kDenseConfig =
    R"({"type":1,"training":false,"iteration_begin":0,"iteration_end":0,)"
    R"("strict_shape":false,"cache_id":0,"missing":NaN})";
constexpr const char* kDMatrixConfig =
    R"({"type":1,"training":false,"iteration_begin":0,"iteration_end":0,"strict_shape":false})";

enum class Impl { kOursPerfect, kOursBlocked, kOursRow, kXgbDense, kXgbDMatrix };

void Run(benchmark::State& state, Impl impl, int depth, int trees, size_t rows) {
  const Model& m = GetModel(depth, trees);
  const std::vector<float> x = Rows(rows, 99);
  std::vector<float> out(rows);
  const std::string values = DenseInterface(x, rows);
  DMatrixHandle proxy = nullptr;
  Check(XGProxyDMatrixCreate(&proxy), "XGProxyDMatrixCreate");
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;

  // Same margins as XGBoost, or the figures mean nothing.
  Check(XGBoosterPredictFromDense(m.booster, values.c_str(), kDenseConfig, proxy, &shape, &dim,
                                  &result),
        "XGBoosterPredictFromDense");
  if (!m.ensemble->PredictMargin(x, rows, kFeatures, out).ok()) std::abort();
  for (size_t r = 0; r < rows; ++r) {
    if (std::fabs(out[r] - result[r]) > 1e-4f) {
      std::fprintf(stderr, "row %zu: ours %.7g, XGBoost %.7g\n", r, out[r], result[r]);
      std::abort();
    }
  }

  for (auto _ : state) {
    switch (impl) {
      case Impl::kOursPerfect:
        if (!m.ensemble->PredictMarginWith(TreeWalk::kPerfect, x, rows, kFeatures, out).ok()) {
          std::abort();
        }
        benchmark::DoNotOptimize(out.data());
        break;
      case Impl::kOursBlocked:
        if (!m.ensemble->PredictMarginWith(TreeWalk::kBlocked, x, rows, kFeatures, out).ok()) {
          std::abort();
        }
        benchmark::DoNotOptimize(out.data());
        break;
      case Impl::kOursRow:
        if (!m.ensemble->PredictMarginWith(TreeWalk::kRowByRow, x, rows, kFeatures, out).ok()) {
          std::abort();
        }
        benchmark::DoNotOptimize(out.data());
        break;
      case Impl::kXgbDense:
        Check(XGBoosterPredictFromDense(m.booster, values.c_str(), kDenseConfig, proxy, &shape,
                                        &dim, &result),
              "XGBoosterPredictFromDense");
        benchmark::DoNotOptimize(result);
        break;
      case Impl::kXgbDMatrix: {
        DMatrixHandle d = nullptr;
        Check(XGDMatrixCreateFromMat(x.data(), rows, kFeatures, kNaN, &d), "create");
        Check(XGBoosterPredictFromDMatrix(m.booster, d, kDMatrixConfig, &shape, &dim, &result),
              "XGBoosterPredictFromDMatrix");
        benchmark::DoNotOptimize(result);
        XGDMatrixFree(d);
        break;
      }
    }
  }
  XGDMatrixFree(proxy);
  state.counters["row_tree"] = benchmark::Counter(
      static_cast<double>(rows) * trees,
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.counters["nodes"] = static_cast<double>(m.ensemble->num_nodes());
}

void RegisterAll() {
  const std::pair<Impl, const char*> impls[] = {{Impl::kOursPerfect, "ours_perfect"},
                                                {Impl::kOursBlocked, "ours_blocked"},
                                                {Impl::kOursRow, "ours_row"},
                                                {Impl::kXgbDense, "xgb_dense"},
                                                {Impl::kXgbDMatrix, "xgb_dmatrix"}};
  for (int depth : {6, 8}) {
    for (int trees : {100, 300, 1000}) {
      for (size_t rows : {100, 200, 400}) {
        for (const auto& [impl, name] : impls) {
          benchmark::RegisterBenchmark(
              StrCat(name, "/depth:", depth, "/trees:", trees, "/rows:", rows).c_str(),
              [=](benchmark::State& s) { Run(s, impl, depth, trees, rows); })
              ->Unit(benchmark::kMicrosecond);
        }
      }
    }
  }
}

}  // namespace
}  // namespace sessionrec

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  sessionrec::RegisterAll();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
