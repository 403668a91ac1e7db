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
#pragma once

#include <cstdint>

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
};

NextItemSimilarity EvaluateNextItemSimilarity(const EmbeddingTable& table, const EventStore& test,
                                              uint64_t seed);

}  // namespace sessionrec
