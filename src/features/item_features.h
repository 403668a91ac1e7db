// Item feature family: per-item statistics of the training log that do not depend on the
// session, precomputed once at training time (DESIGN.md §6) and stored in the model
// directory as artifact kind "ITEMFEAT" (item_features.bin):
//
//   shape     uint32[2]      {num_items, num_features}
//   values    float[I * F]   row-major, row = dense item index of the model
//   meta      text           JSON: {"names": [...], "max_ts": ..., "window_hours": [...]}
//
// Columns (docs/features.md): event counts per type over all time and over three windows
// counted back from the newest training event (log1p), distinct sessions, trends, cart
// and order rates, hours since the item's last and first event. Immutable; thread-safe.
#pragma once

#include <array>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "data/event_store.h"
#include "io/artifact.h"

namespace sessionrec {

inline constexpr char kItemFeaturesKind[] = "ITEMFEAT";
inline constexpr uint32_t kItemFeaturesVersion = 1;
inline constexpr char kItemFeaturesFile[] = "item_features.bin";

struct ItemFeatureParams {
  // Popularity windows in hours before the newest training event (short, medium, long).
  std::array<double, 3> window_hours = {1.0, 24.0, 168.0};
};

class ItemFeatureTable {
 public:
  ItemFeatureTable() = default;

  // The column names, in order (fixed: the windows are named h1/d1/d7 by position).
  static std::vector<std::string> Names();
  static size_t NumFeatures();

  // Counts over every event of `store`; rows are the store's dense item indices.
  static ItemFeatureTable Build(const EventStore& store, const ItemFeatureParams& params);

  size_t num_items() const { return num_items_; }
  size_t num_features() const { return num_features_; }
  // The features of item i (num_features() floats); empty for i >= num_items().
  std::span<const float> Row(ItemIndex i) const {
    if (i >= num_items_) return {};
    return values_.subspan(size_t{i} * num_features_, num_features_);
  }

  Status Save(const std::string& path) const;
  // Maps and validates (shape against the section size and NumFeatures()).
  static StatusOr<ItemFeatureTable> Open(const std::string& path);

 private:
  std::shared_ptr<std::vector<float>> owned_;
  std::shared_ptr<Artifact> mapped_;
  std::span<const float> values_;
  size_t num_items_ = 0;
  size_t num_features_ = 0;
  std::string meta_ = "{}";
};

}  // namespace sessionrec
