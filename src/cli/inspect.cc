// PLACEHOLDER: replaced by the inspect implementation.
#include "cli/commands.h"

namespace sessionrec::cli {

void RegisterInspect(CLI::App& app) {
  CLI::App* sub = app.add_subcommand("inspect", "(inspect: not built yet)");
  sub->callback([] { ExitOnError("inspect", absl::UnimplementedError("not built yet")); });
}

}  // namespace sessionrec::cli
