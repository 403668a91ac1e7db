#include "pipeline/evaluation.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/progress.h"
#include "core/str_cat.h"
#include "pipeline/batch_recommend.h"
#include "serve/model_bundle.h"
#include "serve/recommender.h"

namespace sessionrec {
namespace {

namespace fs = std::filesystem;

constexpr const char* kProtocolKeys[kNumProtocols] = {"official", "new_items_all_labels",
                                                      "new_items_new_labels"};
constexpr const char* kProtocolTitles[kNumProtocols] = {
    "official (own aids allowed)", "new items, all labels", "new items, new labels"};

PredictionMap ToMap(std::span<const Session> queries, std::vector<TypedAids>&& preds) {
  PredictionMap map;
  map.reserve(queries.size());
  for (size_t i = 0; i < queries.size(); ++i) map.emplace(queries[i].id, std::move(preds[i]));
  return map;
}

// Means over the seeds of one protocol.
struct Mean {
  std::array<double, kNumEventTypes> recall{};
  std::array<double, kNumEventTypes> sessions{};
  std::array<double, kNumEventTypes> labels{};
  double total = 0;
};

Mean MeanOf(const EvaluationReport& r, int protocol) {
  Mean m;
  const double n = static_cast<double>(r.runs.size());
  for (const SeedEvaluation& run : r.runs) {
    const RecallScores& s = run.scores[protocol];
    for (int t = 0; t < kNumEventTypes; ++t) {
      m.recall[t] += s.by_type[t].recall / n;
      m.sessions[t] += static_cast<double>(s.by_type[t].sessions) / n;
      m.labels[t] += static_cast<double>(s.by_type[t].labels) / n;
    }
    m.total += s.total / n;
  }
  return m;
}

double MeanCount(const EvaluationReport& r, uint64_t SplitCounts::*field) {
  double sum = 0;
  for (const SeedEvaluation& run : r.runs) sum += static_cast<double>(run.counts.*field);
  return r.runs.empty() ? 0 : sum / static_cast<double>(r.runs.size());
}

}  // namespace

StatusOr<EvaluationReport> RunEvaluation(const EventStore& data, const std::string& data_name,
                                         const EvaluationParams& params) {
  const RecommenderScorer scorers[] = {params.scorer};
  SR_ASSIGN_OR_RETURN(std::vector<EvaluationReport> reports,
                      RunEvaluations(data, data_name, params, scorers));
  return std::move(reports.front());
}

StatusOr<std::vector<EvaluationReport>> RunEvaluations(const EventStore& data,
                                                       const std::string& data_name,
                                                       const EvaluationParams& params,
                                                       std::span<const RecommenderScorer> scorers) {
  if (params.seeds < 1) return absl::InvalidArgumentError("--seeds must be at least 1");
  if (params.k < 1) return absl::InvalidArgumentError("--k must be at least 1");
  if (scorers.empty()) return absl::InvalidArgumentError("no scorer to evaluate");
  std::vector<EvaluationReport> reports(scorers.size());
  for (size_t s = 0; s < scorers.size(); ++s) {
    reports[s].data = data_name;
    reports[s].params = params;
    reports[s].params.scorer = scorers[s];
  }
  static int counter = 0;
  const fs::path work =
      fs::temp_directory_path() / StrCat("sessionrec-evaluate-", ::getpid(), "-", counter++);
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(p, ec);
    }
  } cleanup{work};
  const std::string model_dir = (work / "model").string();

  TrainParams train = params.train;
  train.threads = params.threads;
  BatchRecommendParams rec_params;
  rec_params.top_k = static_cast<int>(params.k);
  rec_params.threads = params.threads;
  MetricParams metric;
  metric.k = params.k;

  Progress progress("evaluate", static_cast<uint64_t>(params.seeds), "seeds");
  for (int i = 0; i < params.seeds; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    SeedEvaluation base;
    base.seed = params.seed_base + i;
    progress.SetDetail(StrCat("seed ", base.seed));
    SR_ASSIGN_OR_RETURN(SplitResult split, SplitOtto(data, {.days = params.days,
                                                            .seed = base.seed,
                                                            .all_prefixes = params.all_prefixes}));
    if (split.queries.empty()) {
      return absl::InvalidArgumentError(
          StrCat(data_name, ": the split with --days ", params.days, " leaves no test session (",
                 split.counts.test_sessions_full, " sessions start in the test period, ",
                 split.counts.test_dropped_sessions, " dropped); choose a larger --days"));
    }
    base.counts = split.counts;
    SR_ASSIGN_OR_RETURN(const TrainReport trained, TrainModel(split.train, train, model_dir));
    base.embedding_items = trained.embedding_items;
    SR_ASSIGN_OR_RETURN(std::shared_ptr<const ModelBundle> bundle, LoadModelBundle(model_dir));
    SR_ASSIGN_OR_RETURN(std::vector<SessionLabels> new_labels,
                        RemoveSeenAids(split.labels, split.queries));
    // Split and training once, shared by every scorer's run of this seed.
    const double shared = SecondsSince(t0);
    for (size_t s = 0; s < scorers.size(); ++s) {
      const auto t1 = std::chrono::steady_clock::now();
      SeedEvaluation run = base;
      const Recommender rec(bundle, scorers[s]);
      rec_params.include_seen = true;
      PredictionMap seen = ToMap(split.queries, RecommendSessions(rec, split.queries, rec_params));
      rec_params.include_seen = false;
      PredictionMap fresh = ToMap(split.queries, RecommendSessions(rec, split.queries, rec_params));
      run.scores[kOfficial] = ScoreRecall(split.labels, seen, metric);
      run.scores[kNewItemsAllLabels] = ScoreRecall(split.labels, fresh, metric);
      run.scores[kNewItemsNewLabels] = ScoreRecall(new_labels, fresh, metric);
      run.seconds = shared + SecondsSince(t1);
      reports[s].runs.push_back(std::move(run));
    }
    progress.Add(1);
  }
  return reports;
}

