// sessionrec train: a training log (OTTO JSONL or an event store) -> a model directory
// (docs/model-dir.md), published atomically; prints the statistics and stage timings.
#include <chrono>
#include <iostream>
#include <optional>

#include "cli/commands.h"
#include "core/progress.h"
#include "core/str_cat.h"
#include "data/item_categories.h"
#include "data/load.h"
#include "pipeline/train_model.h"

namespace sessionrec::cli {
namespace {

struct TrainArgs {
  std::string input;
  std::string model_dir;
  std::string only;
  std::string categories;  // item categories written by import --category
  TrainParams params;
};

std::string RankerSummary(const TrainParams& p, const RankerStageReport& r) {
  if (!p.rankers.enabled) return "rankers: skipped (--no-rankers)\n";
  if (!r.trained) return StrCat("rankers: skipped (", r.skipped, ")\n");
  std::string out = fmt::format(
      "rankers: {} ({} features, {} label queries, {} rows, candidate label recall {:.3f}; "
      "candidates {:.1f} s, training {:.1f} s)\n",
      p.rankers.train.booster.objective, r.features, r.queries, r.rows, r.label_recall,
      r.seconds_candidates, r.seconds_train);
  const char* names[] = {"clicks", "carts", "orders"};
  for (int t = 0; t < kNumEventTypes; ++t) {
    out += fmt::format("  {:<7} {} queries with a positive, {} rows, {} positives\n", names[t],
                       r.types[t].queries, r.types[t].rows, r.types[t].positives);
  }
  if (r.validated) {
    out += fmt::format(
        "  held-out label queries, weighted recall@20 of the candidates' labels: rankers {:.4f}, "
        "blend {:.4f}: scorer auto serves the {}\n",
        r.validation_rankers, r.validation_blend, r.preferred ? "rankers" : "blend");
  }
  return out;
}

Status RunTrain(const TrainArgs& args) {
  TrainParams params = args.params;
  if (!args.only.empty()) {
    if (args.only != "covisit") {
      return absl::InvalidArgumentError(
          StrCat("--only: unknown stage \"", args.only, "\" (known: covisit)"));
    }
    params.only_covisit = true;
  }
  const auto t0 = std::chrono::steady_clock::now();
  // Elapsed time and the current stage on a terminal (TrainModel names its stages).
  Progress progress("train", 0, "");
  progress.SetDetail("load");
  SR_ASSIGN_OR_RETURN(EventStore train, LoadEventStore(args.input));
  std::optional<ItemCategories> categories;
  if (!args.categories.empty()) {
    SR_ASSIGN_OR_RETURN(categories, ItemCategories::Open(args.categories));
    params.categories = &*categories;
  }
  const double load_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  SR_ASSIGN_OR_RETURN(TrainReport r, TrainModel(train, params, args.model_dir));
  progress.Finish();
  std::cout << fmt::format("trained {}: {} sessions, {} events, {} items\n", args.model_dir,
                           r.sessions, r.events, r.items)
            << fmt::format("covisit entries: clicks {}, carts_orders {}, buy2buy {}\n",
                           r.covisit_entries[0], r.covisit_entries[1], r.covisit_entries[2])
            << fmt::format("covisit variants: {}\n", params.covisit_variants
                                                         ? StrCat(r.variant_entries, " entries")
                                                         : std::string("skipped"))
            << (params.only_covisit
                    ? std::string("embeddings: skipped (--only covisit)\n")
                    : fmt::format("embeddings: {} items with a vector\n", r.embedding_items))
            << RankerSummary(params, r.rankers)
            << fmt::format("  {:<18} {:8.3f} s\n", "load", load_s);
  double total = load_s;
  for (const StageTiming& s : r.timings) {
    std::cout << fmt::format("  {:<18} {:8.3f} s\n", s.stage, s.seconds);
    total += s.seconds;
  }
  std::cout << fmt::format("  {:<18} {:8.3f} s\n", "total", total);
  return absl::OkStatus();
}

}  // namespace

void RegisterTrain(CLI::App& app) {
  auto args = std::make_shared<TrainArgs>();
  CLI::App* sub = app.add_subcommand(
      "train", "Train the model directory (items, co-visitation matrices) from a training log");
  sub->add_option("--input", args->input, "training sessions: OTTO JSONL or an event store (.bin)")
      ->required();
  sub->add_option("--model-dir", args->model_dir, "model directory to create or replace")
      ->required();
  sub->add_option("--only", args->only, "train only this stage: covisit");
  sub->add_option("--categories", args->categories,
                  "item categories written by import --category (catalogue metadata): the "
                  "category_pop candidates, and category vectors mixed into the item vectors");
  sub->add_flag("!--no-category-vectors", args->params.embed.category.enabled,
                "with --categories: keep the item vectors free of category vectors");
  sub->add_option("--category-item-weight", args->params.embed.category.item_weight,
                  "a in item vector = normalize(a * item + (1 - a) * category)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  sub->add_option("--threads", args->params.threads, "worker threads (0 = all cores)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--seed", args->params.seed, "seed of the stochastic stages");
  sub->add_flag("!--no-covisit-variants", args->params.covisit_variants,
                "skip the co-visitation variants (the model then serves the rerank rules)");
  RankerTrainingParams& rk = args->params.rankers;
  sub->add_flag("!--no-rankers", rk.enabled, "skip the learned rankers (docs/rankers.md)");
  sub->add_option("--ranker-objective", rk.train.booster.objective,
                  "binary:logistic, rank:pairwise or rank:ndcg")
      ->capture_default_str();
  sub->add_option("--ranker-rounds", rk.train.booster.num_rounds, "boosting rounds per ranker")
      ->capture_default_str();
  sub->add_option("--ranker-depth", rk.train.booster.max_depth, "tree depth")
      ->capture_default_str();
  sub->add_option("--ranker-candidates", rk.candidates, "candidates ranked per session")
      ->capture_default_str();
  sub->add_option("--ranker-neg-rate", rk.train.neg_rate,
                  "fraction of negative candidate rows kept for training (0, 1]")
      ->capture_default_str();
  sub->add_option("--ranker-label-days", rk.label_days,
                  "label period at the end of the training log (0 = 1/8 of its span, <= 7)")
      ->capture_default_str();
  sub->add_option("--ranker-max-queries", rk.max_queries, "label queries used at most")
      ->capture_default_str();
  sub->add_option("--ranker-label-windows", rk.label_windows,
                  "label periods pooled for the rankers (each with its own candidate model)")
      ->capture_default_str();
  sub->add_option("--recent-days", args->params.items.recent_days,
                  "popularity window in days before the last event")
      ->capture_default_str();
  sub->callback([args] { ExitOnError("train", RunTrain(*args)); });
}

}  // namespace sessionrec::cli
