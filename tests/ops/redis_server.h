// A real redis-server for tests, on a free loopback port, without persistence, in its own
// temp dir. Tests skip (with a message) when redis-server is not installed.
#pragma once

#include <chrono>
#include <string>
#include <thread>

#include "ops/child_process.h"
#include "test_util.h"

namespace sessionrec::testing {

class RedisServer {
 public:
  // Starts redis-server and waits until it accepts connections; false (with *error)
  // otherwise.
  bool Start(std::string* error) {
    binary_ = FindBinary("redis-server");
    if (binary_.empty()) {
      *error = "redis-server not found";
      return false;
    }
    port_ = FreePort();
    dir_ = TempDir("redis_" + std::to_string(port_)).string();
    if (!process_.Start({binary_, "--port", std::to_string(port_), "--bind", "127.0.0.1", "--save",
                         "", "--appendonly", "no", "--dir", dir_, "--daemonize", "no"},
                        dir_ + "/redis.log")) {
      *error = "fork failed";
      return false;
    }
    for (int i = 0; i < 500; ++i) {
      if (PortOpen(port_)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    *error = "redis-server did not listen within 5 s: " + ReadFile(dir_ + "/redis.log");
    return false;
  }
  uint16_t port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
  // SIGSTOP / SIGCONT: a Redis that accepts connections but never answers.
  void Pause() { process_.Signal(SIGSTOP); }
  void Resume() { process_.Signal(SIGCONT); }
  void Kill() {
    process_.Signal(SIGCONT);
    process_.Signal(SIGKILL);
    process_.Wait();
  }

 private:
  std::string binary_;
  std::string dir_;
  uint16_t port_ = 0;
  ChildProcess process_;
};

// Declares `var`, a started RedisServer, or skips the test when redis-server is missing.
#define SR_REDIS_OR_SKIP(var)                                                      \
  ::sessionrec::testing::RedisServer var;                                          \
  if (::sessionrec::testing::FindBinary("redis-server").empty()) {                 \
    GTEST_SKIP() << "redis-server is not installed (Debian package redis-server; " \
                 << "scripts/install-deps.sh installs it)";                        \
  }                                                                                \
  {                                                                                \
    std::string sr_redis_error_;                                                   \
    ASSERT_TRUE(var.Start(&sr_redis_error_)) << sr_redis_error_;                   \
  }

}  // namespace sessionrec::testing
