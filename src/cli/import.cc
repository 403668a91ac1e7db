// PLACEHOLDER: replaced by the import implementation.
#include "cli/commands.h"

namespace sessionrec::cli {

void RegisterImport(CLI::App& app) {
  CLI::App* sub = app.add_subcommand("import", "(import: not built yet)");
  sub->callback([] { ExitOnError("import", absl::UnimplementedError("not built yet")); });
}

}  // namespace sessionrec::cli
