// The HTTP server over a fake backend: protocol behaviour, limits, timeouts, concurrency and
// drain. The same API over a model trained by `sessionrec train` is in http_model_test.cc.
#include "serve/http_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "serve/fake_backend.h"
#include "serve/http_client.h"

namespace sessionrec {
namespace {

using json = nlohmann::json;
using ::testing::HasSubstr;
using testing::HttpClient;
using testing::RawSocket;
using ::testing::StartsWith;

const std::string kReadmeBody = R"({
    "session_id": 12345,
    "events": [
      {"aid": 1001, "ts": 1659304800, "type": "clicks"},
      {"aid": 1002, "ts": 1659304900, "type": "carts"}
    ],
    "top_k": 20
  })";

// A server on an ephemeral port over the fake backend, run on its own threads.
class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(ServerOptions opts) {
    opts.host = "127.0.0.1";
    opts.port = 0;
    if (opts.threads == 0) opts.threads = 2;
    auto log =
        std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
    server_ = std::make_unique<HttpServer>(
        opts,
        [this](const HttpRequestView& r, HttpAnswer* out) {
          if (r.target == "/slow") std::this_thread::sleep_for(std::chrono::milliseconds(300));
          handlers_.Handle(r.method, r.target == "/slow" ? "/health" : r.target, r.body, out);
        },
        log);
    ASSERT_TRUE(server_->Start().ok());
    port_ = server_->port();
    ASSERT_NE(port_, 0);
    thread_ = std::thread([this] { server_->Run(); });
  }
  void TearDown() override {
    if (server_) {
      server_->Stop();
      thread_.join();
    }
  }
  void ExpectHealthy() {
    HttpClient c(port_);
    auto r = c.Get("/health");
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(json::parse(r.body)["status"], "healthy");
  }

  testing::FakeBackend backend_;
  SessionStore store_{1000};
  WorkPool pool_{1};
  Handlers handlers_{backend_, store_, pool_};
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  uint16_t port_ = 0;
};

TEST_F(HttpServerTest, ServesEveryEndpointOverKeepAlive) {
  StartServer({});
  HttpClient c(port_);
  auto h = c.Get("/health");
  EXPECT_EQ(h.status, 200u);
  EXPECT_EQ(h.content_type, "application/json");
  EXPECT_TRUE(h.keep_alive);
  auto r = c.Post("/recommend", kReadmeBody);
  ASSERT_EQ(r.status, 200u) << r.body;
  json j = json::parse(r.body);
  EXPECT_EQ(j["session_id"], 12345);
  EXPECT_EQ(j["recommendations"].size(), 20u);
  for (const char* t : {"clicks", "carts", "orders", "combined"})
    EXPECT_EQ(j["scores"][t].size(), 20u);
  auto b = c.Post("/batch_recommend", R"({"sessions": [)" + kReadmeBody + "]}");
  EXPECT_EQ(b.status, 200u);
  EXPECT_EQ(json::parse(b.body)["results"][0]["recommendations"], j["recommendations"]);
  EXPECT_EQ(c.Get("/items/7/embedding").status, 200u);
  // 12345 was seen through /recommend, but the fake has no vectors for aids 1001/1002.
  EXPECT_EQ(c.Get("/sessions/12345/embedding").status, 404u);
  EXPECT_EQ(c.Get("/sessions/2/embedding").status, 200u);  // a training session
  EXPECT_EQ(c.Get("/stats").status, 200u);
}

TEST_F(HttpServerTest, ErrorStatusesHaveJsonBodies) {
  StartServer({});
  HttpClient c(port_);
  auto nf = c.Get("/does-not-exist");
  EXPECT_EQ(nf.status, 404u);
  EXPECT_THAT(json::parse(nf.body)["error"].get<std::string>(), HasSubstr("no route"));
  auto na = c.Get("/recommend");
  EXPECT_EQ(na.status, 405u);
  EXPECT_EQ(na.allow, "POST");
  auto bad = c.Post("/recommend", "{\"session_id\": 1}");
  EXPECT_EQ(bad.status, 400u);
  EXPECT_EQ(json::parse(bad.body)["error"], "events: required field missing");
  auto boom = c.Post("/recommend", R"({"session_id": 1, "events": [{"aid": 666, "ts": 1,
                                       "type": "clicks"}]})");
  EXPECT_EQ(boom.status, 500u);
  EXPECT_EQ(json::parse(boom.body)["error"], "internal error: fake failure");
  EXPECT_EQ(c.Get("/health").status, 200u);  // same connection, still served
}

TEST_F(HttpServerTest, BodyOverTheLimitIs413) {
  ServerOptions opts;
  opts.max_body_bytes = 1024;
  StartServer(opts);
  {
    HttpClient c(port_);
    auto r = c.Post("/recommend", std::string(2000, ' '));
    EXPECT_EQ(r.status, 413u);
    EXPECT_THAT(json::parse(r.body)["error"].get<std::string>(), HasSubstr("1024 bytes"));
    EXPECT_FALSE(r.keep_alive);
  }
  {
    // Chunked: the limit is found while reading the body.
    RawSocket s(port_);
    ASSERT_TRUE(
        s.Send("POST /recommend HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
               "800\r\n" +
               std::string(0x800, 'a') + "\r\n0\r\n\r\n"));
    std::string out;
    EXPECT_TRUE(s.ReadUntilClosed(&out));
    EXPECT_THAT(out, StartsWith("HTTP/1.1 413"));
  }
  ExpectHealthy();
}

