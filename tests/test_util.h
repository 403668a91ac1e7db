// Helpers shared by the test suites.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace sessionrec::testing {

// Absolute path of a file under ../shared/data; the calling test is skipped (with a clear
// message) when the shared data is not present next to the repository.
#define SR_SHARED_DATA_OR_SKIP(var, relative)                                               \
  const std::string var = std::string(SESSIONREC_SHARED_DATA) + "/" + (relative);           \
  if (!std::filesystem::exists(var)) {                                                      \
    GTEST_SKIP() << "shared data not found: " << var << " (expected ../shared/data beside " \
                 << "the repository)";                                                      \
  }

// A fresh empty directory under the test temp dir, removed at process exit by the OS's
// tmp cleaning only; tests must not rely on it persisting.
inline std::filesystem::path TempDir(const std::string& name) {
  std::filesystem::path p = std::filesystem::path(::testing::TempDir()) /
                            ("sessionrec_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p;
}

inline void WriteFile(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

inline std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The result of running a command.
struct CliRun {
  int exit_code;       // -1 when it did not exit normally
  std::string output;  // what it wrote to stdout
};

// Runs `cmd` through the shell and captures its stdout.
inline CliRun RunCommand(const std::string& cmd) {
  CliRun r{-1, ""};
  std::FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// Runs `sessionrec ARGS` (SESSIONREC_BINARY; ARGS are not quoted) and captures its stdout
// and stderr.
inline CliRun RunSessionrec(const std::string& args) {
  return RunCommand(std::string(SESSIONREC_BINARY) + " " + args + " 2>&1");
}

}  // namespace sessionrec::testing
