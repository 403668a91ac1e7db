// Operations against the real binary and real components (docs/operations.md): a load
// test through hot reloads (SIGHUP, POST /admin/reload, a failing reload) loses no
// request; and scripts/replicas.sh's topology (two replicas behind nginx, one Redis)
// shares sessions and answers between the replicas.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "ops/child_process.h"
#include "serve/http_client.h"
#include "serve/serve_process.h"
#include "test_util.h"

namespace sessionrec {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using ::testing::HasSubstr;
using testing::HttpClient;
using namespace std::chrono_literals;

class OpsProcessTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sample_ = std::string(SESSIONREC_SHARED_DATA) + "/otto-sample/train.jsonl";
    if (!fs::exists(sample_)) return;
    dir_ = testing::TempDir("ops_process").string();
    const std::string cmd = std::string(SESSIONREC_BINARY) + " train --input " + sample_ +
                            " --no-rankers --model-dir " + dir_ + "/model > " + dir_ +
                            "/train.log 2>&1";
    trained_ = std::system(cmd.c_str()) == 0;
  }
  void SetUp() override {
    SR_SHARED_DATA_OR_SKIP(sample, "otto-sample/train.jsonl");
    ASSERT_TRUE(trained_) << "sessionrec train failed: " << testing::ReadFile(dir_ + "/train.log");
  }
  static std::string model() { return dir_ + "/model"; }

  // /recommend bodies from the sample's sessions (last 30 events), with `id_offset` added
  // to the session ids.
  static std::vector<std::string> Bodies(int64_t id_offset = 0) {
    std::vector<std::string> out;
    std::ifstream in(sample_);
    std::string line;
    while (std::getline(in, line)) {
      json s = json::parse(line);
      json events = json::array();
      const auto& ev = s["events"];
      for (size_t i = ev.size() > 30 ? ev.size() - 30 : 0; i < ev.size(); ++i) {
        events.push_back(ev[i]);
      }
      out.push_back(
          json{{"session_id", s["session"].get<int64_t>() + id_offset}, {"events", events}}.dump());
    }
    return out;
  }

  static inline std::string sample_, dir_;
  static inline bool trained_ = false;
};

// Polls GET /admin/reload until `done(state)` or 120 s.
json WaitForReload(uint16_t port, const std::function<bool(const json&)>& done) {
  HttpClient c(port);
  json st;
  for (int i = 0; i < 2400; ++i) {
    st = json::parse(c.Send(boost::beast::http::verb::get, "/admin/reload", "",
                            {{"Authorization", "Bearer tok"}})
                         .body);
    if (done(st)) return st;
    std::this_thread::sleep_for(50ms);
  }
  ADD_FAILURE() << "reload did not finish: " << st.dump();
  return st;
}

TEST_F(OpsProcessTest, ALoadTestThroughReloadsLosesNoRequest) {
  // A second copy of the model (same content, so the same version) and a broken one.
  const std::string model_b = dir_ + "/model_b", broken = dir_ + "/model_broken";
  fs::remove_all(model_b);
  fs::remove_all(broken);
  fs::copy(model(), model_b, fs::copy_options::recursive);
  fs::copy(model(), broken, fs::copy_options::recursive);
  {  // damage the catalogue: its CRC no longer matches
    std::fstream f(broken + "/items.bin", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-4, std::ios::end);
    f.write("\xde\xad\xbe\xef", 4);
  }
  testing::ServeProcess server;
  std::string error;
  ASSERT_TRUE(server.Start(
      model(),
      {"--threads", "2", "--admin-token", "tok", "--log-level", "warn", "--cache-size", "0"},
      &error, dir_ + "/reload_serve.log"))
      << error;
  const uint16_t port = server.port();
  const std::vector<std::string> bodies = Bodies();

  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, failed{0};
  std::mutex mu;
  std::vector<std::string> failures;
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      std::unique_ptr<HttpClient> c;
      for (size_t i = t; !stop; ++i) {
        try {
          if (!c) c = std::make_unique<HttpClient>(port);
          auto r = c->Post("/recommend", bodies[i % bodies.size()]);
          if (r.status == 200) {
            ++ok;
            continue;
          }
          std::lock_guard<std::mutex> lock(mu);
          failures.push_back(std::to_string(r.status) + " " + r.body);
        } catch (const std::exception& e) {
          std::lock_guard<std::mutex> lock(mu);
          failures.push_back(std::string("connection: ") + e.what());
          c.reset();
        }
        ++failed;
      }
    });
  }
  while (ok < 20) std::this_thread::sleep_for(5ms);

  HttpClient admin(port);
  const testing::HeaderList auth = {{"Authorization", "Bearer tok"}};
  int expected_ok = 1;  // the initial load
  for (int r = 0; r < 6; ++r) {
    const int before = ok;
    if (r % 2 == 0) {
      const json body = {{"model_dir", r % 4 == 0 ? model_b : model()}};
      auto a = admin.Send(boost::beast::http::verb::post, "/admin/reload", body.dump(), auth);
      ASSERT_EQ(a.status, 202u) << a.body;
    } else {
      server.Signal(SIGHUP);
    }
    ++expected_ok;
    WaitForReload(port, [&](const json& st) {
      return st["reloads_succeeded"] == expected_ok && st["loading"] == false;
    });
    // Requests went on during the reload.
    while (ok < before + 10) std::this_thread::sleep_for(5ms);
  }
  auto a = admin.Send(boost::beast::http::verb::post, "/admin/reload",
                      json{{"model_dir", broken}}.dump(), auth);
  ASSERT_EQ(a.status, 202u) << a.body;
  json st = WaitForReload(port, [](const json& s) { return s["reloads_failed"] == 1; });
  EXPECT_THAT(st["last_error"].get<std::string>(), HasSubstr("items.bin"));
  EXPECT_NE(st["model_dir"], broken);  // the previous model still serves
  const int before = ok;
  while (ok < before + 20) std::this_thread::sleep_for(5ms);
  stop = true;
  for (std::thread& t : clients) t.join();

  EXPECT_EQ(failed, 0) << (failures.empty() ? "" : failures.front());
  EXPECT_GT(ok, 100);
  const std::string metrics = admin.Get("/metrics").body;
  EXPECT_THAT(metrics, HasSubstr("sessionrec_model_reloads_total{result=\"ok\"} 7"));
  EXPECT_THAT(metrics, HasSubstr("sessionrec_model_reloads_total{result=\"failed\"} 1"));
  EXPECT_THAT(metrics, HasSubstr("sessionrec_http_requests_total{endpoint=\"recommend\","
                                 "status=\"200\"}"));
  EXPECT_EQ(server.Stop(SIGTERM), 0);
}

