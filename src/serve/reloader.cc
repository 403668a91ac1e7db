#include "serve/reloader.h"

#include <chrono>
#include <exception>

namespace sessionrec {

Reloader::Reloader(LiveModel& live, std::string default_dir, ModelLoader loader, Metrics* metrics,
                   std::shared_ptr<spdlog::logger> log)
    : live_(live),
      loader_(std::move(loader)),
      metrics_(metrics),
      log_(std::move(log)),
      default_dir_(std::move(default_dir)) {}

Reloader::~Reloader() {
  Wait();
  std::lock_guard<std::mutex> lock(mu_);
  if (worker_.joinable()) worker_.join();
}

bool Reloader::Trigger(const std::string& dir, std::string* started) {
  std::lock_guard<std::mutex> lock(mu_);
  if (state_.loading) return false;
  state_.loading = true;
  state_.loading_dir = dir.empty() ? default_dir_ : dir;
  if (started != nullptr) *started = state_.loading_dir;
  // The previous load has finished (loading was false), so this join does not block long.
  if (worker_.joinable()) worker_.join();
  worker_ = std::thread(&Reloader::Load, this, state_.loading_dir);
  return true;
}

void Reloader::Load(std::string dir) {
  log_->info("loading model {}", dir);
  StatusOr<std::shared_ptr<const LoadedModel>> loaded =
      absl::InternalError("the loader threw an exception");
  try {
    loaded = loader_(dir);
  } catch (const std::exception& e) {
    loaded = absl::InternalError(std::string("the loader threw: ") + e.what());
  }
  std::shared_ptr<const LoadedModel> previous;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (loaded.ok()) {
      previous = live_.Swap(*loaded);
      ++state_.succeeded;
      state_.last_error.clear();
      default_dir_ = dir;
    } else {
      ++state_.failed;
      state_.last_error = std::string(loaded.status().message());
    }
  }
  if (loaded.ok()) {
    const LoadedModel& m = **loaded;
    log_->info("model {} (version {}) is live, loaded in {:.1f} ms{}", m.dir, m.version,
               m.load_seconds * 1000,
               previous ? " (the previous model is freed when its last request ends)" : "");
    if (metrics_) metrics_->ModelLoaded(m.version, m.dir, m.load_seconds);
  } else {
    log_->error("loading model {} failed: {}{}", dir, std::string(loaded.status().message()),
                live_.Get() ? "; still serving the previous model" : "");
  }
  if (metrics_) metrics_->ReloadFinished(loaded.ok());
  previous.reset();  // may free the old model here, outside the lock
  std::lock_guard<std::mutex> lock(mu_);
  state_.loading = false;
  state_.loading_dir.clear();
  idle_cv_.notify_all();
}

void Reloader::Wait() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait(lock, [this] { return !state_.loading; });
}

ReloadState Reloader::state() const {
  std::lock_guard<std::mutex> lock(mu_);
  return state_;
}

std::string Reloader::default_dir() const {
  std::lock_guard<std::mutex> lock(mu_);
  return default_dir_;
}

}  // namespace sessionrec
