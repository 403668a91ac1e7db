// "session_embed": items nearest to the session embedding. Two ways of finding them:
//   MakeSessionEmbeddingSource        scores a pool built from the precomputed neighbour
//                                     lists against the session vector (no index search);
//   MakeSessionEmbeddingSearchSource  an index search (exact or HNSW) per call.
// docs/candidates.md §session_embed has the measured recall and cost of both.
#include <algorithm>

#include "candidates/candidate_sources.h"
#include "embed/session_embedding.h"

namespace sessionrec {
namespace {

// Seeds come from at most this many of the newest events (bounds the duplicate check).
constexpr size_t kMaxEventsWalked = 100;

// The session embedding of `s` into scratch.embedding; false when it has none.
bool SessionVector(const EmbeddingTable& table, const SessionContext& s,
                   const SessionEmbeddingParams& p, CandidateScratch& scratch) {
  scratch.embedding.resize(static_cast<size_t>(table.dim()));
  return ComputeSessionEmbedding(table, s.items, s.types, p, scratch.embedding);
}

class SessionEmbeddingPoolSource final : public CandidateSource {
 public:
  SessionEmbeddingPoolSource(const EmbeddingTable& t, const ItemNeighbors& n,
                             const SessionEmbeddingParams& p, const SessionEmbedPoolParams& pool)
      : table_(t), neighbors_(n), p_(p), pool_(pool) {}
  std::string_view name() const override { return "session_embed"; }
  void Generate(const SessionContext& s, size_t k, CandidateScratch& scratch,
                std::vector<ScoredCandidate>& out) const override {
    if (!SessionVector(table_, s, p_, scratch)) {
      out.clear();
      return;
    }
    // The pool: the session's items (newest first, the first recent_items distinct ones
    // with a vector) and their neighbour lists; while it is smaller than min_pool, the
    // lists of the pool's members in pool order (breadth first). SetOnce marks a member in
    // the scratch, so each is collected once (the lists overlap a lot) and scored once,
    // by its cosine to the session vector, after the pool is complete: DotRows scores the
    // rows in blocks with prefetching, as they lie scattered over the table.
    std::vector<ItemIndex>& pool = scratch.pool;
    pool.clear();
    auto visit = [&](ItemIndex y) {
      if (table_.HasVector(y) && scratch.SetOnce(y, 0.0f)) pool.push_back(y);
    };
    size_t seeds = 0;
    const size_t n = s.items.size(), first = n > kMaxEventsWalked ? n - kMaxEventsWalked : 0;
    for (size_t i = n; i-- > first && seeds < pool_.recent_items;) {
      const ItemIndex x = s.items[i];
      if (!table_.HasVector(x) || std::find(s.items.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                                            s.items.end(), x) != s.items.end()) {
        continue;  // no vector, or a newer event on x was a seed already
      }
      ++seeds;
      visit(x);
      for (ItemIndex y : neighbors_.Neighbors(x)) visit(y);
    }
    for (size_t m = 0; m < pool.size() && pool.size() < pool_.min_pool; ++m) {
      for (ItemIndex y : neighbors_.Neighbors(pool[m])) visit(y);
    }
    scratch.sims.resize(pool.size());
    table_.DotRows(scratch.embedding, pool, scratch.sims);
    for (size_t i = 0; i < pool.size(); ++i) scratch.Reset(pool[i], scratch.sims[i]);
    scratch.TakeTop(s, k, out);  // keeps positive scores only
  }

 private:
  const EmbeddingTable& table_;
  const ItemNeighbors& neighbors_;
  SessionEmbeddingParams p_;
  SessionEmbedPoolParams pool_;
};

class SessionEmbeddingSearchSource final : public CandidateSource {
 public:
  SessionEmbeddingSearchSource(const EmbeddingTable& t, const ItemAnnIndex& index,
                               const SessionEmbeddingParams& p)
      : table_(t), index_(index), p_(p) {}
  std::string_view name() const override { return "session_embed_search"; }
  void Generate(const SessionContext& s, size_t k, CandidateScratch& scratch,
                std::vector<ScoredCandidate>& out) const override {
    if (!SessionVector(table_, s, p_, scratch)) {
      out.clear();
      return;
    }
    // Ask for extra results so that k remain after the session's own items are removed.
    const size_t want = k + (s.exclude_seen ? s.items.size() : 0);
    index_.Search(scratch.embedding, want, scratch.found);
    for (const ScoredItem& f : scratch.found) {
      if (f.sim > 0) scratch.Add(f.item, f.sim);
    }
    scratch.TakeTop(s, k, out);
  }

 private:
  const EmbeddingTable& table_;
  const ItemAnnIndex& index_;
  SessionEmbeddingParams p_;
};

}  // namespace

std::unique_ptr<CandidateSource> MakeSessionEmbeddingSource(const EmbeddingTable& table,
                                                            const ItemNeighbors& neighbors,
                                                            const SessionEmbeddingParams& p,
                                                            const SessionEmbedPoolParams& pool) {
  return std::make_unique<SessionEmbeddingPoolSource>(table, neighbors, p, pool);
}

std::unique_ptr<CandidateSource> MakeSessionEmbeddingSearchSource(const EmbeddingTable& table,
                                                                  const ItemAnnIndex& index,
                                                                  const SessionEmbeddingParams& p) {
  return std::make_unique<SessionEmbeddingSearchSource>(table, index, p);
}

}  // namespace sessionrec
