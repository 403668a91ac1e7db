// The Merger runs several candidate sources for a session and unions their lists into one
// CandidateSet: every candidate keeps each source's score and rank (a dense feature row:
// the ranker's features in the next issue), and the set is ordered by the score blend
//
//   blend(c) = Σ_s weight_s · score_s(c) / max_c' score_s(c')
//
// i.e. a weighted sum of per-source scores normalised to (0, 1] by the source's best score
// for this session (0 when the source did not return c). Equal blends: item index
// ascending. The default weights (DefaultBlendWeight) and their reasons are in
// docs/candidates.md. With place schedules (SetSchedules, fitted by
// FitMergeSchedule on held-out training sessions) the places follow the schedule instead
// and the blend fills the rest; CandidateSet::blend still holds each row's blend.
//
// Thread safety: a Merger is immutable; Generate is const; each thread passes its own
// MergerScratch, and after warm-up a call allocates nothing.
#pragma once

#include <array>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "candidates/blend_weights.h"
#include "candidates/candidate_source.h"
#include "candidates/merge_schedule.h"
#include "core/status.h"

namespace sessionrec {

// Feature columns per source in CandidateSet::Features (in this order).
inline constexpr size_t kFeaturesPerSource = 3;
enum SourceFeature : size_t { kNormScore = 0, kRawScore = 1, kRank = 2 };

// Candidates of one session, best blend first. Row r has the item, its blend and
// num_sources() * kFeaturesPerSource features: for source s, [s*3 + kNormScore] = score /
// the source's best score, [s*3 + kRawScore] = the source's score, [s*3 + kRank] = 1-based
// rank in the source's list; all three 0 when s did not return the item.
struct CandidateSet {
  size_t num_sources = 0;
  std::vector<ItemIndex> items;
  std::vector<float> blend;
  std::vector<float> features;  // row-major, size() * num_sources * kFeaturesPerSource
  size_t size() const { return items.size(); }
  std::span<const float> Features(size_t r) const {
    const size_t w = num_sources * kFeaturesPerSource;
    return std::span<const float>(features).subspan(r * w, w);
  }
};

struct MergerParams {
  // Candidates asked of each source.
  size_t per_source_k = 100;
};

// Place schedules (candidates/merge_schedule.h) for sessions without [0] and with [1]
// exclude_seen; source indices as in the Merger. Empty: the blend order alone.
using MergeSchedules = std::array<std::vector<int32_t>, 2>;

// Per-thread working memory of Merger::Generate. Sized for num_items items.
struct MergerScratch {
  explicit MergerScratch(size_t num_items);
  CandidateScratch candidates;
  std::vector<std::vector<ScoredCandidate>> lists;  // one per source
  std::vector<uint32_t> slot;                       // item -> row, UINT32_MAX when none
  std::vector<uint32_t> order;
  CandidateSet unordered;
  // Scheduled merges: the blend order, the scheduled items, and ApplyMergeSchedule's memory.
  // After Generate with a schedule, blend_items holds the first k items of the blend order:
  // what Generate gives without the schedule (candidate recall reads it).
  std::vector<ItemIndex> blend_items, scheduled;
  std::vector<size_t> cursor;
  std::vector<uint8_t> placed;  // one per item
};

// The blend of every row of `set` under other weights (weights[s] for source s; size
// set.num_sources): out[r] = Σ_s weights[s] · Features(r)[s*3 + kNormScore], the same sum
// Merger::Generate forms (in the same order, so equal weights give equal floats). For
// per-type orderings of one merged set.
void BlendRows(const CandidateSet& set, std::span<const float> weights, std::vector<float>& out);

class Merger {
 public:
  // weights[i] belongs to sources[i] (same size; each finite and >= 0; SR_CHECK).
  Merger(std::vector<std::unique_ptr<CandidateSource>> sources, std::vector<float> weights,
         MergerParams params = {});
  // Sources with DefaultBlendWeight weights.
  static Merger WithDefaultWeights(std::vector<std::unique_ptr<CandidateSource>> sources,
                                   MergerParams params = {});

  // Sets the place schedules (each step kScheduleBlend or a source index; SR_CHECK). Not
  // thread-safe: call before the Merger is shared.
  void SetSchedules(MergeSchedules schedules);
  const MergeSchedules& schedules() const { return schedules_; }

  size_t num_sources() const { return sources_.size(); }
  const CandidateSource& source(size_t i) const { return *sources_[i]; }
  float weight(size_t i) const { return weights_[i]; }

  // The merged candidates of `s`, at most k rows, into `out` (overwritten). The per-source
  // lists stay in scratch.lists (for per-source evaluation without a second run).
  void Generate(const SessionContext& s, size_t k, MergerScratch& scratch, CandidateSet& out) const;

 private:
  std::vector<std::unique_ptr<CandidateSource>> sources_;
  std::vector<float> weights_;
  MergerParams params_;
  MergeSchedules schedules_;
};

}  // namespace sessionrec
