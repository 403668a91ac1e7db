// Category side information in the item vectors, EGES-style (Wang et al. 2018, "Billion-
// scale commodity embedding for e-commerce recommendation in Alibaba"): in a sparse
// catalogue most items occur in one or two training sessions, so two items that follow each
// other in a test session rarely ever shared a training session (Taobao sample: 2.4% of the
// pairs), and their SGNS vectors are unrelated. Their categories are few and occur often, so
// category vectors trained on the sessions' category sequences do relate them.
//
// Exact definition (docs/embeddings.md, "Session 6"):
//   category sequence of a session = its items' categories in time order (items without a
//       category dropped), consecutive repeats collapsed;
//   category vector c(k) = SGNS over those sequences with the item parameters (dim, window,
//       negatives, epochs and the min_tokens rule, input + output vectors), seed derived from
//       the item seed; unit length;
//   stored item vector = normalize(a * v(i) + (1 - a) * c(cat(i))) for an item i with an SGNS
//       vector v(i) (unit) whose category has a vector; a = CategoryMixParams::item_weight.
//       Items without a category (or whose category has no vector) keep v(i). With
//       category_only_items, an item seen in training (>= min_count events) that SGNS left
//       without a vector gets c(cat(i)). Items never seen in training get no vector.
// Deterministic with threads == 1 and a seed (both SGNS runs are).
#pragma once

#include <cstddef>
#include <string>

#include "core/status.h"
#include "data/event_store.h"
#include "data/item_categories.h"
#include "embed/embed_params.h"
#include "embed/embedding_table.h"

namespace sessionrec {

// The category sequences of `train`: one session per training session that has an item with
// a category; event aids are the external category ids, times and types as in `train`.
EventStore CategorySessions(const EventStore& train, const ItemCategories& categories);

// SGNS vectors of the categories (rows: the categories occurring in `train`, item_ids = the
// external category ids). NotFound when no training session has two categories; otherwise
// errors as TrainSgns.
StatusOr<EmbeddingTable> TrainCategoryVectors(const EventStore& train,
                                              const ItemCategories& categories,
                                              const EmbedParams& params);

// What MixCategoryVectors did (also written into the mixed table's meta).
struct CategoryMixStats {
  size_t category_vectors = 0;     // categories with a vector
  size_t items_mixed = 0;          // items whose vector got the category part
  size_t items_category_only = 0;  // items that got their category's vector alone
};

// The item table with category vectors mixed in (definition above). `items` rows are the
// dense items of `train` (its item table); `category_vectors` comes from TrainCategoryVectors.
// The result's meta is items.meta() with a "category_mix" object added.
EmbeddingTable MixCategoryVectors(const EventStore& train, const EmbeddingTable& items,
                                  const EmbeddingTable& category_vectors,
                                  const ItemCategories& categories, const EmbedParams& params,
                                  CategoryMixStats* stats = nullptr);

// `meta` (a JSON object) with `"key":value` added as its last member.
std::string AddMetaMember(const std::string& meta, const std::string& key,
                          const std::string& value);

}  // namespace sessionrec
