#include "embed/category_vectors.h"

#include <vector>

#include "core/str_cat.h"
#include "embed/item2vec_corpus.h"
#include "embed/sgns.h"

namespace sessionrec {

EventStore CategorySessions(const EventStore& train, const ItemCategories& categories) {
  // Category of each dense training item, looked up once (O(I log I), not per event).
  std::vector<uint32_t> of(train.num_items());
  for (ItemIndex i = 0; i < train.num_items(); ++i) {
    of[i] = categories.CategoryOf(train.item_id(i));
  }
  EventStoreBuilder b;
  std::vector<Event> events;
  for (size_t s = 0; s < train.num_sessions(); ++s) {
    const SessionView v = train.session(s);
    events.clear();
    for (size_t j = 0; j < v.size(); ++j) {
      const uint32_t c = of[v.items[j]];
      if (c == kNoCategory) continue;
      events.push_back({categories.category_id(c), v.ts[j], v.type(j)});
    }
    if (events.empty()) continue;
    // Times come from a valid store, so they are in range: AddSession cannot fail.
    SR_CHECK(b.AddSession(v.id, events).ok());
  }
  return b.Finish();
}

StatusOr<EmbeddingTable> TrainCategoryVectors(const EventStore& train,
                                              const ItemCategories& categories,
                                              const EmbedParams& params) {
  const EventStore sequences = CategorySessions(train, categories);
  if (BuildItem2VecVocab(sequences, 1).num_trained == 0) {
    return absl::NotFoundError("no training session has two categories");
  }
  EmbedParams p = params;
  p.trainer = EmbedTrainer::kSgns;
  p.min_count = 1;  // a category is catalogue metadata: every one that occurs gets a vector
  p.center = false;
  // Another stream than the item run's: with the same seed, item row i and category row i
  // would start from the same random vector (a spurious cosine once mixed).
  p.seed = params.seed ^ 0x6A09E667F3BCC909ULL;
  return TrainSgns(sequences, p);
}

std::string AddMetaMember(const std::string& meta, const std::string& key,
                          const std::string& value) {
  const size_t close = meta.rfind('}');
  if (close == std::string::npos) return StrCat("{\"", key, "\":", value, "}");
  const bool empty = meta.find_first_not_of(" \t\n{", 0) == close;
  return StrCat(meta.substr(0, close), empty ? "" : ",", "\"", key, "\":", value,
                meta.substr(close));
}

EmbeddingTable MixCategoryVectors(const EventStore& train, const EmbeddingTable& items,
                                  const EmbeddingTable& category_vectors,
                                  const ItemCategories& categories, const EmbedParams& params,
                                  CategoryMixStats* stats) {
  SR_CHECK(items.num_items() == train.num_items());
  SR_CHECK(items.dim() == category_vectors.dim());
  const size_t dim = static_cast<size_t>(items.dim());
  const float a = params.category.item_weight;
  // Dense ItemCategories category -> row of category_vectors.
  std::vector<ItemIndex> row_of(categories.num_categories(), kNoItem);
  {
    const ItemDictionary dict(category_vectors.item_ids());
    for (uint32_t c = 0; c < categories.num_categories(); ++c) {
      const auto r = dict.Find(categories.category_id(c));
      if (r && category_vectors.HasVector(*r)) row_of[c] = *r;
    }
  }
  std::vector<uint8_t> in_vocab;
  if (params.category.category_only_items) {
    in_vocab = BuildItem2VecVocab(train, params.min_count).in_vocab;
  }
  CategoryMixStats st;
  st.category_vectors = category_vectors.num_with_vector();
  const size_t n = items.num_items();
  std::vector<float> vectors(items.vectors().begin(), items.vectors().end());
  std::vector<uint8_t> has(n);
  for (ItemIndex i = 0; i < n; ++i) {
    has[i] = items.HasVector(i) ? 1 : 0;
    const uint32_t c = categories.CategoryOf(items.item_ids()[i]);
    if (c == kNoCategory || row_of[c] == kNoItem) continue;
    const std::span<const float> cv = category_vectors.Row(row_of[c]);
    float* row = vectors.data() + size_t{i} * dim;
    if (has[i]) {
      for (size_t k = 0; k < dim; ++k) row[k] = a * row[k] + (1.0f - a) * cv[k];
      ++st.items_mixed;
    } else if (!in_vocab.empty() && in_vocab[i]) {
      for (size_t k = 0; k < dim; ++k) row[k] = cv[k];
      has[i] = 1;
      ++st.items_category_only;
    }
  }
  const std::string mix =
      StrCat("{\"mixed\":true,\"item_weight\":", a,
             ",\"category_only_items\":", params.category.category_only_items ? "true" : "false",
             ",\"categories\":", categories.num_categories(),
             ",\"category_vectors\":", st.category_vectors, ",\"items_mixed\":", st.items_mixed,
             ",\"items_category_only\":", st.items_category_only,
             ",\"category_sgns\":", category_vectors.meta(), "}");
  if (stats != nullptr) *stats = st;
  // The constructor normalises every row (a * v + (1 - a) * c is not unit length).
  return EmbeddingTable(
      items.dim(), std::vector<ItemId>(items.item_ids().begin(), items.item_ids().end()),
      std::move(vectors), std::move(has), AddMetaMember(items.meta(), "category_mix", mix));
}

}  // namespace sessionrec
