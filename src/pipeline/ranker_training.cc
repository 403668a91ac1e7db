#include "pipeline/ranker_training.h"

#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <optional>
#include <random>

#include "candidates/merger.h"
#include "core/clock.h"
#include "core/str_cat.h"
#include "data/split.h"
#include "embed/train_embeddings.h"
#include "features/item_features.h"
#include "pipeline/train_model.h"
#include "serve/model_bundle.h"

namespace sessionrec {
namespace {

namespace fs = std::filesystem;

// One label query's rows under one protocol (include_seen, new items), built in parallel
// and appended in query order: each protocol's candidate list is its own group.
struct QueryRows {
  std::vector<float> rows;
  std::array<std::vector<float>, kNumEventTypes> labels;
};
struct LabelQuery {
  std::array<QueryRows, 2> protocols;  // [0] include_seen, [1] new items
  bool held_out = false;
  size_t found = 0, labels_total = 0;  // label recall of the candidates
};

// True when the label session `base` is held out for validation: a fixed hash of its id,
// so every prefix of one session falls on the same side.
bool HeldOut(SessionId base, double fraction) {
  uint64_t x = static_cast<uint64_t>(base) + 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  x ^= x >> 31;
  return static_cast<double>(x >> 11) * 0x1.0p-53 < fraction;
}

}  // namespace

std::vector<std::string> MergerSourceNames(const Merger& merger) {
  std::vector<std::string> names;
  for (size_t i = 0; i < merger.num_sources(); ++i) names.emplace_back(merger.source(i).name());
  return names;
}

FeatureResources RankerFeatureResources(const ModelBundle& bundle, const ItemFeatureTable& items,
                                        const EmbeddingTable* embeddings) {
  return StandardFeatureResources(bundle.covisit_clicks(), bundle.covisit_carts_orders(),
                                  bundle.covisit_buy2buy(), items, embeddings,
                                  bundle.category_lists());
}

namespace {

// What one label window (a label period and the candidate model of the log before it)
// contributed to the dataset.
struct WindowRows {
  bool used = false;
  std::string skipped;  // why not (empty when used)
  size_t queries = 0, found = 0, labels_total = 0;
  size_t earlier_sessions = 0;
  bool embeddings = false;
  FeatureSchema schema;
  std::vector<std::string> sources, covisit;
  // The candidate Merger's weight per source: the blend that ordered the training pool,
  // which serving must order its pool by (rankers.json training.pool_weights).
  nlohmann::json pool_weights = nlohmann::json::object();
};

// Steps 2 and 3 for the label period `days` at the end of `log`: the candidate model of
// the earlier part (trained into `work`) and the rows of at most `max_queries` label
// queries, appended to `data`. `expected`: the columns of the rows already in `data` (null
// for the first window); a window whose model computes other columns is skipped.
StatusOr<WindowRows> CollectWindow(const EventStore& log, double days,
                                   const TrainParams& model_params, size_t max_queries,
                                   const FeatureSchema* expected, const fs::path& work,
                                   RankerDataset& data) {
  const RankerTrainingParams& params = model_params.rankers;
  WindowRows w;
  StatusOr<SplitResult> split_or = SplitOtto(
      log, {.days = days, .seed = params.label_seed, .all_prefixes = params.all_prefixes});
  if (!split_or.ok() || split_or->queries.empty() || split_or->train.num_sessions() == 0) {
    w.skipped = StrCat("no label sessions in the last ", days, " days of the log",
                       split_or.ok() ? "" : ": ",
                       split_or.ok() ? "" : std::string(split_or.status().message()));
    return w;
  }
  SplitResult& split = *split_or;
  w.earlier_sessions = split.train.num_sessions();

  // 2. The candidate model of the earlier part: a model directory trained by the very code
  // of `train` (rankers off) and loaded as the server loads it, so training candidates
  // come from the Merger that serves (ModelBundle::blend()).
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(p, ec);
    }
  } cleanup{work};
  TrainParams inner = model_params;
  inner.rankers.enabled = false;
  SR_RETURN_IF_ERROR(TrainModel(split.train, inner, (work / "model").string()).status());
  SR_ASSIGN_OR_RETURN(std::shared_ptr<const ModelBundle> bundle,
                      LoadModelBundle((work / "model").string()));
  if (bundle->blend() == nullptr) {
    w.skipped = "the model has no merged candidates (trained without co-visitation variants)";
    return w;
  }
  const Merger& merger = *bundle->blend();
  const ItemFeatureTable items = ItemFeatureTable::Build(split.train, {});
  std::unique_ptr<EmbeddingTable> embeddings;
  if (!model_params.only_covisit) {
    SR_ASSIGN_OR_RETURN(EmbeddingTable table,
                        EmbeddingTable::Open((work / "model" / kEmbeddingsFile).string()));
    embeddings = std::make_unique<EmbeddingTable>(std::move(table));
  }
  w.embeddings = embeddings != nullptr;
  const FeatureBuilder builder(RankerFeatureResources(*bundle, items, embeddings.get()),
                               MergerSourceNames(merger));
  if (expected != nullptr && builder.schema().names != expected->names) {
    w.skipped = StrCat("the candidate model of the window has ", builder.num_features(),
                       " feature columns that differ from the newest window's ", expected->size());
    return w;
  }
  data.num_features = builder.num_features();
  w.schema = builder.schema();
  w.sources = builder.source_names();
  for (size_t i = 0; i < merger.num_sources(); ++i) {
    w.pool_weights[std::string(merger.source(i).name())] = merger.weight(i);
  }
  for (const auto& [name, unused] : RankerFeatureResources(*bundle, items, nullptr).covisit) {
    w.covisit.push_back(name);
  }

