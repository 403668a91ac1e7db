// Recommender cost per call (the work behind one /recommend request, without HTTP/JSON).
// A synthetic log (data/generator.h) is trained into a co-visitation model once; each
// benchmark then answers real held-out sessions round-robin.
//
//   bench/recommender_bench --benchmark_filter=. [--benchmark_min_time=2]
// Release build: -DCMAKE_BUILD_TYPE=Release -DSESSIONREC_SANITIZE=OFF -DSESSIONREC_BUILD_BENCH=ON
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "data/generator.h"
#include "pipeline/train_model.h"
#include "serve/model_bundle.h"
#include "serve/recommender.h"

namespace sessionrec {
namespace {

struct Fixture {
  std::unique_ptr<Recommender> rec;
  std::vector<Session> queries;  // the last events of held-out sessions (<= 30 events)
};

const Fixture& GetFixture() {
  static const Fixture* f = [] {
    auto* fx = new Fixture;
    GeneratorParams gp;
    gp.num_sessions = 200000;
    gp.seed = 7;
    EventStoreBuilder train;
    SR_CHECK(GenerateSessions(gp, [&](std::span<const Session> batch) -> Status {
               for (const Session& s : batch) {
                 if (s.id % 50 == 0 && fx->queries.size() < 4000) {
                   Session q = s;
                   if (q.events.size() > 30) q.events.erase(q.events.begin(), q.events.end() - 30);
                   fx->queries.push_back(std::move(q));
                 } else {
                   SR_RETURN_IF_ERROR(train.AddSession(s.id, s.events));
                 }
               }
               return absl::OkStatus();
             }).ok());
    const EventStore store = train.Finish();
    const std::string dir = (std::filesystem::temp_directory_path() /
                             ("sessionrec-recbench-" + std::to_string(::getpid())))
                                .string();
    TrainParams tp;
    tp.only_covisit = true;
    SR_CHECK(TrainModel(store, tp, dir).ok());
    auto bundle = LoadModelBundle(dir);
    SR_CHECK(bundle.ok());
    fx->rec = std::make_unique<Recommender>(*bundle);
    std::filesystem::remove_all(dir);  // mapped files stay readable after unlink
    return fx;
  }();
  return *f;
}

void BM_Recommend(benchmark::State& state) {
  const Fixture& f = GetFixture();
  RecommendOptions opts;
  opts.top_k = static_cast<int>(state.range(0));
  opts.include_seen = state.range(1) != 0;
  size_t i = static_cast<size_t>(state.thread_index()) * 997;
  for (auto _ : state) {
    const Session& s = f.queries[i++ % f.queries.size()];
    benchmark::DoNotOptimize(f.rec->Recommend(s.events, opts));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Recommend)
    ->Args({20, 0})
    ->Args({20, 1})
    ->Args({100, 0})
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();

void BM_RecommendPerType(benchmark::State& state) {
  const Fixture& f = GetFixture();
  size_t i = 0;
  for (auto _ : state) {
    const Session& s = f.queries[i++ % f.queries.size()];
    benchmark::DoNotOptimize(f.rec->RecommendPerType(s.events, 20, state.range(0) != 0));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RecommendPerType)->Arg(0)->Arg(1);

}  // namespace
}  // namespace sessionrec

BENCHMARK_MAIN();
