// Parameters of the embedding stage (item2vec training, session embeddings, neighbour
// lists). Plain structs with in-class defaults; validated once by ValidateEmbedParams and
// written into each artifact's meta text. Definitions: docs/embeddings.md.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "core/status.h"
#include "core/types.h"

namespace sessionrec {

// Which item2vec trainer to run. Both are skip-gram with negative sampling over sessions.
enum class EmbedTrainer : uint8_t {
  kSgns = 0,      // our own SGNS (embed/sgns.h): OpenMP Hogwild; bit-identical with threads=1
  kFastText = 1,  // fastText 0.9.2 C++ API (embed/fasttext_trainer.h); never bit-identical
};

// Row encoding of the stored training-session embeddings (SESSEMB).
enum class RowEncoding : uint8_t {
  kFloat32 = 0,  // 4 bytes per component, exact
  kInt8 = 1,     // 1 byte per component + one float scale per row (max |x| / 127)
};

// The session embedding (embed/session_embedding.h): weight of event i of n is
// type_weights[type_i] * 2^(-(n-1-i) / half_life_events).
struct SessionEmbeddingParams {
  std::array<float, kNumEventTypes> type_weights = {1.0f, 3.0f, 6.0f};  // clicks, carts, orders
  float half_life_events = 4.0f;  // events back at which the recency factor halves; > 0
};

// The per-item neighbour lists (NEIGHB) and the item index for session queries.
struct NeighborParams {
  int k = 30;                  // neighbours kept per item (excluding the item itself)
  size_t exact_below = 20000;  // catalogues with fewer vectors use exact brute force
  int hnsw_m = 16;             // hnswlib M (graph degree)
  int ef_construction = 100;   // hnswlib build beam width
  int ef_search = 64;          // hnswlib query beam width (raised to k when smaller)
};

// Which training sessions get a stored embedding (SESSEMB) and how rows are encoded.
struct SessionStoreParams {
  RowEncoding encoding = RowEncoding::kFloat32;  // kInt8 for OTTO scale (1/4 of the size)
  int last_days = 0;  // keep sessions whose last event is within this many days of the
                      // newest event; 0 keeps all
};

// Category side information (EGES-style, embed/category_vectors.h): used only when the
// training call gets item categories (train --categories).
struct CategoryMixParams {
  bool enabled = true;       // mix category vectors into the item vectors when given
  float item_weight = 0.2f;  // a in normalize(a * item + (1 - a) * category); in [0, 1]
  // Items seen in training (>= min_count events) that SGNS could not train (only in
  // sessions without another vocabulary item) get their category's vector (a = 0).
  bool category_only_items = false;
};

struct EmbedParams {
  EmbedTrainer trainer = EmbedTrainer::kSgns;  // which trainer (see above)
  int dim = 128;                               // vector dimension
  int window = 5;                  // max skip-gram window (events each side; sampled 1..window)
  int negatives = 5;               // negative samples per positive pair
  int epochs = 5;                  // passes over the training sessions (at least; see min_tokens)
  uint64_t min_tokens = 1000000;   // small corpora get more epochs: enough for this many
                                   // tokens in all, but at most max_auto_epochs; 0 = off
  int max_auto_epochs = 150;       // cap of the min_tokens rule (tiny inputs stay cheap)
  int min_count = 1;               // items with fewer training events get no vector
  float learning_rate = 0.025f;    // initial SGD step, decays linearly to 0.0001 x itself
  double subsample = 1e-3;         // word2vec frequent-item subsampling threshold; 0 = off
  bool center = false;             // subtract the mean vector (embed/center_vectors.h)
  bool add_output_vectors = true;  // SGNS: item vector = input + output (context) vector
  int threads = 0;                 // worker threads; 0 = all cores. 1 + seed = bit-identical
  uint64_t seed = 1;               // seeds initialisation, sampling and the window draws
  SessionEmbeddingParams session;
  NeighborParams neighbors;
  SessionStoreParams store;
  CategoryMixParams category;
};

// Checks every field's range; the error names the field.
Status ValidateEmbedParams(const EmbedParams& p);

// The parameters as a JSON object (for artifact meta and the model manifest).
std::string EmbedParamsJson(const EmbedParams& p);

// Epochs SGNS runs over a corpus of `tokens_per_epoch` tokens: p.epochs, raised to
// ceil(p.min_tokens / tokens_per_epoch) when that is larger, but then at most
// max(p.epochs, p.max_auto_epochs).
int EffectiveEpochs(const EmbedParams& p, uint64_t tokens_per_epoch);

// Threads actually used: p.threads, or the number of cores when it is 0.
int EffectiveThreads(int threads);

}  // namespace sessionrec
