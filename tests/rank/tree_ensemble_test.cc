#include "rank/tree_ensemble.h"

#include <gtest/gtest.h>
#include <xgboost/c_api.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "core/str_cat.h"
#include "io/artifact.h"
#include "test_util.h"

namespace sessionrec {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

#define XGB_OK(call) ASSERT_EQ((call), 0) << XGBGetLastError()

// Random rows in [0, 1) with about `nan_rate` of the values missing.
std::vector<float> RandomRows(size_t rows, size_t cols, double nan_rate, uint32_t seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> u(0, 1);
  std::vector<float> x(rows * cols);
  for (float& v : x) v = u(gen) < nan_rate ? kNaN : u(gen);
  return x;
}

// A booster that frees itself.
struct Booster {
  BoosterHandle h = nullptr;
  DMatrixHandle d = nullptr;
  ~Booster() {
    if (h != nullptr) XGBoosterFree(h);
    if (d != nullptr) XGDMatrixFree(d);
  }
};

// Trains `trees` rounds of `objective` on `x` with labels that depend on a few features
// (NaN included), in query groups of 50 rows for the ranking objectives.
void Train(const std::string& objective, const std::vector<float>& x, size_t rows, size_t cols,
           int trees, int depth, Booster& b) {
  std::vector<float> y(rows);
  for (size_t r = 0; r < rows; ++r) {
    const float* row = &x[r * cols];
    const float a = std::isnan(row[0]) ? 0.3f : row[0];
    const float c = std::isnan(row[1]) ? 0.8f : row[1];
    y[r] = (a + 0.5f * c + 0.2f * (std::isnan(row[2]) ? 1.0f : 0.0f)) > 0.8f ? 1.0f : 0.0f;
  }
  XGB_OK(XGDMatrixCreateFromMat(x.data(), rows, cols, kNaN, &b.d));
  XGB_OK(XGDMatrixSetFloatInfo(b.d, "label", y.data(), rows));
  if (objective.rfind("rank:", 0) == 0) {
    std::vector<unsigned> groups(rows / 50, 50);
    groups.back() += static_cast<unsigned>(rows % 50);
    XGB_OK(XGDMatrixSetUIntInfo(b.d, "group", groups.data(), groups.size()));
  }
  XGB_OK(XGBoosterCreate(&b.d, 1, &b.h));
  XGB_OK(XGBoosterSetParam(b.h, "objective", objective.c_str()));
  XGB_OK(XGBoosterSetParam(b.h, "max_depth", std::to_string(depth).c_str()));
  XGB_OK(XGBoosterSetParam(b.h, "eta", "0.3"));
  XGB_OK(XGBoosterSetParam(b.h, "nthread", "1"));
  XGB_OK(XGBoosterSetParam(b.h, "seed", "7"));
  for (int i = 0; i < trees; ++i) XGB_OK(XGBoosterUpdateOneIter(b.h, i, b.d));
}

// XGBoost's own in-place prediction: type 0 = transformed output, 1 = margin.
void XGBoostPredict(BoosterHandle h, const std::vector<float>& x, size_t rows, size_t cols,
                    int type, std::vector<float>& out) {
  const std::string values =
      StrCat(R"({"data":[)", reinterpret_cast<uintptr_t>(x.data()), R"(,true],"shape":[)", rows,
             ",", cols, R"(],"typestr":"<f4","version":3})");
  const std::string config =
      StrCat(R"({"type":)", type, R"(,"training":false,"iteration_begin":0,"iteration_end":0,)",
             R"("strict_shape":false,"cache_id":0,"missing":NaN})");
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  XGB_OK(
      XGBoosterPredictFromDense(h, values.c_str(), config.c_str(), nullptr, &shape, &dim, &result));
  out.assign(result, result + rows);
}

struct Case {
  std::string objective;
  int trees;
  int depth;
};

class MatchesXGBoost : public ::testing::TestWithParam<Case> {};

TEST_P(MatchesXGBoost, EveryRowWithin1e5) {
  const Case& c = GetParam();
  const size_t cols = 12;
  const size_t train_rows = 400;
  const std::vector<float> train = RandomRows(train_rows, cols, 0.15, 1);
  Booster b;
  ASSERT_NO_FATAL_FAILURE(Train(c.objective, train, train_rows, cols, c.trees, c.depth, b));
  StatusOr<TreeEnsemble> ens = TreeEnsemble::FromXGBoostBooster(b.h);
  ASSERT_TRUE(ens.ok()) << ens.status();
  EXPECT_EQ(ens->num_trees(), static_cast<size_t>(c.trees));
  EXPECT_EQ(ens->num_features(), cols);
  EXPECT_EQ(TreeObjectiveName(ens->objective()), c.objective);
  EXPECT_LE(ens->max_depth(), static_cast<uint32_t>(c.depth));
  EXPECT_GE(ens->max_depth(), 2u);
  EXPECT_TRUE(ens->has_perfect_layout());  // PredictMargin below walks the perfect layout

  // Fresh rows (a count that is not a multiple of the block) plus the training rows.
  const size_t test_rows = 301;
  std::vector<float> test = RandomRows(test_rows, cols, 0.2, 2);
  // Values exactly on thresholds and infinities must take the same branch as in XGBoost.
  test[0] = 0.5f;
  test[cols] = std::numeric_limits<float>::infinity();
  test[2 * cols] = -std::numeric_limits<float>::infinity();
  std::vector<float> all_nan(cols, kNaN);
  const std::vector<float>* row_sets[] = {&train, &test, &all_nan};
  for (const std::vector<float>* rows : row_sets) {
    const size_t n = rows->size() / cols;
    for (int type : {0, 1}) {
      std::vector<float> want;
      ASSERT_NO_FATAL_FAILURE(XGBoostPredict(b.h, *rows, n, cols, type, want));
      std::vector<float> got(n, -1);
      if (type == 0) {
        ASSERT_TRUE(ens->Predict(*rows, n, cols, got).ok());
      } else {
        ASSERT_TRUE(ens->PredictMargin(*rows, n, cols, got).ok());
      }
      std::vector<float> row_by_row(n, -1), blocked(n, -1);
      ASSERT_TRUE(ens->PredictMarginWith(TreeWalk::kRowByRow, *rows, n, cols, row_by_row).ok());
      ASSERT_TRUE(ens->PredictMarginWith(TreeWalk::kBlocked, *rows, n, cols, blocked).ok());
      size_t differ = 0;
      for (size_t r = 0; r < n; ++r) {
        EXPECT_NEAR(got[r], want[r], 1e-5) << c.objective << " type " << type << " row " << r;
        if (type == 1) {
          // The margin is XGBoost's to the bit, whatever the walk (got: the perfect layout).
          EXPECT_EQ(got[r], want[r]) << "margin of row " << r;
          EXPECT_EQ(row_by_row[r], got[r]) << "walks disagree on row " << r;
          EXPECT_EQ(blocked[r], got[r]) << "walks disagree on row " << r;
        }
        differ += got[r] != got[0];
      }
      EXPECT_GT(differ + (n == 1), 0u) << "model predicts a constant: the test checks nothing";
    }
  }
  if (c.objective == "binary:logistic") {
    std::vector<float> p(test_rows);
    ASSERT_TRUE(ens->Predict(test, test_rows, cols, p).ok());
    for (float v : p) {
      EXPECT_GE(v, 0.0f);
      EXPECT_LE(v, 1.0f);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Objectives, MatchesXGBoost,
                         ::testing::Values(Case{"binary:logistic", 30, 4},
                                           Case{"binary:logistic", 8, 7},
                                           Case{"rank:pairwise", 25, 5}, Case{"rank:ndcg", 20, 6}),
                         [](const auto& p) {
                           std::string name = p.param.objective;
                           for (char& ch : name) {
                             if (ch == ':') ch = '_';
                           }
                           return name + "_" + std::to_string(p.param.trees);
                         });

// Two trees by hand. Tree 0: f0 < 0.5 (NaN left) ? (f1 < 2 (NaN right) ? 1 : 2) : 3.
// Tree 1: a single leaf of value 10. Nodes 3 and 4 of tree 0 are listed out of order and
// node 5 is unreachable (deleted), as in pruned XGBoost trees.
std::string HandModel(std::string_view objective = "rank:pairwise",
                      std::string_view base_score = "2.5E-1",
                      std::string_view left0 = "[1, 4, -1, -1, -1, -1]") {
  return StrCat(R"({"learner":{"attributes":{},"feature_names":[],"feature_types":[],
  "gradient_booster":{"model":{"gbtree_model_param":{"num_parallel_tree":"1","num_trees":"2",
  "size_leaf_vector":"0"},"tree_info":[0,0],"trees":[
  {"id":0,"left_children":)",
                left0, R"(,"right_children":[2, 3, -1, -1, -1, -1],
   "split_indices":[0, 1, 0, 0, 0, 0],"split_conditions":[0.5, 2.0, 3.0, 2.0, 1.0, 99.0],
   "default_left":[1, 0, 0, 0, 0, 0],"split_type":[0,0,0,0,0,0],
   "tree_param":{"num_deleted":"1","num_feature":"2","num_nodes":"6","size_leaf_vector":"0"}},
  {"id":1,"left_children":[-1],"right_children":[-1],"split_indices":[0],
   "split_conditions":[10.0],"default_left":[0],"split_type":[0],
   "tree_param":{"num_deleted":"0","num_feature":"2","num_nodes":"1","size_leaf_vector":"0"}}
  ]},"name":"gbtree"},
  "learner_model_param":{"base_score":")",
                base_score, R"(","boost_from_average":"1","num_class":"0","num_feature":"2",
  "num_target":"1"},"objective":{"name":")",
                objective, R"("}},"version":[1,7,4]})");
}

