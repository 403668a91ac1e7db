// PLACEHOLDER: replaced by the evaluate implementation.
#include "cli/commands.h"

namespace sessionrec::cli {

void RegisterEvaluate(CLI::App& app) {
  CLI::App* sub = app.add_subcommand("evaluate", "(evaluate: not built yet)");
  sub->callback([] { ExitOnError("evaluate", absl::UnimplementedError("not built yet")); });
}

}  // namespace sessionrec::cli
