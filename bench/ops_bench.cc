// In-process costs of the operations layer (docs/operations.md), without sockets or wrk:
// POST /recommend through the Handlers computed (no cache) vs repeated (in-process cache
// hit), and what the metrics add per request.
// Usage: MODEL_DIR=model BODIES=bench/http/out/ops/bodies.txt build/bench/ops_bench
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "ops/metrics.h"
#include "serve/answer_cache.h"
#include "serve/handlers.h"
#include "serve/live_model.h"

namespace sessionrec {
namespace {

std::vector<std::string> Bodies() {
  std::vector<std::string> out;
  std::ifstream in(std::getenv("BODIES") ? std::getenv("BODIES") : "bench/http/out/ops/bodies.txt");
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::shared_ptr<const LoadedModel> Model() {
  static std::shared_ptr<const LoadedModel> m = [] {
    auto loaded = LoadModel(std::getenv("MODEL_DIR") ? std::getenv("MODEL_DIR") : "model");
    SR_CHECK(loaded.ok());
    return *loaded;
  }();
  return m;
}

struct Service {
  explicit Service(size_t cache_entries, bool metrics_on)
      : live(Model()),
        cache(Options(cache_entries), nullptr, metrics_on ? &metrics : nullptr),
        sessions(local, nullptr, nullptr) {
    ServingParts p;
    p.model = &live;
    p.sessions = &sessions;
    p.pool = &pool;
    p.cache = &cache;
    p.metrics = metrics_on ? &metrics : nullptr;
    handlers = std::make_unique<Handlers>(p);
  }
  static AnswerCacheOptions Options(size_t n) {
    AnswerCacheOptions o;
    o.local_entries = n;
    return o;
  }
  Metrics metrics{RouteNames()};
  LiveModel live;
  AnswerCache cache;
  SessionStore local{100000};
  SharedSessionStore sessions;
  WorkPool pool{0};
  std::unique_ptr<Handlers> handlers;
};

void Run(benchmark::State& state, size_t cache_entries, bool metrics_on) {
  const std::vector<std::string> bodies = Bodies();
  SR_CHECK(!bodies.empty());
  Service s(cache_entries, metrics_on);
  HttpAnswer a;
  for (const std::string& b : bodies) s.handlers->Handle("POST", "/recommend", b, &a);  // warm
  size_t i = 0;
  for (auto _ : state) {
    s.handlers->Handle("POST", "/recommend", bodies[i++ % bodies.size()], &a);
    if (metrics_on) s.metrics.ObserveRequest(static_cast<size_t>(a.route), a.status, 1e-4);
    benchmark::DoNotOptimize(a.body.data());
  }
}

void BM_RecommendComputed(benchmark::State& state) { Run(state, 0, false); }
void BM_RecommendComputedWithMetrics(benchmark::State& state) { Run(state, 0, true); }
void BM_RecommendCachedLocal(benchmark::State& state) { Run(state, 100000, false); }
void BM_MetricsObserveRequest(benchmark::State& state) {
  Metrics m(RouteNames());
  for (auto _ : state) m.ObserveRequest(3, 200, 1e-4);
}
BENCHMARK(BM_RecommendComputed);
BENCHMARK(BM_RecommendComputedWithMetrics);
BENCHMARK(BM_RecommendCachedLocal);
BENCHMARK(BM_MetricsObserveRequest);
BENCHMARK(BM_MetricsObserveRequest)->Threads(2);

}  // namespace
}  // namespace sessionrec

BENCHMARK_MAIN();
