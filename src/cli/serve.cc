// `sessionrec serve`: the HTTP service of ../shared/spec/API.md over a model directory
// (docs/http-api.md).
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "cli/commands.h"
#include "core/str_cat.h"
#include "serve/handlers.h"
#include "serve/http_server.h"
#include "serve/model_backend.h"
#include "serve/model_bundle.h"
#include "serve/session_store.h"
#include "serve/work_pool.h"

namespace sessionrec::cli {
namespace {

struct ServeFlags {
  std::string model_dir;
  ServerOptions server;
  size_t session_store_size = 100'000;
  std::string log_level = "info";
  std::string access_log_level = "debug";
  double idle_timeout_s = 60;
  double read_timeout_s = 10;
  double drain_timeout_s = 10;
  std::string io_model = "per-thread";
};

StatusOr<spdlog::level::level_enum> ParseLevel(const std::string& name, const char* flag) {
  spdlog::level::level_enum level = spdlog::level::from_str(name);
  // from_str maps unknown names to "off"; only accept "off" when it was asked for.
  if (level == spdlog::level::off && name != "off") {
    return absl::InvalidArgumentError(StrCat(
        flag, ": unknown level \"", name, "\" (trace, debug, info, warn, error, critical, off)"));
  }
  return level;
}

std::chrono::milliseconds Millis(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

Status Serve(ServeFlags& f) {
  const auto t0 = std::chrono::steady_clock::now();
  SR_ASSIGN_OR_RETURN(spdlog::level::level_enum level, ParseLevel(f.log_level, "--log-level"));
  SR_ASSIGN_OR_RETURN(f.server.access_log_level,
                      ParseLevel(f.access_log_level, "--access-log-level"));
  auto log = spdlog::stderr_color_mt("serve");
  log->set_level(level);
  spdlog::set_default_logger(log);

  f.server.idle_timeout = Millis(f.idle_timeout_s);
  f.server.read_timeout = Millis(f.read_timeout_s);
  f.server.drain_timeout = Millis(f.drain_timeout_s);
  f.server.context_per_thread = f.io_model == "per-thread";
  if (f.server.threads <= 0) {
    f.server.threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  }

  SR_ASSIGN_OR_RETURN(std::shared_ptr<const ModelBundle> bundle, LoadModelBundle(f.model_dir));
  const BundleStats& st = bundle->stats();
  const double load_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  log->info(
      "loaded model {} in {:.1f} ms: {} items, {} training sessions, models [{}], "
      "embeddings {} (dimension {}), {} feature columns",
      f.model_dir, load_ms, st.total_items, st.total_sessions, fmt::join(st.models, ", "),
      st.embeddings_loaded ? "loaded" : "absent", st.embedding_dimension, st.feature_dimension);

  std::unique_ptr<ServiceBackend> backend = MakeModelBackend(bundle);
  SessionStore store(f.session_store_size);
  // The batch helpers and the I/O workers share the cores: a batch is split between its
  // own worker and threads-1 helpers.
  WorkPool pool(f.server.threads - 1);
  Handlers handlers(*backend, store, pool);
  HttpServer server(
      f.server,
      [&handlers](std::string_view method, std::string_view target, std::string_view body,
                  HttpAnswer* out) { handlers.Handle(method, target, body, out); },
      log);
  SR_RETURN_IF_ERROR(server.Start());
  server.HandleSignals();
  const double ready_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  log->info("listening on http://{}:{} with {} threads ({} io), ready {:.1f} ms after start",
            f.server.host, server.port(), f.server.threads, f.io_model, ready_ms);
  // Scripts and tests read the bound port from stdout (useful with --port 0).
  std::printf("listening on http://%s:%u\n", f.server.host.c_str(), server.port());
  std::fflush(stdout);
  server.Run();
  return absl::OkStatus();
}

}  // namespace

void RegisterServe(CLI::App& app) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* sub =
      app.add_subcommand("serve", "Serve recommendations over HTTP (the API of docs/http-api.md)");
  sub->add_option("--model-dir", flags->model_dir, "model directory written by `sessionrec train`")
      ->required();
  sub->add_option("--host", flags->server.host, "address to listen on")->capture_default_str();
  sub->add_option("--port", flags->server.port, "port to listen on; 0 picks a free one")
      ->capture_default_str();
  sub->add_option("--threads", flags->server.threads, "worker threads (default: the cores)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--max-body-bytes", flags->server.max_body_bytes,
                  "largest request body; larger gets 413 (e.g. 16MiB)")
      ->transform(CLI::AsSizeValue(false))
      ->capture_default_str();
  sub->add_option("--max-header-bytes", flags->server.max_header_bytes,
                  "largest request header; larger gets 431")
      ->transform(CLI::AsSizeValue(false))
      ->capture_default_str();
  sub->add_option("--session-store-size", flags->session_store_size,
                  "sessions remembered for /sessions/{id}/embedding (0: none)")
      ->capture_default_str();
  sub->add_option("--log-level", flags->log_level, "trace, debug, info, warn, error, off")
      ->capture_default_str();
  sub->add_option("--access-log-level", flags->access_log_level,
                  "level of the one-line-per-request access log (seen when >= --log-level)")
      ->capture_default_str();
  sub->add_option("--idle-timeout", flags->idle_timeout_s,
                  "seconds a keep-alive connection may wait for its next request")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub->add_option("--read-timeout", flags->read_timeout_s,
                  "seconds to receive a whole request (and to send an answer)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub->add_option("--drain-timeout", flags->drain_timeout_s,
                  "on SIGTERM/SIGINT, seconds to let requests in flight finish")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  sub->add_option("--io-model", flags->io_model,
                  "per-thread: one event loop per thread; shared: one loop for all threads")
      ->check(CLI::IsMember({"per-thread", "shared"}))
      ->capture_default_str();
  sub->callback([flags] { ExitOnError("serve", Serve(*flags)); });
}

}  // namespace sessionrec::cli
