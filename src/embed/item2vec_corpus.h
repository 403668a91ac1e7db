// What both item2vec trainers see of the training sessions: each session's item sequence
// with items below min_count removed and consecutive repeats collapsed (a re-click of the
// same item is no co-occurrence). Sessions left with fewer than two items teach nothing.
#pragma once

#include <cstdint>
#include <vector>

#include "core/types.h"
#include "data/event_store.h"

namespace sessionrec {

struct Item2VecVocab {
  std::vector<uint64_t> counts;   // training events per item (dense index)
  std::vector<uint8_t> in_vocab;  // counts >= min_count
  std::vector<uint8_t> trained;   // in_vocab and in some filtered session of >= 2 items
  uint64_t num_tokens = 0;        // tokens of all filtered sessions of >= 2 items
  uint64_t num_trained = 0;       // items with trained == 1
};

// Counts items and marks the vocabulary. O(events); single-threaded.
Item2VecVocab BuildItem2VecVocab(const EventStore& store, int min_count);

// Writes session s's filtered sequence into `out` (cleared first).
void FilterSession(const SessionView& s, const std::vector<uint8_t>& in_vocab,
                   std::vector<ItemIndex>& out);

}  // namespace sessionrec
