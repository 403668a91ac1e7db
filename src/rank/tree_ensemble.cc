#include "rank/tree_ensemble.h"

#include <simdjson.h>
#include <xgboost/c_api.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

#include "core/str_cat.h"

namespace sessionrec {
namespace {

constexpr uint32_t kDefaultLeftBit = 0x80000000u;
constexpr uint32_t kFeatureMask = 0x7fffffffu;

// The POD "header" section of the artifact.
struct TreesHeader {
  uint32_t objective;
  float base_margin;
  uint32_t num_features;
  uint32_t num_trees;
  uint32_t num_nodes;
  uint32_t max_depth;
  uint32_t reserved[2];
};
static_assert(sizeof(TreesHeader) == 32);

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// Error helpers: every message names the input and the JSON field.
Status JsonError(std::string_view source, std::string_view field, std::string_view what) {
  return absl::InvalidArgumentError(
      StrCat(source, ": XGBoost JSON model: field ", field, ": ", what));
}

StatusOr<element> Field(std::string_view source, const object& obj, std::string_view key,
                        std::string_view path) {
  element e;
  if (obj.at_key(key).get(e) != simdjson::SUCCESS) {
    return JsonError(source, path, "missing");
  }
  return e;
}

// The field `key` as a T (object, array or std::string_view); `kind` names T in errors.
template <typename T>
StatusOr<T> TypedField(std::string_view source, const object& obj, std::string_view key,
                       std::string_view path, std::string_view kind) {
  SR_ASSIGN_OR_RETURN(element e, Field(source, obj, key, path));
  T v;
  if (e.get<T>().get(v) != simdjson::SUCCESS) return JsonError(source, path, StrCat("not ", kind));
  return v;
}

StatusOr<object> ObjectField(std::string_view source, const object& obj, std::string_view key,
                             std::string_view path) {
  return TypedField<object>(source, obj, key, path, "an object");
}

StatusOr<array> ArrayField(std::string_view source, const object& obj, std::string_view key,
                           std::string_view path) {
  return TypedField<array>(source, obj, key, path, "an array");
}

StatusOr<std::string_view> StringField(std::string_view source, const object& obj,
                                       std::string_view key, std::string_view path) {
  return TypedField<std::string_view>(source, obj, key, path, "a string");
}

// XGBoost writes its parameters as strings ("num_feature": "5", "base_score": "5E-1").
StatusOr<double> NumberInString(std::string_view source, const object& obj, std::string_view key,
                                std::string_view path) {
  SR_ASSIGN_OR_RETURN(std::string_view s, StringField(source, obj, key, path));
  std::string text(s);
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v)) {
    return JsonError(source, path, StrCat("not a finite number: \"", text, "\""));
  }
  return v;
}

StatusOr<int64_t> IntegerInString(std::string_view source, const object& obj, std::string_view key,
                                  std::string_view path) {
  SR_ASSIGN_OR_RETURN(double v, NumberInString(source, obj, key, path));
  if (v != std::floor(v) || v < 0 || v > 2147483647.0) {
    return JsonError(source, path, StrCat("not a non-negative integer: ", v));
  }
  return static_cast<int64_t>(v);
}

// Reads a JSON array of numbers into `out`, requiring exactly `want` entries.
template <typename T>
Status NumberArray(std::string_view source, const object& obj, std::string_view key,
                   const std::string& path, size_t want, std::vector<T>& out) {
  SR_ASSIGN_OR_RETURN(array a, ArrayField(source, obj, key, path));
  out.clear();
  out.reserve(want);
  for (element e : a) {
    if constexpr (std::is_floating_point_v<T>) {
      double d;
      if (e.get_double().get(d) != simdjson::SUCCESS) {
        return JsonError(source, path, StrCat("entry ", out.size(), " is not a number"));
      }
      out.push_back(static_cast<T>(d));
    } else {
      int64_t i;
      if (e.get_int64().get(i) != simdjson::SUCCESS) {
        // default_left may be written as booleans by other versions.
        bool b;
        if (e.get_bool().get(b) != simdjson::SUCCESS) {
          return JsonError(source, path, StrCat("entry ", out.size(), " is not an integer"));
        }
        i = b ? 1 : 0;
      }
      out.push_back(static_cast<T>(i));
    }
  }
  if (out.size() != want) {
    return JsonError(source, path,
                     StrCat("has ", out.size(), " entries, tree_param.num_nodes says ", want));
  }
  return absl::OkStatus();
}

