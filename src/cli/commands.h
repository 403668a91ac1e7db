// Each subcommand lives in its own file and registers itself on the root CLI11 app.
// A command's callback throws CLI::RuntimeError(code) to exit non-zero; errors are printed
// to stderr as "sessionrec <command>: <message>".
#pragma once

#include <CLI/CLI.hpp>
#include <string_view>

#include "core/status.h"

namespace sessionrec::cli {

void RegisterGenerate(CLI::App& app);
void RegisterImport(CLI::App& app);
void RegisterInspect(CLI::App& app);
void RegisterSplit(CLI::App& app);
void RegisterTrain(CLI::App& app);
void RegisterRecommend(CLI::App& app);
void RegisterEvaluate(CLI::App& app);
void RegisterServe(CLI::App& app);

// Prints `status` as "sessionrec <command>: <message>" and throws CLI::RuntimeError(1)
// when it is not ok.
void ExitOnError(std::string_view command, const Status& status);

}  // namespace sessionrec::cli
