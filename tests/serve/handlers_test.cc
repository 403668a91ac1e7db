#include "serve/handlers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "serve/fake_backend.h"

namespace sessionrec {
namespace {

using json = nlohmann::json;
using ::testing::HasSubstr;

class HandlersTest : public ::testing::Test {
 protected:
  HttpAnswer Call(std::string_view method, std::string_view target, std::string_view body = "") {
    HttpAnswer a;
    handlers_.Handle(method, target, body, &a);
    return a;
  }
  json CallJson(std::string_view method, std::string_view target, std::string_view body,
                unsigned expected_status) {
    HttpAnswer a = Call(method, target, body);
    EXPECT_EQ(a.status, expected_status) << a.body;
    return json::parse(a.body);
  }

  testing::FakeBackend backend_;
  SessionStore store_{100};
  WorkPool pool_{1};
  Handlers handlers_{backend_, store_, pool_};
};

TEST_F(HandlersTest, HealthAndStats) {
  json h = CallJson("GET", "/health", "", 200);
  EXPECT_EQ(h, json::parse(R"({"status": "healthy", "models_loaded": true,
                               "embeddings_loaded": true, "feature_columns": 0})"));
  json s = CallJson("GET", "/stats?verbose=1", "", 200);
  EXPECT_EQ(s, json::parse(R"({"models": ["clicks", "carts", "orders"], "total_items": 100,
    "total_sessions": 10, "embedding_dimension": 4, "feature_dimension": 0})"));
}

TEST_F(HandlersTest, UnknownRoutesAre404AndWrongMethods405) {
  HttpAnswer a = Call("GET", "/nope");
  EXPECT_EQ(a.status, 404u);
  EXPECT_THAT(json::parse(a.body)["error"].get<std::string>(), HasSubstr("/nope"));
  EXPECT_EQ(Call("GET", "/health/").status, 404u);
  EXPECT_EQ(Call("GET", "/items/1/embedding/x").status, 404u);
  a = Call("GET", "/recommend");
  EXPECT_EQ(a.status, 405u);
  EXPECT_EQ(a.allow, "POST");
  EXPECT_THAT(json::parse(a.body)["error"].get<std::string>(), HasSubstr("not allowed"));
  EXPECT_EQ(Call("POST", "/health").status, 405u);
  EXPECT_EQ(Call("DELETE", "/stats").status, 405u);
  EXPECT_EQ(Call("PUT", "/batch_recommend").status, 405u);
  EXPECT_EQ(Call("POST", "/items/1/embedding").status, 405u);
  EXPECT_EQ(Call("POST", "/sessions/1/embedding").allow, "GET");
}

TEST_F(HandlersTest, RecommendAnswersNewItemsWithScores) {
  json r = CallJson("POST", "/recommend",
                    R"({"session_id": 12345, "events": [{"aid": 99, "ts": 1, "type": "clicks"},
                        {"aid": 97, "ts": 2, "type": "carts"}], "top_k": 3})",
                    200);
  EXPECT_EQ(r["session_id"], 12345);
  EXPECT_EQ(r["recommendations"], json::parse("[98, 96, 95]"));
  EXPECT_EQ(r["scores"]["clicks"], json::parse("[0.98, 0.96, 0.95]"));
  EXPECT_EQ(r["scores"]["orders"], json::parse("[0.125, 0.125, 0.125]"));
  ASSERT_EQ(r["scores"]["combined"].size(), 3u);
  EXPECT_NEAR(r["scores"]["combined"][0].get<double>(),
              0.1 * 0.98 + 0.3 * (98 + 97 % 7) / 200. + 0.6 * 0.125, 1e-6);
}

TEST_F(HandlersTest, RecommendRejectsInvalidBodiesWith400) {
  HttpAnswer a = Call("POST", "/recommend", "{");
  EXPECT_EQ(a.status, 400u);
  EXPECT_THAT(json::parse(a.body)["error"].get<std::string>(), HasSubstr("not valid JSON"));
  a = Call("POST", "/recommend", R"({"session_id": 1, "events": [], "top_k": 5})");
  EXPECT_EQ(a.status, 400u);
  EXPECT_EQ(json::parse(a.body)["error"], "events: must hold 1 to 500 events, got 0");
}

