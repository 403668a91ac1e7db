// Import speed of OTTO JSONL on one core. The input is a synthetic file of 200k sessions
// (~3M events, OTTO-like: ms timestamps, aids up to 1.86M with heavy-tailed popularity,
// ~90% clicks) written once into a
// temporary file. Throughput is reported as bytes/s of JSONL consumed.
//
//   build-release/bench/import_bench --benchmark_filter=Jsonl
#include <benchmark/benchmark.h>
#include <simdjson.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>

#include "data/otto_jsonl.h"

namespace sessionrec {

constexpr int kSessions = 200'000;

// Set once the synthetic file exists; main() removes it.
std::string created_path;

// Writes the synthetic file once per process and returns its path.
const std::string& SyntheticJsonl() {
  static const std::string path = [] {
    std::string p = (std::filesystem::temp_directory_path() /
                     ("sessionrec_import_bench_" + std::to_string(::getpid()) + ".jsonl"))
                        .string();
    std::mt19937_64 rng(42);
    std::geometric_distribution<int> length(1.0 / 15.0);
    std::uniform_real_distribution<double> u(0, 1);
    // Heavy-tailed popularity like OTTO's (density ~ 1/aid over 1.86M items).
    const double log_items = std::log(1'855'603.0);
    // The popularity rank is scrambled so aids keep OTTO's 1-7 digits.
    auto aid = [&](std::mt19937_64& g) {
      const auto rank = static_cast<uint64_t>(std::exp(u(g) * log_items));
      return static_cast<ItemId>(rank * 1'000'003 % 1'855'603);
    };
    std::uniform_int_distribution<int> gap_ms(1'000, 600'000);
    auto w = OttoJsonlWriter::Open(p, {.ts_in_milliseconds = true});
    if (!w.ok()) std::abort();
    Session s;
    for (int i = 0; i < kSessions; ++i) {
      s.id = i;
      s.events.clear();
      int64_t ts_ms = 1659304800000LL + static_cast<int64_t>(u(rng) * 2.4e9);
      const int n = 1 + length(rng);
      for (int k = 0; k < n; ++k) {
        ts_ms += gap_ms(rng);
        const double r = u(rng);
        const EventType t =
            r < 0.9 ? EventType::kClick : (r < 0.976 ? EventType::kCart : EventType::kOrder);
        s.events.push_back({aid(rng), ts_ms / 1000, t});
      }
      if (!w->Add(s).ok()) std::abort();
    }
    if (!w->Finish().ok()) std::abort();
    created_path = p;
    return p;
  }();
  return path;
}

// Parsing only: sessions go to a visitor that counts events.
void BM_ReadJsonl(benchmark::State& state) {
  const std::string& path = SyntheticJsonl();
  const auto bytes = static_cast<int64_t>(std::filesystem::file_size(path));
  uint64_t events = 0;
  for (auto _ : state) {
    ImportReport report;
    Status st = ReadOttoJsonl(
        path, {.threads = 1},
        [&](Session& s) {
          events += s.events.size();
          return absl::OkStatus();
        },
        &report);
    if (!st.ok()) state.SkipWithError(std::string(st.message()).c_str());
  }
  state.SetBytesProcessed(state.iterations() * bytes);
  state.counters["events"] = static_cast<double>(events / state.iterations());
}
BENCHMARK(BM_ReadJsonl)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// Parsing plus building the in-memory EventStore (what `import` does).
void BM_ImportJsonlToStore(benchmark::State& state) {
  const std::string& path = SyntheticJsonl();
  const auto bytes = static_cast<int64_t>(std::filesystem::file_size(path));
  for (auto _ : state) {
    auto store = ReadOttoJsonlStore(path, {.threads = 1});
    if (!store.ok()) state.SkipWithError(std::string(store.status().message()).c_str());
    benchmark::DoNotOptimize(store);
  }
  state.SetBytesProcessed(state.iterations() * bytes);
}
BENCHMARK(BM_ImportJsonlToStore)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// Runs `walk(doc)` on every line of the synthetic file, parsed in place by one `iterate`
// per line (lines are followed by at least the file's padding), as ReadOttoJsonl does;
// returns the sum `walk` gives and sets the bytes processed.
template <typename Walk>
void WalkLines(benchmark::State& state, const Walk& walk) {
  auto loaded = simdjson::padded_string::load(SyntheticJsonl());
  if (loaded.error()) std::abort();
  const simdjson::padded_string data = std::move(loaded).value_unsafe();
  simdjson::ondemand::parser parser;
  uint64_t sum = 0;
  for (auto _ : state) {
    const char* p = data.data();
    const char* const end = p + data.size();
    while (p < end) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
      const size_t len = static_cast<size_t>((nl != nullptr ? nl : end) - p);
      simdjson::ondemand::document doc;
      if (parser.iterate(p, len, len + simdjson::SIMDJSON_PADDING).get(doc)) std::abort();
      p += len + 1;
      sum += walk(doc);
    }
  }
  benchmark::DoNotOptimize(sum);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(data.size()));
}

