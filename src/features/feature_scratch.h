// Per-thread working memory of the feature families (features/feature_builder.h): an
// item -> candidate-row map over the catalogue and small per-session buffers. Not
// thread-safe; one per thread. After warm-up, building features allocates nothing.
#pragma once

#include <cstdint>
#include <vector>

#include "core/types.h"

namespace sessionrec {

// A column block of the row-major feature matrix: out[r * stride + j] is feature j of
// candidate row r in this family's block.
struct FeatureBlock {
  float* out;
  size_t stride;
  float& at(size_t r, size_t j) const { return out[r * stride + j]; }
};

struct FeatureScratch {
  // slot[item] = candidate row, UINT32_MAX when the item is not a candidate. Grown to the
  // catalogue size on first use and reset to UINT32_MAX after every call.
  std::vector<uint32_t> slot;
  std::vector<float> session_embedding;
  std::vector<ItemIndex> recent;  // distinct recent items (embedding family)
  // The session's categories (category family): one entry per distinct category.
  struct SessionCategory {
    uint32_t category;
    uint32_t events;  // events in the category
    uint32_t newest;  // position of the newest event in it
    float weight;     // Σ EventWeight over its counted events
    uint32_t rank;    // 1 = the largest weight
  };
  std::vector<SessionCategory> categories;

  void EnsureCatalogue(size_t num_items) {
    if (slot.size() < num_items) slot.resize(num_items, UINT32_MAX);
  }
};

}  // namespace sessionrec
