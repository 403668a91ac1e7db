#include "serve/http_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/str_cat.h"
#include "serve/response_writer.h"

namespace sessionrec {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

class Connection;

// Boost 1.74's beast::string_view is boost::string_view.
std::string_view Std(beast::string_view s) { return {s.data(), s.size()}; }

struct HttpServer::Impl {
  ServerOptions opts;
  HttpHandler handler;
  AnswerObserver observer;
  std::shared_ptr<spdlog::logger> log;
  HttpServer* server = nullptr;

  std::vector<std::unique_ptr<net::io_context>> contexts;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards;
  int threads = 1;
  std::optional<tcp::acceptor> acceptor;  // on `accept_strand`
  std::optional<net::strand<net::io_context::executor_type>> accept_strand;
  std::optional<net::signal_set> signals;
  std::optional<net::signal_set> hangup;
  std::function<void()> on_hup;
  void WaitForHangup();
  std::optional<net::steady_timer> accept_retry;
  size_t next_context = 0;
  uint16_t port = 0;

  std::mutex conn_mu;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections;

  std::mutex run_mu;
  std::condition_variable run_cv;
  bool stop_requested = false;
  int threads_done = 0;

  void DoAccept();
};

// One client connection. All its handlers run on its strand, one at a time.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket&& socket, HttpServer::Impl* server)
      : stream_(std::move(socket)), server_(server), opts_(server->opts) {}

  ~Connection() {
    std::lock_guard<std::mutex> lock(server_->conn_mu);
    server_->connections.erase(this);
  }

  void Start() {
    {
      std::lock_guard<std::mutex> lock(server_->conn_mu);
      server_->connections.emplace(this, weak_from_this());
    }
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Connection::WaitForRequest, shared_from_this()));
  }

  // Runs on the strand when the server drains: an idle connection is closed now; one with
  // a request in flight closes after answering it.
  void OnStop() {
    if (idle_) stream_.cancel();
  }

  auto executor() { return stream_.get_executor(); }

 private:
  void WaitForRequest() {
    if (server_->server->stopping()) return Close();
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(opts_.max_header_bytes));
    parser_->body_limit(opts_.max_body_bytes);
    if (buffer_.size() > 0) return ReadHeader();  // a pipelined request is already here
    // Wait for the first byte under the idle timeout; the request itself then gets
    // read_timeout, so a slow sender cannot stretch one request over the idle budget.
    idle_ = true;
    stream_.expires_after(opts_.idle_timeout);
    stream_.async_read_some(
        buffer_.prepare(4096),
        beast::bind_front_handler(&Connection::OnFirstBytes, shared_from_this()));
  }

  void OnFirstBytes(beast::error_code ec, size_t n) {
    idle_ = false;
    if (ec) return Close();  // idle timeout, client closed, or drain
    buffer_.commit(n);
    ReadHeader();
  }

  void ReadHeader() {
    stream_.expires_after(opts_.read_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Connection::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, size_t) {
    if (ec) return OnReadError(ec);
    start_ = Clock::now();
    const auto& req = parser_->get();
    auto expect = req.find(http::field::expect);
    if (expect != req.end() && beast::iequals(expect->value(), "100-continue") &&
        !parser_->is_done()) {
      continue_.emplace(http::status::continue_, req.version());
      stream_.expires_after(opts_.read_timeout);
      http::async_write(stream_, *continue_,
                        beast::bind_front_handler(&Connection::OnContinue, shared_from_this()));
      return;
    }
    ReadBody();
  }

  void OnContinue(beast::error_code ec, size_t) {
    if (ec) return Close();
    ReadBody();
  }

  void ReadBody() {
    stream_.expires_after(opts_.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Connection::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, size_t) {
    if (ec) return OnReadError(ec);
    Handle();
  }

  void OnReadError(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      return SendError(
          413, StrCat("request body larger than the limit of ", opts_.max_body_bytes, " bytes"));
    }
    if (ec == http::error::header_limit) {
      return SendError(431, StrCat("request header larger than the limit of ",
                                   opts_.max_header_bytes, " bytes"));
    }
    if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message) {
      return SendError(400, StrCat("malformed HTTP request: ", ec.message()));
    }
    Close();  // timeout, reset, or the client went away mid-request
  }

  void Handle() {
    auto& req = parser_->get();
    server_->handler(HttpRequestView{Std(req.method_string()), Std(req.target()), req.body(),
                                     Std(req[http::field::authorization])},
                     &answer_);
    const bool keep = req.keep_alive() && !server_->server->stopping();
    Respond(req.version(), keep);
  }

  void SendError(unsigned status, std::string_view message) {
    start_ = Clock::now();
    answer_.status = status;
    answer_.allow = {};
    answer_.content_type = {};
    answer_.route = Route::kOther;
    WriteError(message, &answer_.body);
    Respond(11, /*keep_alive=*/false);
  }

  void Respond(unsigned version, bool keep_alive) {
    res_.result(answer_.status);
    res_.version(version);
    res_.keep_alive(keep_alive);
    if (answer_.content_type.empty()) {
      res_.set(http::field::content_type, "application/json");
    } else {
      res_.set(http::field::content_type,
               beast::string_view(answer_.content_type.data(), answer_.content_type.size()));
    }
    if (answer_.allow.empty()) {
      res_.erase(http::field::allow);
    } else {
      res_.set(http::field::allow, beast::string_view(answer_.allow.data(), answer_.allow.size()));
    }
    res_.body() = std::move(answer_.body);
    res_.prepare_payload();
    keep_alive_ = keep_alive;
    if (server_->observer) {
      server_->observer(answer_, std::chrono::duration<double>(Clock::now() - start_).count());
    }
    AccessLog();
    stream_.expires_after(opts_.read_timeout);
    http::async_write(stream_, res_,
                      beast::bind_front_handler(&Connection::OnWrite, shared_from_this()));
  }

  void AccessLog() {
    spdlog::logger& log = *server_->log;
    if (!log.should_log(opts_.access_log_level)) return;
    const auto us =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start_).count();
    std::string_view method = "-", target = "-";
    if (parser_ && parser_->is_header_done()) {
      method = Std(parser_->get().method_string());
      target = Std(parser_->get().target());
    }
    log.log(opts_.access_log_level, "{} {} {} {}us", method, target, answer_.status, us);
  }

  void OnWrite(beast::error_code ec, size_t) {
    answer_.body = std::move(res_.body());  // keep the buffer's capacity for the next answer
    answer_.body.clear();
    if (ec) return Close();
    if (!keep_alive_) return Linger();
    WaitForRequest();
  }

  // Half-closes and discards what the client still sends for a moment before closing, so
  // that unread request bytes (e.g. an over-limit body) do not turn the close into a reset
  // that would destroy the error answer before the client reads it.
  void Linger() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(1));
    DrainSome();
  }

  void DrainSome() {
    stream_.async_read_some(net::buffer(drain_),
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (ec) return self->Close();
                              self->DrainSome();
                            });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  HttpServer::Impl* server_;
  const ServerOptions& opts_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::empty_body>> continue_;
  http::response<http::string_body> res_;
  HttpAnswer answer_;
  bool idle_ = false;
  bool keep_alive_ = true;
  Clock::time_point start_;
  char drain_[4096];
};

