// "session_embed": nearest items to the session embedding (an index search per call).
#include "candidates/candidate_sources.h"
#include "embed/session_embedding.h"

namespace sessionrec {
namespace {

class SessionEmbeddingSource final : public CandidateSource {
 public:
  SessionEmbeddingSource(const EmbeddingTable& t, const ItemAnnIndex& index,
                         const SessionEmbeddingParams& p)
      : table_(t), index_(index), p_(p) {}
  std::string_view name() const override { return "session_embed"; }
  void Generate(const SessionContext& s, size_t k, CandidateScratch& scratch,
                std::vector<ScoredCandidate>& out) const override {
    scratch.embedding.resize(static_cast<size_t>(table_.dim()));
    if (!ComputeSessionEmbedding(table_, s.items, s.types, p_, scratch.embedding)) {
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
                                                            const ItemAnnIndex& index,
                                                            const SessionEmbeddingParams& p) {
  return std::make_unique<SessionEmbeddingSource>(table, index, p);
}

}  // namespace sessionrec