// Appends one XGBoost tree to `nodes` in breadth-first order (children after their parent,
// leaves pointing to themselves) and returns its span. Unreachable (deleted) nodes are
// dropped; a node reached twice (a cycle or a shared child) is an error.
StatusOr<TreeSpan> AppendTree(std::string_view source, const object& tree, size_t t,
                              size_t num_features, std::vector<TreeNode>& nodes) {
  const std::string p = StrCat("learner.gradient_booster.model.trees[", t, "]");
  SR_ASSIGN_OR_RETURN(object param, ObjectField(source, tree, "tree_param", p + ".tree_param"));
  SR_ASSIGN_OR_RETURN(int64_t n,
                      IntegerInString(source, param, "num_nodes", p + ".tree_param.num_nodes"));
  SR_ASSIGN_OR_RETURN(int64_t leaf_vec, IntegerInString(source, param, "size_leaf_vector",
                                                        p + ".tree_param.size_leaf_vector"));
  if (leaf_vec != 0) {
    return JsonError(source, p + ".tree_param.size_leaf_vector", "vector leaves unsupported");
  }
  if (n < 1) return JsonError(source, p + ".tree_param.num_nodes", "must be at least 1");
  const size_t num = static_cast<size_t>(n);
  std::vector<int64_t> left, right, split_index, split_type, default_left;
  std::vector<float> cond;
  SR_RETURN_IF_ERROR(NumberArray(source, tree, "left_children", p + ".left_children", num, left));
  SR_RETURN_IF_ERROR(
      NumberArray(source, tree, "right_children", p + ".right_children", num, right));
  SR_RETURN_IF_ERROR(
      NumberArray(source, tree, "split_indices", p + ".split_indices", num, split_index));
  SR_RETURN_IF_ERROR(
      NumberArray(source, tree, "split_conditions", p + ".split_conditions", num, cond));
  SR_RETURN_IF_ERROR(
      NumberArray(source, tree, "default_left", p + ".default_left", num, default_left));
  // split_type is absent in models older than 1.6; all splits are numerical there.
  element st;
  if (tree.at_key("split_type").get(st) == simdjson::SUCCESS) {
    SR_RETURN_IF_ERROR(NumberArray(source, tree, "split_type", p + ".split_type", num, split_type));
  }

  const uint32_t base = static_cast<uint32_t>(nodes.size());
  if (nodes.size() + num > std::numeric_limits<uint32_t>::max() / 2) {
    return JsonError(source, p, "too many nodes in the ensemble");
  }
  // order[k] = XGBoost node id of our k-th node; depth_of[k] its depth.
  std::vector<int64_t> order = {0};
  std::vector<uint32_t> depth_of = {0};
  std::vector<char> seen(num, 0);
  seen[0] = 1;
  uint32_t depth = 0;
  for (size_t k = 0; k < order.size(); ++k) {
    const size_t id = static_cast<size_t>(order[k]);
    const std::string at = StrCat(p, " node ", id);
    TreeNode node{};
    const uint32_t self = base + static_cast<uint32_t>(k);
    const bool is_leaf = left[id] == -1;
    if (is_leaf) {
      if (right[id] != -1) return JsonError(source, at, "left child -1 but right child set");
      if (!std::isfinite(cond[id])) return JsonError(source, at, "leaf value is not finite");
      node = {0, cond[id], self, self};
      depth = std::max(depth, depth_of[k]);
    } else {
      if (!split_type.empty() && split_type[id] != 0) {
        return JsonError(source, at, "categorical splits are not supported");
      }
      if (split_index[id] < 0 || static_cast<size_t>(split_index[id]) >= num_features) {
        return JsonError(
            source, at,
            StrCat("split feature ", split_index[id], " outside [0, ", num_features, ")"));
      }
      if (std::isnan(cond[id])) return JsonError(source, at, "split threshold is NaN");
      for (int64_t child : {left[id], right[id]}) {
        if (child < 0 || static_cast<size_t>(child) >= num) {
          return JsonError(source, at, StrCat("child ", child, " outside [0, ", num, ")"));
        }
        if (seen[child]) return JsonError(source, at, StrCat("child ", child, " reached twice"));
        seen[child] = 1;
      }
      if (depth_of[k] + 1 > TreeEnsemble::kMaxDepth) {
        return JsonError(source, at,
                         StrCat("tree deeper than ", TreeEnsemble::kMaxDepth, " levels"));
      }
      // Children are appended next to each other, so right == left + 1 in our layout too.
      const uint32_t l = base + static_cast<uint32_t>(order.size());
      node = {static_cast<uint32_t>(split_index[id]) | (default_left[id] ? kDefaultLeftBit : 0),
              cond[id], l, l + 1};
      order.push_back(left[id]);
      order.push_back(right[id]);
      depth_of.push_back(depth_of[k] + 1);
      depth_of.push_back(depth_of[k] + 1);
    }
    nodes.push_back(node);
  }
  return TreeSpan{base, depth};
}

