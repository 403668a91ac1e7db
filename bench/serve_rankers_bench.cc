// Cost of one /recommend answer with the learned rankers on a real model directory, split
// into its phases (docs/rankers.md, "Serving speed"):
//   candidates  Merger::Generate, the rankers' candidate count (rankers.json "candidates")
//   features    FeatureBuilder::Build of those rows
//   predict     RankerSet::Score (three tree ensembles, prior, calibration)
//   recommend   the whole Recommender::Recommend (rankers) = the above + mapping the events
//               and the `combined` merge with the popularity fill
// and the blend's Recommend for comparison. Sessions come from an OTTO JSONL file (the
// requests of bench/http/run.sh), answered round-robin as the API would (top_k 20, new items).
//
//   MODEL_DIR=demo/model SESSIONS=demo/split/test_sessions.jsonl
//   taskset -c 1 build-trees-rel/bench/serve_rankers_bench
// Release build: -DCMAKE_BUILD_TYPE=Release -DSESSIONREC_SANITIZE=OFF -DSESSIONREC_BUILD_BENCH=ON
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "data/otto_jsonl.h"
#include "serve/model_bundle.h"
#include "serve/recommender.h"

namespace sessionrec {
namespace {

constexpr size_t kMaxEvents = 500;  // the API's limit (bench/http/make_bodies.py)

// One request, mapped as the Recommender maps it: known items in time order.
struct Query {
  std::vector<Event> events;
  std::vector<ItemIndex> items;
  std::vector<uint32_t> ts;
  std::vector<uint8_t> types;
  CandidateSet set;         // the Merger's candidates
  std::vector<float> rows;  // their feature rows
  SessionContext Context() const { return SessionContext{items, ts, types, true}; }
};

struct Fixture {
  std::shared_ptr<const ModelBundle> bundle;
  std::unique_ptr<Recommender> rankers;
  std::unique_ptr<Recommender> blend;
  std::vector<Query> queries;
  double mean_rows = 0;
};

const char* Env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') {
    std::fprintf(stderr, "set %s (see the file comment)\n", name);
    std::exit(2);
  }
  return v;
}

const Fixture& GetFixture() {
  static const Fixture* f = [] {
    auto* fx = new Fixture;
    auto bundle = LoadModelBundle(Env("MODEL_DIR"));
    if (!bundle.ok()) {
      std::fprintf(stderr, "%s\n", std::string(bundle.status().message()).c_str());
      std::exit(1);
    }
    fx->bundle = *bundle;
    const ModelBundle& b = *fx->bundle;
    if (b.rankers() == nullptr) {
      std::fprintf(stderr, "%s has no rankers\n", Env("MODEL_DIR"));
      std::exit(1);
    }
    fx->rankers = std::make_unique<Recommender>(fx->bundle, RecommenderScorer::kRankers);
    fx->blend = std::make_unique<Recommender>(fx->bundle, RecommenderScorer::kBlend);
    Status s = ReadOttoJsonl(Env("SESSIONS"), {}, [&](Session& session) -> Status {
      Query q;
      const size_t n = session.events.size();
      q.events.assign(
          session.events.begin() + static_cast<std::ptrdiff_t>(n - std::min(n, kMaxEvents)),
          session.events.end());
      for (const Event& e : q.events) {
        if (std::optional<ItemIndex> i = b.FindItem(e.aid)) {
          q.items.push_back(*i);
          q.ts.push_back(static_cast<uint32_t>(e.ts));
          q.types.push_back(static_cast<uint8_t>(e.type));
        }
      }
      fx->queries.push_back(std::move(q));
      return absl::OkStatus();
    });
    if (!s.ok() || fx->queries.empty()) {
      std::fprintf(stderr, "%s: %s\n", Env("SESSIONS"),
                   s.ok() ? "no sessions" : std::string(s.message()).c_str());
      std::exit(1);
    }
    MergerScratch scratch(b.items().num_items());
    FeatureScratch features;
    size_t rows = 0;
    for (Query& q : fx->queries) {
      b.blend()->Generate(q.Context(), b.rankers()->candidates(), scratch, q.set);
      b.ranker_features()->Build(q.Context(), q.set, features, q.rows);
      rows += q.set.size();
    }
    fx->mean_rows = static_cast<double>(rows) / static_cast<double>(fx->queries.size());
    return fx;
  }();
  return *f;
}

