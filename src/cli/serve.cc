// `sessionrec serve`: the HTTP service of ../shared/spec/API.md over a model directory
// (docs/http-api.md).
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "cli/commands.h"
#include "core/str_cat.h"
#include "ops/metrics.h"
#include "ops/redis_client.h"
#include "serve/answer_cache.h"
#include "serve/handlers.h"
#include "serve/http_server.h"
#include "serve/live_model.h"
#include "serve/reloader.h"
#include "serve/session_store.h"
#include "serve/shared_session_store.h"
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
  // Operations (docs/operations.md).
  std::string redis_url;          // "": no Redis
  double redis_timeout_s = 0.05;  // connect / command timeout
  double redis_retry_s = 1;       // skip Redis this long after a failure
  std::string redis_prefix = "sessionrec:";
  size_t cache_size = 10'000;  // in-process answer cache entries (0: off)
  int cache_ttl_s = 300;       // answer cache TTL (both tiers)
  int session_ttl_s = 86'400;  // TTL of sessions in Redis
  std::string admin_token;     // "": /admin/reload off
  bool metrics = true;         // GET /metrics
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

  std::unique_ptr<Metrics> metrics;
  if (f.metrics) metrics = std::make_unique<Metrics>(RouteNames());
  std::unique_ptr<RedisClient> redis;
  if (!f.redis_url.empty()) {
    SR_ASSIGN_OR_RETURN(RedisOptions ro, ParseRedisUrl(f.redis_url));
    ro.timeout = Millis(f.redis_timeout_s);
    ro.retry_after = Millis(f.redis_retry_s);
    redis = std::make_unique<RedisClient>(ro);
    // Redis is optional at run time: unreachable now only means a warning.
    if (Status s = redis->Ping(); s.ok()) {
      log->info("redis {}:{}: answer cache (ttl {} s) and shared session store (ttl {} s)", ro.host,
                ro.port, f.cache_ttl_s, f.session_ttl_s);
    } else {
      log->warn("{}; serving from process memory until it answers", std::string(s.message()));
    }
  }

  LiveModel live;
  Reloader reloader(live, f.model_dir, LoadModel, metrics.get(), log);
  SessionStore local_sessions(f.session_store_size);
  SharedSessionStore sessions(local_sessions, redis.get(), metrics.get(),
                              {.ttl_seconds = f.session_ttl_s, .redis_prefix = f.redis_prefix});
  AnswerCache cache(
      {.local_entries = f.cache_size, .ttl_seconds = f.cache_ttl_s, .redis_prefix = f.redis_prefix},
      redis.get(), metrics.get());
  // The batch helpers and the I/O workers share the cores: a batch is split between its
  // own worker and threads-1 helpers.
  WorkPool pool(f.server.threads - 1);
  ServingParts parts;
  parts.model = &live;
  parts.sessions = &sessions;
  parts.pool = &pool;
  parts.cache = &cache;
  parts.metrics = metrics.get();
  parts.reloader = &reloader;
  parts.redis = redis.get();
  HandlerOptions handler_opts;
  handler_opts.admin_token = f.admin_token;
  Handlers handlers(parts, handler_opts);
  AnswerObserver observer;
  if (metrics) {
    observer = [m = metrics.get()](const HttpAnswer& a, double seconds) {
      m->ObserveRequest(static_cast<size_t>(a.route), a.status, seconds);
    };
  }
  HttpServer server(
      f.server,
      [&handlers](const HttpRequestView& req, HttpAnswer* out) { handlers.Handle(req, out); }, log,
      std::move(observer));
  SR_RETURN_IF_ERROR(server.Start());
  server.HandleSignals();
  server.HandleHangup([&reloader, &log] {
    if (!reloader.Trigger()) log->warn("SIGHUP ignored: a reload is already in progress");
  });
  // Listen while the model loads: /health answers (models_loaded false), /ready and the
  // model's endpoints answer 503 until it is live.
  log->info("bound http://{}:{}; loading model {}", f.server.host, server.port(), f.model_dir);
  std::thread runner([&server] { server.Run(); });
  reloader.Trigger();
  reloader.Wait();
  std::shared_ptr<const LoadedModel> model = live.Get();
  if (!model) {
    server.Stop();
    runner.join();
    return absl::FailedPreconditionError(reloader.state().last_error);
  }
  const BundleStats& st = model->backend->stats();
  log->info(
      "loaded model {} (version {}) in {:.1f} ms: {} items, {} training sessions, models [{}], "
      "embeddings {} (dimension {}), {} feature columns",
      model->dir, model->version, model->load_seconds * 1000, st.total_items, st.total_sessions,
      fmt::join(st.models, ", "), st.embeddings_loaded ? "loaded" : "absent",
      st.embedding_dimension, st.feature_dimension);
  model.reset();
  const double ready_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  log->info("ready on http://{}:{} with {} threads ({} io), {:.1f} ms after start", f.server.host,
            server.port(), f.server.threads, f.io_model, ready_ms);
  // Scripts and tests read the bound port from stdout (useful with --port 0); the line
  // comes once the model is live, so a client that waits for it is never answered 503.
  std::printf("listening on http://%s:%u\n", f.server.host.c_str(), server.port());
  std::fflush(stdout);
  runner.join();
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
  sub->add_option("--redis-url", flags->redis_url,
                  "redis://[:password@]host[:port][/db]: answer cache and shared session store "
                  "(default: none, process memory only)");
  sub->add_option("--redis-timeout", flags->redis_timeout_s,
                  "seconds a Redis connect or command may take before the server falls back")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub->add_option("--redis-retry", flags->redis_retry_s,
                  "after a Redis failure, seconds to serve without Redis before trying again")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  sub->add_option("--redis-prefix", flags->redis_prefix, "prefix of every Redis key")
      ->capture_default_str();
  sub->add_option("--cache-size", flags->cache_size,
                  "answers kept in the in-process cache (0: off)")
      ->capture_default_str();
  sub->add_option("--cache-ttl", flags->cache_ttl_s,
                  "seconds a cached /recommend answer lives (process and Redis)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub->add_option("--session-ttl", flags->session_ttl_s,
                  "seconds a session seen through the recommend endpoints lives in Redis")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub->add_option("--admin-token", flags->admin_token,
                  "turns on POST/GET /admin/reload, which then require "
                  "\"Authorization: Bearer TOKEN\" (prefer SESSIONREC_ADMIN_TOKEN)");
  sub->add_flag("--metrics,!--no-metrics", flags->metrics, "serve GET /metrics (Prometheus)")
      ->capture_default_str();
  sub->callback([flags] { ExitOnError("serve", Serve(*flags)); });
}

}  // namespace sessionrec::cli