TEST_F(OpsProcessTest, ReplicasBehindNginxShareSessionsAndAnswersThroughRedis) {
  for (const char* bin : {"redis-server", "nginx"}) {
    if (testing::FindBinary(bin).empty()) {
      GTEST_SKIP() << bin << " is not installed (scripts/install-deps.sh installs it)";
    }
  }
  const std::string run = dir_ + "/replicas";
  fs::remove_all(run);
  ::setenv("SESSIONREC", SESSIONREC_BINARY, 1);
  ::setenv("NGINX_PORT", "0", 1);
  ::setenv("SERVE_ARGS", "--log-level warn", 1);
  testing::ChildProcess script;
  ASSERT_TRUE(script.Start(
      {"/bin/bash", std::string(SESSIONREC_SOURCE_DIR) + "/scripts/replicas.sh", model(), run},
      dir_ + "/replicas.out"));
  for (int i = 0; i < 2400 && !fs::exists(run + "/ready"); ++i) {
    ASSERT_TRUE(script.running()) << testing::ReadFile(dir_ + "/replicas.out");
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(fs::exists(run + "/ready")) << testing::ReadFile(dir_ + "/replicas.out");
  std::map<std::string, uint16_t> ports;
  {
    std::ifstream env(run + "/ports.env");
    std::string line;
    while (std::getline(env, line)) {
      const size_t eq = line.find('=');
      ports[line.substr(0, eq)] = static_cast<uint16_t>(std::stoi(line.substr(eq + 1)));
    }
  }
  HttpClient r1(ports["REPLICA1_PORT"]), r2(ports["REPLICA2_PORT"]), lb(ports["NGINX_PORT"]);
  if (json::parse(r1.Get("/health").body)["embeddings_loaded"] != true) {
    GTEST_SKIP() << "the trained model has no embeddings: no session store to share";
  }
  const std::vector<std::string> bodies = Bodies(/*id_offset=*/1'000'000'000);
  const json s0 = json::parse(bodies[0]), s1 = json::parse(bodies[1]);
  const std::string path0 = "/sessions/" + s0["session_id"].dump() + "/embedding";
  const std::string path1 = "/sessions/" + s1["session_id"].dump() + "/embedding";
  ASSERT_EQ(r2.Get(path0).status, 404u);  // unknown before anyone saw it

  // A session recommended through replica 1 is visible through replica 2.
  auto rec1 = r1.Post("/recommend", bodies[0]);
  ASSERT_EQ(rec1.status, 200u) << rec1.body;
  auto emb2 = r2.Get(path0);
  ASSERT_EQ(emb2.status, 200u) << emb2.body;
  EXPECT_EQ(emb2.body, r1.Get(path0).body);
  // Replica 2 answers the same request from the shared answer cache.
  auto rec2 = r2.Post("/recommend", bodies[0]);
  EXPECT_EQ(rec2.body, rec1.body);
  EXPECT_THAT(r2.Get("/metrics").body,
              HasSubstr("sessionrec_answer_cache_hits_total{tier=\"redis\"} 1"));

  // Through nginx: both replicas answer (round robin), and a session recommended through
  // the balancer is visible on each replica.
  std::set<std::string> upstreams;
  for (int i = 0; i < 4; ++i) {
    auto r = lb.Get("/ready");
    EXPECT_EQ(r.status, 200u);
    upstreams.insert(r.headers["x-upstream"]);
  }
  EXPECT_EQ(upstreams.size(), 2u);
  ASSERT_EQ(lb.Post("/recommend", bodies[1]).status, 200u);
  EXPECT_EQ(r1.Get(path1).status, 200u);
  EXPECT_EQ(r2.Get(path1).status, 200u);

  script.Signal(SIGTERM);
  EXPECT_EQ(script.Wait(), 0) << testing::ReadFile(dir_ + "/replicas.out");
  EXPECT_FALSE(testing::PortOpen(ports["NGINX_PORT"]));
  EXPECT_FALSE(testing::PortOpen(ports["REPLICA1_PORT"]));
  EXPECT_FALSE(testing::PortOpen(ports["REDIS_PORT"]));
}

}  // namespace
}  // namespace sessionrec
