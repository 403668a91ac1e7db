// End to end through the built binary: train -> recommend -> CSV, and the failure paths.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "serve/model_bundle.h"
#include "test_util.h"

namespace sessionrec {
namespace {

namespace fs = std::filesystem;

struct CliRun {
  int code;
  std::string out;  // stdout and stderr
};

CliRun Sessionrec(const std::string& args) {
  const std::string cmd = std::string(SESSIONREC_BINARY) + " " + args + " 2>&1";
  CliRun r{-1, ""};
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) r.out.append(buf, n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Two training sessions over aids 1..4 and a test file with one known and one cold session.
class TrainRecommendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir("e2e_train_recommend");
    testing::WriteFile(
        dir_ / "train.jsonl",
        R"({"session":1,"events":[{"aid":1,"ts":1659304800000,"type":"clicks"},{"aid":2,"ts":1659304860000,"type":"clicks"},{"aid":3,"ts":1659304920000,"type":"carts"}]})"
        "\n"
        R"({"session":2,"events":[{"aid":1,"ts":1659305800,"type":"clicks"},{"aid":2,"ts":1659305860,"type":"carts"},{"aid":4,"ts":1659305900,"type":"orders"}]})"
        "\n");
    testing::WriteFile(dir_ / "test.jsonl",
                       R"({"session":7,"events":[{"aid":1,"ts":1659400000,"type":"clicks"}]})"
                       "\n"
                       R"({"session":8,"events":[{"aid":999,"ts":1659400000,"type":"clicks"}]})"
                       "\n");
  }
  std::string P(const std::string& name) { return (dir_ / name).string(); }
  fs::path dir_;
};

TEST_F(TrainRecommendTest, TrainThenRecommendWritesTheKaggleCsv) {
  CliRun t = Sessionrec("train --input " + P("train.jsonl") + " --model-dir " + P("model") +
                        " --only covisit --threads 1");
  ASSERT_EQ(t.code, 0) << t.out;
  EXPECT_NE(t.out.find("2 sessions"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("covisit"), std::string::npos) << t.out;
  for (const char* f : {"manifest.json", "items.bin", "covisit_clicks.bin",
                        "covisit_carts_orders.bin", "covisit_buy2buy.bin"}) {
    EXPECT_TRUE(fs::exists(dir_ / "model" / f)) << f;
  }
  auto bundle = LoadModelBundle(P("model"));
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  EXPECT_EQ((*bundle)->stats().total_items, 4u);
  EXPECT_EQ((*bundle)->stats().total_sessions, 2u);

  CliRun r = Sessionrec("recommend --model-dir " + P("model") + " --input " + P("test.jsonl") +
                        " --output " + P("p.csv") + " --top-k 3");
  ASSERT_EQ(r.code, 0) << r.out;
  std::vector<std::string> lines = Lines(testing::ReadFile(dir_ / "p.csv"));
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_EQ(lines[0], "session_type,labels");
  EXPECT_EQ(lines[1].rfind("7_clicks,", 0), 0u) << lines[1];
  EXPECT_EQ(lines[2].rfind("7_carts,", 0), 0u) << lines[2];
  EXPECT_EQ(lines[3].rfind("7_orders,", 0), 0u) << lines[3];
  EXPECT_EQ(lines[4].rfind("8_clicks,", 0), 0u) << lines[4];
  // Session 7 saw aid 1: by default it is never recommended; 3 of the other 3 items are.
  std::set<std::string> aids;
  std::istringstream list(lines[1].substr(lines[1].find(',') + 1));
  for (std::string a; list >> a;) aids.insert(a);
  EXPECT_EQ(aids, (std::set<std::string>{"2", "3", "4"}));
  // Session 8 is cold (unknown aid): popularity, 3 distinct aids.
  std::istringstream cold(lines[4].substr(lines[4].find(',') + 1));
  std::set<std::string> cold_aids;
  for (std::string a; cold >> a;) cold_aids.insert(a);
  EXPECT_EQ(cold_aids.size(), 3u);

  // --include-seen: the session's own aid is among the answers (the blend may rank a
  // strongly co-visited item above it; the rules put it first).
  r = Sessionrec("recommend --model-dir " + P("model") + " --input " + P("test.jsonl") +
                 " --output " + P("s.csv") + " --include-seen --top-k 2 --threads 2");
  ASSERT_EQ(r.code, 0) << r.out;
  lines = Lines(testing::ReadFile(dir_ / "s.csv"));
  ASSERT_EQ(lines.size(), 7u);
  for (size_t line : {1u, 3u}) {
    std::istringstream seen(lines[line].substr(lines[line].find(',') + 1));
    std::set<std::string> got;
    for (std::string a; seen >> a;) got.insert(a);
    EXPECT_EQ(got.size(), 2u) << lines[line];
    EXPECT_TRUE(got.count("1")) << lines[line];
  }
}

TEST_F(TrainRecommendTest, RetrainReplacesTheModel) {
  ASSERT_EQ(Sessionrec("train --input " + P("train.jsonl") + " --model-dir " + P("model")).code, 0);
  CliRun again = Sessionrec("train --input " + P("train.jsonl") + " --model-dir " + P("model"));
  EXPECT_EQ(again.code, 0) << again.out;
  EXPECT_TRUE(LoadModelBundle(P("model")).ok());
  // No temporary or moved-aside directories are left behind.
  for (const auto& e : fs::directory_iterator(dir_)) {
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
    EXPECT_EQ(e.path().filename().string().find(".old-"), std::string::npos) << e.path();
  }
}

TEST_F(TrainRecommendTest, FailedTrainLeavesNoModel) {
  testing::WriteFile(dir_ / "bad.jsonl", "{\"session\":1,\"events\":[{\"aid\":1,");
  CliRun t = Sessionrec("train --input " + P("bad.jsonl") + " --model-dir " + P("model"));
  EXPECT_NE(t.code, 0);
  EXPECT_NE(t.out.find("bad.jsonl"), std::string::npos) << t.out;
  EXPECT_FALSE(fs::exists(dir_ / "model"));
}

TEST_F(TrainRecommendTest, TrainRefusesToReplaceANonModelDirectory) {
  fs::create_directories(dir_ / "precious");
  testing::WriteFile(dir_ / "precious" / "notes.txt", "keep me");
  CliRun t = Sessionrec("train --input " + P("train.jsonl") + " --model-dir " + P("precious"));
  EXPECT_NE(t.code, 0);
  EXPECT_NE(t.out.find("not a model directory"), std::string::npos) << t.out;
  EXPECT_TRUE(fs::exists(dir_ / "precious" / "notes.txt"));
}

TEST_F(TrainRecommendTest, RecommendNamesACorruptModelFile) {
  ASSERT_EQ(Sessionrec("train --input " + P("train.jsonl") + " --model-dir " + P("model")).code, 0);
  fs::resize_file(dir_ / "model" / "covisit_carts_orders.bin", 70);
  CliRun r = Sessionrec("recommend --model-dir " + P("model") + " --input " + P("test.jsonl") +
                        " --output " + P("p.csv"));
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("covisit_carts_orders.bin"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir_ / "p.csv"));
  r = Sessionrec("recommend --model-dir " + P("nowhere") + " --input " + P("test.jsonl") +
                 " --output " + P("p.csv"));
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("nowhere"), std::string::npos) << r.out;
}

