// Per-item nearest neighbours by cosine of the item vectors, precomputed at train time so
// serving does no index search for them (artifact kind "NEIGHB", docs/embeddings.md):
//
//   offsets    uint64[I+1]  row r holds entries offsets[r] .. offsets[r+1)-1
//   neighbors  uint32[N]    dense item index, by similarity descending (ties: lower index)
//   sims       float[N]     cosine similarity in [-1, 1]
//   meta       text         JSON: parameters, method (exact or hnsw), statistics
//
// Same CSR shape as the co-visitation matrices; rows of items without a vector are empty;
// a row never contains its own item. Immutable; safe to read from many threads.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "embed/embed_params.h"
#include "embed/embedding_table.h"
#include "io/artifact.h"

namespace sessionrec {

inline constexpr char kNeighborsKind[] = "NEIGHB";
inline constexpr uint32_t kNeighborsVersion = 1;

class ItemAnnIndex;

class ItemNeighbors {
 public:
  ItemNeighbors() = default;
  // Takes ownership of CSR columns built in memory.
  ItemNeighbors(std::vector<uint64_t> offsets, std::vector<ItemIndex> neighbors,
                std::vector<float> sims, std::string meta = "{}");

  // Top params.k neighbours of every item with a vector, searched in `index` (exact or
  // hnsw; see ItemAnnIndex). Parallel over items with `threads` threads.
  static ItemNeighbors Build(const EmbeddingTable& table, const ItemAnnIndex& index,
                             const NeighborParams& params, int threads);

  size_t num_rows() const { return offsets_.empty() ? 0 : offsets_.size() - 1; }
  size_t num_entries() const { return neighbors_.size(); }
  // Row r's neighbours (best first) and their similarities; empty for r >= num_rows().
  std::span<const ItemIndex> Neighbors(ItemIndex r) const {
    if (r >= num_rows()) return {};
    return neighbors_.subspan(offsets_[r], offsets_[r + 1] - offsets_[r]);
  }
  std::span<const float> Sims(ItemIndex r) const {
    if (r >= num_rows()) return {};
    return sims_.subspan(offsets_[r], offsets_[r + 1] - offsets_[r]);
  }
  const std::string& meta() const { return meta_; }

  Status Save(const std::string& path) const;
  // Maps and validates (offsets monotone and ending at N, neighbours < num_rows and not the
  // row itself, sims finite in [-1.001, 1.001] and non-increasing within a row).
  static StatusOr<ItemNeighbors> Open(const std::string& path);

 private:
  struct Owned {
    std::vector<uint64_t> offsets;
    std::vector<ItemIndex> neighbors;
    std::vector<float> sims;
  };
  std::shared_ptr<Owned> owned_;
  std::shared_ptr<Artifact> mapped_;
  std::span<const uint64_t> offsets_;
  std::span<const ItemIndex> neighbors_;
  std::span<const float> sims_;
  std::string meta_ = "{}";
};

}  // namespace sessionrec
