// item2vec through the fastText 0.9.2 C++ API (skip-gram, negative sampling), kept as the
// measured alternative to our own SGNS (docs/embeddings.md has the comparison).
//
// fastText trains from a file: the filtered sessions (embed/item2vec_corpus.h) are written
// to `work_dir`/item2vec_corpus.txt, one session per line, removed afterwards. Subwords are
// off (bucket=0, minn=0, maxn=0, wordNgrams=1), else the model would be ~1 GB. Never
// bit-identical, even with one thread (fastText seeds its threads but races on the shared
// learning-rate counter and model).
#pragma once

#include <string>

#include "core/status.h"
#include "data/event_store.h"
#include "embed/embed_params.h"
#include "embed/embedding_table.h"

namespace sessionrec {

// Same parameters and result as TrainSgns. fastText's exceptions are turned into errors.
StatusOr<EmbeddingTable> TrainFastText(const EventStore& train, const EmbedParams& params,
                                       const std::string& work_dir);

}  // namespace sessionrec
