// Helpers shared by the test suites.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace sessionrec::testing {

// Absolute path of a file under ../shared/data; the calling test is skipped (with a clear
// message) when the shared data is not present next to the repository.
#define SR_SHARED_DATA_OR_SKIP(var, relative)                                              \
  const std::string var = std::string(SESSIONREC_SHARED_DATA) + "/" + (relative);          \
  if (!std::filesystem::exists(var)) {                                                     \
    GTEST_SKIP() << "shared data not found: " << var << " (expected ../shared/data beside " \
                 << "the repository)";                                                     \
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

}  // namespace sessionrec::testing