// The reference ceiling: simdjson's own on-demand walk of the same lines, reading the three
// fields of every event in file order with find_field and nothing else (no checks, no
// store). What `import` costs on top of the library is ImportJsonlToStore against this.
void BM_SimdjsonWalk(benchmark::State& state) {
  WalkLines(state, [](simdjson::ondemand::document& doc) {
    uint64_t sum = 0;
    simdjson::ondemand::array events;
    if (doc.find_field("events").get_array().get(events)) std::abort();
    for (auto ev : events) {
      uint64_t aid = 0, ts = 0;
      std::string_view type;
      if (ev.find_field("aid").get_uint64().get(aid) || ev.find_field("ts").get_uint64().get(ts) ||
          ev.find_field("type").get_string().get(type)) {
        std::abort();
      }
      sum += aid + ts + type.size();
    }
    return sum;
  });
}
BENCHMARK(BM_SimdjsonWalk)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// The same walk, but visiting every field of every object and matching raw keys as
// ReadOttoJsonl does (any order, unknown keys skipped): what field-order independence
// costs over find_field's in-order search.
void BM_SimdjsonFieldLoop(benchmark::State& state) {
  WalkLines(state, [](simdjson::ondemand::document& doc) {
    uint64_t sum = 0;
    simdjson::ondemand::object obj;
    if (doc.get_object().get(obj)) std::abort();
    for (auto field : obj) {
      simdjson::ondemand::raw_json_string key;
      if (field.key().get(key)) std::abort();
      if (!key.unsafe_is_equal("events")) continue;
      simdjson::ondemand::array events;
      if (field.value().get_array().get(events)) std::abort();
      for (auto ev : events) {
        simdjson::ondemand::object eo;
        if (ev.get_object().get(eo)) std::abort();
        for (auto f : eo) {
          simdjson::ondemand::raw_json_string k;
          if (f.key().get(k)) std::abort();
          uint64_t v = 0;
          std::string_view t;
          if (k.unsafe_is_equal("aid") || k.unsafe_is_equal("ts")) {
            if (f.value().get_uint64().get(v)) std::abort();
          } else if (k.unsafe_is_equal("type")) {
            if (f.value().get_string().get(t)) std::abort();
          }
          sum += v + t.size();
        }
      }
    }
    return sum;
  });
}
BENCHMARK(BM_SimdjsonFieldLoop)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// Writing the store back as JSONL (ts in seconds).
void BM_WriteJsonl(benchmark::State& state) {
  auto store = ReadOttoJsonlStore(SyntheticJsonl(), {});
  if (!store.ok()) std::abort();
  const std::string out = SyntheticJsonl() + ".out.jsonl";
  for (auto _ : state) {
    if (!WriteOttoJsonl(*store, out).ok()) state.SkipWithError("write failed");
  }
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(std::filesystem::file_size(out)));
  std::filesystem::remove(out);
}
BENCHMARK(BM_WriteJsonl)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace sessionrec

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  // Removed here, not in an atexit handler: the path's own static dies first.
  if (!sessionrec::created_path.empty()) std::filesystem::remove(sessionrec::created_path);
  return 0;
}
