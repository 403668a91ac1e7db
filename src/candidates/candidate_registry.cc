#include "candidates/candidate_registry.h"

#include "core/str_cat.h"

namespace sessionrec {

std::vector<std::string> AvailableCandidateSources(const CandidateResources& r) {
  std::vector<std::string> names = {"session"};
  for (const auto& [name, m] : r.covisit) {
    if (m != nullptr) names.push_back(StrCat("covisit_", name));
  }
  if (r.item_neighbors != nullptr) names.emplace_back("embed_neighbors");
  if (r.embeddings != nullptr && r.item_neighbors != nullptr) names.emplace_back("session_embed");
  if (r.category_lists != nullptr) names.emplace_back("category_pop");
  if (r.popularity != nullptr) {
    for (PopularityKind k : kAllPopularityKinds) {
      names.push_back(StrCat("pop_", PopularityKindName(k)));
    }
  }
  return names;
}

StatusOr<std::unique_ptr<CandidateSource>> MakeCandidateSource(std::string_view name,
                                                               const CandidateResources& r) {
  auto missing = [&](std::string_view what) {
    return absl::FailedPreconditionError(
        StrCat("candidate source '", name, "' needs ", what, ", which is not loaded"));
  };
  if (name == "session") return MakeSessionItemsSource(r.weights);
  if (name.starts_with("covisit_")) {
    const std::string_view matrix = name.substr(8);
    for (const auto& [n, m] : r.covisit) {
      if (n == matrix && m != nullptr) return MakeCovisitSource(std::string(name), *m, r.weights);
    }
    return missing(StrCat("the co-visitation matrix '", matrix, "'"));
  }
  if (name == "embed_neighbors") {
    if (r.item_neighbors == nullptr) return missing("item neighbour lists");
    return MakeEmbeddingNeighborsSource(*r.item_neighbors, r.weights, r.embed_recent_items);
  }
  if (name == "session_embed") {
    if (r.embeddings == nullptr || r.item_neighbors == nullptr) {
      return missing("item embeddings and their neighbour lists");
    }
    return MakeSessionEmbeddingSource(*r.embeddings, *r.item_neighbors, r.session_embedding,
                                      r.session_embed_pool);
  }
  if (name == "session_embed_search") {
    if (r.embeddings == nullptr || r.ann_index == nullptr) {
      return missing("item embeddings and their index");
    }
    return MakeSessionEmbeddingSearchSource(*r.embeddings, *r.ann_index, r.session_embedding);
  }
  if (name == "category_pop") {
    if (r.category_lists == nullptr) return missing("item categories");
    return MakeCategoryPopularitySource(*r.category_lists, r.weights, r.category_recent);
  }
  if (name.starts_with("pop_")) {
    for (PopularityKind k : kAllPopularityKinds) {
      if (name.substr(4) != PopularityKindName(k)) continue;
      if (r.popularity == nullptr) return missing("popularity lists");
      return MakePopularitySource(*r.popularity, k);
    }
  }
  return absl::InvalidArgumentError(
      StrCat("unknown candidate source '", name,
             "' (known: session, covisit_<matrix>, embed_neighbors, session_embed, "
             "session_embed_search, category_pop, pop_all, pop_recent, pop_clicks, pop_carts, "
             "pop_orders)"));
}

StatusOr<Merger> MakeMerger(const std::vector<std::string>& names, const CandidateResources& r,
                            std::vector<float> weights, MergerParams params) {
  if (!weights.empty() && weights.size() != names.size()) {
    return absl::InvalidArgumentError(
        StrCat(weights.size(), " blend weights for ", names.size(), " candidate sources"));
  }
  std::vector<std::unique_ptr<CandidateSource>> sources;
  for (const std::string& n : names) {
    SR_ASSIGN_OR_RETURN(std::unique_ptr<CandidateSource> s, MakeCandidateSource(n, r));
    sources.push_back(std::move(s));
  }
  if (weights.empty()) {
    for (const auto& s : sources) weights.push_back(DefaultBlendWeight(s->name()));
  }
  return Merger(std::move(sources), std::move(weights), params);
}

}  // namespace sessionrec
