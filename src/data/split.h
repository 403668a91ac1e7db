// The OTTO train/test split (DESIGN.md §4), reproducing otto-de/recsys-dataset
// src/testset.py and src/labels.py (docs/evaluation.md has the details):
//   - split_ts = max_ts - days * 86400 s, max_ts the latest event of the input;
//   - a session whose first event is after split_ts (strictly) is a test session; every
//     other session is cut to its events before split_ts (strictly) and kept for training
//     if >= 2 events remain;
//   - test events on aids that no kept training session contains are dropped, and test
//     sessions need >= 2 events left;
//   - each test session (in input order) keeps its first k events, k drawn with Python's
//     `random.randint(1, n - 1)` after `random.seed(seed)`, so that the same seed cuts the
//     same sessions at the same points as testset.py;
//   - labels: the first click after the cut, the sets of aids carted / ordered after it.
// Comparisons are done in integer milliseconds (split_ms = max_ts·1000 − round(days·86.4e6)),
// so fractional days are exact to the millisecond.
//
// With `all_prefixes`, every prefix k = 1 .. n-1 of a test session is a query with its own
// labels; query ids are session·M + k, M the smallest power of ten (at least 1000) above
// the longest test session (SplitResult::prefix_id_multiplier). No random draws are made.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "data/event_store.h"
#include "data/labels.h"

namespace sessionrec {

struct SplitParams {
  // Length of the test period in days (fractional allowed), counted back from max_ts.
  double days = 2.0;
  // Truncation seed, as testset.py's --seed (Python's random.seed).
  int64_t seed = 42;
  // Every prefix of a test session becomes a query (see the header comment).
  bool all_prefixes = false;
};

// What the split did; every counter is printed by `sessionrec split`.
struct SplitCounts {
  uint64_t input_sessions = 0;
  uint64_t input_events = 0;
  uint64_t train_sessions = 0;  // kept (>= 2 events before split_ts)
  uint64_t train_events = 0;
  uint64_t train_dropped_sessions = 0;  // training sessions with < 2 events before split_ts
  uint64_t train_items = 0;             // distinct aids of the kept training sessions
  uint64_t test_sessions_full = 0;      // sessions starting after split_ts
  uint64_t test_dropped_events = 0;     // test events on aids unknown to training
  uint64_t test_dropped_sessions = 0;   // test sessions left with < 2 events
  uint64_t test_sessions = 0;           // test sessions truncated into queries
  uint64_t queries = 0;                 // = test_sessions, or all prefixes
  uint64_t query_events = 0;
  uint64_t click_labels = 0;  // queries with a click label
  uint64_t cart_labels = 0;   // label aids, summed over queries
  uint64_t order_labels = 0;
};

struct SplitResult {
  // Training sessions, cut before split_ts (items re-indexed in order of appearance).
  EventStore train;
  // Truncated test sessions (the queries), and their labels at the same positions with the
  // same ids, in input order.
  std::vector<Session> queries;
  std::vector<SessionLabels> labels;
  Timestamp max_ts = 0;              // seconds
  double split_ts = 0;               // seconds (fractional when days is)
  int64_t prefix_id_multiplier = 0;  // M of the all-prefixes id scheme; 0 otherwise
  SplitCounts counts;
};

// Splits `data` (events of each session in time order, as every EventStore holds them).
// Errors: an empty input, days <= 0, a duplicate test session id, or all-prefixes ids that
// overflow int64.
StatusOr<SplitResult> SplitOtto(const EventStore& data, const SplitParams& params);

// Writes DIR/train.jsonl, DIR/test_sessions.jsonl and DIR/test_labels.jsonl (creating DIR).
// Timestamps are written in milliseconds, as the official files have them.
Status WriteSplit(const SplitResult& split, const std::string& dir);

// Human-readable counts (several lines).
std::string SplitSummary(const SplitResult& split);

}  // namespace sessionrec