// One step of a walk: the child that `x` (the row) takes at `node`.
// Branch-free on purpose: the direction is data-dependent and unpredictable, so a branch
// would mispredict about every other level. NaN fails `v < value`, so it goes left exactly
// when its default-left bit is set.
inline uint32_t Step(const TreeNode& node, const float* x) {
  const uint32_t fd = node.feature_and_default_left;
  const float v = x[fd & kFeatureMask];
  const uint32_t go_left =
      static_cast<uint32_t>(v < node.value) | (static_cast<uint32_t>(v != v) & (fd >> 31));
  return node.right + ((node.left - node.right) & (0u - go_left));
}

// Same as XGBoost's common::Sigmoid (1.7), so probabilities match to the bit.
inline float Sigmoid(float x) {
  constexpr float kEps = 1e-16f;
  const float e = std::exp(std::min(-x, 88.7f));
  return 1.0f / (e + 1.0f + kEps);
}

}  // namespace

std::string_view TreeObjectiveName(TreeObjective objective) {
  switch (objective) {
    case TreeObjective::kBinaryLogistic:
      return "binary:logistic";
    case TreeObjective::kRankPairwise:
      return "rank:pairwise";
    case TreeObjective::kRankNdcg:
      return "rank:ndcg";
  }
  return "unknown";
}

TreeEnsemble::~TreeEnsemble() = default;

