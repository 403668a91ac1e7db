// TreeEnsemble: our own compact layout of a gradient-boosted tree ensemble, built from an
// XGBoost 1.7 model and used to score candidates at serving time (docs/rankers.md,
// "Inference").
//
// Supported models: booster "gbtree" with numerical splits, a single output (num_class 0
// or 1, num_target 1, no leaf vectors), objectives binary:logistic (Predict applies the
// sigmoid) and rank:pairwise / rank:ndcg (Predict returns the raw margin). Anything else
// (dart, gblinear, categorical splits, multi-class, other objectives) is rejected with an
// error naming the JSON field.
//
// Semantics match XGBoosterPredictFromDense with missing = NaN: a node sends a row left when
// x[feature] < threshold (float comparison), NaN follows the node's default direction, and
// the margin is base_margin plus the leaf values summed in float in tree order (so scores
// agree with XGBoost to the last bit or within an ulp of the sigmoid).
//
// Layout: every tree is a run of 16-byte nodes in breadth-first order; a leaf points to
// itself, so a walk of exactly depth(tree) steps ends on the leaf from any root path, with
// no leaf test in the loop. Rows are scored in blocks of kBlockRows: each tree walks all
// rows of a block in lockstep (independent load chains the CPU overlaps) while the tree
// stays in L1.
//
// Ownership and threads: a TreeEnsemble is immutable after construction; it owns its nodes
// (built from JSON) or maps them from an artifact (Open), and derives the perfect layout
// (TreeWalk::kPerfect) from them at load. All Predict* methods are const and thread-safe;
// kPerfect keeps a thread_local row buffer (allocated once per thread, then reused).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "io/artifact.h"

namespace sessionrec {

// The artifact kind and version written by TreeEnsemble::Save.
inline constexpr std::string_view kTreeEnsembleKind = "TREES";
inline constexpr uint32_t kTreeEnsembleVersion = 1;

enum class TreeObjective : uint32_t {
  kBinaryLogistic = 0,  // binary:logistic; Predict = sigmoid(margin)
  kRankPairwise = 1,    // rank:pairwise; Predict = margin
  kRankNdcg = 2,        // rank:ndcg; Predict = margin
};

// XGBoost's objective name for `objective` ("binary:logistic", ...).
std::string_view TreeObjectiveName(TreeObjective objective);

// One node of the layout (16 bytes, stored as is in the artifact).
struct TreeNode {
  // Bits 0..30: feature index; bit 31: missing values (NaN) go left. 0 for leaves.
  uint32_t feature_and_default_left;
  // Split threshold (x < value goes left) for an inner node; the leaf value for a leaf.
  float value;
  // Absolute node indices into the ensemble's node array; both equal the node itself for
  // a leaf.
  uint32_t left;
  uint32_t right;
};
static_assert(sizeof(TreeNode) == 16);

// Where each tree lives in the node array (stored as is in the artifact).
struct TreeSpan {
  uint32_t root;   // absolute index of the root node
  uint32_t depth;  // number of edges on the longest root-to-leaf path
};
static_assert(sizeof(TreeSpan) == 8);

// How rows walk the trees; PredictMargin uses kPerfect when the ensemble has that layout
// (has_perfect_layout()), else kBlocked. The others exist for the benchmark and the tests.
enum class TreeWalk {
  kRowByRow,  // for each row, for each tree: walk to the leaf
  kBlocked,   // for each block of kBlockRows rows, for each tree: walk the rows in lockstep
  // As kBlocked, over the perfect layout: every tree padded to a complete binary tree of
  // its depth, 8-byte nodes in heap order (children of i at 2i+1, 2i+2: no child indices
  // to load) and its leaves in a separate array; NaN is resolved before the walk (see
  // PerfectNode), so a step is one comparison. Falls back to kBlocked without the layout.
  kPerfect,
};

// A node of the perfect layout. `feature` indexes a doubled row [x with NaN as -inf |
// x with NaN as +inf]: the first half for default-left nodes, the second for default-right
// ones, so `x >= threshold` goes right exactly as XGBoost's `!(x < threshold)` with its
// default direction for NaN. Padding below a shallow leaf has threshold NaN (always left).
struct PerfectNode {
  uint32_t feature;
  float threshold;
};
static_assert(sizeof(PerfectNode) == 8);

class TreeEnsemble {
 public:
  // Rows per block in TreeWalk::kBlocked.
  static constexpr size_t kBlockRows = 32;
  // Deeper trees are rejected (XGBoost's own limit is far above what serving can afford).
  static constexpr uint32_t kMaxDepth = 32;
  // The perfect layout (TreeWalk::kPerfect) is built when every tree is at most this deep
  // (a depth-d tree takes 2^d - 1 nodes and 2^d leaves) and every threshold is finite.
  static constexpr uint32_t kMaxPerfectDepth = 10;

