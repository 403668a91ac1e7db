// Helpers shared by the test suites.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

namespace sessionrec::testing {

// Absolute path of a file under ../shared/data; the calling test is skipped (with a clear
// message) when the shared data is not present next to the repository.
#define SR_SHARED_DATA_OR_SKIP(var, relative)                                               \
  const std::string var = std::string(SESSIONREC_SHARED_DATA) + "/" + (relative);           \
  if (!std::filesystem::exists(var)) {                                                      \
    GTEST_SKIP() << "shared data not found: " << var << " (expected ../shared/data beside " \
                 << "the repository)";                                                      \
  }

// Removes the directories TempDir made when the test binary exits, so repeated runs do not
// fill the temp dir; SESSIONREC_KEEP_TEST_DIRS=1 keeps them for debugging. (Death-test
// children leave through _exit and remove nothing.)
class TempDirCleaner {
 public:
  static TempDirCleaner& Get() {
    static TempDirCleaner cleaner;
    return cleaner;
  }
  void Add(const std::filesystem::path& p) { dirs_.push_back(p); }
  ~TempDirCleaner() {
    if (std::getenv("SESSIONREC_KEEP_TEST_DIRS") != nullptr) return;
    std::error_code ec;  // best effort: a failure only leaves the directory behind
    for (const auto& d : dirs_) std::filesystem::remove_all(d, ec);
  }

 private:
  std::vector<std::filesystem::path> dirs_;
};

// A fresh empty directory under the test temp dir, removed when the test binary exits
// (TempDirCleaner).
inline std::filesystem::path TempDir(const std::string& name) {
  std::filesystem::path p = std::filesystem::path(::testing::TempDir()) /
                            ("sessionrec_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  TempDirCleaner::Get().Add(p);
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