TEST(TreeEnsembleHandModel, KnownAnswers) {
  StatusOr<TreeEnsemble> ens = TreeEnsemble::FromXGBoostJson(HandModel(), "hand");
  ASSERT_TRUE(ens.ok()) << ens.status();
  EXPECT_EQ(ens->num_trees(), 2u);
  EXPECT_EQ(ens->num_nodes(), 6u);  // 5 reachable nodes of tree 0 + 1 leaf
  EXPECT_EQ(ens->max_depth(), 2u);
  EXPECT_FLOAT_EQ(ens->base_margin(), 0.25f);
  const std::vector<float> rows = {
      0.1f, 1.0f,  // left, f1 < 2 -> leaf 1
      0.1f, 2.0f,  // left, f1 == 2 is not < 2 -> leaf 2
      0.1f, kNaN,  // left, NaN goes right -> leaf 2
      kNaN, 0.0f,  // NaN goes left -> leaf 1
      0.5f, 0.0f,  // 0.5 is not < 0.5 -> right leaf 3
      7.0f, kNaN,  // right leaf 3
  };
  const std::vector<float> want = {11.25f, 12.25f, 12.25f, 11.25f, 13.25f, 13.25f};
  std::vector<float> got(6);
  ASSERT_TRUE(ens->Predict(rows, 6, 2, got).ok());
  EXPECT_EQ(got, want);
  ASSERT_TRUE(ens->PredictMarginWith(TreeWalk::kRowByRow, rows, 6, 2, got).ok());
  EXPECT_EQ(got, want);
  // The perfect layout pads the shallow leaf 3 (depth 1 of a depth-2 tree) and the
  // single-leaf tree 1 (depth 0).
  EXPECT_TRUE(ens->has_perfect_layout());
  for (TreeWalk walk : {TreeWalk::kBlocked, TreeWalk::kPerfect}) {
    std::fill(got.begin(), got.end(), -1.0f);
    ASSERT_TRUE(ens->PredictMarginWith(walk, rows, 6, 2, got).ok());
    EXPECT_EQ(got, want) << static_cast<int>(walk);
  }

  // binary:logistic: base_score 0.5 is margin 0, Predict is the sigmoid of the margin.
  StatusOr<TreeEnsemble> logistic =
      TreeEnsemble::FromXGBoostJson(HandModel("binary:logistic", "5E-1"), "hand");
  ASSERT_TRUE(logistic.ok()) << logistic.status();
  EXPECT_EQ(logistic->base_margin(), 0.0f);
  ASSERT_TRUE(logistic->PredictMargin(rows, 6, 2, got).ok());
  EXPECT_FLOAT_EQ(got[0], 11.0f);
  ASSERT_TRUE(logistic->Predict(std::span<const float>(rows).first(2), 1, 2, got).ok());
  EXPECT_NEAR(got[0], 1.0 / (1.0 + std::exp(-11.0)), 1e-7);
}

