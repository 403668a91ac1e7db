// sessionrec: one binary, one subcommand per pipeline stage (see `sessionrec --help`).
#include <unistd.h>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/config.h"
#include "core/progress.h"

int main(int argc, char** argv) {
  CLI::App app{"sessionrec: session-based recommendations for e-commerce (OTTO format)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "sessionrec 0.1.0");
  namespace cli = sessionrec::cli;
  bool quiet = false;
  app.add_flag("--quiet,-q", quiet,
               "no progress lines on stderr (they are drawn only when stderr is a terminal)");
  // Runs after every option is read (command line, environment, config file) and before
  // the subcommand's callback.
  app.parse_complete_callback([&quiet] {
    sessionrec::SetProgressEnabled(sessionrec::ProgressWanted(quiet, STDERR_FILENO));
  });
  cli::RegisterGenerate(app);
  cli::RegisterImport(app);
  cli::RegisterInspect(app);
  cli::RegisterSplit(app);
  cli::RegisterTrain(app);
  cli::RegisterRecommend(app);
  cli::RegisterEvaluate(app);
  cli::RegisterServe(app);
  cli::EnableConfiguration(app);  // last: it covers every option registered above
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return 0;
}
