#include "embed/sgns.h"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>

#include "core/str_cat.h"
#include "covisit/huge_page_allocator.h"
#include "embed/center_vectors.h"
#include "embed/item2vec_corpus.h"

namespace sessionrec {
namespace {

// splitmix64: small, fast, and good enough for sampling; one stream per thread.
struct Rng {
  uint64_t state;
  uint64_t Next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1) with 53 bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  uint32_t Below(uint32_t n) { return static_cast<uint32_t>((Next() >> 32) * n >> 32); }
};

// Walker's alias table over the vocabulary with probability ∝ count^0.75: O(1) exact
// negative sampling without word2vec's 10^8-entry table.
class AliasSampler {
 public:
  explicit AliasSampler(const Item2VecVocab& v) {
    for (size_t i = 0; i < v.counts.size(); ++i) {
      if (v.trained[i]) items_.push_back(static_cast<ItemIndex>(i));
    }
    const size_t n = items_.size();
    std::vector<double> p(n);
    double total = 0.0;
    for (size_t i = 0; i < n; ++i) total += p[i] = std::pow(double(v.counts[items_[i]]), 0.75);
    prob_.resize(n);
    alias_.resize(n);
    std::vector<uint32_t> small, large;
    for (size_t i = 0; i < n; ++i) {
      p[i] *= n / total;
      (p[i] < 1.0 ? small : large).push_back(static_cast<uint32_t>(i));
    }
    while (!small.empty() && !large.empty()) {
      const uint32_t s = small.back(), l = large.back();
      small.pop_back();
      prob_[s] = static_cast<float>(p[s]);
      alias_[s] = l;
      p[l] -= 1.0 - p[s];
      if (p[l] < 1.0) {
        large.pop_back();
        small.push_back(l);
      }
    }
    for (uint32_t i : large) prob_[i] = 1.0f, alias_[i] = i;
    for (uint32_t i : small) prob_[i] = 1.0f, alias_[i] = i;
  }
  ItemIndex Sample(Rng& rng) const {
    const uint64_t r = rng.Next();
    const uint32_t slot = static_cast<uint32_t>(((r >> 32) * items_.size()) >> 32);
    const float u = static_cast<float>(r & 0xFFFFFF) * 0x1.0p-24f;
    return items_[u < prob_[slot] ? slot : alias_[slot]];
  }

 private:
  std::vector<ItemIndex> items_;
  std::vector<float> prob_;
  std::vector<uint32_t> alias_;
};

// word2vec's sigmoid table: 1000 steps over [-6, 6]; outside, the gradient is 0 or ±lr.
class SigmoidTable {
 public:
  static constexpr float kMax = 6.0f;
  static constexpr int kSize = 1000;
  SigmoidTable() {
    for (int i = 0; i < kSize; ++i) {
      const double x = (2.0 * i / kSize - 1.0) * kMax;
      t_[i] = static_cast<float>(1.0 / (1.0 + std::exp(-x)));
    }
  }
  float operator()(float x) const {
    if (x >= kMax) return 1.0f;
    if (!(x > -kMax)) return 0.0f;  // also NaN (a diverged run; TrainSgns reports it)
    // x just below kMax can round up to index kSize in float arithmetic (found by ASan).
    return t_[std::min(static_cast<int>((x + kMax) * (kSize / kMax / 2)), kSize - 1)];
  }

