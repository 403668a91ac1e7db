// A small pool of helper threads for splitting one request's work (the sessions of a
// /batch_recommend) across cores.
//
// ParallelFor runs body(i) for i in [0, n): the calling thread takes part, and up to
// `helpers` pool threads join it, claiming chunks of indices from a shared counter, so a
// batch finishes even when every helper is busy with another batch. Exceptions thrown by
// `body` are caught on the thread that ran it and rethrown by ParallelFor after all
// indices are done (the first one wins).
//
// Thread safety: ParallelFor may be called from many threads at once.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace sessionrec {

class WorkPool {
 public:
  // Starts `helpers` threads (0: ParallelFor runs everything on the caller).
  explicit WorkPool(int helpers);
  ~WorkPool();  // finishes queued tasks, then joins

  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  void ParallelFor(size_t n, size_t chunk, const std::function<void(size_t)>& body);

 private:
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace sessionrec
