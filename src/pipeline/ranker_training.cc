#include "pipeline/ranker_training.h"

#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <random>

#include "candidates/merger.h"
#include "core/str_cat.h"
#include "data/split.h"
#include "embed/train_embeddings.h"
#include "features/item_features.h"
#include "pipeline/train_model.h"
#include "serve/model_bundle.h"

namespace sessionrec {
namespace {

namespace fs = std::filesystem;

double Seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

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
                                  bundle.covisit_buy2buy(), items, embeddings);
}

StatusOr<RankerStageReport> TrainRankerStage(const EventStore& train,
                                             const TrainParams& model_params,
                                             const std::string& model_dir) {
  const RankerTrainingParams& params = model_params.rankers;
  const int threads = model_params.threads;
  RankerStageReport report;
  if (params.candidates == 0) return absl::InvalidArgumentError("ranker candidates must be > 0");
  // Item features of the full log: what serving reads.
  SR_RETURN_IF_ERROR(ItemFeatureTable::Build(train, {}).Save(model_dir + "/" + kItemFeaturesFile));

  // 1. The label period.
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
  StatusOr<SplitResult> split_or = SplitOtto(
      train, {.days = days, .seed = params.label_seed, .all_prefixes = params.all_prefixes});
  if (!split_or.ok() || split_or->queries.empty() || split_or->train.num_sessions() == 0) {
    report.skipped = StrCat("no label sessions in the last ", days, " days of the log",
                            split_or.ok() ? "" : ": ",
                            split_or.ok() ? "" : std::string(split_or.status().message()));
    return report;
  }
  SplitResult& split = *split_or;
  const auto t_cand = std::chrono::steady_clock::now();

  // 2. The candidate model of the earlier part: a model directory trained by the very code
  // of `train` (rankers off) and loaded as the server loads it, so training candidates
  // come from the Merger that serves (ModelBundle::blend()).
  static std::atomic<int> counter{0};
  const fs::path work =
      fs::path(model_dir).parent_path() / StrCat(".ranker-candidates-", ::getpid(), "-", counter++);
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
    report.skipped = "the model has no merged candidates (trained without co-visitation variants)";
    return report;
  }
  const Merger& merger = *bundle->blend();
  const ItemFeatureTable items = ItemFeatureTable::Build(split.train, {});
  std::unique_ptr<EmbeddingTable> embeddings;
  if (!model_params.only_covisit) {
    SR_ASSIGN_OR_RETURN(EmbeddingTable table,
                        EmbeddingTable::Open((work / "model" / kEmbeddingsFile).string()));
    embeddings = std::make_unique<EmbeddingTable>(std::move(table));
  }
  const FeatureBuilder builder(RankerFeatureResources(*bundle, items, embeddings.get()),
                               MergerSourceNames(merger));
  const std::vector<std::string> names = builder.source_names();
  report.features = builder.num_features();

  // 3. Candidate rows of the label queries (both protocols), thinned to max_queries.
  const ItemDictionary dict(split.train.item_ids());
  std::vector<size_t> chosen(split.queries.size());
  for (size_t i = 0; i < chosen.size(); ++i) chosen[i] = i;
  if (chosen.size() > params.max_queries) {
    std::mt19937_64 rng(params.train.seed);
    std::shuffle(chosen.begin(), chosen.end(), rng);
    chosen.resize(params.max_queries);
    std::sort(chosen.begin(), chosen.end());
  }
  std::vector<LabelQuery> out(chosen.size());
  const size_t num_items = bundle->items().num_items();
  const double neg_rate = params.train.neg_rate;
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
  RankerDataset data;
  data.num_features = builder.num_features();
  size_t found = 0, total = 0;
  for (LabelQuery& lq : out) {
    found += lq.found;
    total += lq.labels_total;
    for (QueryRows& qr : lq.protocols) {
      const size_t n = qr.labels[0].size();
      if (n > 0) {
        data.AddQuery(qr.rows, n, {qr.labels[0], qr.labels[1], qr.labels[2]}, lq.held_out);
      }
    }
    lq = LabelQuery{};  // free as we go
  }
  report.queries = chosen.size();
  report.rows = data.num_rows();
  report.label_recall = total > 0 ? double(found) / double(total) : 0.0;
  report.seconds_candidates = Seconds(t_cand);

  // 4. Train, calibrate, write.
  const auto t_train = std::chrono::steady_clock::now();
  RankerTrainParams tp = params.train;
  tp.booster.threads = threads;
  const std::vector<std::string>& cols = builder.schema().names;
  tp.baseline_rank_column =
      static_cast<int>(std::find(cols.begin(), cols.end(), "cand_blend_rank") - cols.begin());
  if (tp.baseline_rank_column >= static_cast<int>(cols.size())) tp.baseline_rank_column = -1;
  nlohmann::json info = {{"label_days", days},
                         {"all_prefixes", params.all_prefixes},
                         {"label_queries", report.queries},
                         {"rows", report.rows},
                         {"candidate_label_recall", report.label_recall},
                         {"earlier_part_sessions", split.train.num_sessions()},
                         {"embeddings", embeddings != nullptr}};
  std::vector<std::string> covisit_names;
  for (const auto& [name, unused] : RankerFeatureResources(*bundle, items, nullptr).covisit) {
    covisit_names.push_back(name);
  }
  StatusOr<RankerTrainResult> r = TrainRankers(data, builder.schema(), names, covisit_names,
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
  report.seconds_train = Seconds(t_train);
  report.trained = true;
  return report;
}

}  // namespace sessionrec
