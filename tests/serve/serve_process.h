// `sessionrec serve` as a child process on a free port, for tests of the real binary.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

namespace sessionrec::testing {

class ServeProcess {
 public:
  // Starts `sessionrec serve --model-dir DIR --port 0 EXTRA...` (stderr to `log_file`) and
  // waits for its "listening on" line; false (with *error) when it exits first.
  bool Start(const std::string& model_dir, const std::vector<std::string>& extra,
             std::string* error, const std::string& log_file = "/dev/null") {
    std::vector<std::string> args = {SESSIONREC_BINARY, "serve",  "--model-dir",
                                     model_dir,         "--port", "0"};
    args.insert(args.end(), extra.begin(), extra.end());
    int out[2];
    if (pipe(out) != 0) return false;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
      if (FILE* f = std::freopen(log_file.c_str(), "a", stderr); f == nullptr) _exit(126);
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(SESSIONREC_BINARY, argv.data());
      _exit(127);
    }
    close(out[1]);
    stdout_ = fdopen(out[0], "r");
    char line[256] = {0};
    if (!fgets(line, sizeof(line), stdout_)) {
      *error = "the server exited before listening";
      return false;
    }
    const std::string s(line);
    const size_t colon = s.rfind(':');
    if (s.rfind("listening on http://", 0) != 0 || colon == std::string::npos) {
      *error = "unexpected first line: " + s;
      return false;
    }
    port_ = static_cast<uint16_t>(std::stoi(s.substr(colon + 1)));
    return true;
  }
  void Signal(int sig) {
    if (pid_ > 0) kill(pid_, sig);
  }
  // Sends `sig` and returns the exit status (-1 when it did not exit normally).
  int Stop(int sig = SIGTERM) {
    if (pid_ <= 0) return -1;
    kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  ~ServeProcess() {
    if (pid_ > 0) Stop(SIGKILL);
    if (stdout_) fclose(stdout_);  // kept open until here so the child never gets SIGPIPE
  }
  uint16_t port() const { return port_; }

 private:
  pid_t pid_ = -1;
  FILE* stdout_ = nullptr;
  uint16_t port_ = 0;
};

}  // namespace sessionrec::testing
