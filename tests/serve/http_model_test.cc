// The real thing: `sessionrec serve` spawned as a process over a model trained by
// `sessionrec train` on the OTTO sample, exercised over loopback; the original README's
// cURL example through the real `curl`, its Python example's exact JSON, batch = single,
// concurrency, and SIGTERM drain.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "serve/http_client.h"
#include "test_util.h"

namespace sessionrec {
namespace {

using json = nlohmann::json;
using testing::HttpClient;

// A `sessionrec serve` child process on a free port.
class ServerProcess {
 public:
  // Starts the server; returns false (with *error) when it does not report its port.
  bool Start(const std::string& model_dir, std::string* error) {
    int out[2];
    if (pipe(out) != 0) return false;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
      execl(SESSIONREC_BINARY, SESSIONREC_BINARY, "serve", "--model-dir", model_dir.c_str(),
            "--port", "0", "--threads", "2", "--log-level", "warn", nullptr);
      _exit(127);
    }
    close(out[1]);
    FILE* f = fdopen(out[0], "r");
    char line[256] = {0};
    if (!fgets(line, sizeof(line), f)) {
      *error = "the server exited before listening";
      fclose(f);
      return false;
    }
    stdout_ = f;  // keep the pipe open so the child never gets SIGPIPE
    const std::string s(line);
    const size_t colon = s.rfind(':');
    if (s.rfind("listening on http://", 0) != 0 || colon == std::string::npos) {
      *error = "unexpected first line: " + s;
      return false;
    }
    port_ = static_cast<uint16_t>(std::stoi(s.substr(colon + 1)));
    return true;
  }
  // Sends `sig` and returns the exit status (or -1 when it did not exit normally).
  int Signal(int sig) {
    if (pid_ <= 0) return -1;
    kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  ~ServerProcess() {
    if (pid_ > 0) Signal(SIGKILL);
    if (stdout_) fclose(stdout_);
  }
  uint16_t port() const { return port_; }

 private:
  pid_t pid_ = -1;
  FILE* stdout_ = nullptr;
  uint16_t port_ = 0;
};

std::string RunCommand(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

class HttpModelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sample_ = std::string(SESSIONREC_SHARED_DATA) + "/otto-sample/train.jsonl";
    if (!std::filesystem::exists(sample_)) return;
    dir_ = sessionrec::testing::TempDir("http_model").string();
    const std::string model = dir_ + "/model";
    const std::string cmd = std::string(SESSIONREC_BINARY) + " train --input " + sample_ +
                            " --model-dir " + model + " > " + dir_ + "/train.log 2>&1";
    trained_ = std::system(cmd.c_str()) == 0;
    if (!trained_) return;
    server_ = new ServerProcess();
    started_ = server_->Start(model, &start_error_);
  }
  static void TearDownTestSuite() {
    if (server_) {
      // SIGTERM drains and exits 0.
      EXPECT_EQ(server_->Signal(SIGTERM), 0);
      delete server_;
      server_ = nullptr;
    }
  }
  void SetUp() override {
    SR_SHARED_DATA_OR_SKIP(sample, "otto-sample/train.jsonl");
    ASSERT_TRUE(trained_) << "sessionrec train failed: "
                          << sessionrec::testing::ReadFile(dir_ + "/train.log");
    ASSERT_TRUE(started_) << start_error_;
  }
  uint16_t port() const { return server_->port(); }

  // The sample's sessions as /recommend bodies (last 50 events each).
  static std::vector<json> SampleSessions() {
    std::vector<json> out;
    std::ifstream in(sample_);
    std::string line;
    while (std::getline(in, line)) {
      json s = json::parse(line);
      json events = json::array();
      const auto& ev = s["events"];
      for (size_t i = ev.size() > 50 ? ev.size() - 50 : 0; i < ev.size(); ++i)
        events.push_back(ev[i]);
      out.push_back({{"session_id", s["session"]}, {"events", events}});
    }
    return out;
  }