  // 3. Candidate rows of the label queries (both protocols), thinned to max_queries.
  const ItemDictionary dict(split.train.item_ids());
  std::vector<size_t> chosen(split.queries.size());
  for (size_t i = 0; i < chosen.size(); ++i) chosen[i] = i;
  if (chosen.size() > max_queries) {
    std::mt19937_64 rng(params.train.seed);
    std::shuffle(chosen.begin(), chosen.end(), rng);
    chosen.resize(max_queries);
    std::sort(chosen.begin(), chosen.end());
  }
  std::vector<LabelQuery> out(chosen.size());
  const size_t num_items = bundle->items().num_items();
  const double neg_rate = params.train.neg_rate;
  const int threads = model_params.threads;
  const int nthreads = threads > 0 ? threads : omp_get_max_threads();
#pragma omp parallel num_threads(nthreads)
  {
    MergerScratch ms(num_items);
    FeatureScratch fs_scratch;
    CandidateSet set;
    std::vector<float> rows;
    std::vector<ItemIndex> q_items;
    std::vector<uint32_t> ts;
    std::vector<uint8_t> types;
    std::vector<ItemId> aids;
#pragma omp for schedule(dynamic, 16)
    for (size_t qi = 0; qi < chosen.size(); ++qi) {
      const Session& q = split.queries[chosen[qi]];
      const SessionLabels& l = split.labels[chosen[qi]];
      q_items.clear();
      ts.clear();
      types.clear();
      aids.clear();
      for (const Event& e : q.events) {
        aids.push_back(e.aid);
        q_items.push_back(dict.Find(e.aid).value_or(kNoItem));
        ts.push_back(static_cast<uint32_t>(e.ts));
        types.push_back(static_cast<uint8_t>(e.type));
      }
      std::mt19937_64 rng(params.train.seed * 7919u + chosen[qi]);
      std::uniform_real_distribution<double> uniform(0.0, 1.0);
      LabelQuery& lq = out[qi];
      const SessionId base =
          split.prefix_id_multiplier > 0 ? l.session / split.prefix_id_multiplier : l.session;
      lq.held_out = HeldOut(base, params.validation_fraction);
      for (int protocol = 0; protocol < 2; ++protocol) {
        const bool exclude = protocol == 1;
        QueryRows& qr = lq.protocols[protocol];
        SessionContext ctx{q_items, ts, types, exclude, aids};
        merger.Generate(ctx, params.candidates, ms, set);
        builder.Build(ctx, set, fs_scratch, rows);
        const size_t f = builder.num_features();
        for (size_t r = 0; r < set.size(); ++r) {
          const ItemId aid = split.train.item_id(set.items[r]);
          const float click = l.click && *l.click == aid ? 1.0f : 0.0f;
          const float cart = std::binary_search(l.carts.begin(), l.carts.end(), aid) ? 1.0f : 0.0f;
          const float order =
              std::binary_search(l.orders.begin(), l.orders.end(), aid) ? 1.0f : 0.0f;
          if (!exclude) lq.found += static_cast<size_t>(click + cart + order);
          const bool pos = click + cart + order > 0;
          if (!pos && neg_rate < 1 && uniform(rng) >= neg_rate) continue;
          qr.rows.insert(qr.rows.end(), rows.begin() + static_cast<std::ptrdiff_t>(r * f),
                         rows.begin() + static_cast<std::ptrdiff_t>((r + 1) * f));
          qr.labels[0].push_back(click);
          qr.labels[1].push_back(cart);
          qr.labels[2].push_back(order);
        }
      }
      lq.labels_total = (l.click ? 1 : 0) + l.carts.size() + l.orders.size();
    }
  }
  for (LabelQuery& lq : out) {
    w.found += lq.found;
    w.labels_total += lq.labels_total;
    for (QueryRows& qr : lq.protocols) {
      const size_t n = qr.labels[0].size();
      if (n > 0) {
        data.AddQuery(qr.rows, n, {qr.labels[0], qr.labels[1], qr.labels[2]}, lq.held_out);
      }
    }
    lq = LabelQuery{};  // free as we go
  }
  w.queries = chosen.size();
  w.used = true;
  return w;
}

}  // namespace