// Thresholds that parse to ±inf (1e39 overflows float) keep XGBoost's semantics: the
// perfect layout (which turns NaN into ±inf) is not built, and every walk still sends NaN
// its default way and ±inf by the float comparison.
TEST(TreeEnsembleHandModel, InfiniteThresholdsFallBackExactly) {
  // Tree 0: f0 < -inf (NaN left) ? 1 : (f1 < +inf (NaN right) ? 2 : 3).
  const std::string json = StrCat(
      R"({"learner":{"attributes":{},"feature_names":[],"feature_types":[],
  "gradient_booster":{"model":{"gbtree_model_param":{"num_parallel_tree":"1","num_trees":"1",
  "size_leaf_vector":"0"},"tree_info":[0],"trees":[
  {"id":0,"left_children":[1, -1, 3, -1, -1],"right_children":[2, -1, 4, -1, -1],
   "split_indices":[0, 0, 1, 0, 0],"split_conditions":[-1e39, 1.0, 1e39, 2.0, 3.0],
   "default_left":[1, 0, 0, 0, 0],"split_type":[0,0,0,0,0],
   "tree_param":{"num_deleted":"0","num_feature":"2","num_nodes":"5","size_leaf_vector":"0"}}
  ]},"name":"gbtree"},
  "learner_model_param":{"base_score":"0","boost_from_average":"1","num_class":"0",
  "num_feature":"2","num_target":"1"},"objective":{"name":"rank:pairwise"}},"version":[1,7,4]})");
  StatusOr<TreeEnsemble> ens = TreeEnsemble::FromXGBoostJson(json, "inf");
  ASSERT_TRUE(ens.ok()) << ens.status();
  EXPECT_FALSE(ens->has_perfect_layout());
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> rows = {
      kNaN, 0.0f,  // NaN goes left at -inf -> 1
      -inf, 0.0f,  // -inf is not < -inf -> right; 0 < inf -> 2
      0.0f, inf,   // inf is not < inf -> 3
      0.0f, kNaN,  // NaN goes right -> 3
  };
  const std::vector<float> want = {1.0f, 2.0f, 3.0f, 3.0f};
  for (TreeWalk walk : {TreeWalk::kRowByRow, TreeWalk::kBlocked, TreeWalk::kPerfect}) {
    std::vector<float> got(4, -1.0f);
    ASSERT_TRUE(ens->PredictMarginWith(walk, rows, 4, 2, got).ok());
    EXPECT_EQ(got, want) << static_cast<int>(walk);
  }
}

