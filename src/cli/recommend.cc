// PLACEHOLDER: replaced by the recommend implementation.
#include "cli/commands.h"

namespace sessionrec::cli {

void RegisterRecommend(CLI::App& app) {
  CLI::App* sub = app.add_subcommand("recommend", "(recommend: not built yet)");
  sub->callback([] { ExitOnError("recommend", absl::UnimplementedError("not built yet")); });
}

}  // namespace sessionrec::cli
