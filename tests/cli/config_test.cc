// Configuration from the command line, SESSIONREC_* variables and a config file
// (cli/config.h), on a hand-made command and on the real binary.
#include "cli/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <memory>

#include "test_util.h"

namespace sessionrec::cli {
namespace {

using ::testing::HasSubstr;

// Sets environment variables for one test and removes them afterwards.
class ScopedEnv {
 public:
  ~ScopedEnv() {
    for (const std::string& n : names_) ::unsetenv(n.c_str());
  }
  void Set(const std::string& name, const std::string& value) {
    ::setenv(name.c_str(), value.c_str(), 1);
    names_.push_back(name);
  }

 private:
  std::vector<std::string> names_;
};

// A stand-in for main: one subcommand with a few kinds of options.
struct Fixture {
  CLI::App app{"test"};
  CLI::App* serve = nullptr;
  bool quiet = false;
  std::string model_dir;
  std::string host = "127.0.0.1";
  int port = 8080;
  int threads = 4;
  bool verbose = false;
  bool ran = false;

  Fixture() {
    app.require_subcommand(1);
    app.add_flag("--quiet", quiet, "no progress");
    serve = app.add_subcommand("serve", "serve");
    serve->add_option("--model-dir", model_dir, "model")->required();
    serve->add_option("--host", host, "host");
    serve->add_option("--port", port, "port");
    serve->add_option("--threads", threads, "threads");
    serve->add_flag("--verbose", verbose, "talk");
    serve->callback([this] { ran = true; });
    EnableConfiguration(app);
  }
};

TEST(EnvNameFor, UpperCaseWithUnderscores) {
  EXPECT_EQ(EnvNameFor("--model-dir"), "SESSIONREC_MODEL_DIR");
  EXPECT_EQ(EnvNameFor("port"), "SESSIONREC_PORT");
  EXPECT_EQ(EnvNameFor("no-candidate-embeddings"), "SESSIONREC_NO_CANDIDATE_EMBEDDINGS");
}

TEST(Configuration, CommandLineBeatsEnvironmentBeatsFileBeatsDefault) {
  auto dir = testing::TempDir("config_precedence");
  const std::string file = (dir / "sessionrec.toml").string();
  testing::WriteFile(file,
                     "quiet = true\n"
                     "[serve]\n"
                     "model-dir = \"from-file\"\n"
                     "host = \"0.0.0.0\"\n"
                     "port = 1111\n"
                     "verbose = true\n");
  ScopedEnv env;
  env.Set("SESSIONREC_MODEL_DIR", "from-env");
  env.Set("SESSIONREC_PORT", "2222");
  Fixture f;
  f.app.parse("serve --config " + file + " --model-dir from-command-line", false);
  EXPECT_TRUE(f.ran);
  EXPECT_EQ(f.model_dir, "from-command-line");  // command line > env > file
  EXPECT_EQ(f.port, 2222);                      // env > file
  EXPECT_EQ(f.host, "0.0.0.0");                 // file > default
  EXPECT_TRUE(f.verbose);                       // a flag from the file
  EXPECT_TRUE(f.quiet);                         // a root option before the first section
  EXPECT_EQ(f.threads, 4);                      // nothing set: the default
}

TEST(Configuration, EnvironmentAloneAndEmptyVariableIsUnset) {
  ScopedEnv env;
  env.Set("SESSIONREC_MODEL_DIR", "m");
  env.Set("SESSIONREC_THREADS", "7");
  env.Set("SESSIONREC_PORT", "");  // empty: as if unset
  env.Set("SESSIONREC_VERBOSE", "true");
  Fixture f;
  f.app.parse("serve", false);  // --model-dir is required: the variable satisfies it
  EXPECT_EQ(f.model_dir, "m");
  EXPECT_EQ(f.threads, 7);
  EXPECT_EQ(f.port, 8080);
  EXPECT_TRUE(f.verbose);
}

TEST(Configuration, ConfigFileFromSessionrecConfigVariable) {
  auto dir = testing::TempDir("config_env_file");
  const std::string file = (dir / "c.ini").string();
  testing::WriteFile(file, "[serve]\nmodel-dir=ini-dir\nport=3333\n");
  ScopedEnv env;
  env.Set("SESSIONREC_CONFIG", file);
  Fixture f;
  f.app.parse("serve --quiet", false);  // --quiet after the subcommand reaches the root
  EXPECT_EQ(f.model_dir, "ini-dir");
  EXPECT_EQ(f.port, 3333);
  EXPECT_TRUE(f.quiet);
}

TEST(Configuration, MissingNamedConfigFileIsAnError) {
  Fixture f;
  EXPECT_THROW(f.app.parse("serve --model-dir m --config /nonexistent/sessionrec.toml", false),
               CLI::FileError);
}

std::string ParseError(Fixture& f, const std::string& args) {
  try {
    f.app.parse(args, false);
  } catch (const CLI::ConfigError& e) {
    return e.what();
  }
  return "(no ConfigError)";
}

TEST(Configuration, UnknownKeyNamesFileSectionAndKey) {
  auto dir = testing::TempDir("config_unknown_key");
  const std::string file = (dir / "bad.toml").string();
  testing::WriteFile(file, "[serve]\nmodel-dir = \"m\"\nprot = 8081\n");
  Fixture f;
  const std::string msg = ParseError(f, "serve --config " + file);
  EXPECT_THAT(msg, HasSubstr("config file " + file + ": unknown key \"prot\" in section [serve]"));
  EXPECT_THAT(msg, HasSubstr("known: model-dir, host, port, threads, verbose"));
  EXPECT_FALSE(f.ran);
}

TEST(Configuration, UnknownSectionAndUnknownRootKeyAreErrors) {
  auto dir = testing::TempDir("config_unknown_section");
  const std::string section = (dir / "section.toml").string();
  testing::WriteFile(section, "[srve]\nport = 1\n");
  Fixture f1;
  EXPECT_THAT(ParseError(f1, "serve --model-dir m --config " + section),
              HasSubstr(": unknown section [srve] (known: [serve])"));

  const std::string root = (dir / "root.toml").string();
  testing::WriteFile(root, "port = 1\n");  // belongs under [serve]
  Fixture f2;
  EXPECT_THAT(ParseError(f2, "serve --model-dir m --config " + root),
              HasSubstr(": unknown key \"port\" before the first section (known: quiet)"));
}

TEST(Configuration, HelpShowsVariablesAndDefaults) {
  Fixture f;
  const std::string help = f.serve->help();
  EXPECT_THAT(help, HasSubstr("SESSIONREC_PORT"));
  EXPECT_THAT(help, HasSubstr("=8080"));
  EXPECT_THAT(help, HasSubstr("SESSIONREC_MODEL_DIR"));
}

TEST(ConfigReference, OneRowPerOption) {
  Fixture f;
  const std::string ref = ConfigReference(f.app);
  EXPECT_THAT(ref, HasSubstr("### sessionrec serve"));
  EXPECT_THAT(ref, HasSubstr("| `--port` | `SESSIONREC_PORT` | `port` | 8080 | port |"));
  EXPECT_THAT(ref, HasSubstr("| `--verbose` | `SESSIONREC_VERBOSE` | `verbose` | (flag) | talk |"));
  EXPECT_THAT(ref, HasSubstr("| `--model-dir` | `SESSIONREC_MODEL_DIR` | `model-dir` | — | model "
                             "(required) |"));
}

// ---- the real binary ---------------------------------------------------------------------

using testing::CliRun;
using testing::RunSessionrec;

TEST(ConfigurationBinary, ServeHelpListsVariablesAndDefaults) {
  CliRun r = RunSessionrec("serve --help");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("--port UINT=5000 (Env:SESSIONREC_PORT)"));
  EXPECT_THAT(r.output, HasSubstr("(Env:SESSIONREC_MODEL_DIR)"));
  CliRun root = RunSessionrec("--help");
  EXPECT_THAT(root.output, HasSubstr("--config"));
  EXPECT_THAT(root.output, HasSubstr("(Env:SESSIONREC_QUIET)"));
}

TEST(ConfigurationBinary, UnknownKeyIsAClearErrorAndExitsNonZero) {
  auto dir = testing::TempDir("config_binary");
  const std::string file = (dir / "typo.toml").string();
  testing::WriteFile(file, "[train]\nrecent-dayz = 3\n");
  CliRun r = RunSessionrec("train --config " + file + " --input x --model-dir y");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.output, HasSubstr("config file " + file +
                                  ": unknown key \"recent-dayz\" in section [train]"));
}

TEST(ConfigurationBinary, DocsListEveryOption) {
  // docs/configuration.md embeds `sessionrec --config-reference` (scripts/gen-config-docs.sh).
  CliRun r = RunSessionrec("--config-reference");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("| `--port` | `SESSIONREC_PORT` | `port` |"));
  const std::string doc =
      testing::ReadFile(std::string(SESSIONREC_SOURCE_DIR) + "/docs/configuration.md");
  EXPECT_THAT(doc, HasSubstr(r.output))
      << "docs/configuration.md is out of date: run scripts/gen-config-docs.sh";
}

}  // namespace
}  // namespace sessionrec::cli