// Trees deeper than kMaxPerfectDepth keep the node layout; every walk agrees.
TEST(TreeEnsembleHandModel, DeepTreesKeepTheNodeLayout) {
  // One chain tree: node 2k tests f0 < k (NaN left) with leaf 2k+1 = k on the left.
  const int depth = static_cast<int>(TreeEnsemble::kMaxPerfectDepth) + 1;
  std::string left, right, split, cond, dl, type;
  for (int k = 0; k < depth; ++k) {
    const char* sep = k == 0 ? "" : ",";
    left += StrCat(sep, 2 * k + 1, ",-1");
    right += StrCat(sep, 2 * k + 2, ",-1");
    split += StrCat(sep, "0,0");
    cond += StrCat(sep, k, ",", k);
    dl += StrCat(sep, "1,0");
    type += StrCat(sep, "0,0");
  }
  const int n = 2 * depth + 1;  // the last node is the rightmost leaf (value 100)
  const std::string json = StrCat(
      R"({"learner":{"attributes":{},"feature_names":[],"feature_types":[],
  "gradient_booster":{"model":{"gbtree_model_param":{"num_parallel_tree":"1","num_trees":"1",
  "size_leaf_vector":"0"},"tree_info":[0],"trees":[{"id":0,"left_children":[)",
      left, R"(,-1],"right_children":[)", right, R"(,-1],"split_indices":[)", split,
      R"(,0],"split_conditions":[)", cond, R"(,100],"default_left":[)", dl, R"(,0],"split_type":[)",
      type, R"(,0],"tree_param":{"num_deleted":"0","num_feature":"1","num_nodes":")", n,
      R"(","size_leaf_vector":"0"}}]},"name":"gbtree"},
  "learner_model_param":{"base_score":"0","boost_from_average":"1","num_class":"0",
  "num_feature":"1","num_target":"1"},"objective":{"name":"rank:pairwise"}},"version":[1,7,4]})");
  StatusOr<TreeEnsemble> ens = TreeEnsemble::FromXGBoostJson(json, "deep");
  ASSERT_TRUE(ens.ok()) << ens.status();
  EXPECT_EQ(ens->max_depth(), static_cast<uint32_t>(depth));
  EXPECT_FALSE(ens->has_perfect_layout());
  const std::vector<float> rows = {-1.0f, 0.5f, 3.5f, kNaN, 50.0f};
  const std::vector<float> want = {0.0f, 1.0f, 4.0f, 0.0f, 100.0f};
  for (TreeWalk walk : {TreeWalk::kRowByRow, TreeWalk::kBlocked, TreeWalk::kPerfect}) {
    std::vector<float> got(5, -1.0f);
    ASSERT_TRUE(ens->PredictMarginWith(walk, rows, 5, 1, got).ok());
    EXPECT_EQ(got, want) << static_cast<int>(walk);
  }
}

