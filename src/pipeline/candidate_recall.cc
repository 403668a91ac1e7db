#include "pipeline/candidate_recall.h"

#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>

#include "candidates/candidate_registry.h"
#include "candidates/merge_schedule.h"
#include "candidates/merger.h"
#include "core/progress.h"
#include "core/str_cat.h"
#include "data/labels.h"
#include "data/split.h"
#include "embed/train_embeddings.h"
#include "eval/metrics.h"
#include "fmt/format.h"

namespace sessionrec {
namespace {

namespace fs = std::filesystem;
constexpr size_t kNumKs = kCandidateRecallKs.size();
constexpr size_t kMaxK = kCandidateRecallKs.back();

// A query as dense indices of the training item table.
struct Query {
  std::vector<ItemIndex> items;
  std::vector<uint32_t> ts;
  std::vector<uint8_t> types;
  std::vector<ItemId> aids;  // external ids (category_pop looks up unknown items by them)
};

// Labels as dense indices (kNoItem for an aid the training items lack: never a hit).
struct DenseLabels {
  ItemIndex click = kNoItem;
  bool has_click = false;
  std::vector<ItemIndex> carts;
  std::vector<ItemIndex> orders;
};

DenseLabels ToDense(const SessionLabels& l, const ItemDictionary& dict) {
  auto find = [&](ItemId aid) { return dict.Find(aid).value_or(kNoItem); };
  DenseLabels d;
  if (l.click) {
    d.has_click = true;
    d.click = find(*l.click);
  }
  for (ItemId a : l.carts) d.carts.push_back(find(a));
  for (ItemId a : l.orders) d.orders.push_back(find(a));
  return d;
}

// Σ hits and Σ min(K, |labels|) per type and K (eval/metrics.h's definition).
struct Counts {
  std::array<std::array<uint64_t, kNumEventTypes>, kNumKs> hits{};
  std::array<std::array<uint64_t, kNumEventTypes>, kNumKs> labels{};
  void Add(const Counts& o) {
    for (size_t k = 0; k < kNumKs; ++k) {
      for (int t = 0; t < kNumEventTypes; ++t) {
        hits[k][t] += o.hits[k][t];
        labels[k][t] += o.labels[k][t];
      }
    }
  }
};

size_t PositionOf(std::span<const ItemIndex> list, ItemIndex item) {
  if (item == kNoItem) return SIZE_MAX;
  const auto it = std::find(list.begin(), list.end(), item);
  return it == list.end() ? SIZE_MAX : static_cast<size_t>(it - list.begin());
}

// Candidate lists never repeat an item, so set-intersection hits are plain counts.
void Score(std::span<const ItemIndex> list, const DenseLabels& l, Counts& c) {
  auto add_type = [&](int t, std::span<const ItemIndex> labels) {
    if (labels.empty()) return;
    for (size_t k = 0; k < kNumKs; ++k) {
      c.labels[k][t] += std::min(kCandidateRecallKs[k], labels.size());
    }
    for (ItemIndex item : labels) {
      const size_t pos = PositionOf(list, item);
      for (size_t k = 0; k < kNumKs; ++k) c.hits[k][t] += pos < kCandidateRecallKs[k] ? 1 : 0;
    }
  };
  if (l.has_click) add_type(0, std::span<const ItemIndex>(&l.click, 1));
  add_type(1, l.carts);
  add_type(2, l.orders);
}

KRecall ToRecall(const Counts& c, size_t k) {
  static const TypeWeights kWeights;
  KRecall r;
  for (int t = 0; t < kNumEventTypes; ++t) {
    r.recall[t] = c.labels[k][t] == 0
                      ? 0.0
                      : static_cast<double>(c.hits[k][t]) / static_cast<double>(c.labels[k][t]);
    r.total += kWeights.w[t] * r.recall[t];
  }
  return r;
}

// The artifacts of one seed's training part, and the sources over them.
struct Resources {
  CovisitMatrices base;
  std::vector<CovisitMatrix> variants;
  PopularityLists popularity;
  std::optional<CategoryLists> categories;
  std::unique_ptr<EmbeddingArtifacts> embed;
  CandidateResources refs;
};

StatusOr<std::unique_ptr<Resources>> BuildResources(const EventStore& train,
                                                    const CandidateRecallParams& p,
                                                    const fs::path& work) {
  auto r = std::make_unique<Resources>();
  CovisitParams cp = p.covisit;
  cp.num_threads = p.threads;
  SR_ASSIGN_OR_RETURN(r->base, BuildAllCovisit(train, cp));
  for (CovisitVariant v : kAllCovisitVariants) {
    SR_ASSIGN_OR_RETURN(CovisitMatrix m, BuildCovisitVariant(train, v, p.variants));
    r->variants.push_back(std::move(m));
  }
  r->popularity = PopularityLists::Build(train, p.popularity);
  for (CovisitKind k : kAllCovisitKinds) {
    r->refs.covisit.emplace_back(std::string(CovisitKindName(k)), &r->base.Get(k));
  }
  for (size_t i = 0; i < kAllCovisitVariants.size(); ++i) {
    r->refs.covisit.emplace_back(std::string(CovisitVariantName(kAllCovisitVariants[i])),
                                 &r->variants[i]);
  }
  r->refs.popularity = &r->popularity;
  if (p.categories != nullptr) {
    r->categories = CategoryLists::FromStore(train, *p.categories);
    r->refs.category_lists = &*r->categories;
  }
  if (p.embeddings) {
    fs::create_directories(work);
    EmbedParams ep = p.embed;
    ep.threads = p.threads;
    SR_RETURN_IF_ERROR(TrainEmbeddingArtifacts(train, ep, work.string(), p.categories).status());
    SR_ASSIGN_OR_RETURN(r->embed, LoadEmbeddingArtifacts(work.string(), ep.neighbors));
    r->refs.item_neighbors = &r->embed->neighbors;
    r->refs.embeddings = &r->embed->table;
    r->refs.ann_index = r->embed->index.get();
    r->refs.session_embedding = ep.session;
    r->refs.session_embed_pool = p.session_embed_pool;
  }
  return r;
}

// Queries of a split as dense indices of `train`'s items, and their labels in both
// protocols (official: all labels; new items: labels not in the session).
struct DenseQueries {
  std::vector<Query> queries;
  std::array<std::vector<DenseLabels>, kNumCandidateProtocols> labels;
};

StatusOr<DenseQueries> ToDenseQueries(const SplitResult& split) {
  DenseQueries d;
  const ItemDictionary dict(split.train.item_ids());
  d.queries.resize(split.queries.size());
  for (size_t q = 0; q < d.queries.size(); ++q) {
    for (const Event& e : split.queries[q].events) {
      d.queries[q].items.push_back(dict.Find(e.aid).value_or(kNoItem));
      d.queries[q].ts.push_back(static_cast<uint32_t>(e.ts));
      d.queries[q].types.push_back(static_cast<uint8_t>(e.type));
      d.queries[q].aids.push_back(e.aid);
    }
  }
  SR_ASSIGN_OR_RETURN(std::vector<SessionLabels> fresh,
                      RemoveSeenAids(split.labels, split.queries));
  for (size_t q = 0; q < d.queries.size(); ++q) {
    d.labels[0].push_back(ToDense(split.labels[q], dict));
    d.labels[1].push_back(ToDense(fresh[q], dict));
  }
  return d;
}

// The merge schedules (official, new items) fitted on the training part alone: it is split
// again like the data (same --days, same seed), the sources are built on the earlier part
// and the schedule is fitted on the later part's queries (candidates/merge_schedule.h).
// Empty schedules (the blend order) when that split leaves no query.
StatusOr<MergeSchedules> FitSchedules(const EventStore& train,
                                      const std::vector<std::string>& names,
                                      const CandidateRecallParams& p, int64_t seed, int threads,
                                      const fs::path& work) {
  MergeSchedules schedules;
  SR_ASSIGN_OR_RETURN(SplitResult split, SplitOtto(train, {.days = p.days, .seed = seed}));
  if (split.queries.empty()) return schedules;
  SR_ASSIGN_OR_RETURN(std::unique_ptr<Resources> res, BuildResources(split.train, p, work));
  if (AvailableCandidateSources(res->refs) != names) {
    return absl::InternalError("candidate sources differ between the fit and the test split");
  }
  SR_ASSIGN_OR_RETURN(Merger blend, MakeMerger(names, res->refs, {}, {.per_source_k = kMaxK}));
  SR_ASSIGN_OR_RETURN(DenseQueries d, ToDenseQueries(split));
  std::array<std::vector<ScheduleFitQuery>, kNumCandidateProtocols> fit;
  for (auto& f : fit) f.resize(d.queries.size());
#pragma omp parallel num_threads(threads)
  {
    MergerScratch scratch(split.train.num_items());
    CandidateSet set;
#pragma omp for schedule(dynamic, 64)
    for (size_t q = 0; q < d.queries.size(); ++q) {
      for (int pr = 0; pr < kNumCandidateProtocols; ++pr) {
        const SessionContext ctx{d.queries[q].items, d.queries[q].ts, d.queries[q].types, pr == 1,
                                 d.queries[q].aids};
        blend.Generate(ctx, kMaxK, scratch, set);
        ScheduleFitQuery& f = fit[pr][q];
        f.blend = set.items;
        for (const auto& list : scratch.lists) {
          f.lists.emplace_back();
          for (const ScoredCandidate& c : list) f.lists.back().push_back(c.item);
        }
        const DenseLabels& l = d.labels[pr][q];
        if (l.has_click) f.labels[0].push_back(l.click);
        f.labels[1] = l.carts;
        f.labels[2] = l.orders;
      }
    }
  }
  for (int pr = 0; pr < kNumCandidateProtocols; ++pr) {
    // One place per step: blocks of 10 cut REES46's ratio @100 from 1.358 to 1.234
    // (docs/candidates.md §Session 4).
    schedules[pr] = FitMergeSchedule(fit[pr], names.size(), {.places = kMaxK, .block = 1});
  }
  return schedules;
}

}  // namespace

KRecall CandidateRecallReport::Mean(size_t list, int protocol, size_t k_index) const {
  KRecall m;
  const double n = static_cast<double>(runs.size());
  for (const CandidateRecallSeed& run : runs) {
    const KRecall& r = run.recall[list][protocol][k_index];
    for (int t = 0; t < kNumEventTypes; ++t) m.recall[t] += r.recall[t] / n;
    m.total += r.total / n;
  }
  return m;
}

int CandidateRecallReport::Find(const std::string& name) const {
  const auto it = std::find(lists.begin(), lists.end(), name);
  return it == lists.end() ? -1 : static_cast<int>(it - lists.begin());
}

StatusOr<CandidateRecallReport> RunCandidateRecall(const EventStore& data,
                                                   const std::string& data_name,
                                                   const CandidateRecallParams& params) {
  if (params.seeds < 1) return absl::InvalidArgumentError("--seeds must be at least 1");
  CandidateRecallReport report;
  report.data = data_name;
  report.params = params;
  // The embedding stage writes its artifacts to a work directory, removed on every return.
  static int runs_started = 0;
  const fs::path work =
      fs::temp_directory_path() / StrCat("sessionrec-candidates-", ::getpid(), "-", runs_started++);
  const std::unique_ptr<const fs::path, void (*)(const fs::path*)> remove_work(
      &work, [](const fs::path* dir) {
        std::error_code ignored;
        fs::remove_all(*dir, ignored);
      });
  const int threads = params.threads > 0 ? params.threads : omp_get_max_threads();

  Progress progress("candidate recall", static_cast<uint64_t>(params.seeds), "seeds");
  for (int si = 0; si < params.seeds; ++si) {
    const auto t0 = std::chrono::steady_clock::now();
    CandidateRecallSeed run;
    run.seed = params.seed_base + si;
    progress.SetDetail(StrCat("seed ", run.seed));
    SR_ASSIGN_OR_RETURN(SplitResult split,
                        SplitOtto(data, {.days = params.days, .seed = run.seed}));
    if (split.queries.empty()) {
      return absl::InvalidArgumentError(StrCat(data_name, ": the split with --days ", params.days,
                                               " leaves no test session; choose a larger --days"));
    }
    SR_ASSIGN_OR_RETURN(std::unique_ptr<Resources> res,
                        BuildResources(split.train, params, work / StrCat("seed-", run.seed)));
    const std::vector<std::string> names = AvailableCandidateSources(res->refs);
    // Reference lists: measured alone, not merged (session_embed_search: the index search
    // that session_embed's neighbour-list pool replaces).
    std::vector<std::unique_ptr<CandidateSource>> refs;
    if (res->refs.ann_index != nullptr) {
      SR_ASSIGN_OR_RETURN(refs.emplace_back(),
                          MakeCandidateSource("session_embed_search", res->refs));
    }
    SR_ASSIGN_OR_RETURN(run.schedule, FitSchedules(split.train, names, params, run.seed, threads,
                                                   work / StrCat("fit-", run.seed)));
    SR_ASSIGN_OR_RETURN(Merger merged, MakeMerger(names, res->refs, {}, {.per_source_k = kMaxK}));
    merged.SetSchedules(run.schedule);
    SR_ASSIGN_OR_RETURN(
        Merger baseline,
        MakeMerger(
            {"session", "covisit_clicks", "covisit_carts_orders", "covisit_buy2buy", "pop_all"},
            res->refs, {1.0f, 1.0f, 1.0f, 1.0f, 1e-3f}, {.per_source_k = kMaxK}));
    if (report.lists.empty()) {
      report.lists = names;
      for (const auto& ref : refs) report.lists.emplace_back(ref->name());
      report.lists.emplace_back("merged_blend");
      report.lists.emplace_back("merged");
      report.lists.emplace_back("baseline");
    } else if (report.lists.size() != names.size() + refs.size() + 3) {
      return absl::InternalError("candidate sources differ between seeds");
    }
    const size_t num_lists = report.lists.size();

    SR_ASSIGN_OR_RETURN(DenseQueries dense, ToDenseQueries(split));
    const std::vector<Query>& queries = dense.queries;
    const auto& labels = dense.labels;

    // counts[thread][list * protocols + protocol]
    std::vector<std::vector<Counts>> counts(
        threads, std::vector<Counts>(num_lists * kNumCandidateProtocols));
    std::vector<double> generate_ns(threads, 0.0);
#pragma omp parallel num_threads(threads)
    {
      const int tid = omp_get_thread_num();
      MergerScratch scratch(split.train.num_items());
      MergerScratch base_scratch(split.train.num_items());
      CandidateSet set, base_set;
      std::vector<ItemIndex> list;
      std::vector<ScoredCandidate> ref_list;
#pragma omp for schedule(dynamic, 64)
      for (size_t q = 0; q < queries.size(); ++q) {
        for (int pr = 0; pr < kNumCandidateProtocols; ++pr) {
          const SessionContext ctx{queries[q].items, queries[q].ts, queries[q].types, pr == 1,
                                   queries[q].aids};
          const auto g0 = std::chrono::steady_clock::now();
          merged.Generate(ctx, kMaxK, scratch, set);
          generate_ns[tid] +=
              std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - g0)
                  .count();
          baseline.Generate(ctx, kMaxK, base_scratch, base_set);
          // The blend order without the schedule: with a schedule the Merger keeps it in
          // scratch.blend_items (the same sources, weights and k; no second run of every
          // source); without one the merged order is the blend order.
          const std::vector<ItemIndex>& blend_items =
              merged.schedules()[pr].empty() ? set.items : scratch.blend_items;
          auto score = [&](size_t li, std::span<const ItemIndex> l) {
            Score(l, labels[pr][q], counts[tid][li * kNumCandidateProtocols + pr]);
          };
          auto score_list = [&](size_t li, const std::vector<ScoredCandidate>& l) {
            list.clear();
            for (const ScoredCandidate& c : l) list.push_back(c.item);
            score(li, list);
          };
          for (size_t s = 0; s < names.size(); ++s) score_list(s, scratch.lists[s]);
          for (size_t i = 0; i < refs.size(); ++i) {
            refs[i]->Generate(ctx, kMaxK, scratch.candidates, ref_list);
            score_list(names.size() + i, ref_list);
          }
          score(num_lists - 3, blend_items);
          score(num_lists - 2, set.items);
          score(num_lists - 1, base_set.items);
        }
      }
    }
    run.recall.resize(num_lists);
    for (size_t li = 0; li < num_lists; ++li) {
      for (int pr = 0; pr < kNumCandidateProtocols; ++pr) {
        Counts total;
        for (const auto& per_thread : counts) {
          total.Add(per_thread[li * kNumCandidateProtocols + pr]);
        }
        for (size_t k = 0; k < kNumKs; ++k) run.recall[li][pr][k] = ToRecall(total, k);
      }
    }
    run.queries = queries.size();
    double ns = 0;
    for (double t : generate_ns) ns += t;
    run.merged_us_per_query =
        ns / 1000.0 / static_cast<double>(queries.size() * kNumCandidateProtocols);
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    report.runs.push_back(std::move(run));
    progress.Add(1);
  }
  return report;
}

