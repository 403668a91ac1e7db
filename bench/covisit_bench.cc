// Co-visitation build speed (docs/covisitation.md has the figures and commands).
//
// As a Google Benchmark it builds all three matrices from an in-memory store of the
// project's synthetic sessions (data/generator.h, as `sessionrec generate --seed 42`):
//   build-release/bench/covisit_bench --benchmark_filter=BuildAll
// As a tool it loads a file (OTTO JSONL or an event store), builds all three matrices and
// prints the time of each step; run it under /usr/bin/time -v for the peak RSS:
//   build-release/bench/covisit_bench --input FILE [--threads N] [--save-dir DIR]
//   build-release/bench/covisit_bench --synthetic-sessions N [--threads N]
//   build-release/bench/covisit_bench --synthetic-sessions N --write-jsonl FILE
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "covisit/covisit_builder.h"
#include "data/generator.h"
#include "data/load.h"
#include "data/otto_jsonl.h"

namespace sessionrec {
namespace {

// `sessionrec generate --sessions N --seed 42` as an in-memory store (the same sessions).
EventStore GeneratedStore(size_t num_sessions) {
  GeneratorParams g;
  g.num_sessions = num_sessions;
  g.seed = 42;
  EventStoreBuilder b;
  const Status st = GenerateSessions(
      g,
      [&](std::span<const Session> batch) {
        for (const Session& s : batch) SR_RETURN_IF_ERROR(b.AddSession(s.id, s.events));
        return absl::OkStatus();
      },
      nullptr);
  if (!st.ok()) std::abort();
  return b.Finish();
}

void BM_BuildAll(benchmark::State& state) {
  const EventStore st = GeneratedStore(static_cast<size_t>(state.range(0)));
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

// CPU seconds of the process over all threads: on a shared machine the wall time says how
// busy the machine was, this says what the work cost.
double CpuSeconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

// The tool mode; returns the process exit code.
int RunTool(int argc, char** argv) {
  std::string input, save_dir, write_jsonl;
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
    } else if (flag == "--write-jsonl") {
      write_jsonl = value;
    } else if (flag == "--save-dir") {
      save_dir = value;
    } else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  auto t0 = std::chrono::steady_clock::now();
  const double c0 = CpuSeconds();
  EventStore st;
  if (!input.empty()) {
    auto loaded = LoadEventStore(input);
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", std::string(loaded.status().message()).c_str());
      return 1;
    }
    st = std::move(*loaded);
  } else {
    st = GeneratedStore(synthetic);
  }
  if (!write_jsonl.empty()) {
    // The same bytes as `sessionrec generate --sessions N --seed 42 --ts-ms`, for timing the
    // load of a JSONL file.
    auto w = OttoJsonlWriter::Open(write_jsonl, {.ts_in_milliseconds = true});
    Status s = w.ok() ? Status() : w.status();
    for (size_t i = 0; s.ok() && i < st.num_sessions(); ++i) s = w->Add(st.ToSession(i));
    if (s.ok()) s = w->Finish();
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
      return 1;
    }
    std::printf("wrote %s\n", write_jsonl.c_str());
    return 0;
  }
  const double load_s = Seconds(t0), load_cpu = CpuSeconds() - c0;
  std::printf("input: %zu sessions, %zu events, %zu items; load %.3f s (cpu %.3f s)\n",
              st.num_sessions(), st.num_events(), st.num_items(), load_s, load_cpu);
  auto t1 = std::chrono::steady_clock::now();
  const double c1 = CpuSeconds();
  auto m = BuildAllCovisit(st, p);
  if (!m.ok()) {
    std::fprintf(stderr, "%s\n", std::string(m.status().message()).c_str());
    return 1;
  }
  const double build_s = Seconds(t1), build_cpu = CpuSeconds() - c1;
  std::printf("build (3 matrices): %.3f s (cpu %.3f s); load+build %.3f s (cpu %.3f s)\n", build_s,
              build_cpu, load_s + build_s, load_cpu + build_cpu);
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
