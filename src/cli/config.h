// Configuration of every command-line option from three more places, added generically
// after the subcommands are registered (so an option added to any subcommand gets it too):
//
//   command line  >  SESSIONREC_* environment  >  config file (--config FILE)  >  default
//
// - Environment: option `--model-dir` reads SESSIONREC_MODEL_DIR (upper case, '-' -> '_').
//   The name is per option, not per subcommand: SESSIONREC_THREADS feeds the --threads of
//   every subcommand. An empty variable counts as unset.
// - Config file: TOML (or INI) with one section per subcommand, keys are the long option
//   names without dashes: `[serve]` / `port = 8080` / `model-dir = "model"`. Options of the
//   root command (e.g. `quiet`) go before the first section. `--config FILE` or
//   SESSIONREC_CONFIG=FILE; a named file must exist. An unknown section or key is an error
//   naming the file and the key.
// - `--help` shows each option's default and variable; `sessionrec --config-reference`
//   prints the Markdown table of docs/configuration.md.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>

namespace sessionrec::cli {

// "--model-dir" or "model-dir" -> "SESSIONREC_MODEL_DIR".
std::string EnvNameFor(std::string_view long_name);

// Adds --config (and SESSIONREC_CONFIG), --config-reference, an environment variable and
// the default in --help to every option of `app` and its subcommands, and the config-file
// reader with the precedence above. Call once, after every option is registered, before
// parse. `app` must outlive the parse.
void EnableConfiguration(CLI::App& app);

// Markdown: one table per command (root options, then each subcommand) with every
// option's flag, environment variable, config key, default and description.
std::string ConfigReference(const CLI::App& app);

}  // namespace sessionrec::cli