  static inline std::string sample_, dir_, start_error_;
  static inline bool trained_ = false, started_ = false;
  static inline ServerProcess* server_ = nullptr;
};

TEST_F(HttpModelTest, OriginalReadmeCurlExampleVerbatim) {
  // The README's command with only the port changed (5000 may be taken on a test machine).
  const std::string cmd = "curl -s -X POST http://localhost:" + std::to_string(port()) +
                          R"(/recommend \
  -H "Content-Type: application/json" \
  -d '{
    "session_id": 12345,
    "events": [
      {"aid": 1001, "ts": 1659304800, "type": "clicks"},
      {"aid": 1002, "ts": 1659304900, "type": "carts"}
    ],
    "top_k": 20
  }')";
  const std::string out = RunCommand(cmd);
  ASSERT_FALSE(out.empty()) << "curl produced nothing";
  json r = json::parse(out);
  EXPECT_EQ(r["session_id"], 12345);
  ASSERT_EQ(r["recommendations"].size(), 20u);  // unknown aids: the cold-start answer
  std::set<uint64_t> distinct;
  for (const auto& aid : r["recommendations"]) distinct.insert(aid.get<uint64_t>());
  EXPECT_EQ(distinct.size(), 20u);
  EXPECT_FALSE(distinct.count(1001) || distinct.count(1002));
  for (const char* t : {"clicks", "carts", "orders", "combined"}) {
    EXPECT_EQ(r["scores"][t].size(), 20u) << t;
  }
}

TEST_F(HttpModelTest, OriginalReadmePythonExampleJson) {
  // What `requests.post(url, json={...})` sends for the README's Python example:
  // json.dumps with its default separators, Content-Type application/json. (The requests
  // package itself is not installable here.)
  const std::string body =
      R"({"session_id": 12345, "events": [{"aid": 1001, "ts": 1659304800, "type": "clicks"}, )"
      R"({"aid": 1002, "ts": 1659304900, "type": "carts"}], "top_k": 20})";
  HttpClient c(port());
  auto r = c.Post("/recommend", body);
  ASSERT_EQ(r.status, 200u) << r.body;
  json result = json::parse(r.body);
  EXPECT_EQ(result["recommendations"].size(), 20u);  // print(result['recommendations'])
}

TEST_F(HttpModelTest, EveryEndpointOverTheTrainedModel) {
  HttpClient c(port());
  json health = json::parse(c.Get("/health").body);
  EXPECT_EQ(health["status"], "healthy");
  EXPECT_EQ(health["models_loaded"], true);
  json stats = json::parse(c.Get("/stats").body);
  EXPECT_GT(stats["total_items"].get<int>(), 0);
  EXPECT_EQ(stats["total_sessions"].get<int>(), 20);
  std::vector<json> sessions = SampleSessions();
  const json& s0 = sessions[0];
  const uint64_t aid = s0["events"][0]["aid"];
  auto item = c.Get("/items/" + std::to_string(aid) + "/embedding");
  auto session = c.Get("/sessions/" + s0["session_id"].dump() + "/embedding");
  if (health["embeddings_loaded"] == true) {
    ASSERT_EQ(item.status, 200u) << item.body;
    json ij = json::parse(item.body);
    EXPECT_EQ(ij["aid"], aid);
    EXPECT_EQ(ij["dimension"], stats["embedding_dimension"]);
    EXPECT_EQ(ij["embedding"].size(), stats["embedding_dimension"].get<size_t>());
    ASSERT_EQ(session.status, 200u) << session.body;
    EXPECT_EQ(json::parse(session.body)["dimension"], stats["embedding_dimension"]);
  } else {
    EXPECT_EQ(stats["embedding_dimension"], 0);
    EXPECT_EQ(item.status, 404u);
    EXPECT_EQ(session.status, 404u);
  }
  EXPECT_EQ(c.Get("/items/123456789012/embedding").status, 404u);
  EXPECT_EQ(c.Get("/items/abc/embedding").status, 400u);
  EXPECT_EQ(c.Get("/sessions/987654321/embedding").status, 404u);
  EXPECT_EQ(c.Get("/nope").status, 404u);
  EXPECT_EQ(c.Get("/recommend").status, 405u);
  EXPECT_EQ(c.Post("/recommend", "not json").status, 400u);
}

