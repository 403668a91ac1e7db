// Nearest-neighbour search over the item vectors by cosine (inner product of unit rows).
//
// Two methods behind one interface: exact brute force (tests and catalogues with fewer
// than NeighborParams::exact_below vectors) and an hnswlib 0.6.2 HNSW graph
// (InnerProductSpace). The graph is saved as artifact kind "ANNIDX" (section "hnsw" holds
// hnswlib's saveIndex bytes, so the container's CRC covers it) and loaded instead of
// rebuilt: rebuilding costs minutes at OTTO scale (docs/embeddings.md).
//
// The index keeps a reference to the EmbeddingTable it was built or loaded with: the table
// must outlive it. Search is const and thread-safe (hnswlib searches are read-only).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "embed/embed_params.h"
#include "embed/embedding_table.h"

namespace sessionrec {

inline constexpr char kAnnIndexKind[] = "ANNIDX";
inline constexpr uint32_t kAnnIndexVersion = 1;

// An item and its cosine similarity to the query.
struct ScoredItem {
  ItemIndex item;
  float sim;
};

class ItemAnnIndex {
 public:
  ~ItemAnnIndex();
  ItemAnnIndex(const ItemAnnIndex&) = delete;
  ItemAnnIndex& operator=(const ItemAnnIndex&) = delete;

  // Exact when table.num_with_vector() < params.exact_below or `force_exact`, else HNSW
  // built with `threads` threads and `seed` (a pure function of table, params and seed
  // with one thread; with more, the graph depends on the thread timing).
  static std::unique_ptr<ItemAnnIndex> Build(const EmbeddingTable& table,
                                             const NeighborParams& params, int threads,
                                             uint64_t seed, bool force_exact = false);
  // Loads an index saved by Save for this very table (checks dimension and item count).
  static StatusOr<std::unique_ptr<ItemAnnIndex>> Load(const std::string& path,
                                                      const EmbeddingTable& table,
                                                      const NeighborParams& params);
  // Saves the HNSW graph; an error for exact indexes (they have nothing to save).
  Status Save(const std::string& path) const;

  bool exact() const;
  // Up to k items with a vector, most similar to `query` (table.dim() floats) first; ties
  // broken by lower index for exact search. `out` is cleared first.
  void Search(std::span<const float> query, size_t k, std::vector<ScoredItem>& out) const;

 private:
  struct Impl;
  explicit ItemAnnIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sessionrec