void HttpServer::Impl::DoAccept() {
  net::io_context& ctx = *contexts[next_context++ % contexts.size()];
  acceptor->async_accept(net::make_strand(ctx), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || server->stopping()) return;
    if (ec) {
      // E.g. out of file descriptors: back off instead of spinning.
      log->warn("accept failed: {}", ec.message());
      accept_retry->expires_after(std::chrono::milliseconds(50));
      accept_retry->async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec && !server->stopping()) DoAccept();
      });
      return;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::make_shared<Connection>(std::move(socket), this)->Start();
    DoAccept();
  });
}

HttpServer::HttpServer(ServerOptions options, HttpHandler handler,
                       std::shared_ptr<spdlog::logger> log, AnswerObserver observer)
    : impl_(std::make_unique<Impl>()) {
  impl_->opts = std::move(options);
  impl_->handler = std::move(handler);
  impl_->observer = std::move(observer);
  impl_->log = std::move(log);
  impl_->server = this;
}

HttpServer::~HttpServer() = default;

Status HttpServer::Start() {
  Impl& s = *impl_;
  s.threads = s.opts.threads > 0
                  ? s.opts.threads
                  : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  const int num_contexts = s.opts.context_per_thread ? s.threads : 1;
  for (int i = 0; i < num_contexts; ++i) {
    s.contexts.push_back(
        std::make_unique<net::io_context>(s.opts.context_per_thread ? 1 : s.threads));
    s.guards.push_back(net::make_work_guard(*s.contexts.back()));
  }
  net::io_context& first = *s.contexts[0];
  s.accept_strand.emplace(net::make_strand(first));
  s.acceptor.emplace(*s.accept_strand);
  s.accept_retry.emplace(*s.accept_strand);

  beast::error_code ec;
  tcp::resolver resolver(first);
  auto endpoints = resolver.resolve(s.opts.host, std::to_string(s.opts.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) {
    return absl::InvalidArgumentError(
        StrCat("cannot resolve host \"", s.opts.host, "\": ", ec ? ec.message() : "no address"));
  }
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();
  const std::string where = StrCat(s.opts.host, ":", s.opts.port);
  if (s.acceptor->open(endpoint.protocol(), ec); ec) {
    return absl::InternalError(StrCat("cannot open a socket for ", where, ": ", ec.message()));
  }
  s.acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (s.acceptor->bind(endpoint, ec); ec) {
    return absl::UnavailableError(StrCat("cannot bind ", where, ": ", ec.message()));
  }
  if (s.acceptor->listen(net::socket_base::max_listen_connections, ec); ec) {
    return absl::UnavailableError(StrCat("cannot listen on ", where, ": ", ec.message()));
  }
  s.port = s.acceptor->local_endpoint().port();
  s.DoAccept();
  return absl::OkStatus();
}

uint16_t HttpServer::port() const { return impl_->port; }

void HttpServer::HandleSignals() {
  Impl& s = *impl_;
  s.signals.emplace(*s.accept_strand, SIGINT, SIGTERM);
  s.signals->async_wait([this](beast::error_code ec, int signo) {
    if (ec) return;
    impl_->log->info("received signal {}: draining", signo);
    Stop();
  });
}

void HttpServer::HandleHangup(std::function<void()> on_hup) {
  Impl& s = *impl_;
  s.on_hup = std::move(on_hup);
  s.hangup.emplace(*s.accept_strand, SIGHUP);
  s.WaitForHangup();
}

void HttpServer::Impl::WaitForHangup() {
  hangup->async_wait([this](beast::error_code ec, int) {
    if (ec || server->stopping()) return;
    log->info("received SIGHUP: reloading the model");
    on_hup();
    WaitForHangup();
  });
}

void HttpServer::Run() {
  Impl& s = *impl_;
  std::vector<std::thread> workers;
  for (int i = 0; i < s.threads; ++i) {
    net::io_context& ctx = *s.contexts[s.opts.context_per_thread ? i : 0];
    workers.emplace_back([&s, &ctx] {
      for (;;) {
        try {
          ctx.run();
          break;
        } catch (const std::exception& e) {
          // Handlers catch their own exceptions; this is a last resort to keep serving.
          s.log->error("worker: uncaught exception: {}", e.what());
        }
      }
      std::lock_guard<std::mutex> lock(s.run_mu);
      ++s.threads_done;
      s.run_cv.notify_all();
    });
  }
  {
    std::unique_lock<std::mutex> lock(s.run_mu);
    s.run_cv.wait(lock, [&] { return s.stop_requested || s.threads_done == s.threads; });
    if (!s.run_cv.wait_for(lock, s.opts.drain_timeout,
                           [&] { return s.threads_done == s.threads; })) {
      s.log->warn("drain timeout ({} ms) reached: closing the remaining connections",
                  s.opts.drain_timeout.count());
    }
  }
  for (auto& ctx : s.contexts) ctx->stop();
  for (std::thread& t : workers) t.join();
  s.log->info("server stopped");
}

void HttpServer::Stop() {
  if (stopping_.exchange(true)) return;
  Impl& s = *impl_;
  net::post(*s.accept_strand, [&s] {
    beast::error_code ignored;
    s.acceptor->close(ignored);
    s.accept_retry->cancel();
    if (s.signals) s.signals->cancel(ignored);
    if (s.hangup) s.hangup->cancel(ignored);
  });
  // Collect first: a connection's destructor takes conn_mu, so no reference may be
  // dropped while it is held.
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard<std::mutex> lock(s.conn_mu);
    for (auto& [ptr, weak] : s.connections) {
      if (std::shared_ptr<Connection> c = weak.lock()) live.push_back(std::move(c));
    }
  }
  for (std::shared_ptr<Connection>& c : live) {
    net::post(c->executor(), [c] { c->OnStop(); });
  }
  live.clear();
  // Without the guards, each worker returns once its last connection is gone.
  for (auto& g : s.guards) g.reset();
  std::lock_guard<std::mutex> lock(s.run_mu);
  s.stop_requested = true;
  s.run_cv.notify_all();
}

}  // namespace sessionrec
