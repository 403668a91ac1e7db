#include "serve/work_pool.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <memory>

namespace sessionrec {

WorkPool::WorkPool(int helpers) {
  for (int i = 0; i < helpers; ++i) threads_.emplace_back([this] { Loop(); });
}

WorkPool::~WorkPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void WorkPool::Loop() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stop_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stop_ and nothing left
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

void WorkPool::ParallelFor(size_t n, size_t chunk, const std::function<void(size_t)>& body) {
  if (n == 0) return;
  chunk = std::max<size_t>(chunk, 1);
  // Shared by the caller and the helpers. A helper that is dequeued after the caller has
  // finished finds the job closed and returns without touching `body` (which lives on the
  // caller's stack), so a batch never waits for helpers busy elsewhere.
  struct Job {
    std::atomic<size_t> next{0};
    std::mutex mu;
    std::condition_variable done_cv;
    int running = 0;      // helpers inside `work`
    bool closed = false;  // the caller is done: late helpers must not start
    std::exception_ptr error;
  };
  auto job = std::make_shared<Job>();
  const std::function<void(size_t)>* body_ptr = &body;
  auto work = [job, n, chunk](const std::function<void(size_t)>& fn) {
    for (;;) {
      const size_t begin = job->next.fetch_add(chunk);
      if (begin >= n) return;
      const size_t end = std::min(n, begin + chunk);
      for (size_t i = begin; i < end; ++i) {
        try {
          fn(i);
        } catch (...) {
          std::lock_guard<std::mutex> lock(job->mu);
          if (!job->error) job->error = std::current_exception();
        }
      }
    }
  };
  const size_t chunks = (n + chunk - 1) / chunk;
  const size_t helpers = std::min(threads_.size(), chunks - 1);
  if (helpers > 0) {
    {
      std::lock_guard<std::mutex> queue_lock(mu_);
      for (size_t h = 0; h < helpers; ++h) {
        tasks_.emplace_back([job, work, body_ptr] {
          {
            std::lock_guard<std::mutex> start_lock(job->mu);
            if (job->closed) return;
            ++job->running;
          }
          work(*body_ptr);
          std::lock_guard<std::mutex> end_lock(job->mu);
          if (--job->running == 0) job->done_cv.notify_all();
        });
      }
    }
    cv_.notify_all();
  }
  work(body);
  std::unique_lock<std::mutex> lock(job->mu);
  job->closed = true;
  job->done_cv.wait(lock, [&] { return job->running == 0; });
  if (job->error) std::rethrow_exception(job->error);
}

}  // namespace sessionrec
