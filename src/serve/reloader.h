// Hot reload: loads a model directory on a background thread and, when it loads and
// validates, swaps it into the LiveModel atomically; when it fails, the current model
// stays and the error is kept for GET /admin/reload and the log. Triggered by SIGHUP and
// POST /admin/reload (serve.cc), and used for the initial load too.
//
// Thread safety: every method may be called from many threads at once. At most one load
// runs at a time; a trigger during a load is refused (Trigger returns false).
#pragma once

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/status.h"
#include "ops/metrics.h"
#include "serve/live_model.h"

namespace sessionrec {

using ModelLoader = std::function<StatusOr<std::shared_ptr<const LoadedModel>>(const std::string&)>;

struct ReloadState {
  bool loading = false;
  std::string loading_dir;  // the directory being loaded (when loading)
  uint64_t succeeded = 0;   // loads that went live (the initial one included)
  uint64_t failed = 0;      // loads that failed (the old model stayed)
  std::string last_error;   // message of the latest failure ("" when the latest succeeded)
};

class Reloader {
 public:
  // `live` (and `metrics` when not null) must outlive the Reloader. `default_dir` is what
  // Trigger("") loads; after a successful load of another directory, that one becomes the
  // default.
  Reloader(LiveModel& live, std::string default_dir, ModelLoader loader, Metrics* metrics,
           std::shared_ptr<spdlog::logger> log);
  ~Reloader();  // waits for a load in progress

  Reloader(const Reloader&) = delete;
  Reloader& operator=(const Reloader&) = delete;

  // Starts loading `dir` (empty: the default) in the background; false when a load is
  // already running. `started` (may be null) gets the directory this load reads, set before
  // the load can finish (state().loading_dir is cleared when it does).
  bool Trigger(const std::string& dir = "", std::string* started = nullptr);
  // Blocks until no load is running.
  void Wait();
  ReloadState state() const;
  std::string default_dir() const;

 private:
  void Load(std::string dir);

  LiveModel& live_;
  ModelLoader loader_;
  Metrics* metrics_;
  std::shared_ptr<spdlog::logger> log_;
  mutable std::mutex mu_;
  std::condition_variable idle_cv_;
  std::string default_dir_;
  ReloadState state_;
  std::thread worker_;
};

}  // namespace sessionrec
