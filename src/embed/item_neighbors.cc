#include "embed/item_neighbors.h"

#include <cmath>

#include "core/str_cat.h"
#include "embed/ann_index.h"

namespace sessionrec {

ItemNeighbors::ItemNeighbors(std::vector<uint64_t> offsets, std::vector<ItemIndex> neighbors,
                             std::vector<float> sims, std::string meta)
    : owned_(std::make_shared<Owned>()), meta_(std::move(meta)) {
  SR_CHECK(!offsets.empty() && offsets.back() == neighbors.size());
  SR_CHECK(neighbors.size() == sims.size());
  owned_->offsets = std::move(offsets);
  owned_->neighbors = std::move(neighbors);
  owned_->sims = std::move(sims);
  offsets_ = owned_->offsets;
  neighbors_ = owned_->neighbors;
  sims_ = owned_->sims;
}

ItemNeighbors ItemNeighbors::Build(const EmbeddingTable& table, const ItemAnnIndex& index,
                                   const NeighborParams& params, int threads) {
  const size_t n = table.num_items(), k = params.k;
  // Fixed k slots per item first (parallel, no shared growth), compacted afterwards.
  std::vector<ItemIndex> slots(n * k);
  std::vector<float> slot_sims(n * k);
  std::vector<uint32_t> counts(n, 0);
#pragma omp parallel num_threads(threads)
  {
    std::vector<ScoredItem> found;
#pragma omp for schedule(dynamic, 64)
    for (size_t i = 0; i < n; ++i) {
      if (!table.HasVector(static_cast<ItemIndex>(i))) continue;
      index.Search(table.Row(static_cast<ItemIndex>(i)), k + 1, found);
      uint32_t c = 0;
      for (const ScoredItem& f : found) {
        if (f.item == i || c == k) continue;
        slots[i * k + c] = f.item;
        slot_sims[i * k + c] = std::clamp(f.sim, -1.0f, 1.0f);
        ++c;
      }
      counts[i] = c;
    }
  }
  std::vector<uint64_t> offsets(n + 1, 0);
  for (size_t i = 0; i < n; ++i) offsets[i + 1] = offsets[i] + counts[i];
  std::vector<ItemIndex> neighbors(offsets[n]);
  std::vector<float> sims(offsets[n]);
  for (size_t i = 0; i < n; ++i) {
    std::copy_n(slots.begin() + i * k, counts[i], neighbors.begin() + offsets[i]);
    std::copy_n(slot_sims.begin() + i * k, counts[i], sims.begin() + offsets[i]);
  }
  std::string meta =
      StrCat("{\"k\":", k, ",\"method\":\"", index.exact() ? "exact" : "hnsw",
             "\",\"hnsw_m\":", params.hnsw_m, ",\"ef_construction\":", params.ef_construction,
             ",\"ef_search\":", params.ef_search, ",\"entries\":", offsets[n], "}");
  return ItemNeighbors(std::move(offsets), std::move(neighbors), std::move(sims), std::move(meta));
}

Status ItemNeighbors::Save(const std::string& path) const {
  ArtifactWriter w(kNeighborsKind, kNeighborsVersion);
  w.Add("offsets", offsets_);
  w.Add("neighbors", neighbors_);
  w.Add("sims", sims_);
  w.AddText("meta", meta_);
  return w.Write(path);
}

StatusOr<ItemNeighbors> ItemNeighbors::Open(const std::string& path) {
  SR_ASSIGN_OR_RETURN(Artifact a, Artifact::Open(path, kNeighborsKind, kNeighborsVersion));
  auto bad = [&](std::string_view what) {
    return absl::DataLossError(StrCat(path, ": invalid item neighbours: ", what));
  };
  ItemNeighbors nb;
  SR_ASSIGN_OR_RETURN(nb.offsets_, a.Get<uint64_t>("offsets"));
  SR_ASSIGN_OR_RETURN(nb.neighbors_, a.Get<ItemIndex>("neighbors"));
  SR_ASSIGN_OR_RETURN(nb.sims_, a.Get<float>("sims"));
  SR_ASSIGN_OR_RETURN(auto meta, a.GetText("meta"));
  if (nb.offsets_.empty() || nb.offsets_[0] != 0) return bad("offsets must start at 0");
  if (nb.offsets_.back() != nb.neighbors_.size() || nb.sims_.size() != nb.neighbors_.size()) {
    return bad(StrCat("offsets end at ", nb.offsets_.back(), " but there are ",
                      nb.neighbors_.size(), " neighbours and ", nb.sims_.size(), " sims"));
  }
  const size_t rows = nb.offsets_.size() - 1;
  for (size_t r = 0; r < rows; ++r) {
    if (nb.offsets_[r] > nb.offsets_[r + 1]) return bad(StrCat("offsets decrease at row ", r));
    for (uint64_t e = nb.offsets_[r]; e < nb.offsets_[r + 1]; ++e) {
      const float s = nb.sims_[e];
      if (nb.neighbors_[e] >= rows || nb.neighbors_[e] == r) {
        return bad(StrCat("row ", r, " has neighbour ", nb.neighbors_[e]));
      }
      if (!(std::abs(s) <= 1.001f)) return bad(StrCat("row ", r, " has similarity ", s));
      if (e > nb.offsets_[r] && s > nb.sims_[e - 1]) {
        return bad(StrCat("row ", r, " is not sorted by similarity"));
      }
    }
  }
  nb.meta_ = std::string(meta);
  nb.mapped_ = std::make_shared<Artifact>(std::move(a));
  return nb;
}

}  // namespace sessionrec
