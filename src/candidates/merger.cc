#include "candidates/merger.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/status.h"

namespace sessionrec {

MergerScratch::MergerScratch(size_t num_items)
    : candidates(num_items), slot(num_items, UINT32_MAX), placed(num_items, 0) {}

Merger::Merger(std::vector<std::unique_ptr<CandidateSource>> sources, std::vector<float> weights,
               MergerParams params)
    : sources_(std::move(sources)), weights_(std::move(weights)), params_(params) {
  SR_CHECK(sources_.size() == weights_.size());
  for (float w : weights_) SR_CHECK(std::isfinite(w) && w >= 0);
}

void Merger::SetSchedules(MergeSchedules schedules) {
  for (const auto& schedule : schedules) {
    for (int32_t step : schedule) {
      SR_CHECK(step == kScheduleBlend ||
               (step >= 0 && static_cast<size_t>(step) < sources_.size()));
    }
  }
  schedules_ = std::move(schedules);
}

Merger Merger::WithDefaultWeights(std::vector<std::unique_ptr<CandidateSource>> sources,
                                  MergerParams params) {
  std::vector<float> weights;
  for (const auto& s : sources) weights.push_back(DefaultBlendWeight(s->name()));
  return Merger(std::move(sources), std::move(weights), params);
}

void Merger::Generate(const SessionContext& s, size_t k, MergerScratch& scratch,
                      CandidateSet& out) const {
  const size_t ns = sources_.size();
  const size_t width = ns * kFeaturesPerSource;
  scratch.lists.resize(ns);
  CandidateSet& u = scratch.unordered;
  u.num_sources = ns;
  u.items.clear();
  u.blend.clear();
  u.features.clear();
  for (size_t si = 0; si < ns; ++si) {
    std::vector<ScoredCandidate>& list = scratch.lists[si];
    sources_[si]->Generate(s, params_.per_source_k, scratch.candidates, list);
    if (list.empty()) continue;
    const float best = list.front().score;  // lists are best first
    for (size_t r = 0; r < list.size(); ++r) {
      const ItemIndex item = list[r].item;
      if (item >= scratch.slot.size()) continue;
      uint32_t& row = scratch.slot[item];
      if (row == UINT32_MAX) {
        row = static_cast<uint32_t>(u.items.size());
        u.items.push_back(item);
        u.blend.push_back(0.0f);
        u.features.resize(u.features.size() + width, 0.0f);
      }
      const float norm = best > 0 ? list[r].score / best : 0.0f;
      float* f = u.features.data() + size_t{row} * width + si * kFeaturesPerSource;
      f[kNormScore] = norm;
      f[kRawScore] = list[r].score;
      f[kRank] = static_cast<float>(r + 1);
      u.blend[row] += weights_[si] * norm;
    }
  }
  scratch.order.resize(u.items.size());
  for (uint32_t r = 0; r < scratch.order.size(); ++r) scratch.order[r] = r;
  auto better = [&u](uint32_t a, uint32_t b) {
    return u.blend[a] != u.blend[b] ? u.blend[a] > u.blend[b] : u.items[a] < u.items[b];
  };
  const size_t keep = std::min(k, scratch.order.size());
  std::partial_sort(scratch.order.begin(),
                    scratch.order.begin() + static_cast<std::ptrdiff_t>(keep), scratch.order.end(),
                    better);
  const std::vector<int32_t>& schedule = schedules_[s.exclude_seen ? 1 : 0];
  if (!schedule.empty()) {
    // The blend's top `keep` is enough: the schedule places at most keep - 1 others before
    // any blend turn, so an unplaced one is always left there.
    scratch.blend_items.clear();
    for (size_t i = 0; i < keep; ++i) scratch.blend_items.push_back(u.items[scratch.order[i]]);
    ApplyMergeSchedule<ScoredCandidate>(schedule, scratch.lists, scratch.blend_items, keep,
                                        scratch.cursor, scratch.placed, scratch.scheduled);
    for (size_t i = 0; i < scratch.scheduled.size(); ++i) {
      scratch.order[i] = scratch.slot[scratch.scheduled[i]];
    }
  }
  for (ItemIndex item : u.items) scratch.slot[item] = UINT32_MAX;
  out.num_sources = ns;
  out.items.resize(keep);
  out.blend.resize(keep);
  out.features.resize(keep * width);
  for (size_t i = 0; i < keep; ++i) {
    const uint32_t r = scratch.order[i];
    out.items[i] = u.items[r];
    out.blend[i] = u.blend[r];
    std::copy_n(u.features.begin() + static_cast<std::ptrdiff_t>(size_t{r} * width), width,
                out.features.begin() + static_cast<std::ptrdiff_t>(i * width));
  }
}

void BlendRows(const CandidateSet& set, std::span<const float> weights, std::vector<float>& out) {
  SR_CHECK(weights.size() == set.num_sources);
  const size_t width = set.num_sources * kFeaturesPerSource;
  out.assign(set.size(), 0.0f);
  for (size_t r = 0; r < set.size(); ++r) {
    const float* f = set.features.data() + r * width;
    float b = 0;
    for (size_t si = 0; si < set.num_sources; ++si) {
      b += weights[si] * f[si * kFeaturesPerSource + kNormScore];
    }
    out[r] = b;
  }
}

}  // namespace sessionrec
