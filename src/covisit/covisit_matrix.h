// A co-visitation matrix in CSR form (artifact kind "COVISIT", docs/artifacts.md):
//
//   offsets   uint64[I+1]  row r holds entries offsets[r] .. offsets[r+1)-1
//   neighbors uint32[N]    dense item index of each entry, sorted by weight descending
//   weights   float[N]     co-visitation weight of each entry
//   meta      text         JSON: matrix name and build parameters
//
// Rows are dense item indices of the training item table (items.bin / the event store).
// Immutable once built or opened; safe to read from many threads.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "io/artifact.h"

namespace sessionrec {

inline constexpr char kCovisitKind[] = "COVISIT";
inline constexpr uint32_t kCovisitVersion = 1;

class CovisitMatrix {
 public:
  CovisitMatrix() = default;
  // Takes ownership of CSR columns built in memory.
  CovisitMatrix(std::vector<uint64_t> offsets, std::vector<ItemIndex> neighbors,
                std::vector<float> weights, std::string meta = "{}");

  size_t num_rows() const { return offsets_.empty() ? 0 : offsets_.size() - 1; }
  size_t num_entries() const { return neighbors_.size(); }
  // Row r's neighbours (best first) and their weights; empty for r >= num_rows().
  std::span<const ItemIndex> Neighbors(ItemIndex r) const {
    if (r >= num_rows()) return {};
    return neighbors_.subspan(offsets_[r], offsets_[r + 1] - offsets_[r]);
  }
  std::span<const float> Weights(ItemIndex r) const {
    if (r >= num_rows()) return {};
    return weights_.subspan(offsets_[r], offsets_[r + 1] - offsets_[r]);
  }
  const std::string& meta() const { return meta_; }

  Status Save(const std::string& path) const;
  // Maps and validates (offsets monotone, neighbours < num_rows, weights finite).
  static StatusOr<CovisitMatrix> Open(const std::string& path);

 private:
  struct Owned {
    std::vector<uint64_t> offsets;
    std::vector<ItemIndex> neighbors;
    std::vector<float> weights;
  };
  std::shared_ptr<Owned> owned_;
  std::shared_ptr<Artifact> mapped_;
  std::span<const uint64_t> offsets_;
  std::span<const ItemIndex> neighbors_;
  std::span<const float> weights_;
  std::string meta_ = "{}";
};

}  // namespace sessionrec
