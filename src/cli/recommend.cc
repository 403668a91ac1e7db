// sessionrec recommend: the Kaggle submission CSV for every session of a test file, from
// the same Recommender the HTTP server calls.
#include <chrono>
#include <iostream>

#include "cli/commands.h"
#include "core/str_cat.h"
#include "data/load.h"
#include "pipeline/batch_recommend.h"
#include "serve/model_bundle.h"
#include "serve/recommender.h"

namespace sessionrec::cli {
namespace {

struct RecommendArgs {
  std::string model_dir;
  std::string input;
  std::string output;
  BatchRecommendParams params;
};

Status RunRecommend(const RecommendArgs& args) {
  if (args.params.top_k < 1) {
    return absl::InvalidArgumentError(StrCat("--top-k must be >= 1, got ", args.params.top_k));
  }
  const auto t0 = std::chrono::steady_clock::now();
  SR_ASSIGN_OR_RETURN(std::shared_ptr<const ModelBundle> bundle, LoadModelBundle(args.model_dir));
  SR_ASSIGN_OR_RETURN(EventStore test, LoadEventStore(args.input));
  const auto t1 = std::chrono::steady_clock::now();
  Recommender rec(bundle);
  SR_ASSIGN_OR_RETURN(uint64_t n, WriteRecommendationsCsv(rec, test, args.params, args.output));
  const auto t2 = std::chrono::steady_clock::now();
  const double load_s = std::chrono::duration<double>(t1 - t0).count();
  const double rec_s = std::chrono::duration<double>(t2 - t1).count();
  std::cout << fmt::format(
      "wrote {}: {} sessions x 3 types, top {} ({}); load {:.3f} s, recommend {:.3f} s "
      "({:.0f} sessions/s)\n",
      args.output, n, args.params.top_k,
      args.params.include_seen ? "own aids included" : "new items only", load_s, rec_s,
      rec_s > 0 ? static_cast<double>(n) / rec_s : 0.0);
  return absl::OkStatus();
}

}  // namespace

void RegisterRecommend(CLI::App& app) {
  auto args = std::make_shared<RecommendArgs>();
  CLI::App* sub = app.add_subcommand(
      "recommend", "Write the Kaggle CSV (session_type,labels) for every test session");
  sub->add_option("--model-dir", args->model_dir, "model directory written by `train`")->required();
  sub->add_option("--input", args->input, "test sessions: OTTO JSONL or an event store (.bin)")
      ->required();
  sub->add_option("--output", args->output, "CSV to write")->required();
  sub->add_option("--top-k", args->params.top_k, "aids per session and type")
      ->capture_default_str();
  sub->add_flag("--include-seen", args->params.include_seen,
                "allow the session's own aids (the competition's lists); default: new items");
  sub->add_option("--threads", args->params.threads, "worker threads (0 = all cores)")
      ->check(CLI::NonNegativeNumber);
  sub->callback([args] { ExitOnError("recommend", RunRecommend(*args)); });
}

}  // namespace sessionrec::cli
