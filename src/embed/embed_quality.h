// Does the embedding mean something? The check: cos(last item, next clicked item)
// beats cos(last item, random item) in >= 85% of test sessions (docs/embeddings.md).
//
// Per test session (events in time order; n >= 2): a cut k is drawn uniformly in 1..n-1
// with a generator seeded by `seed` (the OTTO truncation); "last" is the item of event k-1
// and "next" the first click after it on a different item. The session counts when last
// and next both have vectors; "random" is then drawn uniformly from the items with a
// vector other than last and next. A win is cos(last, next) > cos(last, random) (a tie is
// not a win). Test items are matched to the table by external aid, so the test store may
// have its own item table.
//
// With the training store (whose dense indices are the table's rows), the result also
// says how many evaluated pairs co-occur in some training session: the pairs a
// co-occurrence model can learn directly; the others need second-order similarity.
#pragma once

#include <cstdint>
#include <span>

#include "data/event_store.h"
#include "embed/embedding_table.h"

namespace sessionrec {

struct NextItemSimilarity {
  size_t sessions = 0;   // test sessions seen
  size_t evaluated = 0;  // sessions with a (last, next) pair that both have vectors
  size_t wins = 0;       // cos(last, next) > cos(last, random)
  double win_rate = 0;   // wins / evaluated (0 when nothing was evaluated)
  double mean_cos_next = 0;
  double mean_cos_random = 0;
  size_t cooccurring = 0;       // evaluated pairs whose items share a training session
  size_t wins_cooccurring = 0;  // wins among those
  size_t same_group = 0;        // evaluated pairs whose items share a group (e.g. category)
  size_t wins_same_group = 0;   // wins among those
};

// `train` may be null (then cooccurring stays 0); otherwise it must be the store the
// table was trained on (same item table). `group` (optional, one entry per table row, e.g.
// the item's category; UINT32_MAX = none) splits the result by whether last and next share
// a group (then same_group counts them).
NextItemSimilarity EvaluateNextItemSimilarity(const EmbeddingTable& table, const EventStore& test,
                                              uint64_t seed, const EventStore* train = nullptr,
                                              std::span<const uint32_t> group = {});

}  // namespace sessionrec
