// sessionrec: one binary, one subcommand per pipeline stage (see `sessionrec --help`).
#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"sessionrec: session-based recommendations for e-commerce (OTTO format)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "sessionrec 0.1.0");
  namespace cli = sessionrec::cli;
  cli::RegisterGenerate(app);
  cli::RegisterImport(app);
  cli::RegisterInspect(app);
  cli::RegisterSplit(app);
  cli::RegisterTrain(app);
  cli::RegisterRecommend(app);
  cli::RegisterEvaluate(app);
  cli::RegisterServe(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return 0;
}