TEST_F(HttpModelTest, RecommendsNewItemsUnlessIncludeSeen) {
  HttpClient c(port());
  for (const json& s : SampleSessions()) {
    std::set<uint64_t> seen;
    for (const auto& e : s["events"]) seen.insert(e["aid"].get<uint64_t>());
    json r = json::parse(c.Post("/recommend", s.dump()).body);
    ASSERT_EQ(r["recommendations"].size(), 20u);
    const auto& combined = r["scores"]["combined"];
    for (size_t i = 0; i < 20; ++i) {
      EXPECT_FALSE(seen.count(r["recommendations"][i].get<uint64_t>()));
      if (i > 0) {
        EXPECT_GE(combined[i - 1].get<double>(), combined[i].get<double>());
      }
    }
    json with_seen = s;
    with_seen["include_seen"] = true;
    EXPECT_EQ(c.Post("/recommend", with_seen.dump()).status, 200u);
  }
}

TEST_F(HttpModelTest, BatchAnswersEqualSingleAnswers) {
  std::vector<json> sessions = SampleSessions();
  json batch = {{"sessions", sessions}, {"top_k", 15}, {"include_scores", true}};
  batch["sessions"][3]["top_k"] = 5;
  batch["sessions"][4]["weights"] = {{"clicks", 1}};
  batch["sessions"].push_back({{"session_id", 1}, {"events", json::array()}});
  HttpClient c(port());
  auto br = c.Post("/batch_recommend", batch.dump());
  ASSERT_EQ(br.status, 200u) << br.body;
  json b = json::parse(br.body);
  EXPECT_EQ(b["total"], sessions.size() + 1);
  EXPECT_EQ(b["success"], sessions.size());
  EXPECT_EQ(b["failed"], 1);
  EXPECT_EQ(b["errors"][0]["index"], sessions.size());
  ASSERT_EQ(b["results"].size(), sessions.size());
  for (size_t i = 0; i < sessions.size(); ++i) {
    json single = batch["sessions"][i];
    if (!single.contains("top_k")) single["top_k"] = 15;
    json r = json::parse(c.Post("/recommend", single.dump()).body);
    EXPECT_EQ(b["results"][i]["session_id"], r["session_id"]);
    EXPECT_EQ(b["results"][i]["recommendations"], r["recommendations"]) << i;
    EXPECT_EQ(b["results"][i]["scores"], r["scores"]) << i;
  }
}

TEST_F(HttpModelTest, ConcurrentClientsGetTheSameAnswersAsOne) {
  std::vector<json> sessions = SampleSessions();
  std::vector<std::string> bodies, expected;
  HttpClient one(port());
  for (const json& s : sessions) {
    bodies.push_back(s.dump());
    expected.push_back(one.Post("/recommend", bodies.back()).body);
  }
  std::atomic<int> mismatches{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 16; ++t) {
    clients.emplace_back([&, t] {
      HttpClient c(port());
      for (int k = 0; k < 50; ++k) {
        const size_t i = static_cast<size_t>(t + k) % bodies.size();
        if (c.Post("/recommend", bodies[i]).body != expected[i]) mismatches++;
      }
    });
  }
  for (auto& th : clients) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST_F(HttpModelTest, SigtermWithAnOpenConnectionDrainsAndExitsZero) {
  ServerProcess second;
  std::string error;
  ASSERT_TRUE(second.Start(dir_ + "/model", &error)) << error;
  HttpClient c(second.port());
  EXPECT_EQ(c.Get("/health").status, 200u);  // an idle keep-alive connection stays open
  EXPECT_EQ(second.Signal(SIGTERM), 0);
}

}  // namespace
}  // namespace sessionrec