  // Parses an XGBoost JSON model (XGBoosterSaveModelToBuffer with {"format":"json"}, or a
  // saved .json file). `source` names the input in error messages (a path or "buffer").
  static StatusOr<TreeEnsemble> FromXGBoostJson(std::string_view json, std::string_view source);
  // Reads and parses an XGBoost JSON model file.
  static StatusOr<TreeEnsemble> LoadXGBoostJsonFile(const std::string& path);
  // Serialises `booster` (an XGBoost BoosterHandle) to JSON and parses it.
  static StatusOr<TreeEnsemble> FromXGBoostBooster(void* booster);

  // Writes the ensemble as an artifact of kind "TREES" (sections "header", "trees",
  // "nodes"; see docs/artifacts.md).
  Status Save(const std::string& path) const;
  // Memory-maps and validates an artifact written by Save (bounds of every index, depths,
  // no cycles), so a corrupt file is an error and never an out-of-bounds walk.
  static StatusOr<TreeEnsemble> Open(const std::string& path);

  TreeEnsemble(TreeEnsemble&&) noexcept = default;
  TreeEnsemble& operator=(TreeEnsemble&&) noexcept = default;
  ~TreeEnsemble();

  // Raw margins for `num_rows` row-major rows of `num_features` floats (NaN = missing) into
  // out[0..num_rows). Errors: num_features != this->num_features(), rows.size() !=
  // num_rows * num_features, out.size() < num_rows. Every walk gives the same bits.
  Status PredictMargin(std::span<const float> rows, size_t num_rows, size_t num_features,
                       std::span<float> out) const {
    return PredictMarginWith(TreeWalk::kPerfect, rows, num_rows, num_features, out);
  }
  // The objective's output: sigmoid(margin) for binary:logistic, the margin for ranking.
  Status Predict(std::span<const float> rows, size_t num_rows, size_t num_features,
                 std::span<float> out) const;
  // PredictMargin with an explicit walk order (the benchmark compares them).
  Status PredictMarginWith(TreeWalk walk, std::span<const float> rows, size_t num_rows,
                           size_t num_features, std::span<float> out) const;

  size_t num_features() const { return num_features_; }
  size_t num_trees() const { return trees_.size(); }
  size_t num_nodes() const { return nodes_.size(); }
  uint32_t max_depth() const { return max_depth_; }
  TreeObjective objective() const { return objective_; }
  // True when TreeWalk::kPerfect has its layout (see kMaxPerfectDepth).
  bool has_perfect_layout() const { return !perfect_trees_.empty() || trees_.empty(); }
  // base_score in margin space (logit of XGBoost's base_score for binary:logistic).
  float base_margin() const { return base_margin_; }

 private:
  TreeEnsemble() = default;
  // Checks trees_/nodes_ (indices, depths, self-looping leaves) and sets max_depth_; then
  // builds the perfect layout when the trees allow it.
  Status Validate(std::string_view source);
  void BuildPerfectLayout();
  void WalkPerfect(const float* rows, size_t num_rows, float* out) const;

  // One tree of the perfect layout.
  struct PerfectTree {
    uint32_t nodes;   // first node in perfect_nodes_ (2^depth - 1 of them)
    uint32_t leaves;  // first leaf in perfect_leaves_ (2^depth of them)
    uint32_t depth;
  };

  TreeObjective objective_ = TreeObjective::kBinaryLogistic;
  float base_margin_ = 0;
  size_t num_features_ = 0;
  uint32_t max_depth_ = 0;
  // Views of either owned_nodes_/owned_trees_ or the mapped artifact.
  std::span<const TreeSpan> trees_;
  std::span<const TreeNode> nodes_;
  std::vector<TreeSpan> owned_trees_;
  std::vector<TreeNode> owned_nodes_;
  std::unique_ptr<Artifact> artifact_;
  // The perfect layout (empty when the trees do not allow it), built from nodes_.
  std::vector<PerfectTree> perfect_trees_;
  std::vector<PerfectNode> perfect_nodes_;
  std::vector<float> perfect_leaves_;
};

}  // namespace sessionrec
