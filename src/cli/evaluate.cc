// sessionrec evaluate: two modes of one command.
//   score files:  --labels L --predictions P.csv [--sessions S] [--json]
//                 the official metric (eval/metrics.h) on files, as evaluate.py scores them;
//                 with --sessions also the "new items" protocol (labels not in the session).
//   pipeline:     --data X --days D --seeds N
//                 split -> train -> recommend -> score over N seeds (RunPipeline below).
#include <iostream>
#include <memory>
#include <optional>

#include "cli/commands.h"
#include "cli/evaluate_report.h"
#include "core/str_cat.h"
#include "data/item_categories.h"
#include "data/labels.h"
#include "data/load.h"
#include "data/otto_jsonl.h"
#include "eval/metrics.h"
#include "eval/predictions.h"
#include "pipeline/candidate_recall.h"
#include "pipeline/evaluation.h"
#include "pipeline/ranker_comparison.h"

namespace sessionrec::cli {
namespace {

struct EvaluateArgs {
  // Score-files mode.
  std::string labels;
  std::string predictions;
  std::string sessions;
  bool json = false;
  size_t k = 20;
  // Pipeline mode.
  std::string data;
  double days = 2.0;
  int seeds = 5;
  int64_t seed_base = 0;
  bool all_prefixes = false;
  int threads = 0;
  std::string scorer = "all";  // serve/recommender.h: auto, rules, blend, rankers; or all
  std::string ranker_objective = "binary:logistic";
  // The rankers' size (defaults: RankerTrainingParams / BoosterParams, as `train`).
  RankerTrainingParams rankers;
  // Candidate recall instead (pipeline/candidate_recall.h).
  bool candidates = false;
  // The embedding stage (item2vec, neighbour lists, embedding sources and features), on as
  // in `train`; --no-embeddings skips it in the pipeline and in --candidates.
  bool embeddings = true;
  // session_embed's pool (candidates/candidate_sources.h); --candidates and the pipeline.
  size_t session_embed_min_pool = SessionEmbedPoolParams{}.min_pool;
  // Item categories (import --category): the category_pop source.
  std::string categories;
  // With categories: mix category vectors into the item vectors (embed/category_vectors.h).
  bool category_vectors = true;
  float category_item_weight = CategoryMixParams{}.item_weight;
  // --report (cli/evaluate_report.h).
  std::string report;
  std::string report_model_dir;
};

// What the report header shows as the command (the flags that shape the results).
std::string ReportCommand(const EvaluateArgs& a) {
  if (a.data.empty()) {
    return StrCat("sessionrec evaluate --labels ", a.labels, " --predictions ", a.predictions,
                  a.sessions.empty() ? "" : " --sessions " + a.sessions, " --k ", a.k);
  }
  return StrCat("sessionrec evaluate --data ", a.data, " --days ", a.days, " --seeds ", a.seeds,
                " --seed ", a.seed_base, a.all_prefixes ? " --all-prefixes" : "",
                a.candidates ? " --candidates" : "", a.embeddings ? "" : " --no-embeddings",
                a.category_vectors ? "" : " --no-category-vectors");
}

EvaluateReportRequest ReportRequest(const EvaluateArgs& a) {
  EvaluateReportRequest r;
  r.path = a.report;
  r.model_dir = a.report_model_dir;
  r.data_name = a.data.empty() ? a.predictions : a.data;
  r.command = ReportCommand(a);
  r.k = a.k;
  return r;
}

// ---- score-files mode -------------------------------------------------------------------

Status RunScoreFiles(const EvaluateArgs& args) {
  SR_ASSIGN_OR_RETURN(std::vector<SessionLabels> labels, ReadLabelsJsonl(args.labels));
  SR_ASSIGN_OR_RETURN(PredictionMap predictions, ReadPredictionsCsv(args.predictions));
  MetricParams params;
  params.k = args.k;
  const RecallScores official = ScoreRecall(labels, predictions, params);

  std::optional<RecallScores> fresh;
  if (!args.sessions.empty()) {
    std::vector<Session> sessions;
    SR_RETURN_IF_ERROR(ReadOttoJsonl(args.sessions, {.strict = true}, [&](Session& s) {
      sessions.push_back(std::move(s));
      return absl::OkStatus();
    }));
    auto unseen = RemoveSeenAids(labels, sessions);
    if (!unseen.ok()) {
      return absl::InvalidArgumentError(
          StrCat(args.labels, " vs ", args.sessions, ": ", std::string(unseen.status().message())));
    }
    fresh = ScoreRecall(*unseen, predictions, params);
  }
  EvaluateReportRequest report = ReportRequest(args);
  report.scores.emplace_back("official (all labels)", official);
  if (fresh) report.scores.emplace_back("new items (labels not in the session)", *fresh);

  if (args.json) {
    std::string s = ScoresJson(official, args.k);
    if (fresh) {
      s.pop_back();  // the closing brace: nest the new-items scores inside
      s += ", \"new_items\": " + ScoresJson(*fresh, args.k) + "}";
    }
    std::cout << s << "\n";
  } else {
    std::cout << "labels " << args.labels << ", predictions " << args.predictions << ", Recall@"
              << args.k << "\n\nofficial (all labels):\n"
              << FormatScores(official);
    if (fresh) {
      std::cout << "\nnew items (labels not among the session's own aids):\n"
                << FormatScores(*fresh);
    }
  }
  return WriteEvaluateReport(report);
}

// ---- pipeline mode ----------------------------------------------------------------------
// PIPELINE MODE GOES HERE (split -> train -> recommend -> score over several seeds). It
// gets the data with LoadEventStore, splits with SplitOtto (data/split.h), and scores in
// memory with ScoreRecall / RemoveSeenAids (eval/metrics.h).

// The split and scoring settings every pipeline-mode run shares.
EvaluationParams PipelineParams(const EvaluateArgs& args) {
  EvaluationParams p;
  p.days = args.days;
  p.seeds = args.seeds;
  p.seed_base = args.seed_base;
  p.all_prefixes = args.all_prefixes;
  p.k = args.k;
  p.threads = args.threads;
  p.train.only_covisit = !args.embeddings;
  p.train.embed.category.enabled = args.category_vectors;
  p.train.embed.category.item_weight = args.category_item_weight;
  p.train.rankers.candidates = args.rankers.candidates;
  p.train.rankers.label_windows = args.rankers.label_windows;
  p.train.rankers.train.booster.num_rounds = args.rankers.train.booster.num_rounds;
  p.train.rankers.train.booster.max_depth = args.rankers.train.booster.max_depth;
  p.train.rankers.train.booster.eta = args.rankers.train.booster.eta;
  return p;
}

// The pipeline itself is pipeline/evaluation.h (shared with tests).
Status RunPipeline(const EvaluateArgs& args) {
  SR_ASSIGN_OR_RETURN(EventStore data, LoadEventStore(args.data));
  std::optional<ItemCategories> categories;
  if (!args.categories.empty()) {
    SR_ASSIGN_OR_RETURN(categories, ItemCategories::Open(args.categories));
  }
  // rules, blend and rankers side by side; --json and --report describe one scorer (auto).
  if (args.scorer == "all" && !args.candidates && !args.json && args.report.empty()) {
    EvaluationParams p = PipelineParams(args);
    if (categories) p.train.categories = &*categories;
    p.train.rankers.train.booster.objective = args.ranker_objective;
    SR_ASSIGN_OR_RETURN(ScorerComparison c, RunScorerComparison(data, args.data, p));
    std::cout << FormatScorerComparison(c);
    return absl::OkStatus();
  }
  EvaluateReportRequest report_request = ReportRequest(args);
  report_request.data = &data;
  // The report's recall@K curves come from the candidate recall: --report runs it too.
  std::optional<CandidateRecallReport> candidates;
  if (args.candidates || !args.report.empty()) {
    CandidateRecallParams cp;
    cp.days = args.days;
    cp.seeds = args.seeds;
    cp.seed_base = args.seed_base;
    cp.threads = args.threads;
    cp.embeddings = args.embeddings;
    cp.embed.category.enabled = args.category_vectors;
    cp.embed.category.item_weight = args.category_item_weight;
    cp.session_embed_pool.min_pool = args.session_embed_min_pool;
    if (categories) cp.categories = &*categories;
    SR_ASSIGN_OR_RETURN(candidates, RunCandidateRecall(data, args.data, cp));
    std::cout << FormatCandidateRecall(*candidates);
    report_request.candidates = &*candidates;
    if (args.candidates) return WriteEvaluateReport(report_request);
  }
  EvaluationParams p = PipelineParams(args);
  if (categories) p.train.categories = &*categories;
  const std::optional<RecommenderScorer> scorer =
      ParseRecommenderScorer(args.scorer == "all" ? "auto" : args.scorer);
  if (!scorer) {
    return absl::InvalidArgumentError(StrCat("--scorer: unknown scorer \"", args.scorer,
                                             "\" (known: all, auto, rules, blend, rankers)"));
  }
  p.scorer = *scorer;
  p.train.rankers.enabled =
      *scorer == RecommenderScorer::kAuto || *scorer == RecommenderScorer::kRankers;
  p.train.rankers.label_days = args.days;
  p.train.rankers.train.booster.objective = args.ranker_objective;
  SR_ASSIGN_OR_RETURN(EvaluationReport report, RunEvaluation(data, args.data, p));
  std::cout << (args.json ? EvaluationJson(report) + "\n" : FormatEvaluation(report));
  report_request.evaluation = &report;
  return WriteEvaluateReport(report_request);
}

// ---- dispatch ---------------------------------------------------------------------------

Status RunEvaluate(const EvaluateArgs& args) {
  const bool files = !args.labels.empty() || !args.predictions.empty();
  if (files && !args.data.empty()) {
    return absl::InvalidArgumentError("use either --labels/--predictions or --data, not both");
  }
  if (!args.data.empty()) return RunPipeline(args);
  if (args.labels.empty() || args.predictions.empty()) {
    return absl::InvalidArgumentError(
        "give --labels L --predictions P.csv (score files) or --data X (pipeline)");
  }
  if (args.k == 0) return absl::InvalidArgumentError("--k must be at least 1");
  return RunScoreFiles(args);
}

}  // namespace

void RegisterEvaluate(CLI::App& app) {
  auto args = std::make_shared<EvaluateArgs>();
  CLI::App* sub = app.add_subcommand(
      "evaluate", "Score predictions with the official OTTO metric (Recall@20 per type)");
  // Score-files mode.
  sub->add_option("--labels", args->labels, "test_labels.jsonl (score-files mode)");
  sub->add_option("--predictions", args->predictions,
                  "Kaggle CSV session_type,labels (score-files mode)");
  sub->add_option("--sessions", args->sessions,
                  "test_sessions.jsonl: also score the labels not in the session (new items)");
  sub->add_flag("--json", args->json, "print one JSON object");
  sub->add_option("--k", args->k, "recall cut-off")->capture_default_str();
  // Pipeline mode.
  sub->add_option("--data", args->data, "sessions (JSONL or event store): pipeline mode");
  sub->add_option("--days", args->days, "pipeline: test period in days")->capture_default_str();
  sub->add_option("--seeds", args->seeds, "pipeline: truncation seeds")->capture_default_str();
  sub->add_option("--seed", args->seed_base, "pipeline: first seed (seeds are seed..seed+N-1)")
      ->capture_default_str();
  sub->add_flag("--all-prefixes", args->all_prefixes,
                "pipeline: every prefix of a test session is a query");
  sub->add_option("--threads", args->threads, "pipeline: worker threads (0 = all cores)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--scorer", args->scorer,
                  "pipeline: all (rules, blend and rankers side by side; with --json or "
                  "--report: auto), auto (the best the model has), rules, blend, rankers")
      ->capture_default_str();
  sub->add_option("--ranker-objective", args->ranker_objective,
                  "pipeline: the rankers' objective (binary:logistic, rank:pairwise, rank:ndcg)")
      ->capture_default_str();
  sub->add_option("--ranker-rounds", args->rankers.train.booster.num_rounds,
                  "pipeline: boosting rounds per ranker")
      ->capture_default_str();
  sub->add_option("--ranker-depth", args->rankers.train.booster.max_depth,
                  "pipeline: ranker tree depth")
      ->capture_default_str();
  sub->add_option("--ranker-eta", args->rankers.train.booster.eta, "pipeline: ranker learning rate")
      ->capture_default_str();
  sub->add_option("--ranker-candidates", args->rankers.candidates,
                  "pipeline: candidates ranked per session")
      ->capture_default_str();
  sub->add_option("--ranker-label-windows", args->rankers.label_windows,
                  "pipeline: label periods pooled for the rankers")
      ->capture_default_str();
  sub->add_flag("--candidates", args->candidates,
                "pipeline: candidate recall@20/50/100/200 per source and merged "
                "(docs/candidates.md)");
  sub->add_option("--report", args->report,
                  "also write an HTML report (tables, recall@K curves, dataset statistics; "
                  "pipeline mode also runs the candidate recall for it; docs/report.md)");
  sub->add_option("--report-model-dir", args->report_model_dir,
                  "--report: show this model directory's feature_importance.json");
  sub->add_flag("!--no-embeddings,!--no-candidate-embeddings", args->embeddings,
                "pipeline: train the models without the embedding stage (no item2vec, no "
                "embedding candidates or features; `train --only covisit`)");
  sub->add_option("--categories", args->categories,
                  "pipeline: item categories written by import (--category), for the "
                  "category_pop candidates (and the rankers' features of that source)");
  sub->add_flag("!--no-category-vectors", args->category_vectors,
                "pipeline, with --categories: keep the item vectors free of category vectors");
  sub->add_option("--category-item-weight", args->category_item_weight,
                  "pipeline: a in item vector = normalize(a * item + (1 - a) * category)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  sub->add_option("--session-embed-min-pool", args->session_embed_min_pool,
                  "pipeline --candidates: items session_embed scores per session (at least)")
      ->capture_default_str();
  sub->callback([args] { ExitOnError("evaluate", RunEvaluate(*args)); });
}

}  // namespace sessionrec::cli