TEST_F(HttpServerTest, OversizedHeaderIs431) {
  ServerOptions opts;
  opts.max_header_bytes = 1024;
  StartServer(opts);
  RawSocket s(port_);
  ASSERT_TRUE(
      s.Send("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n"));
  std::string out;
  EXPECT_TRUE(s.ReadUntilClosed(&out));
  EXPECT_THAT(out, StartsWith("HTTP/1.1 431"));
  EXPECT_THAT(out, HasSubstr("{\"error\":"));
  ExpectHealthy();
}

TEST_F(HttpServerTest, GarbageBytesGet400AndTheServerStaysHealthy) {
  StartServer({});
  for (const std::string& garbage :
       {std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11),
        std::string("GET / HTTP/9.9\r\n\r\n"), std::string("hello world\r\n\r\n"),
        std::string("POST /recommend HTTP/1.1\r\nContent-Length: -5\r\n\r\n")}) {
    RawSocket s(port_);
    ASSERT_TRUE(s.connected());
    s.Send(garbage);
    std::string out;
    EXPECT_TRUE(s.ReadUntilClosed(&out));
    EXPECT_THAT(out, StartsWith("HTTP/1.1 400")) << garbage;
  }
  {
    RawSocket s(port_);  // connects and leaves at once
  }
  ExpectHealthy();
}

TEST_F(HttpServerTest, StalledAndSlowClientsAreCutOff) {
  ServerOptions opts;
  opts.idle_timeout = std::chrono::milliseconds(300);
  opts.read_timeout = std::chrono::milliseconds(300);
  StartServer(opts);
  RawSocket idle(port_);     // never sends anything
  RawSocket partial(port_);  // sends half a header, then stalls
  ASSERT_TRUE(partial.Send("POST /recommend HTTP/1.1\r\nHost: x\r\nContent-Le"));
  RawSocket half_body(port_);  // announces a body it never finishes
  ASSERT_TRUE(half_body.Send("POST /recommend HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"a\""));
  ExpectHealthy();  // served while the three hold their connections
  std::string out;
  EXPECT_TRUE(idle.ReadUntilClosed(&out));
  EXPECT_TRUE(partial.ReadUntilClosed(&out));
  EXPECT_TRUE(half_body.ReadUntilClosed(&out));
  EXPECT_EQ(out, "");  // closed without an answer
  // A slowloris dripping a byte at a time cannot outlive read_timeout either.
  RawSocket drip(port_);
  const std::string req = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
  bool closed_early = false;
  for (char ch : req) {
    if (!drip.Send(std::string(1, ch))) {
      closed_early = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(40));
  }
  out.clear();
  drip.ReadUntilClosed(&out);
  EXPECT_TRUE(closed_early || out.empty()) << out;
  ExpectHealthy();
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  StartServer({});
  RawSocket s(port_);
  s.Send(
      "GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::string out;
  EXPECT_TRUE(s.ReadUntilClosed(&out));
  const size_t a = out.find("HTTP/1.1 200"), b = out.find("HTTP/1.1 404"),
               c = out.find("HTTP/1.1 200", b);
  ASSERT_NE(a, std::string::npos);
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(c, std::string::npos);
  EXPECT_LT(a, b);
  EXPECT_THAT(out, HasSubstr("total_items"));
}

TEST_F(HttpServerTest, ConcurrentClientsGetTheSameAnswersAsOne) {
  for (bool per_thread : {true, false}) {
    SCOPED_TRACE(per_thread ? "context per thread" : "shared context");
    if (server_) {
      server_->Stop();
      thread_.join();
    }
    ServerOptions opts;
    opts.context_per_thread = per_thread;
    opts.threads = 3;
    StartServer(opts);
    auto body = [](int i) {
      return R"({"session_id": )" + std::to_string(i) + R"(, "events": [{"aid": )" +
             std::to_string(i % 100) + R"(, "ts": 5, "type": "carts"}], "top_k": )" +
             std::to_string(1 + i % 30) + "}";
    };
    std::vector<std::string> expected(50);
    {
      HttpClient c(port_);
      for (int i = 0; i < 50; ++i) expected[i] = c.Post("/recommend", body(i)).body;
    }
    std::atomic<int> mismatches{0}, answered{0};
    std::vector<std::thread> clients;
    for (int t = 0; t < 16; ++t) {
      clients.emplace_back([&, t] {
        HttpClient c(port_);
        for (int k = 0; k < 50; ++k) {
          const int i = (k + t) % 50;
          auto r = c.Post("/recommend", body(i));
          if (r.status != 200 || r.body != expected[i]) mismatches++;
          answered++;
        }
      });
    }
    for (auto& th : clients) th.join();
    EXPECT_EQ(answered.load(), 16 * 50);
    EXPECT_EQ(mismatches.load(), 0);
  }
}

TEST_F(HttpServerTest, StopFinishesInFlightRequestsAndClosesIdleOnes) {
  StartServer({});
  RawSocket idle(port_);
  ASSERT_TRUE(idle.connected());
  HttpClient warm(port_);
  EXPECT_EQ(warm.Get("/health").status, 200u);  // make sure both connections are accepted
  std::atomic<unsigned> slow_status{0};
  std::atomic<bool> slow_keep_alive{true};
  std::thread slow([&] {
    HttpClient c(port_);
    auto r = c.Get("/slow");  // takes 300 ms in the handler
    slow_status = r.status;
    slow_keep_alive = r.keep_alive;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server_->Stop();
  thread_.join();  // Run returns after the drain
  server_.reset();
  slow.join();
  EXPECT_EQ(slow_status.load(), 200u);
  EXPECT_FALSE(slow_keep_alive.load());  // answered with Connection: close
  std::string out;
  EXPECT_TRUE(idle.ReadUntilClosed(&out));
  RawSocket late(port_);
  EXPECT_FALSE(late.connected());
}

}  // namespace
}  // namespace sessionrec