 private:
  float t_[kSize];
};

// The rows of a center are fetched ahead of time: at 170k+ items the two matrices (88 MB
// each at dim 128) leave the cache, and every random row costs a miss.
inline void PrefetchRow(const float* row, size_t dim, bool for_write) {
  for (size_t k = 0; k < dim; k += 64 / sizeof(float)) {
    if (for_write) {
      __builtin_prefetch(row + k, 1);
    } else {
      __builtin_prefetch(row + k, 0);
    }
  }
}

// One skip-gram window, as word2vec: the input row of each of the window's c_n contexts
// against the center's output row (label 1) and that pair's own `negatives` output rows
// (label 0; `negs` holds c_n x negatives items, drawn ahead so they could be prefetched; a
// negative equal to the center is skipped), pair after pair. `grad` holds dim floats.
// Compiled for x86-64-v3 (AVX2 + FMA) and baseline x86-64; the loader picks one at start.
// (Negatives shared by the whole window, Ji et al. 2016, load 6x fewer random rows, but
// diverged to inf at the 20M-event scale with 2 threads: docs/embeddings.md, session 5.)
__attribute__((target_clones("arch=x86-64-v3", "default"))) void TrainWindow(
    float* in, float* out, size_t dim, const ItemIndex* ctx, int c_n, ItemIndex center,
    const ItemIndex* negs, int negatives, float lr, const SigmoidTable& sigmoid, float* grad) {
  for (int j = 0; j < c_n; ++j) {
    float* x = in + size_t{ctx[j]} * dim;
    std::fill(grad, grad + dim, 0.0f);
    for (int d = 0; d <= negatives; ++d) {
      const ItemIndex target = d == 0 ? center : negs[j * negatives + d - 1];
      if (d > 0 && target == center) continue;
      float* y = out + size_t{target} * dim;
      float f = 0.0f;
#pragma omp simd reduction(+ : f)
      for (size_t k = 0; k < dim; ++k) f += x[k] * y[k];
      const float gt = ((d == 0 ? 1.0f : 0.0f) - sigmoid(f)) * lr;
#pragma omp simd
      for (size_t k = 0; k < dim; ++k) {
        grad[k] += gt * y[k];
        y[k] += gt * x[k];
      }
    }
#pragma omp simd
    for (size_t k = 0; k < dim; ++k) x[k] += grad[k];
  }
}

}  // namespace

