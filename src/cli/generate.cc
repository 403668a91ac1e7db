// PLACEHOLDER: replaced by the generate implementation.
#include "cli/commands.h"

namespace sessionrec::cli {

void RegisterGenerate(CLI::App& app) {
  CLI::App* sub = app.add_subcommand("generate", "(generate: not built yet)");
  sub->callback([] { ExitOnError("generate", absl::UnimplementedError("not built yet")); });
}

}  // namespace sessionrec::cli
