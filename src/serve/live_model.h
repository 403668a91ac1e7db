// The model being served, swappable at run time (hot reload).
//
// A LoadedModel is immutable: the ServiceBackend over one loaded model directory, with its
// version and load figures. LiveModel holds the current one; each request takes a
// snapshot (a shared_ptr) and keeps using it to the end, so a swap never changes a model
// under a request, and the old model is freed when its last request finishes.
//
// Thread safety: LiveModel's methods may be called from many threads at once.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "core/status.h"
#include "serve/service_backend.h"

namespace sessionrec {

struct LoadedModel {
  std::shared_ptr<const ServiceBackend> backend;
  std::string dir;      // the model directory it came from
  std::string version;  // content hash (see ModelVersion); part of every answer-cache key
  double load_seconds = 0;
};

class LiveModel {
 public:
  LiveModel() = default;
  explicit LiveModel(std::shared_ptr<const LoadedModel> initial) : current_(std::move(initial)) {}

  // The current model, or nullptr until the first one is set.
  std::shared_ptr<const LoadedModel> Get() const {
    std::lock_guard<std::mutex> lock(mu_);
    return current_;
  }
  // Makes `model` current; returns the previous one.
  std::shared_ptr<const LoadedModel> Swap(std::shared_ptr<const LoadedModel> model) {
    std::lock_guard<std::mutex> lock(mu_);
    current_.swap(model);
    return model;
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const LoadedModel> current_;
};

// A LoadedModel over a backend built elsewhere (tests, fakes); `backend` must outlive it.
std::shared_ptr<const LoadedModel> WrapBackend(const ServiceBackend& backend,
                                               std::string version = "test");

// The version of the model directory `dir`: 16 hex digits of a hash of manifest.json
// (which holds every artifact's size and CRC) and of every other file's relative path and
// contents (e.g. rankers/*.json), so two replicas loading the same files agree on it, and
// any change to the files changes it.
StatusOr<std::string> ModelVersion(const std::string& dir);

// Loads `dir` (LoadModelBundle), builds the Recommender, and validates it by answering a
// cold-start request (must not throw, and must fill top_k when the catalogue allows).
// Errors name the directory.
StatusOr<std::shared_ptr<const LoadedModel>> LoadModel(const std::string& dir);

}  // namespace sessionrec