TEST(TreeEnsembleHandModel, PredictRejectsBadShapes) {
  StatusOr<TreeEnsemble> ens = TreeEnsemble::FromXGBoostJson(HandModel(), "hand");
  ASSERT_TRUE(ens.ok()) << ens.status();
  std::vector<float> rows(6, 0.0f);
  std::vector<float> out(3);
  EXPECT_FALSE(ens->PredictMargin(rows, 2, 3, out).ok());  // 3 features, model has 2
  EXPECT_FALSE(ens->PredictMargin(rows, 2, 2, out).ok());  // 6 floats for 2 x 2
  EXPECT_FALSE(ens->PredictMargin(rows, 3, 2, std::span<float>(out).first(2)).ok());
  EXPECT_TRUE(ens->PredictMargin(rows, 3, 2, out).ok());
  EXPECT_TRUE(ens->PredictMargin({}, 0, 2, {}).ok());
}

// Every broken or unsupported model is an error naming the field, never a crash.
TEST(TreeEnsembleHandModel, MalformedAndUnsupportedAreErrors) {
  const std::string good = HandModel();
  struct Bad {
    std::string json;
    std::string message;  // expected substring of the error
  };
  const auto replace = [&](std::string_view from, std::string_view to) {
    std::string s = good;
    const size_t at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) s.replace(at, from.size(), to);
    return s;
  };
  const std::vector<Bad> cases = {
      {"", "not valid JSON"},
      {"[1, 2]", "(root)"},
      {"{\"learner\": 3}", "learner"},
      {HandModel("reg:squarederror"), "objective \"reg:squarederror\" unsupported"},
      {HandModel("multi:softprob"), "learner.objective.name"},
      {HandModel("binary:logistic", "1.5"), "base_score"},
      {HandModel("rank:pairwise", "abc"), "base_score"},
      {replace(R"("name":"gbtree")", R"("name":"dart")"), "booster \"dart\" unsupported"},
      {replace(R"("num_class":"0")", R"("num_class":"3")"), "multi-class"},
      {replace(R"("num_target":"1")", R"("num_target":"2")"), "multi-target"},
      {replace(R"("split_type":[0,0,0,0,0,0])", R"("split_type":[0,1,0,0,0,0])"), "categorical"},
      {replace("[0, 1, 0, 0, 0, 0]", "[0, 7, 0, 0, 0, 0]"), "split feature 7 outside"},
      {replace("[0, 1, 0, 0, 0, 0]", "[0, -1, 0, 0, 0, 0]"), "split feature -1"},
      {HandModel("rank:pairwise", "2.5E-1", "[1, 0, -1, -1, -1, -1]"), "reached twice"},
      {HandModel("rank:pairwise", "2.5E-1", "[1, 9, -1, -1, -1, -1]"), "child 9 outside"},
      {HandModel("rank:pairwise", "2.5E-1", "[1, 4, -1, -1, -1]"), "has 5 entries"},
      {HandModel("rank:pairwise", "2.5E-1", "[1, 4, \"x\", -1, -1, -1]"), "not an integer"},
      {replace(R"("num_nodes":"6")", R"("num_nodes":"0")"), "num_nodes"},
      {replace(R"("num_nodes":"6")", R"("num_nodes":6)"), "not a string"},
      {replace(R"("size_leaf_vector":"0"}},)", R"("size_leaf_vector":"0"}},)"), ""},
      {replace("2.0, 1.0, 99.0]", "2.0, 1.0e999, 99.0]"), "parsing a number"},
      {replace("\"tree_info\":[0,0]", "\"tree_info\":[0,1]"), "tree_info"},
      {replace("\"tree_info\":[0,0]", "\"tree_info\":[0]"), "tree_info"},
      {replace(R"("num_feature":"2",
  "num_target")",
               R"("num_feature":"0",
  "num_target")"),
       "num_feature"},
  };
  for (const Bad& bad : cases) {
    StatusOr<TreeEnsemble> ens = TreeEnsemble::FromXGBoostJson(bad.json, "case.json");
    if (bad.message.empty()) {  // the unchanged model, as a control
      EXPECT_TRUE(ens.ok()) << ens.status();
      continue;
    }
    ASSERT_FALSE(ens.ok()) << bad.json;
    const std::string msg(ens.status().message());
    EXPECT_NE(msg.find("case.json"), std::string::npos) << msg;
    EXPECT_NE(msg.find(bad.message), std::string::npos) << msg;
  }
  // Every prefix of a valid model is an error, never a crash.
  for (size_t len = 0; len < good.size(); len += 7) {
    EXPECT_FALSE(TreeEnsemble::FromXGBoostJson(good.substr(0, len), "prefix").ok()) << len;
  }
}