StatusOr<TreeEnsemble> TreeEnsemble::FromXGBoostJson(std::string_view json,
                                                     std::string_view source) {
  simdjson::dom::parser parser;
  element root;
  if (auto err = parser.parse(json.data(), json.size()).get(root); err != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(
        StrCat(source, ": XGBoost JSON model is not valid JSON: ", simdjson::error_message(err)));
  }
  object top;
  if (root.get_object().get(top) != simdjson::SUCCESS) {
    return JsonError(source, "(root)", "not an object");
  }
  SR_ASSIGN_OR_RETURN(object learner, ObjectField(source, top, "learner", "learner"));

  TreeEnsemble ens;
  SR_ASSIGN_OR_RETURN(object obj_param,
                      ObjectField(source, learner, "objective", "learner.objective"));
  SR_ASSIGN_OR_RETURN(std::string_view obj_name,
                      StringField(source, obj_param, "name", "learner.objective.name"));
  if (obj_name == "binary:logistic") {
    ens.objective_ = TreeObjective::kBinaryLogistic;
  } else if (obj_name == "rank:pairwise") {
    ens.objective_ = TreeObjective::kRankPairwise;
  } else if (obj_name == "rank:ndcg") {
    ens.objective_ = TreeObjective::kRankNdcg;
  } else {
    return JsonError(source, "learner.objective.name",
                     StrCat("objective \"", obj_name,
                            "\" unsupported (binary:logistic, rank:pairwise, rank:ndcg)"));
  }

  SR_ASSIGN_OR_RETURN(object mparam, ObjectField(source, learner, "learner_model_param",
                                                 "learner.learner_model_param"));
  SR_ASSIGN_OR_RETURN(
      int64_t num_feature,
      IntegerInString(source, mparam, "num_feature", "learner.learner_model_param.num_feature"));
  if (num_feature < 1) {
    return JsonError(source, "learner.learner_model_param.num_feature", "must be at least 1");
  }
  ens.num_features_ = static_cast<size_t>(num_feature);
  SR_ASSIGN_OR_RETURN(int64_t num_class, IntegerInString(source, mparam, "num_class",
                                                         "learner.learner_model_param.num_class"));
  if (num_class > 1) {
    return JsonError(source, "learner.learner_model_param.num_class",
                     StrCat("multi-class models (", num_class, " classes) are not supported"));
  }
  element nt;
  if (mparam.at_key("num_target").get(nt) == simdjson::SUCCESS) {
    SR_ASSIGN_OR_RETURN(
        int64_t num_target,
        IntegerInString(source, mparam, "num_target", "learner.learner_model_param.num_target"));
    if (num_target > 1) {
      return JsonError(source, "learner.learner_model_param.num_target",
                       "multi-target models are not supported");
    }
  }
  SR_ASSIGN_OR_RETURN(double base_score, NumberInString(source, mparam, "base_score",
                                                        "learner.learner_model_param.base_score"));
  if (ens.objective_ == TreeObjective::kBinaryLogistic) {
    // XGBoost stores base_score as a probability and starts from its logit (ProbToMargin,
    // computed in float as XGBoost does).
    if (!(base_score > 0 && base_score < 1)) {
      return JsonError(source, "learner.learner_model_param.base_score",
                       StrCat("must be in (0, 1) for binary:logistic, got ", base_score));
    }
    const float p = static_cast<float>(base_score);
    ens.base_margin_ = -std::log(1.0f / p - 1.0f);
  } else {
    ens.base_margin_ = static_cast<float>(base_score);
  }

  SR_ASSIGN_OR_RETURN(object booster,
                      ObjectField(source, learner, "gradient_booster", "learner.gradient_booster"));
  SR_ASSIGN_OR_RETURN(std::string_view booster_name,
                      StringField(source, booster, "name", "learner.gradient_booster.name"));
  if (booster_name != "gbtree") {
    return JsonError(source, "learner.gradient_booster.name",
                     StrCat("booster \"", booster_name, "\" unsupported (only gbtree)"));
  }
  SR_ASSIGN_OR_RETURN(object model,
                      ObjectField(source, booster, "model", "learner.gradient_booster.model"));
  SR_ASSIGN_OR_RETURN(array trees,
                      ArrayField(source, model, "trees", "learner.gradient_booster.model.trees"));
  SR_ASSIGN_OR_RETURN(array tree_info, ArrayField(source, model, "tree_info",
                                                  "learner.gradient_booster.model.tree_info"));
  for (element g : tree_info) {
    int64_t group;
    if (g.get_int64().get(group) != simdjson::SUCCESS || group != 0) {
      return JsonError(source, "learner.gradient_booster.model.tree_info",
                       "every tree must belong to output group 0");
    }
  }
  if (tree_info.size() != trees.size()) {
    return JsonError(source, "learner.gradient_booster.model.tree_info",
                     StrCat(tree_info.size(), " entries for ", trees.size(), " trees"));
  }

  size_t t = 0;
  for (element te : trees) {
    object tree;
    if (te.get_object().get(tree) != simdjson::SUCCESS) {
      return JsonError(source, StrCat("learner.gradient_booster.model.trees[", t, "]"),
                       "not an object");
    }
    SR_ASSIGN_OR_RETURN(TreeSpan span,
                        AppendTree(source, tree, t, ens.num_features_, ens.owned_nodes_));
    ens.owned_trees_.push_back(span);
    ++t;
  }
  ens.trees_ = ens.owned_trees_;
  ens.nodes_ = ens.owned_nodes_;
  SR_RETURN_IF_ERROR(ens.Validate(source));
  return ens;
}