TEST_F(HandlersTest, ExceptionsBecome500AndTheNextRequestWorks) {
  HttpAnswer a = Call("POST", "/recommend",
                      R"({"session_id": 1, "events": [{"aid": 666, "ts": 1, "type": "clicks"}]})");
  EXPECT_EQ(a.status, 500u);
  EXPECT_EQ(json::parse(a.body)["error"], "internal error: fake failure");
  EXPECT_EQ(Call("GET", "/health").status, 200u);
}

TEST_F(HandlersTest, BatchKeepsOrderReportsErrorsAndMatchesSingleAnswers) {
  const std::string s1 = R"({"session_id": 1, "events": [{"aid": 99, "ts": 1, "type": "clicks"}]})";
  const std::string s3 = R"({"session_id": 3, "events": [{"aid": 5, "ts": 1, "type": "orders"}],
                             "top_k": 2})";
  json b = CallJson("POST", "/batch_recommend",
                    R"({"sessions": [)" + s1 + R"(, {"session_id": 2, "events": "x"}, )" + s3 +
                        R"(, {"session_id": 4, "events": [{"aid": 666, "ts": 1, "type": "clicks"}]}
                        ], "top_k": 4, "include_scores": true})",
                    200);
  EXPECT_EQ(b["total"], 4);
  EXPECT_EQ(b["success"], 2);
  EXPECT_EQ(b["failed"], 2);
  ASSERT_EQ(b["results"].size(), 2u);
  EXPECT_EQ(b["results"][0]["session_id"], 1);
  EXPECT_EQ(b["results"][1]["session_id"], 3);
  ASSERT_EQ(b["errors"].size(), 2u);
  EXPECT_EQ(b["errors"][0], json::parse(R"({"index": 1, "session_id": 2,
                                           "error": "events: must be an array, got a string"})"));
  EXPECT_EQ(b["errors"][1]["index"], 3);
  EXPECT_EQ(b["errors"][1]["error"], "internal error: fake failure");

  json r1 = CallJson("POST", "/recommend", s1.substr(0, s1.size() - 1) + R"(, "top_k": 4})", 200);
  json r3 = CallJson("POST", "/recommend", s3, 200);
  EXPECT_EQ(b["results"][0]["recommendations"], r1["recommendations"]);
  EXPECT_EQ(b["results"][0]["scores"], r1["scores"]);
  EXPECT_EQ(b["results"][1]["recommendations"], r3["recommendations"]);
  EXPECT_EQ(b["results"][1]["recommendations"].size(), 2u);

  json plain = CallJson("POST", "/batch_recommend", R"({"sessions": [)" + s1 + "]}", 200);
  EXPECT_FALSE(plain["results"][0].contains("scores"));
  EXPECT_EQ(plain["errors"], json::array());
}

TEST_F(HandlersTest, BatchRejectsAMalformedTopLevel) {
  EXPECT_EQ(Call("POST", "/batch_recommend", R"({"sessions": 3})").status, 400u);
  EXPECT_EQ(Call("POST", "/batch_recommend", R"({})").status, 400u);
  EXPECT_EQ(Call("POST", "/batch_recommend", R"(nope)").status, 400u);
}

TEST_F(HandlersTest, ItemEmbeddings) {
  json e = CallJson("GET", "/items/3/embedding", "", 200);
  EXPECT_EQ(e, json::parse(R"({"aid": 3, "embedding": [3, 0.5, -0.25, 0.1], "dimension": 4})"));
  EXPECT_EQ(Call("GET", "/items/50/embedding").status, 404u);    // no vector
  EXPECT_EQ(Call("GET", "/items/1000/embedding").status, 404u);  // not in the catalogue
  EXPECT_EQ(Call("GET", "/items/-1/embedding").status, 404u);
  EXPECT_EQ(Call("GET", "/items/abc/embedding").status, 400u);
  EXPECT_EQ(Call("GET", "/items/1.5/embedding").status, 400u);
  EXPECT_EQ(Call("GET", "/items//embedding").status, 400u);
  EXPECT_EQ(Call("GET", "/items/99999999999999999999999/embedding").status, 400u);
}

