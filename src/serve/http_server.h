// The HTTP/1.1 server (Boost.Beast/Asio): keep-alive connections, a fixed set of worker
// threads, limits and timeouts, access log, graceful drain.
//
// Each request is read in two steps: the header (within read_timeout once its first byte
// has arrived; an idle keep-alive connection is closed after idle_timeout), then the body
// (max_body_bytes; "Expect: 100-continue" is honoured). Protocol errors are answered with a
// JSON error and the connection is closed: malformed request 400, header larger than
// max_header_bytes 431, body larger than max_body_bytes 413. Responses must be written
// within read_timeout too, so a client that stops reading cannot hold a worker.
//
// Stop() (or SIGINT/SIGTERM after HandleSignals()) drains: the acceptor closes, idle
// connections are closed, requests in flight are answered (with "Connection: close"), and
// Run() returns once every connection is gone (or after drain_timeout at the latest).
//
// Thread safety: Start, HandleSignals, HandleHangup and Run are called once, from one thread, in
// that order; Stop and port may be called from any thread.
#pragma once

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "serve/handlers.h"

namespace sessionrec {

struct ServerOptions {
  std::string host = "127.0.0.1";  // address to bind
  uint16_t port = 5000;            // 0: any free port (see HttpServer::port())
  int threads = 0;                 // worker threads; 0: the number of cores
  // true: one io_context per worker thread, connections spread round-robin; false: one
  // io_context run by every worker (connections on strands).
  bool context_per_thread = true;
  size_t max_body_bytes = 16u << 20;                // larger bodies get 413
  size_t max_header_bytes = 16u << 10;              // larger request headers get 431
  std::chrono::milliseconds idle_timeout{60'000};   // keep-alive wait for a next request
  std::chrono::milliseconds read_timeout{10'000};   // to receive a request / send a response
  std::chrono::milliseconds drain_timeout{10'000};  // longest wait for in-flight requests
  spdlog::level::level_enum access_log_level = spdlog::level::debug;  // one line per request
};

// Handles one request: method, request-target, body, Authorization -> status and body.
using HttpHandler = std::function<void(const HttpRequestView& request, HttpAnswer* out)>;
// Sees every answer (protocol errors included, with Route::kOther) and the seconds from
// the request's header to the answer; runs on the worker thread before the answer is sent.
using AnswerObserver = std::function<void(const HttpAnswer& answer, double seconds)>;

class HttpServer {
 public:
  // `log` receives start/stop messages and the access log lines; `observer` may be empty.
  HttpServer(ServerOptions options, HttpHandler handler, std::shared_ptr<spdlog::logger> log,
             AnswerObserver observer = {});
  ~HttpServer();

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens; an address in use or an invalid host is an error.
  Status Start();
  // The bound port (after Start).
  uint16_t port() const;
  // Stops (drains) on SIGINT or SIGTERM.
  void HandleSignals();
  // Calls `on_hup` (on an I/O thread; it must not block) at every SIGHUP. Call after
  // Start, before Run.
  void HandleHangup(std::function<void()> on_hup);
  // Serves on `threads` worker threads and blocks until Stop() has drained (or
  // drain_timeout has passed since Stop()).
  void Run();
  // Begins the drain; idempotent.
  void Stop();
  bool stopping() const { return stopping_.load(std::memory_order_relaxed); }

  struct Impl;  // Asio objects, in http_server.cc

 private:
  std::unique_ptr<Impl> impl_;
  std::atomic<bool> stopping_{false};
};

}  // namespace sessionrec