StatusOr<TreeEnsemble> TreeEnsemble::LoadXGBoostJsonFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(StrCat(path, ": cannot open XGBoost JSON model"));
  std::ostringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) return absl::DataLossError(StrCat(path, ": read failed"));
  return FromXGBoostJson(text.str(), path);
}

StatusOr<TreeEnsemble> TreeEnsemble::FromXGBoostBooster(void* booster) {
  bst_ulong len = 0;
  const char* buf = nullptr;
  if (XGBoosterSaveModelToBuffer(static_cast<BoosterHandle>(booster), R"({"format":"json"})", &len,
                                 &buf) != 0) {
    return absl::InternalError(StrCat("XGBoosterSaveModelToBuffer failed: ", XGBGetLastError()));
  }
  // The buffer belongs to the booster and lives until its next call; parse it right away.
  return FromXGBoostJson(std::string_view(buf, len), "XGBoost booster");
}

Status TreeEnsemble::Validate(std::string_view source) {
  const auto bad = [&](std::string_view what) {
    return absl::DataLossError(StrCat(source, ": tree ensemble: ", what));
  };
  if (num_features_ == 0 || num_features_ > kFeatureMask) return bad("num_features out of range");
  // Trees are contiguous runs in order; within a tree children come after their parent, so
  // walks cannot cycle, and the stored depth must be the real one (the walk runs exactly
  // that many steps and must end on a leaf).
  std::vector<uint32_t> height;
  uint32_t max_depth = 0;
  if (trees_.empty() && !nodes_.empty()) return bad("nodes without trees");
  for (size_t t = 0; t < trees_.size(); ++t) {
    const uint32_t begin = trees_[t].root;
    const uint32_t end =
        t + 1 < trees_.size() ? trees_[t + 1].root : static_cast<uint32_t>(nodes_.size());
    if (t == 0 && begin != 0) return bad("first tree does not start at node 0");
    if (end <= begin || end > nodes_.size()) return bad(StrCat("tree ", t, ": bad node range"));
    height.assign(end - begin, 0);
    for (uint32_t i = end; i-- > begin;) {
      const TreeNode& n = nodes_[i];
      const uint32_t feature = n.feature_and_default_left & kFeatureMask;
      if (feature >= num_features_) return bad(StrCat("node ", i, ": feature out of range"));
      if (n.left == i && n.right == i) continue;  // leaf
      if (n.left <= i || n.right <= i || n.left >= end || n.right >= end) {
        return bad(StrCat("node ", i, ": children outside its tree"));
      }
      height[i - begin] = 1 + std::max(height[n.left - begin], height[n.right - begin]);
    }
    if (height[0] != trees_[t].depth || trees_[t].depth > kMaxDepth) {
      return bad(StrCat("tree ", t, ": depth ", trees_[t].depth, " but walks need ", height[0]));
    }
    max_depth = std::max(max_depth, height[0]);
  }
  max_depth_ = max_depth;
  BuildPerfectLayout();
  return absl::OkStatus();
}

void TreeEnsemble::BuildPerfectLayout() {
  perfect_trees_.clear();
  perfect_nodes_.clear();
  perfect_leaves_.clear();
  if (max_depth_ > kMaxPerfectDepth) return;
  for (const TreeNode& n : nodes_) {
    if (n.left != n.right && !std::isfinite(n.value)) return;  // kept exact: see PerfectNode
  }
  const uint32_t f = static_cast<uint32_t>(num_features_);
  const float kAlwaysLeft = std::numeric_limits<float>::quiet_NaN();
  for (const TreeSpan& t : trees_) {
    const uint32_t d = t.depth;
    const PerfectTree pt{static_cast<uint32_t>(perfect_nodes_.size()),
                         static_cast<uint32_t>(perfect_leaves_.size()), d};
    perfect_nodes_.resize(perfect_nodes_.size() + (size_t{1} << d) - 1, {0, kAlwaysLeft});
    perfect_leaves_.resize(perfect_leaves_.size() + (size_t{1} << d), 0.0f);
    // (our node, heap position, level): a leaf above the last level lands on the leftmost
    // leaf below it, which the always-left padding reaches.
    struct At {
      uint32_t node, pos, level;
    };
    std::vector<At> stack = {{t.root, 0, 0}};
    while (!stack.empty()) {
      const At a = stack.back();
      stack.pop_back();
      const TreeNode& n = nodes_[a.node];
      if (n.left == a.node && n.right == a.node) {
        const size_t first_leaf = ((size_t{a.pos} + 1) << (d - a.level)) - 1;
        perfect_leaves_[pt.leaves + first_leaf - ((size_t{1} << d) - 1)] = n.value;
        continue;
      }
      const uint32_t feature = n.feature_and_default_left & kFeatureMask;
      const bool default_left = (n.feature_and_default_left & kDefaultLeftBit) != 0;
      perfect_nodes_[pt.nodes + a.pos] = {feature + (default_left ? 0 : f), n.value};
      stack.push_back({n.left, 2 * a.pos + 1, a.level + 1});
      stack.push_back({n.right, 2 * a.pos + 2, a.level + 1});
    }
    perfect_trees_.push_back(pt);
  }
}

