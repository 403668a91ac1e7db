// Co-visitation build speed (docs/covisitation.md has the figures and commands).
//
// As a Google Benchmark it builds all three matrices from an in-memory synthetic store
// (Zipf-popular items, lognormal session lengths with mean ~17, OTTO's type mix):
//   build-release/bench/covisit_bench --benchmark_filter=BuildAll
// As a tool it loads a file (OTTO JSONL or an event store), builds all three matrices and
// prints the time of each step; run it under /usr/bin/time -v for the peak RSS:
//   build-release/bench/covisit_bench --input FILE [--threads N] [--save-dir DIR]
//   build-release/bench/covisit_bench --synthetic-sessions N [--threads N]
#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "covisit/covisit_builder.h"
#include "data/load.h"

namespace sessionrec {
namespace {

// A synthetic store shaped like OTTO: 1.86M items per 12.9M sessions, Zipf(1) popularity,
// session length round(lognormal(log 6, 1.5)) in [2, 500] (mean ~17, median 6), gaps of
// seconds to days, 90% clicks / 7.6% carts / 2.4% orders.
EventStore SyntheticStore(size_t num_sessions, uint64_t seed) {
  const size_t num_items = std::max<size_t>(1000, num_sessions * 144 / 1000);
  std::vector<double> cdf(num_items);
  double total = 0;
  for (size_t i = 0; i < num_items; ++i) cdf[i] = total += 1.0 / static_cast<double>(i + 1);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::lognormal_distribution<double> length(std::log(6.0), 1.5);
  std::lognormal_distribution<double> gap(std::log(30.0), 2.0);
  EventStoreBuilder b;
  std::vector<Event> events;
  for (size_t s = 0; s < num_sessions; ++s) {
    events.clear();
    const int n = std::clamp(static_cast<int>(std::lround(length(rng))), 2, 500);
    double ts = 1659304800 + u(rng) * 28 * 86400;
    for (int i = 0; i < n; ++i) {
      ts += std::min(gap(rng), 5.0 * 86400);
      // Repeat views: a third of the events revisit an earlier item of the session.
      ItemId aid;
      if (!events.empty() && u(rng) < 0.33) {
        aid = events[static_cast<size_t>(u(rng) * events.size())].aid;
      } else {
        aid = std::lower_bound(cdf.begin(), cdf.end(), u(rng) * total) - cdf.begin();
      }
      const double r = u(rng);
      const EventType t =
          r < 0.9 ? EventType::kClick : (r < 0.976 ? EventType::kCart : EventType::kOrder);
      events.push_back({aid, static_cast<Timestamp>(ts), t});
    }
    if (!b.AddSession(static_cast<SessionId>(s), events).ok()) std::abort();
  }
  return b.Finish();
}

void BM_BuildAll(benchmark::State& state) {
  const EventStore st = SyntheticStore(static_cast<size_t>(state.range(0)), 42);
  CovisitParams p;
  p.num_threads = static_cast<int>(state.range(1));
  for (auto _ : state) {
    auto m = BuildAllCovisit(st, p);
    if (!m.ok()) state.SkipWithError(std::string(m.status().message()).c_str());
    benchmark::DoNotOptimize(m);
  }
  state.counters["events"] = static_cast<double>(st.num_events());
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * st.num_events()));
}
BENCHMARK(BM_BuildAll)
    ->ArgsProduct({{20'000, 200'000}, {1, 2}})
    ->ArgNames({"sessions", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// The tool mode; returns the process exit code.
int RunTool(int argc, char** argv) {
  std::string input, save_dir;
  size_t synthetic = 0;
  CovisitParams p;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--input") {
      input = value;
    } else if (flag == "--synthetic-sessions") {
      synthetic = std::stoull(value);
    } else if (flag == "--threads") {
      p.num_threads = std::stoi(value);
    } else if (flag == "--save-dir") {
      save_dir = value;
    } else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  auto t0 = std::chrono::steady_clock::now();
  EventStore st;
  if (!input.empty()) {
    auto loaded = LoadEventStore(input);
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", std::string(loaded.status().message()).c_str());
      return 1;
    }
    st = std::move(*loaded);
  } else {
    st = SyntheticStore(synthetic, 42);
  }
  const double load_s = Seconds(t0);
  std::printf("input: %zu sessions, %zu events, %zu items; load %.3f s\n", st.num_sessions(),
              st.num_events(), st.num_items(), load_s);
  auto t1 = std::chrono::steady_clock::now();
  auto m = BuildAllCovisit(st, p);
  if (!m.ok()) {
    std::fprintf(stderr, "%s\n", std::string(m.status().message()).c_str());
    return 1;
  }
  const double build_s = Seconds(t1);
  std::printf("build (3 matrices): %.3f s; load+build %.3f s\n", build_s, load_s + build_s);
  for (CovisitKind k : kAllCovisitKinds) {
    std::printf("  %-12s %zu entries\n", std::string(CovisitKindName(k)).c_str(),
                m->Get(k).num_entries());
    if (!save_dir.empty()) {
      const std::string path = (std::filesystem::path(save_dir) /
                                ("covisit_" + std::string(CovisitKindName(k)) + ".bin"))
                                   .string();
      if (const Status s = m->Get(k).Save(path); !s.ok()) {
        std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
        return 1;
      }
    }
  }
  return 0;
}

}  // namespace
}  // namespace sessionrec

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--input") == 0 || std::strcmp(argv[i], "--synthetic-sessions") == 0) {
      return sessionrec::RunTool(argc, argv);
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
