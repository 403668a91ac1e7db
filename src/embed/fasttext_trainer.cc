#include "embed/fasttext_trainer.h"

#include <fasttext/fasttext.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>

#include "core/str_cat.h"
#include "embed/center_vectors.h"
#include "embed/item2vec_corpus.h"

namespace sessionrec {

StatusOr<EmbeddingTable> TrainFastText(const EventStore& train, const EmbedParams& p,
                                       const std::string& work_dir) {
  SR_RETURN_IF_ERROR(ValidateEmbedParams(p));
  const auto start = std::chrono::steady_clock::now();
  const Item2VecVocab vocab = BuildItem2VecVocab(train, p.min_count);
  if (vocab.num_trained == 0) {
    return absl::FailedPreconditionError(
        "item2vec: no training session has two items with min_count events");
  }
  const std::string corpus = (std::filesystem::path(work_dir) / "item2vec_corpus.txt").string();
  {
    std::ofstream f(corpus, std::ios::binary);
    if (!f) return absl::UnavailableError(StrCat(corpus, ": cannot create"));
    std::vector<ItemIndex> seq;
    std::string line;
    for (size_t s = 0; s < train.num_sessions(); ++s) {
      FilterSession(train.session(s), vocab.in_vocab, seq);
      if (seq.size() < 2) continue;
      line.clear();
      for (ItemIndex it : seq) {
        line += std::to_string(it);
        line += ' ';
      }
      line.back() = '\n';
      f << line;
    }
    if (!f.flush()) return absl::UnavailableError(StrCat(corpus, ": write failed"));
  }
  const size_t dim = p.dim, n_items = train.num_items();
  std::vector<float> vectors(n_items * dim, 0.0f);
  std::vector<uint8_t> has(n_items, 0);
  const int threads = EffectiveThreads(p.threads);
  try {
    fasttext::Args args;
    args.input = corpus;
    args.model = fasttext::model_name::sg;
    args.loss = fasttext::loss_name::ns;
    args.dim = p.dim;
    args.ws = p.window;
    args.neg = p.negatives;
    args.epoch = p.epochs;
    args.minCount = 1;  // min_count was applied when writing the corpus
    args.lr = p.learning_rate;
    args.t = p.subsample > 0 ? p.subsample : 1e-12;
    args.thread = threads;
    args.seed = static_cast<int>(p.seed);
    args.bucket = 0;
    args.minn = 0;
    args.maxn = 0;
    args.wordNgrams = 1;
    args.verbose = 0;
    fasttext::FastText ft;
    ft.train(args);
    const auto dict = ft.getDictionary();
    fasttext::Vector v(p.dim);
    for (int32_t w = 0; w < dict->nwords(); ++w) {
      const std::string word = dict->getWord(w);
      uint32_t it = 0;
      auto [ptr, ec] = std::from_chars(word.data(), word.data() + word.size(), it);
      if (ec != std::errc() || ptr != word.data() + word.size() || it >= n_items) continue;
      ft.getWordVector(v, word);  // "</s>" and anything else non-numeric is skipped above
      for (size_t k = 0; k < dim; ++k) vectors[size_t{it} * dim + k] = v[k];
      has[it] = 1;
    }
  } catch (const std::exception& e) {
    std::filesystem::remove(corpus);
    return absl::InternalError(StrCat("fastText training failed: ", e.what()));
  }
  std::filesystem::remove(corpus);
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<ItemId> ids(train.item_ids().begin(), train.item_ids().end());
  std::string meta =
      StrCat("{\"params\":", EmbedParamsJson(p), ",\"threads_used\":", threads,
             ",\"items\":", n_items, ",\"items_trained\":", vocab.num_trained,
             ",\"tokens_per_epoch\":", vocab.num_tokens, ",\"train_seconds\":", secs, "}");
  if (p.center) CenterRows(p.dim, vectors, has);
  return EmbeddingTable(p.dim, std::move(ids), std::move(vectors), std::move(has), std::move(meta));
}

}  // namespace sessionrec
