// Our own item2vec trainer: skip-gram with negative sampling (word2vec's SGNS) over the
// training sessions, OpenMP Hogwild across threads.
//
// Determinism: with params.threads == 1 the same store and parameters give bit-identical
// vectors (one RNG stream seeded from params.seed; no floating-point reductions across
// threads). With more threads, updates race by design (Hogwild) and results vary slightly.
#pragma once

#include "core/status.h"
#include "data/event_store.h"
#include "embed/embed_params.h"
#include "embed/embedding_table.h"

namespace sessionrec {

// Trains vectors for the items of `train` (rows indexed by its dense item index).
// Errors: invalid parameters, or no session with two vocabulary items.
StatusOr<EmbeddingTable> TrainSgns(const EventStore& train, const EmbedParams& params);

}  // namespace sessionrec
