// Item embeddings (artifact kind "EMBED", docs/embeddings.md):
//
//   shape       uint32[2]        {dim, num_items}
//   item_ids    uint64[I]        dense index -> external aid (the training item table)
//   has_vector  uint8[I]         1 if the item has a vector, else 0
//   vectors     float[I * dim]   row i = item i's vector, L2-normalised; all zeros when
//                                has_vector[i] == 0
//   meta        text             JSON: trainer parameters and statistics
//
// Rows are indexed by the dense item index of the training event store. Items never seen
// in training, below min_count, or only in sessions with no other item have no vector.
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

inline constexpr char kEmbedKind[] = "EMBED";
inline constexpr uint32_t kEmbedVersion = 1;

class EmbeddingTable {
 public:
  EmbeddingTable() = default;
  // Takes raw rows (num_items x dim, row-major) and normalises every row whose has_vector
  // flag is set to unit L2 length; rows without a flag are zeroed. A flagged row of zero
  // (or non-finite) length loses its flag. Sizes must agree (SR_CHECK).
  EmbeddingTable(int dim, std::vector<ItemId> item_ids, std::vector<float> vectors,
                 std::vector<uint8_t> has_vector, std::string meta = "{}");

  int dim() const { return dim_; }
  size_t num_items() const { return item_ids_.size(); }
  size_t num_with_vector() const { return num_with_vector_; }
  std::span<const ItemId> item_ids() const { return item_ids_; }
  bool HasVector(ItemIndex i) const { return i < has_vector_.size() && has_vector_[i] != 0; }
  // Item i's unit vector (dim() floats), or an empty span when it has none.
  std::span<const float> Row(ItemIndex i) const {
    if (!HasVector(i)) return {};
    return vectors_.subspan(size_t{i} * dim_, dim_);
  }
  // All rows, row-major; rows without a vector are zeros.
  std::span<const float> vectors() const { return vectors_; }
  // out[i] = Dot(q, row of items[i]) for every i: the same floats Dot gives (0 for an item
  // without a vector). q has dim() floats, out items.size(); every item < num_items()
  // (SR_CHECK). Rows are scored four at a time with the next rows prefetched: for scoring
  // a pool of items against one vector (rows scattered in memory, so the loads dominate).
  void DotRows(std::span<const float> q, std::span<const ItemIndex> items,
               std::span<float> out) const;
  const std::string& meta() const { return meta_; }
  // Replaces the meta text (written by Save); the rows stay as they are.
  void set_meta(std::string meta) { meta_ = std::move(meta); }

  Status Save(const std::string& path) const;
  // Maps and validates: shape consistent, flags 0/1, flagged rows finite with unit length
  // (|norm - 1| <= 1e-3), other rows zero.
  static StatusOr<EmbeddingTable> Open(const std::string& path);

 private:
  struct Owned {
    std::vector<ItemId> item_ids;
    std::vector<uint8_t> has_vector;
    std::vector<float> vectors;
  };
  std::shared_ptr<Owned> owned_;
  std::shared_ptr<Artifact> mapped_;
  int dim_ = 0;
  size_t num_with_vector_ = 0;
  std::span<const ItemId> item_ids_;
  std::span<const uint8_t> has_vector_;
  std::span<const float> vectors_;
  std::string meta_ = "{}";
};

// Dot product of two rows of equal length (cosine for unit rows). Summed in 8 lanes (k mod
// 8) then folded in a fixed order, so the result does not depend on the vector unit, and
// EmbeddingTable::DotRows gives the same floats.
float Dot(std::span<const float> a, std::span<const float> b);

}  // namespace sessionrec
