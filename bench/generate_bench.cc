// Synthetic session generation speed, without and with JSONL formatting (no disk I/O).
//   build-release/bench/generate_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include "data/generator.h"
#include "data/otto_jsonl.h"

namespace sessionrec {
namespace {

// Generation only, on `threads` threads; items/s = events/s.
void BM_Generate(benchmark::State& state) {
  GeneratorParams p{.num_sessions = 200000, .seed = 1, .threads = static_cast<int>(state.range(0))};
  uint64_t events = 0;
  for (auto _ : state) {
    GeneratorStats stats;
    const Status st = GenerateSessions(
        p, [](std::span<const Session>) { return absl::OkStatus(); }, &stats);
    if (!st.ok()) state.SkipWithError(std::string(st.message()).c_str());
    events += stats.events;
  }
  state.SetItemsProcessed(static_cast<int64_t>(events));
}
BENCHMARK(BM_Generate)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// Generation plus formatting every session as an OTTO JSONL line (what `generate` does
// before writing); bytes/s is JSONL output.
void BM_GenerateJsonl(benchmark::State& state) {
  GeneratorParams p{.num_sessions = 200000, .seed = 1, .threads = static_cast<int>(state.range(0))};
  uint64_t events = 0, bytes = 0;
  std::string buf;
  for (auto _ : state) {
    GeneratorStats stats;
    const Status st = GenerateSessions(
        p,
        [&](std::span<const Session> batch) {
          for (const Session& s : batch) {
            AppendOttoJsonlLine(s, {}, &buf);
            if (buf.size() > (1 << 20)) {
              bytes += buf.size();
              buf.clear();
            }
          }
          return absl::OkStatus();
        },
        &stats);
    if (!st.ok()) state.SkipWithError(std::string(st.message()).c_str());
    events += stats.events;
  }
  state.SetItemsProcessed(static_cast<int64_t>(events));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_GenerateJsonl)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace sessionrec

BENCHMARK_MAIN();
