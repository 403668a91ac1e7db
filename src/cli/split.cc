// sessionrec split: the OTTO train/test protocol (data/split.h) on any session file.
#include "data/split.h"

#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "data/load.h"

namespace sessionrec::cli {
namespace {

struct SplitArgs {
  std::string data;
  std::string out_dir;
  SplitParams params;
};

Status RunSplit(const SplitArgs& args) {
  SR_ASSIGN_OR_RETURN(EventStore data, LoadEventStore(args.data));
  SR_ASSIGN_OR_RETURN(SplitResult split, SplitOtto(data, args.params));
  SR_RETURN_IF_ERROR(WriteSplit(split, args.out_dir));
  std::cout << SplitSummary(split) << "wrote " << args.out_dir << "/{train.jsonl,"
            << "test_sessions.jsonl,test_labels.jsonl}\n";
  return absl::OkStatus();
}

}  // namespace

void RegisterSplit(CLI::App& app) {
  auto args = std::make_shared<SplitArgs>();
  CLI::App* sub =
      app.add_subcommand("split", "OTTO train/test split with truncated test sessions and labels");
  sub->add_option("--data", args->data, "sessions: OTTO JSONL or event store")->required();
  sub->add_option("--days", args->params.days, "test period in days before the last event")
      ->capture_default_str();
  sub->add_option("--seed", args->params.seed, "truncation seed (as testset.py --seed)")
      ->capture_default_str();
  sub->add_option("--out-dir", args->out_dir, "output directory")->required();
  sub->add_flag("--all-prefixes", args->params.all_prefixes,
                "every prefix of a test session is a query (id = session * M + prefix length)");
  sub->callback([args] { ExitOnError("split", RunSplit(*args)); });
}

}  // namespace sessionrec::cli