void TreeEnsemble::WalkPerfect(const float* rows, size_t num_rows, float* out) const {
  const size_t f = num_features_;
  // The doubled rows of one block: [NaN as -inf | NaN as +inf] (PerfectNode).
  thread_local std::vector<float> doubled;
  doubled.resize(kBlockRows * 2 * f);
  constexpr float kInf = std::numeric_limits<float>::infinity();
  const PerfectNode* all_nodes = perfect_nodes_.data();
  const float* all_leaves = perfect_leaves_.data();
  for (size_t begin = 0; begin < num_rows; begin += kBlockRows) {
    const size_t n = std::min(kBlockRows, num_rows - begin);
    for (size_t r = 0; r < n; ++r) {
      const float* src = rows + (begin + r) * f;
      float* lo = doubled.data() + r * 2 * f;
      float* hi = lo + f;
      for (size_t j = 0; j < f; ++j) {
        const float v = src[j];
        lo[j] = v != v ? -kInf : v;
        hi[j] = v != v ? kInf : v;
      }
    }
    const float* x = doubled.data();
    const size_t stride = 2 * f;
    float sum[kBlockRows];
    uint32_t at[kBlockRows];
    std::fill_n(sum, kBlockRows, base_margin_);
    for (const PerfectTree& t : perfect_trees_) {
      const PerfectNode* nodes = all_nodes + t.nodes;
      std::fill_n(at, kBlockRows, 0u);
      for (uint32_t d = 0; d < t.depth; ++d) {
        for (size_t r = 0; r < n; ++r) {
          const PerfectNode node = nodes[at[r]];
          at[r] =
              2 * at[r] + 1 + static_cast<uint32_t>(x[r * stride + node.feature] >= node.threshold);
        }
      }
      const float* leaves = all_leaves + t.leaves - ((size_t{1} << t.depth) - 1);
      for (size_t r = 0; r < n; ++r) sum[r] += leaves[at[r]];
    }
    std::copy_n(sum, n, out + begin);
  }
}

Status TreeEnsemble::Save(const std::string& path) const {
  TreesHeader h{};
  h.objective = static_cast<uint32_t>(objective_);
  h.base_margin = base_margin_;
  h.num_features = static_cast<uint32_t>(num_features_);
  h.num_trees = static_cast<uint32_t>(trees_.size());
  h.num_nodes = static_cast<uint32_t>(nodes_.size());
  h.max_depth = max_depth_;
  ArtifactWriter w(kTreeEnsembleKind, kTreeEnsembleVersion);
  w.Add("header", std::span<const TreesHeader>(&h, 1));
  w.Add("trees", trees_);
  w.Add("nodes", nodes_);
  w.AddText("meta", StrCat(R"({"objective":")", TreeObjectiveName(objective_),
                           R"(","num_features":)", num_features_, R"(,"num_trees":)", trees_.size(),
                           R"(,"num_nodes":)", nodes_.size(), R"(,"max_depth":)", max_depth_, "}"));
  return w.Write(path);
}

