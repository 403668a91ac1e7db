// Embedding benchmarks and measurement harness (never run by ctest).
//
//   embed_bench                      Google Benchmark: session embedding per request,
//                                    neighbour lookup, exact vs HNSW session queries
//   embed_bench quality (--preset rees46|taobao --input FILE | --store EVENTS)
//                       [--days D] [--trainer T]
//                       [--threads N] [--seeds S] [--epochs E] [--min-count M]
//                       [--min-tokens T] [--window W] [--negatives N] [--lr R]
//                       [--subsample X] [--center 0|1] [--in-plus-out 0|1]
//                       [--categories 0|1] [--item-weight A] [--category-only 0|1]
//       (every embedding flag defaults to EmbedParams' default; --threads to 2)
//       The preset's category column (taobao, rees46) is imported as catalogue metadata
//       and mixed into the item vectors (embed/category_vectors.h) unless --categories 0.
//       imports FILE with the preset (or maps the event store EVENTS), splits by time (train:
//       SplitOtto's training part; test: the full sessions that start after split_ts), trains item
//       vectors for each seed 1..S and prints the next-item similarity check
//       (embed/embed_quality.h).
//   embed_bench train (--input EVENTS | --generate SESSIONS) --model-dir DIR
//                     [--trainer T] [--threads N] [--encoding float32|int8] [--every K]
//       runs TrainEmbeddingArtifacts and prints its stats (wrap in /usr/bin/time -v);
//       with --save FILE it only writes the (generated) store to FILE as EVENTS.
//       --every K keeps every K-th session (same time span and catalogue, 1/K events);
//       --sgns-only 1 only trains the item vectors (TrainSgns) and prints its time.
//       Neighbour flags (train and ann): [--m M] [--ef-construction E] [--ef-search S]
//       [--exact-below N].
//   embed_bench ann --embeddings FILE [--sample N] [--threads N] [neighbour flags]
//       HNSW over a trained table (embeddings.bin) vs exact search: build and list times,
//       recall@k of the per-item neighbour lists on N sampled items.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <string>

#include "data/delimited_import.h"
#include "data/generator.h"
#include "data/import_presets.h"
#include "data/load.h"
#include "data/split.h"
#include "embed/embed_quality.h"
#include "embed/sgns.h"
#include "embed/train_embeddings.h"

