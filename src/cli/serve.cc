// PLACEHOLDER: replaced by the serve implementation.
#include "cli/commands.h"

namespace sessionrec::cli {

void RegisterServe(CLI::App& app) {
  CLI::App* sub = app.add_subcommand("serve", "(serve: not built yet)");
  sub->callback([] { ExitOnError("serve", absl::UnimplementedError("not built yet")); });
}

}  // namespace sessionrec::cli