TEST_F(TrainRecommendTest, TrainsOnTheOttoSample) {
  SR_SHARED_DATA_OR_SKIP(otto, "otto-sample/train.jsonl");
  CliRun t = Sessionrec("train --input " + otto + " --model-dir " + P("otto") + " --threads 2");
  ASSERT_EQ(t.code, 0) << t.out;
  EXPECT_NE(t.out.find("20 sessions, 862 events, 510 items"), std::string::npos) << t.out;
  // Without --only covisit the embedding stage runs and the bundle serves its vectors.
  auto bundle = LoadModelBundle(P("otto"));
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  const ModelBundle& b = **bundle;
  EXPECT_TRUE(b.stats().embeddings_loaded);
  ASSERT_GT(b.stats().embedding_dimension, 0u);
  auto v = b.ItemEmbedding(1517085);  // the first aid of the sample
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->size(), b.stats().embedding_dimension);
  EXPECT_FALSE(b.ItemEmbedding(42).has_value());  // not in the sample
  std::vector<Event> events = {{1517085, 1659304800, EventType::kClick}};
  auto s = b.SessionEmbedding(events);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->size(), b.stats().embedding_dimension);
  EXPECT_TRUE(b.TrainingSessionEmbedding(0).has_value());
  CliRun r = Sessionrec("recommend --model-dir " + P("otto") + " --input " + otto + " --output " +
                        P("otto.csv"));
  ASSERT_EQ(r.code, 0) << r.out;
  std::vector<std::string> lines = Lines(testing::ReadFile(dir_ / "otto.csv"));
  ASSERT_EQ(lines.size(), 1u + 3u * 20u);
  for (size_t i = 1; i < lines.size(); ++i) {
    std::istringstream list(lines[i].substr(lines[i].find(',') + 1));
    std::set<std::string> aids;
    size_t n = 0;
    for (std::string a; list >> a; ++n) aids.insert(a);
    EXPECT_EQ(n, 20u) << lines[i];
    EXPECT_EQ(aids.size(), 20u) << lines[i];
  }
}

}  // namespace
}  // namespace sessionrec