std::string FormatEvaluation(const EvaluationReport& r) {
  const EvaluationParams& p = r.params;
  std::string out = fmt::format(
      "evaluate {}: --days {} {}, seeds {}..{} (mean of {}), Recall@{}, scorer {}\n", r.data,
      p.days, p.all_prefixes ? "(all prefixes)" : "(one cut per session)", p.seed_base,
      p.seed_base + p.seeds - 1, p.seeds, p.k, RecommenderScorerName(p.scorer));
  out += fmt::format(
      "split (mean): train {:.0f} sessions / {:.0f} events / {:.0f} items; test {:.0f} "
      "sessions, {:.0f} queries, {:.0f} query events\n\n",
      MeanCount(r, &SplitCounts::train_sessions), MeanCount(r, &SplitCounts::train_events),
      MeanCount(r, &SplitCounts::train_items), MeanCount(r, &SplitCounts::test_sessions),
      MeanCount(r, &SplitCounts::queries), MeanCount(r, &SplitCounts::query_events));
  out += fmt::format("{:<30} {:>7} {:>7} {:>7} {:>7}   {:>22}\n", "protocol", "clicks", "carts",
                     "orders", "total", "labels clicks/carts/orders");
  for (int pr = 0; pr < kNumProtocols; ++pr) {
    const Mean m = MeanOf(r, pr);
    out += fmt::format("{:<30} {:>7.4f} {:>7.4f} {:>7.4f} {:>7.4f}   {:>8.1f} {:>6.1f} {:>6.1f}\n",
                       kProtocolTitles[pr], m.recall[0], m.recall[1], m.recall[2], m.total,
                       m.labels[0], m.labels[1], m.labels[2]);
  }
  out += fmt::format(
      "\nlabels = Σ min({}, |labels|) per type (the recall denominator), mean over seeds;\n"
      "total = 0.10·clicks + 0.30·carts + 0.60·orders. Per seed (total: official / new all / "
      "new new):\n",
      p.k);
  for (const SeedEvaluation& run : r.runs) {
    out += fmt::format("  seed {:>3}: {:.4f} / {:.4f} / {:.4f}  ({} queries, {:.2f} s)\n", run.seed,
                       run.scores[kOfficial].total, run.scores[kNewItemsAllLabels].total,
                       run.scores[kNewItemsNewLabels].total, run.counts.queries, run.seconds);
  }
  return out;
}

std::string EvaluationJson(const EvaluationReport& r) {
  nlohmann::json j;
  j["data"] = r.data;
  j["days"] = r.params.days;
  j["seeds"] = r.params.seeds;
  j["seed_base"] = r.params.seed_base;
  j["all_prefixes"] = r.params.all_prefixes;
  j["k"] = r.params.k;
  nlohmann::json embedding_items = nlohmann::json::array();  // per seed; 0: no embeddings
  for (const SeedEvaluation& run : r.runs) embedding_items.push_back(run.embedding_items);
  j["embedding_items"] = embedding_items;
  nlohmann::json protocols;
  for (int pr = 0; pr < kNumProtocols; ++pr) {
    const Mean m = MeanOf(r, pr);
    nlohmann::json o;
    for (EventType t : kAllEventTypes) {
      const int i = static_cast<int>(t);
      const std::string name(EventTypeName(t));
      o[name] = m.recall[i];
      o["labels"][name] = m.labels[i];
      o["sessions"][name] = m.sessions[i];
    }
    o["total"] = m.total;
    nlohmann::json per_seed = nlohmann::json::array();
    for (const SeedEvaluation& run : r.runs) per_seed.push_back(run.scores[pr].total);
    o["total_per_seed"] = per_seed;
    protocols[kProtocolKeys[pr]] = o;
  }
  j["protocols"] = protocols;
  j["split"] = {{"train_sessions", MeanCount(r, &SplitCounts::train_sessions)},
                {"train_events", MeanCount(r, &SplitCounts::train_events)},
                {"test_sessions", MeanCount(r, &SplitCounts::test_sessions)},
                {"queries", MeanCount(r, &SplitCounts::queries)}};
  try {
    return j.dump();
  } catch (const nlohmann::json::exception&) {  // a data name that is not UTF-8
    j["data"] = "?";
    return j.dump();
  }
}

}  // namespace sessionrec
