// PLACEHOLDER: replaced by the split implementation.
#include "cli/commands.h"

namespace sessionrec::cli {

void RegisterSplit(CLI::App& app) {
  CLI::App* sub = app.add_subcommand("split", "(split: not built yet)");
  sub->callback([] { ExitOnError("split", absl::UnimplementedError("not built yet")); });
}

}  // namespace sessionrec::cli