namespace sessionrec {
namespace {

// A random table of `n` unit vectors (dim 128), all with a vector.
EmbeddingTable RandomTable(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> g;
  std::vector<float> v(n * 128);
  for (float& x : v) x = g(rng);
  std::vector<ItemId> ids(n);
  for (size_t i = 0; i < n; ++i) ids[i] = i;
  return EmbeddingTable(128, std::move(ids), std::move(v), std::vector<uint8_t>(n, 1));
}

const EmbeddingTable& Table100k() {
  static const EmbeddingTable t = RandomTable(100000, 1);
  return t;
}

void BM_SessionEmbedding(benchmark::State& state) {
  const EmbeddingTable& t = Table100k();
  const size_t n = state.range(0);
  std::vector<ItemIndex> items(n);
  std::vector<uint8_t> types(n);
  for (size_t i = 0; i < n; ++i) items[i] = (i * 7919) % t.num_items(), types[i] = i % 3;
  std::vector<float> out(128);
  const SessionEmbeddingParams p;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ComputeSessionEmbedding(t, items, types, p, out));
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_SessionEmbedding)->Arg(5)->Arg(20)->Arg(100);

void BM_SessionQuery(benchmark::State& state) {
  const EmbeddingTable& t = Table100k();
  NeighborParams np;
  const bool exact = state.range(0) == 0;
  static std::unique_ptr<ItemAnnIndex> hnsw;
  static std::unique_ptr<ItemAnnIndex> brute;
  auto& idx = exact ? brute : hnsw;
  if (!idx) idx = ItemAnnIndex::Build(t, np, 2, 1, exact);
  std::vector<ScoredItem> out;
  size_t q = 0;
  for (auto _ : state) {
    idx->Search(t.Row(static_cast<ItemIndex>(q++ % t.num_items())), 50, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetLabel(exact ? "exact, 100k items" : "hnsw, 100k items");
}
BENCHMARK(BM_SessionQuery)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

void BM_NeighborLookup(benchmark::State& state) {
  const size_t n = 100000, k = 30;
  std::vector<uint64_t> off(n + 1);
  std::vector<ItemIndex> nb(n * k);
  std::vector<float> s(n * k, 0.5f);
  for (size_t i = 0; i <= n; ++i) off[i] = i * k;
  for (size_t i = 0; i < n * k; ++i) nb[i] = (i * 31) % n;
  const ItemNeighbors m(std::move(off), std::move(nb), std::move(s));
  size_t q = 0;
  for (auto _ : state) {
    float sum = 0;
    for (float x : m.Sims(static_cast<ItemIndex>(q++ % n))) sum += x;
    benchmark::DoNotOptimize(sum);
  }
}
BENCHMARK(BM_NeighborLookup);

// --- measurement modes -------------------------------------------------------------

std::map<std::string, std::string> Flags(int argc, char** argv) {
  std::map<std::string, std::string> f;
  for (int i = 2; i + 1 < argc; i += 2) f[argv[i]] = argv[i + 1];
  return f;
}

std::string Get(const std::map<std::string, std::string>& f, const std::string& k,
                const std::string& def) {
  auto it = f.find(k);
  return it == f.end() ? def : it->second;
}

int Fail(const Status& s) {
  std::fprintf(stderr, "%s\n", s.ToString().c_str());
  return 1;
}

double Secs(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

EmbedParams ParamsFrom(const std::map<std::string, std::string>& f) {
  EmbedParams p;  // every flag defaults to EmbedParams' default, except --threads (2)
  auto num = [&](const char* flag, auto def) { return Get(f, flag, std::to_string(def)); };
  p.trainer =
      Get(f, "--trainer", "sgns") == "fasttext" ? EmbedTrainer::kFastText : EmbedTrainer::kSgns;
  p.threads = std::stoi(Get(f, "--threads", "2"));
  p.epochs = std::stoi(num("--epochs", p.epochs));
  p.min_tokens = std::stoull(num("--min-tokens", p.min_tokens));
  p.min_count = std::stoi(num("--min-count", p.min_count));
  p.window = std::stoi(num("--window", p.window));
  p.negatives = std::stoi(num("--negatives", p.negatives));
  p.learning_rate = std::stof(num("--lr", p.learning_rate));
  p.subsample = std::stod(num("--subsample", p.subsample));
  p.center = Get(f, "--center", p.center ? "1" : "0") == "1";
  p.add_output_vectors = Get(f, "--in-plus-out", p.add_output_vectors ? "1" : "0") == "1";
  p.store.encoding =
      Get(f, "--encoding", "float32") == "int8" ? RowEncoding::kInt8 : RowEncoding::kFloat32;
  p.store.last_days = std::stoi(Get(f, "--last-days", "0"));
  p.neighbors.hnsw_m = std::stoi(num("--m", p.neighbors.hnsw_m));
  p.neighbors.ef_construction = std::stoi(num("--ef-construction", p.neighbors.ef_construction));
  p.neighbors.ef_search = std::stoi(num("--ef-search", p.neighbors.ef_search));
  p.neighbors.exact_below = std::stoull(num("--exact-below", p.neighbors.exact_below));
  p.category.enabled = Get(f, "--categories", p.category.enabled ? "1" : "0") == "1";
  p.category.item_weight = std::stof(num("--item-weight", p.category.item_weight));
  p.category.category_only_items =
      Get(f, "--category-only", p.category.category_only_items ? "1" : "0") == "1";
  return p;
}

// Neighbour quality of HNSW against exact search on a trained table: build time, time of
// every item's top-k list, and recall@k of those lists on a sample of items.
int Ann(const std::map<std::string, std::string>& f) {
  auto table = EmbeddingTable::Open(Get(f, "--embeddings", ""));
  if (!table.ok()) return Fail(table.status());
  const EmbedParams p = ParamsFrom(f);
  const size_t sample = std::stoull(Get(f, "--sample", "2000"));
  auto t = std::chrono::steady_clock::now();
  const auto hnsw = ItemAnnIndex::Build(*table, p.neighbors, p.threads, p.seed, false);
  const double build_s = Secs(t);
  t = std::chrono::steady_clock::now();
  const ItemNeighbors nb = ItemNeighbors::Build(*table, *hnsw, p.neighbors, p.threads);
  const double lists_s = Secs(t);
  const auto exact = ItemAnnIndex::Build(*table, p.neighbors, 1, p.seed, true);
  std::vector<ScoredItem> found;
  size_t hits = 0, wanted = 0;
  const size_t n = table->num_items(), step = std::max<size_t>(1, n / sample);
  for (size_t i = 0; i < n; i += step) {
    const auto r = static_cast<ItemIndex>(i);
    if (!table->HasVector(r)) continue;
    exact->Search(table->Row(r), static_cast<size_t>(p.neighbors.k) + 1, found);
    const auto got = nb.Neighbors(r);
    for (const ScoredItem& e : found) {
      if (e.item == r) continue;
      ++wanted;
      hits += std::find(got.begin(), got.end(), e.item) != got.end() ? 1 : 0;
    }
  }
  std::printf(
      "%zu vectors, %s M %d ef_construction %d ef_search %d threads %d: build %.1f s, "
      "lists %.1f s, recall@%d vs exact %.4f (%zu sampled neighbours)\n",
      table->num_with_vector(), hnsw->exact() ? "exact" : "hnsw", p.neighbors.hnsw_m,
      p.neighbors.ef_construction, p.neighbors.ef_search, p.threads, build_s, lists_s,
      p.neighbors.k, wanted ? static_cast<double>(hits) / wanted : 0.0, wanted);
  return 0;
}

// The preset import also fills `categories` when the preset has a category column.
StatusOr<EventStore> ImportOrLoad(const std::map<std::string, std::string>& f,
                                  ItemCategoriesBuilder* categories) {
  if (f.count("--store")) return LoadEventStore(f.at("--store"));
  DelimitedImportOptions opt;
  SR_RETURN_IF_ERROR(ApplyImportPreset(Get(f, "--preset", "rees46"), &opt));
  opt.inputs = {{Get(f, "--input", "")}};
  return ImportDelimited(opt, nullptr, categories);
}

int Quality(const std::map<std::string, std::string>& f) {
  ItemCategoriesBuilder builder;
  auto data = ImportOrLoad(f, &builder);
  if (!data.ok()) return Fail(data.status());
  std::optional<ItemCategories> categories;
  if (builder.num_pairs() > 0) categories = ItemCategories::Build(std::move(builder));
  SplitParams sp;
  sp.days = std::stod(Get(f, "--days", "0.02"));
  auto split = SplitOtto(*data, sp);
  if (!split.ok()) return Fail(split.status());
  EventStoreBuilder tb;
  for (size_t i = 0; i < data->num_sessions(); ++i) {
    const SessionView v = data->session(i);
    if (v.size() >= 2 && double(v.ts[0]) > split->split_ts) {
      const Session full = data->ToSession(i);
      if (!tb.AddSession(full.id, full.events).ok()) return 1;
    }
  }
  const EventStore test = tb.Finish();
  std::printf(
      "data %zu sessions %zu events; train %zu sessions %zu events %zu items; test %zu sessions; "
      "categories: %zu items, %zu categories\n",
      data->num_sessions(), data->num_events(), split->train.num_sessions(),
      split->train.num_events(), split->train.num_items(), test.num_sessions(),
      categories ? categories->num_items() : 0, categories ? categories->num_categories() : 0);
  EmbedParams p = ParamsFrom(f);
  const int seeds = std::stoi(Get(f, "--seeds", "5"));
  double sum = 0, secs = 0, cos_next = 0, cos_rnd = 0;
  const auto dir = std::filesystem::temp_directory_path();
  for (int seed = 1; seed <= seeds; ++seed) {
    p.seed = seed;
    const auto t = std::chrono::steady_clock::now();
    auto table =
        TrainItemVectors(split->train, p, categories ? &*categories : nullptr, dir.string());
    secs += Secs(t);
    if (!table.ok()) return Fail(table.status());
    std::vector<uint32_t> group;
    if (categories) {
      for (ItemId aid : table->item_ids()) group.push_back(categories->CategoryOf(aid));
    }
    const NextItemSimilarity r =
        EvaluateNextItemSimilarity(*table, test, seed, &split->train, group);
    const bool mixed = table->meta().find("\"category_mix\":{\"mixed\":true") != std::string::npos;
    std::printf(
        "seed %d: vectors %zu/%zu%s, evaluated %zu/%zu sessions, win rate %.4f "
        "(cos next %.3f, cos random %.3f); co-occurring in training %zu, won %zu; "
        "same category %zu, won %zu\n",
        seed, table->num_with_vector(), table->num_items(), mixed ? " (categories mixed)" : "",
        r.evaluated, r.sessions, r.win_rate, r.mean_cos_next, r.mean_cos_random, r.cooccurring,
        r.wins_cooccurring, r.same_group, r.wins_same_group);
    sum += r.win_rate;
    cos_next += r.mean_cos_next;
    cos_rnd += r.mean_cos_random;
  }
  std::printf("%s: mean win rate %.4f, cos next %.3f, cos random %.3f, train %.2f s/seed\n",
              p.trainer == EmbedTrainer::kSgns ? "sgns" : "fasttext", sum / seeds, cos_next / seeds,
              cos_rnd / seeds, secs / seeds);
  return 0;
}

int Train(const std::map<std::string, std::string>& f) {
  const auto t0 = std::chrono::steady_clock::now();
  StatusOr<EventStore> store;
  if (f.count("--generate")) {
    GeneratorParams gp;
    gp.num_sessions = std::stoull(f.at("--generate"));
    EventStoreBuilder b;
    Status s = GenerateSessions(
        gp,
        [&](std::span<const Session> batch) {
          for (const Session& x : batch) SR_RETURN_IF_ERROR(b.AddSession(x.id, x.events));
          return absl::OkStatus();
        },
        nullptr);
    if (!s.ok()) return Fail(s);
    store = b.Finish();
  } else {
    store = LoadEventStore(Get(f, "--input", ""));
  }
  if (!store.ok()) return Fail(store.status());
  if (const size_t every = std::stoull(Get(f, "--every", "1")); every > 1) {
    EventStoreBuilder b;
    for (size_t i = 0; i < store->num_sessions(); i += every) {
      const Session x = store->ToSession(i);
      const Status s = b.AddSession(x.id, x.events);
      if (!s.ok()) return Fail(s);
    }
    store = b.Finish();
  }
  if (f.count("--save")) {  // generate once, then train from the mapped file
    const Status saved = store->Save(f.at("--save"));
    if (!saved.ok()) return Fail(saved);
    std::printf("saved %s\n", f.at("--save").c_str());
    return 0;
  }
  std::printf("input: %zu sessions, %zu events, %zu items, %.1f s\n", store->num_sessions(),
              store->num_events(), store->num_items(), Secs(t0));
  const std::string dir = Get(f, "--model-dir", "/tmp/embed_model");
  std::filesystem::create_directories(dir);
  const EmbedParams p = ParamsFrom(f);
  const auto t1 = std::chrono::steady_clock::now();
  if (Get(f, "--sgns-only", "0") == "1") {  // the item vectors alone, nothing written
    auto table = TrainSgns(*store, p);
    if (!table.ok()) return Fail(table.status());
    std::printf("sgns: %zu/%zu items with vector, %.1f s; %s\n", table->num_with_vector(),
                table->num_items(), Secs(t1), table->meta().c_str());
    return 0;
  }
  auto st = TrainEmbeddingArtifacts(*store, p, dir);
  if (!st.ok()) return Fail(st.status());
  std::printf(
      "embeddings: %zu/%zu items with vector, train %.1f s; %s index %.1f s; "
      "neighbours %zu entries %.1f s; sessions %zu stored %.1f s; total %.1f s\n",
      st->items_with_vector, st->items, st->train_seconds, st->hnsw ? "hnsw" : "exact",
      st->index_seconds, st->neighbor_entries, st->neighbor_seconds, st->sessions_stored,
      st->session_seconds, Secs(t1));
  for (const char* name :
       {kEmbeddingsFile, kItemNeighborsFile, kSessionEmbeddingsFile, kItemIndexFile}) {
    const auto path = std::filesystem::path(dir) / name;
    if (std::filesystem::exists(path)) {
      std::printf("  %-24s %10.1f MB\n", name, std::filesystem::file_size(path) / 1e6);
    }
  }
  const auto t2 = std::chrono::steady_clock::now();
  auto loaded = LoadEmbeddingArtifacts(dir, p.neighbors);
  if (!loaded.ok()) return Fail(loaded.status());
  std::printf("load (validate + index): %.1f s\n", Secs(t2));
  return 0;
}

}  // namespace
}  // namespace sessionrec

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "quality") == 0) {
    return sessionrec::Quality(sessionrec::Flags(argc, argv));
  }
  if (argc >= 2 && std::strcmp(argv[1], "train") == 0) {
    return sessionrec::Train(sessionrec::Flags(argc, argv));
  }
  if (argc >= 2 && std::strcmp(argv[1], "ann") == 0) {
    return sessionrec::Ann(sessionrec::Flags(argc, argv));
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