TEST_F(HandlersTest, SessionEmbeddingsFromTrainingAndFromRecommendRequests) {
  json t = CallJson("GET", "/sessions/2/embedding", "", 200);
  EXPECT_EQ(t, json::parse(R"({"session_id": 2, "embedding": [20, 0.5, -0.25, 0.1],
                              "dimension": 4})"));
  EXPECT_EQ(Call("GET", "/sessions/12345/embedding").status, 404u);
  EXPECT_EQ(Call("GET", "/sessions/x/embedding").status, 400u);
  CallJson("POST", "/recommend",
           R"({"session_id": 12345, "events": [{"aid": 4, "ts": 1, "type": "clicks"},
               {"aid": 6, "ts": 2, "type": "clicks"}]})",
           200);
  json live = CallJson("GET", "/sessions/12345/embedding", "", 200);
  EXPECT_EQ(live["embedding"], json::parse("[5, 0.5, -0.25, 0.1]"));
  // The latest events win, also over a training session of the same id.
  CallJson(
      "POST", "/batch_recommend",
      R"({"sessions": [{"session_id": 2, "events": [{"aid": 8, "ts": 1, "type": "clicks"}]}]})",
      200);
  EXPECT_EQ(CallJson("GET", "/sessions/2/embedding", "", 200)["embedding"][0], 8);
  CallJson("POST", "/recommend",
           R"({"session_id": -7, "events": [{"aid": 50, "ts": 1, "type": "clicks"}]})", 200);
  EXPECT_EQ(Call("GET", "/sessions/-7/embedding").status, 404u);  // no item has a vector
}

TEST(HandlersWithoutEmbeddings, AnswerAsApiMdImplies) {
  testing::FakeBackend backend(/*with_embeddings=*/false);
  SessionStore store(10);
  WorkPool pool(0);
  Handlers handlers(backend, store, pool);
  HttpAnswer a;
  handlers.Handle("GET", "/health", "", &a);
  EXPECT_EQ(json::parse(a.body)["embeddings_loaded"], false);
  handlers.Handle("GET", "/stats", "", &a);
  EXPECT_EQ(json::parse(a.body)["embedding_dimension"], 0);
  handlers.Handle("GET", "/items/3/embedding", "", &a);
  EXPECT_EQ(a.status, 404u);
  EXPECT_THAT(json::parse(a.body)["error"].get<std::string>(), HasSubstr("no embeddings"));
  handlers.Handle("POST", "/recommend",
                  R"({"session_id": 5, "events": [{"aid": 4, "ts": 1, "type": "clicks"}]})", &a);
  EXPECT_EQ(a.status, 200u);
  handlers.Handle("GET", "/sessions/5/embedding", "", &a);
  EXPECT_EQ(a.status, 404u);
  EXPECT_EQ(store.size(), 0u);  // nothing to serve from it: not stored
}

TEST(SessionStore, EvictsTheLeastRecentlyUsed) {
  SessionStore store(2);
  const Event e1{1, 1, EventType::kClick}, e2{2, 2, EventType::kCart};
  store.Put(1, std::vector<Event>{e1});
  store.Put(2, std::vector<Event>{e2});
  ASSERT_TRUE(store.Get(1).has_value());  // 1 is now the most recent
  store.Put(3, std::vector<Event>{e1, e2});
  EXPECT_FALSE(store.Get(2).has_value());
  EXPECT_EQ(*store.Get(1), std::vector<Event>{e1});
  EXPECT_EQ(store.Get(3)->size(), 2u);
  store.Put(1, std::vector<Event>{e2});  // replaced by the latest events
  EXPECT_EQ(*store.Get(1), std::vector<Event>{e2});
  EXPECT_EQ(store.size(), 2u);
  SessionStore off(0);
  off.Put(1, std::vector<Event>{e1});
  EXPECT_FALSE(off.Get(1).has_value());
}

TEST(WorkPool, RunsEveryIndexOnceAndRethrows) {
  WorkPool pool(3);
  std::vector<std::atomic<int>> hits(1000);
  pool.ParallelFor(hits.size(), 7, [&](size_t i) { hits[i]++; });
  for (auto& h : hits) EXPECT_EQ(h.load(), 1);
  EXPECT_THROW(pool.ParallelFor(100, 1,
                                [](size_t i) {
                                  if (i == 42) throw std::runtime_error("x");
                                }),
               std::runtime_error);
  pool.ParallelFor(0, 1, [](size_t) { FAIL(); });
}

}  // namespace
}  // namespace sessionrec