TEST(TreeEnsembleHandModel, GblinearIsRejected) {
  std::vector<float> x = RandomRows(100, 3, 0.0, 3);
  std::vector<float> y(100, 0.0f);
  for (size_t i = 0; i < 100; i += 2) y[i] = 1;
  Booster b;
  XGB_OK(XGDMatrixCreateFromMat(x.data(), 100, 3, kNaN, &b.d));
  XGB_OK(XGDMatrixSetFloatInfo(b.d, "label", y.data(), 100));
  XGB_OK(XGBoosterCreate(&b.d, 1, &b.h));
  XGB_OK(XGBoosterSetParam(b.h, "objective", "binary:logistic"));
  XGB_OK(XGBoosterSetParam(b.h, "booster", "gblinear"));
  XGB_OK(XGBoosterSetParam(b.h, "nthread", "1"));
  XGB_OK(XGBoosterUpdateOneIter(b.h, 0, b.d));
  StatusOr<TreeEnsemble> ens = TreeEnsemble::FromXGBoostBooster(b.h);
  ASSERT_FALSE(ens.ok());
  EXPECT_NE(std::string(ens.status().message()).find("gblinear"), std::string::npos)
      << ens.status();
}

TEST(TreeEnsembleFiles, JsonFileAndArtifactRoundTrip) {
  const std::filesystem::path dir = testing::TempDir("tree_ensemble");
  const size_t cols = 6;
  const std::vector<float> x = RandomRows(300, cols, 0.1, 4);
  Booster b;
  ASSERT_NO_FATAL_FAILURE(Train("binary:logistic", x, 300, cols, 15, 5, b));
  const std::string json_path = (dir / "model.json").string();
  XGB_OK(XGBoosterSaveModel(b.h, json_path.c_str()));
  StatusOr<TreeEnsemble> from_file = TreeEnsemble::LoadXGBoostJsonFile(json_path);
  ASSERT_TRUE(from_file.ok()) << from_file.status();

  const std::string art_path = (dir / "clicks.trees").string();
  ASSERT_TRUE(from_file->Save(art_path).ok());
  StatusOr<TreeEnsemble> mapped = TreeEnsemble::Open(art_path);
  ASSERT_TRUE(mapped.ok()) << mapped.status();
  EXPECT_EQ(mapped->num_trees(), from_file->num_trees());
  EXPECT_EQ(mapped->num_nodes(), from_file->num_nodes());
  EXPECT_EQ(mapped->max_depth(), from_file->max_depth());
  EXPECT_EQ(mapped->objective(), TreeObjective::kBinaryLogistic);
  EXPECT_EQ(mapped->base_margin(), from_file->base_margin());

  std::vector<float> a(300), c(300), want;
  ASSERT_TRUE(from_file->Predict(x, 300, cols, a).ok());
  // Moving the mapped ensemble keeps its views valid.
  TreeEnsemble moved = std::move(*mapped);
  ASSERT_TRUE(moved.Predict(x, 300, cols, c).ok());
  EXPECT_EQ(a, c);  // bit-identical
  ASSERT_NO_FATAL_FAILURE(XGBoostPredict(b.h, x, 300, cols, 0, want));
  for (size_t r = 0; r < 300; ++r) EXPECT_NEAR(c[r], want[r], 1e-5) << r;

  EXPECT_FALSE(TreeEnsemble::LoadXGBoostJsonFile((dir / "missing.json").string()).ok());
  EXPECT_FALSE(TreeEnsemble::Open(json_path).ok());  // not an artifact
}

