// Synthetic OTTO-like sessions for demos, tests and scale runs (`sessionrec generate`).
//
// The generator is a pure function of (params, session index): session i is drawn from its
// own random stream seeded by (seed, i), so the output is the same bytes for the same seed
// whatever the thread count or batch size (on the same platform: it uses libm's exp/log/pow).
// Sessions are produced in batches and handed to a sink in session order, so memory is
// bounded by one batch however many sessions are generated.
//
// The shape follows the published OTTO statistics (12.9M sessions, 216.7M events, 1.86M
// items; events per session mean 16.8, median 6; 89.9% clicks, 7.8% carts, 2.4% orders)
// and carries structure a model can learn:
//   - items form groups of `min_group_size`..`max_group_size` related items; a session
//     browses one group, sometimes two (the second one often a neighbouring group), with a
//     few jumps to unrelated popular items;
//   - popularity is Zipf-like over groups and over the items inside a group;
//   - shoppers revisit items they saw before;
//   - funnels: only an item the session clicked can be carted, and only a carted item
//     ordered; an order event checks out several carted items at one timestamp.
// Item aids are 1..num_items in a scrambled order (aid 0 is never used: the official
// labels.py treats a click label of aid 0 as "no label"). Timestamps are Unix seconds
// inside [start_ts, start_ts + days), non-decreasing within a session (the items of one
// checkout share a timestamp), strictly increasing otherwise.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"

namespace sessionrec {

struct GeneratorParams {
  // Number of sessions; session ids are 0 .. num_sessions-1.
  uint64_t num_sessions = 10000;
  // Seed of every random choice.
  uint64_t seed = 42;
  // Catalogue size; 0 scales with num_sessions like OTTO (1,855,603 items per 12,899,779
  // sessions), at least 200.
  uint64_t num_items = 0;
  // Worker threads; 0 = OpenMP's default. Never changes the output.
  int threads = 0;
  // Sessions per batch handed to the sink (bounds memory; never changes the output).
  uint64_t batch_sessions = 1 << 16;
  // First second of the time window (2022-08-01 00:00 CEST, where OTTO starts).
  Timestamp start_ts = 1659304800;
  // Length of the time window in days (OTTO: 4 weeks).
  int days = 28;

  // Session length ~ round(lognormal(log(length_median), length_sigma)) clamped to
  // [2, max_session_length]. Tuned so mean ≈ 16.8 and median = 6.
  double length_median = 6.0;
  // Spread of the session length (log scale).
  double length_sigma = 1.445;
  // Longest session (OTTO's longest train session has 500 events).
  int max_session_length = 500;

  // Item group sizes, uniform in [min, max].
  int min_group_size = 20;
  int max_group_size = 50;
  // Zipf exponent of group popularity (by group rank).
  double group_zipf = 0.75;
  // Zipf exponent of item popularity inside a group.
  double item_zipf = 0.9;
  // Probability that a session browses a second group as well.
  double second_group_prob = 0.35;
  // Probability that the second group is a neighbour (group index ±1..3) of the first.
  double neighbour_group_prob = 0.6;
  // Per click: probability to switch between the session's two groups.
  double switch_group_prob = 0.25;
  // Per click: probability of an unrelated item drawn from global popularity.
  double jump_prob = 0.06;
  // Per click: probability to revisit an item the session already clicked.
  double repeat_prob = 0.30;

  // Per event after the first: probability to cart an item clicked before.
  double cart_prob = 0.084;
  // Per event with carted-but-unordered items: probability to check out.
  double order_prob = 0.023;
  // At a checkout, probability that each carted item is ordered.
  double order_item_prob = 0.85;

  // Gap between events: lognormal with this median (seconds) and sigma, at least 1 s.
  double gap_median_s = 25.0;
  double gap_sigma = 1.3;
  // Per event: probability of a return visit, a gap log-uniform in [1 h, 5 days].
  double return_prob = 0.03;
};

// Catalogue size used for `params` (resolves num_items = 0).
uint64_t GeneratorNumItems(const GeneratorParams& params);

// Statistics of a generated set.
struct GeneratorStats {
  uint64_t sessions = 0;
  uint64_t events = 0;
  uint64_t type_counts[kNumEventTypes] = {0, 0, 0};
  // Catalogue size and the number of distinct aids that occur.
  uint64_t catalogue_items = 0;
  uint64_t items_used = 0;
  // length_histogram[n] = number of sessions with n events.
  std::vector<uint64_t> length_histogram;

  double MeanLength() const;
  // Lower median of the session lengths (OTTO's table reports 6).
  uint64_t MedianLength() const;
  // Share of events of type t in [0, 1].
  double TypeShare(EventType t) const;
  // Multi-line human-readable summary.
  std::string ToString() const;
};

// Draws sessions deterministically. Immutable after construction; Generate() is safe to
// call from many threads.
class SessionGenerator {
 public:
  explicit SessionGenerator(const GeneratorParams& params);

  // Fills `out` with session `index` (0 <= index < num_sessions), reusing its storage.
  void Generate(uint64_t index, Session* out) const;

  uint64_t num_items() const { return num_items_; }
  // The external aid of internal item i, and back; the group of an aid (for tests).
  ItemId AidOf(uint32_t item) const;
  uint32_t GroupOfAid(ItemId aid) const;
  size_t num_groups() const { return group_start_.size() - 1; }

 private:
  uint32_t SampleGroup(double u) const;
  uint32_t SampleInGroup(uint32_t group, double u) const;

  GeneratorParams p_;
  uint64_t num_items_ = 0;
  // Group g owns internal items group_start_[g] .. group_start_[g+1]-1.
  std::vector<uint32_t> group_start_;
  // (1 + n)^(1-s) - 1 for the inverse-CDF Zipf sampler, by group size and for the groups.
  std::vector<double> item_zipf_norm_;
  double group_zipf_norm_ = 0;
  // Scrambling bijection internal -> aid-1: (a * i + b) mod num_items with gcd(a, n) = 1.
  uint64_t perm_a_ = 1, perm_b_ = 0, perm_a_inv_ = 1;
};

// Receives consecutive batches of sessions in session order.
using SessionBatchSink = std::function<Status(std::span<const Session>)>;

// Generates params.num_sessions sessions in parallel batches and feeds them to `sink` in
// order. Stops at the first sink error. `stats` (optional) receives the statistics.
Status GenerateSessions(const GeneratorParams& params, const SessionBatchSink& sink,
                        GeneratorStats* stats);

}  // namespace sessionrec