StatusOr<TreeEnsemble> TreeEnsemble::Open(const std::string& path) {
  SR_ASSIGN_OR_RETURN(Artifact a, Artifact::Open(path, kTreeEnsembleKind, kTreeEnsembleVersion));
  SR_ASSIGN_OR_RETURN(auto header, a.Get<TreesHeader>("header"));
  SR_ASSIGN_OR_RETURN(auto trees, a.Get<TreeSpan>("trees"));
  SR_ASSIGN_OR_RETURN(auto nodes, a.Get<TreeNode>("nodes"));
  if (header.size() != 1) return absl::DataLossError(StrCat(path, ": header section size"));
  const TreesHeader& h = header[0];
  if (h.objective > static_cast<uint32_t>(TreeObjective::kRankNdcg)) {
    return absl::DataLossError(StrCat(path, ": unknown objective ", h.objective));
  }
  if (h.num_trees != trees.size() || h.num_nodes != nodes.size()) {
    return absl::DataLossError(StrCat(path, ": header counts disagree with the sections"));
  }
  TreeEnsemble ens;
  ens.objective_ = static_cast<TreeObjective>(h.objective);
  ens.base_margin_ = h.base_margin;
  ens.num_features_ = h.num_features;
  ens.trees_ = trees;
  ens.nodes_ = nodes;
  ens.artifact_ = std::make_unique<Artifact>(std::move(a));
  SR_RETURN_IF_ERROR(ens.Validate(path));
  return ens;
}

Status TreeEnsemble::Predict(std::span<const float> rows, size_t num_rows, size_t num_features,
                             std::span<float> out) const {
  SR_RETURN_IF_ERROR(PredictMargin(rows, num_rows, num_features, out));
  if (objective_ == TreeObjective::kBinaryLogistic) {
    for (size_t r = 0; r < num_rows; ++r) out[r] = Sigmoid(out[r]);
  }
  return absl::OkStatus();
}

Status TreeEnsemble::PredictMarginWith(TreeWalk walk, std::span<const float> rows, size_t num_rows,
                                       size_t num_features, std::span<float> out) const {
  if (num_features != num_features_) {
    return absl::InvalidArgumentError(
        StrCat("tree ensemble expects ", num_features_, " features per row, got ", num_features));
  }
  if (rows.size() != num_rows * num_features) {
    return absl::InvalidArgumentError(
        StrCat("rows hold ", rows.size(), " floats, expected ", num_rows, " x ", num_features));
  }
  if (out.size() < num_rows) {
    return absl::InvalidArgumentError(
        StrCat("output has room for ", out.size(), " rows, need ", num_rows));
  }
  const TreeNode* nodes = nodes_.data();
  const float* x = rows.data();
  if (walk == TreeWalk::kPerfect && has_perfect_layout()) {
    WalkPerfect(x, num_rows, out.data());
    return absl::OkStatus();
  }
  if (walk == TreeWalk::kRowByRow) {
    for (size_t r = 0; r < num_rows; ++r) {
      const float* row = x + r * num_features;
      float sum = base_margin_;
      for (const TreeSpan& t : trees_) {
        uint32_t i = t.root;
        for (uint32_t d = 0; d < t.depth; ++d) i = Step(nodes[i], row);
        sum += nodes[i].value;
      }
      out[r] = sum;
    }
    return absl::OkStatus();
  }
  // Blocked: per block of rows, every tree walks all rows level by level. The per-row walks
  // are independent, so their loads overlap instead of forming one long dependency chain.
  for (size_t begin = 0; begin < num_rows; begin += kBlockRows) {
    const size_t n = std::min(kBlockRows, num_rows - begin);
    const float* block = x + begin * num_features;
    float sum[kBlockRows];
    uint32_t at[kBlockRows];
    std::fill_n(sum, kBlockRows, base_margin_);
    for (const TreeSpan& t : trees_) {
      std::fill_n(at, kBlockRows, t.root);
      for (uint32_t d = 0; d < t.depth; ++d) {
        for (size_t r = 0; r < n; ++r) at[r] = Step(nodes[at[r]], block + r * num_features);
      }
      for (size_t r = 0; r < n; ++r) sum[r] += nodes[at[r]].value;
    }
    std::copy_n(sum, n, out.begin() + static_cast<std::ptrdiff_t>(begin));
  }
  return absl::OkStatus();
}

}  // namespace sessionrec