TEST(TreeEnsembleFiles, CorruptArtifactIsAnError) {
  const std::filesystem::path dir = testing::TempDir("tree_ensemble_bad");
  StatusOr<TreeEnsemble> ens = TreeEnsemble::FromXGBoostJson(HandModel(), "hand");
  ASSERT_TRUE(ens.ok()) << ens.status();
  const std::string path = (dir / "m.trees").string();
  ASSERT_TRUE(ens->Save(path).ok());
  std::string bytes = testing::ReadFile(path);
  bytes[bytes.size() - 20] ^= 0x55;  // inside the nodes section: the CRC catches it
  testing::WriteFile(path, bytes);
  EXPECT_FALSE(TreeEnsemble::Open(path).ok());

  // A well-formed container with a child index outside its tree.
  struct Header {
    uint32_t objective;
    float base_margin;
    uint32_t num_features, num_trees, num_nodes, max_depth, reserved[2];
  };
  const Header h{1, 0.0f, 2, 1, 3, 1, {0, 0}};
  const std::vector<TreeSpan> trees = {{0, 1}};
  for (const TreeNode bad_root :
       {TreeNode{0, 0.5f, 1, 5}, TreeNode{0, 0.5f, 0, 2}, TreeNode{9, 0.5f, 1, 2}}) {
    const std::vector<TreeNode> nodes = {bad_root, {0, 1.0f, 1, 1}, {0, 2.0f, 2, 2}};
    ArtifactWriter w(kTreeEnsembleKind, kTreeEnsembleVersion);
    w.Add("header", std::span<const Header>(&h, 1));
    w.Add("trees", trees);
    w.Add("nodes", nodes);
    ASSERT_TRUE(w.Write(path).ok());
    EXPECT_FALSE(TreeEnsemble::Open(path).ok());
  }
  // The same container with a valid root opens and scores.
  const std::vector<TreeNode> nodes = {{0, 0.5f, 1, 2}, {0, 1.0f, 1, 1}, {0, 2.0f, 2, 2}};
  ArtifactWriter w(kTreeEnsembleKind, kTreeEnsembleVersion);
  w.Add("header", std::span<const Header>(&h, 1));
  w.Add("trees", trees);
  w.Add("nodes", nodes);
  ASSERT_TRUE(w.Write(path).ok());
  StatusOr<TreeEnsemble> ok = TreeEnsemble::Open(path);
  ASSERT_TRUE(ok.ok()) << ok.status();
  std::vector<float> out(2);
  ASSERT_TRUE(ok->PredictMargin(std::vector<float>{0.0f, 0.0f, 1.0f, 0.0f}, 2, 2, out).ok());
  EXPECT_EQ(out, (std::vector<float>{1.0f, 2.0f}));
}

}  // namespace
}  // namespace sessionrec