StatusOr<RankerStageReport> TrainRankerStage(const EventStore& train,
                                             const TrainParams& model_params,
                                             const std::string& model_dir) {
  const RankerTrainingParams& params = model_params.rankers;
  const int threads = model_params.threads;
  RankerStageReport report;
  if (params.candidates == 0) return absl::InvalidArgumentError("ranker candidates must be > 0");
  if (params.label_windows == 0) {
    return absl::InvalidArgumentError("ranker label windows must be > 0");
  }
  // Item features of the full log: what serving reads.
  SR_RETURN_IF_ERROR(ItemFeatureTable::Build(train, {}).Save(model_dir + "/" + kItemFeaturesFile));

  // 1. The label periods: the last `days` of the log, and with label_windows > 1 as many
  // periods before it, each labelled from a log cut at its own end (SplitOtto's training
  // part drops every event from the cut on), so no window sees its own future.
  uint32_t min_ts = UINT32_MAX, max_ts = 0;
  for (uint32_t t : train.ts()) {
    min_ts = std::min(min_ts, t);
    max_ts = std::max(max_ts, t);
  }
  double days = params.label_days;
  if (days <= 0) days = std::min(7.0, (double(max_ts) - double(min_ts)) / 86400.0 / 8.0);
  if (!(days > 0)) {
    report.skipped = "the training log spans no time";
    return report;
  }
  const auto t_cand = std::chrono::steady_clock::now();
  static std::atomic<int> counter{0};
  const fs::path parent = fs::path(model_dir).parent_path();
  const size_t max_queries = std::max<size_t>(1, params.max_queries / params.label_windows);
  RankerDataset data;
  WindowRows first;
  size_t found = 0, total = 0;
  nlohmann::json windows = nlohmann::json::array();
  for (size_t wi = 0; wi < params.label_windows; ++wi) {
    std::optional<EventStore> cut;
    if (wi > 0) {
      StatusOr<SplitResult> c = SplitOtto(train, {.days = days * double(wi)});
      if (!c.ok() || c->train.num_sessions() == 0) break;
      cut = std::move(c->train);
    }
    const fs::path work = parent / StrCat(".ranker-candidates-", ::getpid(), "-", counter++);
    SR_ASSIGN_OR_RETURN(WindowRows w,
                        CollectWindow(cut ? *cut : train, days, model_params, max_queries,
                                      wi == 0 ? nullptr : &first.schema, work, data));
    windows.push_back({{"queries", w.queries},
                       {"earlier_part_sessions", w.earlier_sessions},
                       {"skipped", w.skipped}});
    if (!w.used) {
      if (wi == 0) {
        report.skipped = w.skipped;
        return report;
      }
      continue;
    }
    report.queries += w.queries;
    found += w.found;
    total += w.labels_total;
    if (wi == 0) first = std::move(w);
  }
  report.features = data.num_features;
  report.rows = data.num_rows();
  report.label_recall = total > 0 ? double(found) / double(total) : 0.0;
  report.seconds_candidates = SecondsSince(t_cand);

  // 4. Train, calibrate, write.
  const auto t_train = std::chrono::steady_clock::now();
  RankerTrainParams tp = params.train;
  tp.booster.threads = threads;
  const std::vector<std::string>& cols = first.schema.names;
  tp.baseline_rank_column =
      static_cast<int>(std::find(cols.begin(), cols.end(), "cand_blend_rank") - cols.begin());
  if (tp.baseline_rank_column >= static_cast<int>(cols.size())) tp.baseline_rank_column = -1;
  nlohmann::json info = {{"label_days", days},
                         {"label_windows", windows},
                         {"all_prefixes", params.all_prefixes},
                         {"label_queries", report.queries},
                         {"rows", report.rows},
                         {"candidate_label_recall", report.label_recall},
                         {"earlier_part_sessions", first.earlier_sessions},
                         {"embeddings", first.embeddings},
                         {"pool_weights", first.pool_weights}};
  StatusOr<RankerTrainResult> r =
      TrainRankers(data, first.schema, std::move(first.sources), std::move(first.covisit),
                   params.candidates, tp, std::move(info));
  if (!r.ok() && absl::IsInvalidArgument(r.status())) {
    report.skipped = std::string(r.status().message());
    return report;
  }
  SR_RETURN_IF_ERROR(r.status());
  report.types = r->stats;
  report.validated = r->validated;
  report.validation_rankers = r->validation_rankers;
  report.validation_blend = r->validation_baseline;
  report.preferred = r->preferred;
  SR_RETURN_IF_ERROR(r->rankers->Save(model_dir));
  report.seconds_train = SecondsSince(t_train);
  report.trained = true;
  return report;
}

}  // namespace sessionrec