void Finish(benchmark::State& state, const Fixture& f) {
  state.SetItemsProcessed(state.iterations());
  state.counters["rows"] = f.mean_rows;
}

void BM_Recommend(benchmark::State& state) {
  const Fixture& f = GetFixture();
  const Recommender& rec = state.range(0) != 0 ? *f.rankers : *f.blend;
  RecommendOptions opts;
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(rec.Recommend(f.queries[i++ % f.queries.size()].events, opts));
  }
  Finish(state, f);
}
BENCHMARK(BM_Recommend)->ArgName("rankers")->Arg(1)->Arg(0);

void BM_Candidates(benchmark::State& state) {
  const Fixture& f = GetFixture();
  const ModelBundle& b = *f.bundle;
  MergerScratch scratch(b.items().num_items());
  CandidateSet set;
  size_t i = 0;
  for (auto _ : state) {
    const Query& q = f.queries[i++ % f.queries.size()];
    b.blend()->Generate(q.Context(), b.rankers()->candidates(), scratch, set);
    benchmark::DoNotOptimize(set.items.data());
  }
  Finish(state, f);
}
BENCHMARK(BM_Candidates);

void BM_Features(benchmark::State& state) {
  const Fixture& f = GetFixture();
  FeatureScratch scratch;
  std::vector<float> rows;
  size_t i = 0;
  for (auto _ : state) {
    const Query& q = f.queries[i++ % f.queries.size()];
    f.bundle->ranker_features()->Build(q.Context(), q.set, scratch, rows);
    benchmark::DoNotOptimize(rows.data());
  }
  Finish(state, f);
}
BENCHMARK(BM_Features);

void BM_Predict(benchmark::State& state) {
  const Fixture& f = GetFixture();
  std::array<std::vector<float>, kNumEventTypes> scores, margins;
  std::vector<float> margin;
  size_t i = 0;
  for (auto _ : state) {
    const Query& q = f.queries[i++ % f.queries.size()];
    f.bundle->rankers()->Score(q.rows, q.set.size(), scores, margin, &margins);
    benchmark::DoNotOptimize(scores[0].data());
  }
  Finish(state, f);
}
BENCHMARK(BM_Predict);

// The three tree ensembles alone, on the same rows, with each walk of rank/tree_ensemble.h
// (side by side: 0 row by row, 1 blocked, 2 perfect layout).
void BM_TreeWalk(benchmark::State& state) {
  const Fixture& f = GetFixture();
  const TreeWalk walk = static_cast<TreeWalk>(state.range(0));
  const RankerSet& rankers = *f.bundle->rankers();
  const size_t nf = rankers.schema().size();
  std::vector<float> margin;
  size_t i = 0, row_trees = 0;
  for (auto _ : state) {
    const Query& q = f.queries[i++ % f.queries.size()];
    margin.resize(q.set.size());
    for (int t = 0; t < kNumEventTypes; ++t) {
      const TreeEnsemble& trees = *rankers.model(t).trees;
      if (!trees.PredictMarginWith(walk, q.rows, q.set.size(), nf, margin).ok()) std::abort();
      row_trees += q.set.size() * trees.num_trees();
    }
    benchmark::DoNotOptimize(margin.data());
  }
  Finish(state, f);
  state.counters["row_tree"] = benchmark::Counter(
      static_cast<double>(row_trees), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_TreeWalk)->ArgName("walk")->Arg(0)->Arg(1)->Arg(2);

}  // namespace
}  // namespace sessionrec

BENCHMARK_MAIN();
