// PLACEHOLDER: replaced by the train implementation.
#include "cli/commands.h"

namespace sessionrec::cli {

void RegisterTrain(CLI::App& app) {
  CLI::App* sub = app.add_subcommand("train", "(train: not built yet)");
  sub->callback([] { ExitOnError("train", absl::UnimplementedError("not built yet")); });
}

}  // namespace sessionrec::cli