StatusOr<EmbeddingTable> TrainSgns(const EventStore& train, const EmbedParams& p) {
  SR_RETURN_IF_ERROR(ValidateEmbedParams(p));
  const auto start = std::chrono::steady_clock::now();
  const Item2VecVocab vocab = BuildItem2VecVocab(train, p.min_count);
  if (vocab.num_trained == 0) {
    return absl::FailedPreconditionError(
        "item2vec: no training session has two items with min_count events");
  }
  const size_t dim = p.dim, n_items = train.num_items();
  const AliasSampler sampler(vocab);
  const SigmoidTable sigmoid;

  // word2vec's subsampling: keep an occurrence of item i with probability
  // (sqrt(c_i / (s·T)) + 1) · (s·T) / c_i, where T = all training events of vocab items.
  std::vector<float> keep(n_items, 1.0f);
  if (p.subsample > 0) {
    double total = 0;
    for (size_t i = 0; i < n_items; ++i) total += vocab.in_vocab[i] ? vocab.counts[i] : 0;
    const double st = p.subsample * total;
    for (size_t i = 0; i < n_items; ++i) {
      if (vocab.counts[i] == 0) continue;
      const double c = static_cast<double>(vocab.counts[i]);
      keep[i] = static_cast<float>(std::min(1.0, (std::sqrt(c / st) + 1.0) * st / c));
    }
  }

  // Input vectors uniform in ±0.5/dim (word2vec), output vectors zero. On 2 MB pages
  // where THP allows: with 4 KB pages nearly every random row also misses the TLB.
  using Matrix = std::vector<float, HugePageAllocator<float>>;
  Matrix in(n_items * dim), out(n_items * dim, 0.0f);
  {
    Rng init{p.seed * 0x2545F4914F6CDD1DULL + 1};
    for (float& x : in) x = static_cast<float>((init.Uniform() - 0.5) / dim);
  }

  const int threads = EffectiveThreads(p.threads);
  const size_t n_sessions = train.num_sessions();
  const int epochs = EffectiveEpochs(p, vocab.num_tokens);
  const uint64_t total_work = uint64_t(epochs) * vocab.num_tokens + 1;
  std::atomic<uint64_t> processed{0};
  const float lr0 = p.learning_rate;
  const int negatives = p.negatives, window = p.window;

#pragma omp parallel num_threads(threads)
  {
    const int tid = omp_get_thread_num();
    const int nt = omp_get_num_threads();
    Rng rng{p.seed ^ (0xD1B54A32D192ED03ULL * uint64_t(tid + 1))};
    const size_t begin = n_sessions * tid / nt, end = n_sessions * (tid + 1) / nt;
    std::vector<ItemIndex> seq, kept, negs, ctx;
    std::vector<int> shrink;
    std::vector<size_t> first;  // first[i]: center i's negatives in negs
    std::vector<float> grad(dim);
    uint64_t local = 0;
    float lr = lr0;
    for (int epoch = 0; epoch < epochs; ++epoch) {
      for (size_t s = begin; s < end; ++s) {
        FilterSession(train.session(s), vocab.in_vocab, seq);
        if (seq.size() < 2) continue;
        local += seq.size();
        if (local >= 10000) {  // lr decays linearly with the tokens all threads processed
          const uint64_t done = processed.fetch_add(local) + local;
          local = 0;
          lr = lr0 * std::max(1e-4f, 1.0f - static_cast<float>(double(done) / total_work));
        }
        kept.clear();
        for (ItemIndex it : seq) {
          if (keep[it] >= 1.0f || rng.Uniform() < keep[it]) kept.push_back(it);
        }
        const int n = static_cast<int>(kept.size());
        if (n < 2) continue;
        // The session's random draws first (window shrink as word2vec, then each pair's
        // negatives), so the next center's rows can be prefetched while this one trains.
        shrink.resize(n);
        first.resize(n + 1);
        first[0] = 0;
        for (int i = 0; i < n; ++i) {
          shrink[i] = window - static_cast<int>(rng.Below(window));
          const int lo = std::max(0, i - shrink[i]), hi = std::min(n - 1, i + shrink[i]);
          int c = 0;
          for (int j = lo; j <= hi; ++j) c += (j != i && kept[j] != kept[i]) ? 1 : 0;
          first[i + 1] = first[i] + size_t(c) * negatives;
        }
        negs.resize(first[n]);
        for (ItemIndex& neg : negs) neg = sampler.Sample(rng);
        for (int i = 0; i < n; ++i) {
          if (i + 1 < n) {
            PrefetchRow(out.data() + size_t{kept[i + 1]} * dim, dim, true);
            for (size_t e = first[i + 1]; e < first[i + 2]; ++e) {
              PrefetchRow(out.data() + size_t{negs[e]} * dim, dim, true);
            }
            if (i + 1 + window < n) {
              PrefetchRow(in.data() + size_t{kept[i + 1 + window]} * dim, dim, true);
            }
          }
          const ItemIndex center = kept[i];
          const int lo = std::max(0, i - shrink[i]), hi = std::min(n - 1, i + shrink[i]);
          ctx.clear();
          for (int j = lo; j <= hi; ++j) {
            if (j != i && kept[j] != center) ctx.push_back(kept[j]);
          }
          if (ctx.empty()) continue;
          TrainWindow(in.data(), out.data(), dim, ctx.data(), static_cast<int>(ctx.size()), center,
                      negs.data() + first[i], negatives, lr, sigmoid, grad.data());
        }
      }
    }
  }

  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<uint8_t> has(vocab.trained);
  std::vector<ItemId> ids(train.item_ids().begin(), train.item_ids().end());
  std::string meta = StrCat(
      "{\"params\":", EmbedParamsJson(p), ",\"threads_used\":", threads, ",\"epochs_run\":", epochs,
      ",\"items\":", n_items, ",\"items_trained\":", vocab.num_trained,
      ",\"tokens_per_epoch\":", vocab.num_tokens, ",\"train_seconds\":", secs, "}");
  // in + out: the input vectors alone relate items that share contexts (second order);
  // the sum also carries in(a)·out(b), the direct co-occurrence the skip-gram fits, which
  // is most of what a sparse catalogue has (docs/embeddings.md, measured).
  if (p.add_output_vectors) {
    for (size_t i = 0; i < in.size(); ++i) in[i] += out[i];
  }
  // Too large a learning rate makes SGD diverge (rows grow to inf, then NaN): an error,
  // not vectors that poison every cosine.
  for (size_t i = 0; i < in.size(); ++i) {
    if (!std::isfinite(in[i])) {
      return absl::FailedPreconditionError(
          StrCat("item2vec diverged (non-finite vector of item ", train.item_ids()[i / dim],
                 ") with learning_rate ", p.learning_rate, ": lower it"));
    }
  }
  Matrix().swap(out);  // freed before the copy: peak stays at two matrices
  std::vector<float> vectors(in.begin(), in.end());
  if (p.center) CenterRows(p.dim, vectors, has);
  return EmbeddingTable(p.dim, std::move(ids), std::move(vectors), std::move(has), std::move(meta));
}

}  // namespace sessionrec
