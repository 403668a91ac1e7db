// The weights of the candidate score blend (docs/candidates.md §Merger and blend), by
// source name. Two tables, both set by hand from measured recall (not fitted; the rankers of
// issue 5 replace the blend where a model has them):
//   DefaultBlendWeight   orders the candidate pool of `sessionrec evaluate --candidates`
//                        ("merged_blend", recall@20..200) and Mergers built without weights;
//   ServingBlendWeights  per event type, orders the Recommender's lists when it serves the
//                        blend (measured by `sessionrec evaluate --scorer blend`, Recall@20);
//                        the carts weights (equal to the orders weights) also order the
//                        served Merger's pool, the rankers' candidates (serve/model_bundle.cc).
#pragma once

#include <array>
#include <string_view>

#include "core/types.h"

namespace sessionrec {

// The merged-pool weight of a source (unknown names: 0.1).
float DefaultBlendWeight(std::string_view source_name);

// The serving weights of a source for clicks, carts, orders (unknown names: the
// DefaultBlendWeight for every type).
std::array<float, kNumEventTypes> ServingBlendWeights(std::string_view source_name);

}  // namespace sessionrec