std::string FormatCandidateRecall(const CandidateRecallReport& r) {
  const CandidateRecallParams& p = r.params;
  std::string out = fmt::format(
      "candidate recall {}: --days {}, seeds {}..{} (mean of {}), embeddings {}\n", r.data, p.days,
      p.seed_base, p.seed_base + p.seeds - 1, p.seeds,
      p.embeddings ? fmt::format("on (session_embed min_pool {})", p.session_embed_pool.min_pool)
                   : std::string("off"));
  static constexpr const char* kTitles[kNumCandidateProtocols] = {
      "official (session items allowed, all labels)",
      "new items (session items excluded, labels not in the session)"};
  static constexpr const char* kGroups[] = {"weighted", "clicks", "carts", "orders"};
  for (int pr = 0; pr < kNumCandidateProtocols; ++pr) {
    out += fmt::format("\n{}: recall@20/50/100/200\n{:<22}", kTitles[pr], "list");
    for (const char* g : kGroups) out += fmt::format(" | {:<27}", g);
    out += "\n";
    for (size_t li = 0; li < r.lists.size(); ++li) {
      out += fmt::format("{:<22}", r.lists[li]);
      std::array<KRecall, kNumKs> m;
      for (size_t k = 0; k < kNumKs; ++k) m[k] = r.Mean(li, pr, k);
      for (int g = 0; g < 4; ++g) {
        out += " |";
        for (size_t k = 0; k < kNumKs; ++k) {
          out += fmt::format(" {:.4f}", g == 0 ? m[k].total : m[k].recall[g - 1]);
        }
      }
      out += "\n";
    }
  }
  const int merged = r.Find("merged"), baseline = r.Find("baseline");
  const double m100 = r.Mean(merged, 1, 2).total, b100 = r.Mean(baseline, 1, 2).total;
  out += fmt::format(
      "\nnew-items weighted recall@100: merged {:.4f}, baseline (3 matrices + popularity fill) "
      "{:.4f}, ratio {:.3f}\nper seed (queries, seconds):",
      m100, b100, b100 > 0 ? m100 / b100 : 0.0);
  for (const CandidateRecallSeed& run : r.runs) {
    out += fmt::format(" {}: ({}, {:.1f} s)", run.seed, run.queries, run.seconds);
  }
  // Places of the top 100 per schedule step, mean over seeds (names: the source lists come
  // first in r.lists, in the Merger's order).
  for (int pr = kNumCandidateProtocols - 1; pr >= 0; --pr) {
    std::map<int32_t, double> places;
    for (const CandidateRecallSeed& run : r.runs) {
      const auto& sch = run.schedule[pr];
      for (size_t i = 0; i < kCandidateRecallKs[2]; ++i) {
        places[i < sch.size() ? sch[i] : kScheduleBlend] +=
            1.0 / static_cast<double>(r.runs.size());
      }
    }
    std::vector<std::pair<double, int32_t>> by_count;
    for (const auto& [step, n] : places) by_count.emplace_back(-n, step);
    std::sort(by_count.begin(), by_count.end());
    out += fmt::format("\nmerge schedule, {}: places in the top 100 (mean over seeds):",
                       pr == 1 ? "new items" : "official");
    for (const auto& [n, step] : by_count) {
      out += fmt::format(" {} {:.1f}", step == kScheduleBlend ? "blend" : r.lists[step], -n);
    }
  }
  double us = 0;
  for (const CandidateRecallSeed& run : r.runs) us += run.merged_us_per_query;
  out += fmt::format(
      "\nmerged generation (all sources, 200 per source): {:.1f} us per query and protocol, "
      "mean over seeds and threads (this build; bench/candidates_bench.cc measures speed)\n",
      r.runs.empty() ? 0.0 : us / static_cast<double>(r.runs.size()));
  return out;
}

}  // namespace sessionrec
