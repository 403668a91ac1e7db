// Candidate generation speed (docs/candidates.md): the Merger over every source for one
// session, 100 candidates, on one core (one thread, one scratch).
//
// The model is built from the project's synthetic sessions (data/generator.h, seed 42):
// the three baseline matrices, the six variants, popularity lists and, for
// BM_MergedCandidates/embed:1, item2vec (1 epoch) with its neighbour lists and index.
// Queries are the stored sessions themselves, cycled; k = 100 per source and merged.
//   taskset -c 1 build-embed-rel/bench/candidates_bench --benchmark_filter='Merged|SessionEmbed'
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>

#include "candidates/candidate_registry.h"
#include "candidates/merger.h"
#include "covisit/covisit_builder.h"
#include "covisit/covisit_variants.h"
#include "data/generator.h"
#include "embed/train_embeddings.h"

namespace sessionrec {
namespace {

namespace fs = std::filesystem;

// Sessions 0 .. n-1 of `sessionrec generate --seed 42`, drawn one by one.
EventStore SyntheticStore(uint64_t n) {
  GeneratorParams g;
  g.num_sessions = n;
  const SessionGenerator gen(g);
  EventStoreBuilder builder;
  Session s;
  for (uint64_t i = 0; i < n; ++i) {
    gen.Generate(i, &s);
    if (!builder.AddSession(s.id, s.events).ok()) std::abort();
  }
  return builder.Finish();
}

// Everything the sources read, built once per benchmark configuration.
struct Model {
  EventStore store;
  CovisitMatrices base;
  std::vector<CovisitMatrix> variants;
  PopularityLists popularity;
  std::unique_ptr<EmbeddingArtifacts> embed;
  CandidateResources refs;
};

std::unique_ptr<Model> BuildModel(uint64_t sessions, bool with_embeddings) {
  auto m = std::make_unique<Model>();
  m->store = SyntheticStore(sessions);
  m->base = *BuildAllCovisit(m->store, CovisitParams{});
  m->variants.reserve(kAllCovisitVariants.size());  // refs point into it: no reallocation
  for (CovisitVariant v : kAllCovisitVariants) {
    m->variants.push_back(*BuildCovisitVariant(m->store, v, {}));
    m->refs.covisit.emplace_back(std::string(CovisitVariantName(v)), &m->variants.back());
  }
  for (CovisitKind k : kAllCovisitKinds) {
    m->refs.covisit.emplace_back(std::string(CovisitKindName(k)), &m->base.Get(k));
  }
  m->popularity = PopularityLists::Build(m->store, {});
  m->refs.popularity = &m->popularity;
  if (with_embeddings) {
    const fs::path dir =
        fs::temp_directory_path() / ("candidates-bench-" + std::to_string(getpid()));
    fs::create_directories(dir);
    EmbedParams ep;
    ep.epochs = 1;  // speed of the sources, not quality: one pass is enough
    ep.min_tokens = 0;
    if (!TrainEmbeddingArtifacts(m->store, ep, dir.string()).ok()) std::abort();
    m->embed = *LoadEmbeddingArtifacts(dir.string(), ep.neighbors);
    fs::remove_all(dir);
    m->refs.item_neighbors = &m->embed->neighbors;
    m->refs.embeddings = &m->embed->table;
    m->refs.ann_index = m->embed->index.get();
  }
  return m;
}

// One model per configuration, built on first use.
const Model& CachedModel(uint64_t sessions, bool with_embeddings) {
  static std::map<std::pair<uint64_t, bool>, std::unique_ptr<Model>> models;
  auto& m = models[{sessions, with_embeddings}];
  if (m == nullptr) m = BuildModel(sessions, with_embeddings);
  return *m;
}

void BM_MergedCandidates(benchmark::State& state) {
  const Model* model = &CachedModel(static_cast<uint64_t>(state.range(0)), state.range(1) != 0);
  std::vector<std::unique_ptr<CandidateSource>> sources;
  for (const std::string& name : AvailableCandidateSources(model->refs)) {
    sources.push_back(*MakeCandidateSource(name, model->refs));
  }
  const Merger merger = Merger::WithDefaultWeights(std::move(sources), {.per_source_k = 100});
  MergerScratch scratch(model->store.num_items());
  CandidateSet out;
  size_t s = 0, total = 0;
  for (auto _ : state) {
    const SessionView v = model->store.session(s);
    s = (s + 1) % model->store.num_sessions();
    merger.Generate({v.items, v.ts, v.types, true}, 100, scratch, out);
    total += out.size();
    benchmark::DoNotOptimize(out.items.data());
  }
  state.counters["sources"] = static_cast<double>(merger.num_sources());
  state.counters["candidates"] =
      benchmark::Counter(static_cast<double>(total), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_MergedCandidates)
    ->ArgsProduct({{100'000}, {0, 1}})
    ->ArgNames({"sessions", "embed"})
    ->Unit(benchmark::kMicrosecond);

// One session-embedding source alone, 100 candidates: pool:0 = session_embed_search (the
// index search), pool:1 = session_embed (neighbour-list pool, min_pool = range(1)).
void BM_SessionEmbedSource(benchmark::State& state) {
  const Model& model = CachedModel(100'000, true);
  CandidateResources refs = model.refs;
  refs.session_embed_pool.min_pool = static_cast<size_t>(state.range(1));
  const auto source =
      *MakeCandidateSource(state.range(0) != 0 ? "session_embed" : "session_embed_search", refs);
  CandidateScratch scratch(model.store.num_items());
  std::vector<ScoredCandidate> out;
  size_t s = 0, total = 0;
  for (auto _ : state) {
    const SessionView v = model.store.session(s);
    s = (s + 1) % model.store.num_sessions();
    source->Generate({v.items, v.ts, v.types, true}, 100, scratch, out);
    total += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["candidates"] =
      benchmark::Counter(static_cast<double>(total), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_SessionEmbedSource)
    ->Args({0, 0})
    ->Args({1, 100})
    ->Args({1, 400})
    ->Args({1, 1000})
    ->ArgNames({"pool", "min_pool"})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace sessionrec

BENCHMARK_MAIN();
