// The operations routes and state of the handlers (docs/operations.md) over the fake
// backend: /ready, /metrics, /admin/reload, the answer cache, and Redis (a real
// redis-server) as cache and shared session store, including Redis failing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "ops/redis_server.h"
#include "serve/fake_backend.h"
#include "serve/handlers.h"

namespace sessionrec {
namespace {

using json = nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

constexpr char kBody[] =
    R"({"session_id": 7, "events": [{"aid": 3, "ts": 100, "type": "clicks"},
        {"aid": 4, "ts": 200, "type": "carts"}], "top_k": 5})";
constexpr char kSameEventsOtherId[] =
    R"({"session_id": 8, "events": [{"aid": 3, "ts": 100, "type": "clicks"},
        {"aid": 4, "ts": 200, "type": "carts"}], "top_k": 5})";

// The fake backend, counting Recommend calls.
class CountingBackend : public testing::FakeBackend {
 public:
  Recommendations Recommend(std::span<const Event> events,
                            const RecommendOptions& opts) const override {
    calls.fetch_add(1);
    return FakeBackend::Recommend(events, opts);
  }
  mutable std::atomic<int> calls{0};
};

std::shared_ptr<spdlog::logger> NullLog() {
  return std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
}

// Handlers with every operations part, over an empty LiveModel.
struct Service {
  explicit Service(RedisClient* redis = nullptr, size_t local_cache = 100,
                   ModelLoader loader = nullptr)
      : metrics(RouteNames()),
        sessions(local, redis, &metrics),
        cache(CacheOptions(local_cache), redis, &metrics),
        reloader(
            live, "/models/a",
            loader ? loader : [this](const std::string& dir) { return Loaded(dir); }, &metrics,
            NullLog()),
        handlers(Parts(redis), AdminOptions()) {}

  static AnswerCacheOptions CacheOptions(size_t local_entries) {
    AnswerCacheOptions o;
    o.local_entries = local_entries;
    o.ttl_seconds = 60;
    return o;
  }
  ServingParts Parts(RedisClient* redis) {
    ServingParts p;
    p.model = &live;
    p.sessions = &sessions;
    p.pool = &pool;
    p.cache = &cache;
    p.metrics = &metrics;
    p.reloader = &reloader;
    p.redis = redis;
    return p;
  }
  static HandlerOptions AdminOptions() {
    HandlerOptions o;
    o.admin_token = "s3cret";
    return o;
  }

  StatusOr<std::shared_ptr<const LoadedModel>> Loaded(const std::string& dir) {
    if (dir.find("broken") != std::string::npos) {
      return absl::DataLossError(dir + "/items.bin: bad CRC");
    }
    auto m = std::make_shared<LoadedModel>();
    m->backend = std::shared_ptr<const ServiceBackend>(std::shared_ptr<void>(), &backend);
    m->dir = dir;
    m->version = "v-" + dir;
    return std::shared_ptr<const LoadedModel>(m);
  }
  HttpAnswer Call(std::string_view method, std::string_view target, std::string_view body = "",
                  std::string_view auth = "") {
    HttpAnswer a;
    handlers.Handle(HttpRequestView{method, target, body, auth}, &a);
    return a;
  }

  CountingBackend backend;
  Metrics metrics;
  LiveModel live;
  SessionStore local{100};
  SharedSessionStore sessions;
  AnswerCache cache;
  WorkPool pool{1};
  Reloader reloader;
  Handlers handlers;
};

TEST(OpsHandlers, ReadyIs503UntilTheModelIsLoaded) {
  Service s;
  HttpAnswer ready = s.Call("GET", "/ready");
  EXPECT_EQ(ready.status, 503u);
  EXPECT_THAT(ready.body, HasSubstr("still loading"));
  // Liveness stays 200 and says what is missing.
  HttpAnswer health = s.Call("GET", "/health");
  EXPECT_EQ(health.status, 200u);
  EXPECT_EQ(json::parse(health.body)["models_loaded"], false);
  EXPECT_EQ(s.Call("POST", "/recommend", kBody).status, 503u);
  EXPECT_EQ(s.Call("GET", "/stats").status, 503u);
  EXPECT_EQ(s.Call("POST", "/ready").status, 405u);

  ASSERT_TRUE(s.reloader.Trigger());
  s.reloader.Wait();
  ready = s.Call("GET", "/ready");
  ASSERT_EQ(ready.status, 200u);
  EXPECT_EQ(json::parse(ready.body), json::parse(R"({"status":"ready","model_version":"v-/models/a",
                            "model_dir":"/models/a"})"));
  EXPECT_EQ(json::parse(s.Call("GET", "/health").body)["models_loaded"], true);
  EXPECT_EQ(s.Call("POST", "/recommend", kBody).status, 200u);
}

TEST(OpsHandlers, LocalAnswerCacheServesRepeatsKeyedByContentAndModelVersion) {
  Service s;
  s.reloader.Trigger();
  s.reloader.Wait();
  HttpAnswer first = s.Call("POST", "/recommend", kBody);
  ASSERT_EQ(first.status, 200u);
  EXPECT_EQ(s.backend.calls, 1);
  HttpAnswer again = s.Call("POST", "/recommend", kBody);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(s.backend.calls, 1);  // served from the cache
  // Same events under another session id: the same entry, but the answer names id 8.
  json other = json::parse(s.Call("POST", "/recommend", kSameEventsOtherId).body);
  EXPECT_EQ(s.backend.calls, 1);
  EXPECT_EQ(other["session_id"], 8);
  EXPECT_EQ(other["recommendations"], json::parse(first.body)["recommendations"]);
  // Anything the answer depends on is part of the key: top_k, weights, include_seen.
  std::string top3 = kBody;
  top3.replace(top3.find("\"top_k\": 5"), 10, "\"top_k\": 3");
  EXPECT_EQ(json::parse(s.Call("POST", "/recommend", top3).body)["recommendations"].size(), 3u);
  EXPECT_EQ(s.backend.calls, 2);
  // A new model version invalidates every entry.
  ASSERT_TRUE(s.reloader.Trigger("/models/b"));
  s.reloader.Wait();
  s.Call("POST", "/recommend", kBody);
  EXPECT_EQ(s.backend.calls, 3);
  const std::string m = s.Call("GET", "/metrics").body;
  EXPECT_THAT(m, HasSubstr("sessionrec_answer_cache_hits_total{tier=\"local\"} 2"));
  EXPECT_THAT(m, HasSubstr("sessionrec_answer_cache_misses_total 3"));
}

TEST(OpsHandlers, BatchEntriesShareTheAnswerCacheWithRecommend) {
  Service s;
  s.reloader.Trigger();
  s.reloader.Wait();
  HttpAnswer single = s.Call("POST", "/recommend", kBody);
  ASSERT_EQ(single.status, 200u);
  EXPECT_EQ(s.backend.calls, 1);
  // Both entries have the events /recommend just answered: two hits, no computation.
  const std::string batch =
      std::string(R"({"sessions": [)") + kBody + "," + kSameEventsOtherId + "]}";
  HttpAnswer first = s.Call("POST", "/batch_recommend", batch);
  ASSERT_EQ(first.status, 200u) << first.body;
  EXPECT_EQ(s.backend.calls, 1);
  json answers = json::parse(first.body)["results"];
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0]["session_id"], 7);
  EXPECT_EQ(answers[1]["session_id"], 8);
  EXPECT_EQ(answers[0]["recommendations"], json::parse(single.body)["recommendations"]);
  EXPECT_EQ(answers[1]["recommendations"], answers[0]["recommendations"]);
  // A new entry is computed once, then served from the cache by either endpoint.
  std::string top2 = kBody;
  top2.replace(top2.find("\"top_k\": 5"), 10, "\"top_k\": 2");
  const std::string batch2 = std::string(R"({"sessions": [)") + top2 + "]}";
  ASSERT_EQ(s.Call("POST", "/batch_recommend", batch2).status, 200u);
  EXPECT_EQ(s.backend.calls, 2);
  ASSERT_EQ(s.Call("POST", "/batch_recommend", batch2).status, 200u);
  ASSERT_EQ(s.Call("POST", "/recommend", top2).status, 200u);
  EXPECT_EQ(s.backend.calls, 2);
  const std::string m = s.Call("GET", "/metrics").body;
  EXPECT_THAT(m, HasSubstr("sessionrec_answer_cache_hits_total{tier=\"local\"} 4"));
  EXPECT_THAT(m, HasSubstr("sessionrec_answer_cache_misses_total 2"));
}

TEST(OpsHandlers, MetricsTextFormatAndBatchSizes) {
  Service s;
  s.reloader.Trigger();
  s.reloader.Wait();
  std::string batch = std::string(R"({"sessions": [)") + kBody + "," + kSameEventsOtherId + "]}";
  ASSERT_EQ(s.Call("POST", "/batch_recommend", batch).status, 200u);
  HttpAnswer m = s.Call("GET", "/metrics");
  ASSERT_EQ(m.status, 200u);
  EXPECT_EQ(m.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(m.route, Route::kMetrics);
  EXPECT_THAT(m.body, HasSubstr("sessionrec_batch_sessions_bucket{le=\"2\"} 1"));
  EXPECT_THAT(m.body,
              HasSubstr("sessionrec_model_info{dir=\"/models/a\",version=\"v-/models/a\"} 1"));
  EXPECT_THAT(m.body, HasSubstr("sessionrec_model_reloads_total{result=\"ok\"} 1"));
  EXPECT_EQ(s.Call("POST", "/metrics").status, 405u);
  // Routes are reported for the endpoint label.
  EXPECT_EQ(s.Call("GET", "/items/3/embedding").route, Route::kItemEmbedding);
  EXPECT_EQ(s.Call("GET", "/nope").route, Route::kOther);
}

TEST(OpsHandlers, AdminReloadNeedsTheTokenAndKeepsTheOldModelOnFailure) {
  Service s;
  s.reloader.Trigger();
  s.reloader.Wait();
  EXPECT_EQ(s.Call("POST", "/admin/reload").status, 401u);
  EXPECT_EQ(s.Call("POST", "/admin/reload", "", "Bearer wrong").status, 403u);
  EXPECT_EQ(s.Call("POST", "/admin/reload", "", "s3cret").status, 403u);  // no "Bearer "
  EXPECT_EQ(s.Call("DELETE", "/admin/reload", "", "Bearer s3cret").status, 405u);
  EXPECT_EQ(s.Call("POST", "/admin/reload", "[1]", "Bearer s3cret").status, 400u);
  EXPECT_EQ(s.Call("POST", "/admin/reload", R"({"model_dir": 3})", "Bearer s3cret").status, 400u);

  HttpAnswer bad =
      s.Call("POST", "/admin/reload", R"({"model_dir": "/models/broken"})", "Bearer s3cret");
  EXPECT_EQ(bad.status, 202u) << bad.body;
  s.reloader.Wait();
  json st = json::parse(s.Call("GET", "/admin/reload", "", "Bearer s3cret").body);
  EXPECT_EQ(st["reloads_failed"], 1);
  EXPECT_THAT(st["last_error"].get<std::string>(), HasSubstr("bad CRC"));
  EXPECT_EQ(st["model_dir"], "/models/a");  // the old model still serves
  EXPECT_EQ(s.Call("POST", "/recommend", kBody).status, 200u);

  HttpAnswer good = s.Call("POST", "/admin/reload", "", "Bearer s3cret");
  EXPECT_EQ(good.status, 202u);
  EXPECT_EQ(json::parse(good.body)["model_dir"], "/models/a");  // empty body: the same dir
  s.reloader.Wait();
  st = json::parse(s.Call("GET", "/admin/reload", "", "Bearer s3cret").body);
  EXPECT_EQ(st["reloads_succeeded"], 2);
  EXPECT_EQ(st["last_error"], "");
  EXPECT_EQ(st["loading"], false);
}

TEST(OpsHandlers, AdminReloadIsOffWithoutAToken) {
  CountingBackend backend;
  SessionStore store(10);
  WorkPool pool(0);
  Handlers plain(backend, store, pool);
  HttpAnswer a;
  plain.Handle(HttpRequestView{"POST", "/admin/reload", "", "Bearer x"}, &a);
  EXPECT_EQ(a.status, 404u);
  plain.Handle("GET", "/metrics", "", &a);
  EXPECT_EQ(a.status, 404u);  // no metrics configured
  plain.Handle("GET", "/ready", "", &a);
  EXPECT_EQ(a.status, 200u);  // a fixed backend is loaded from the start
}

TEST(OpsHandlers, AReloadDuringAReloadIsRefused) {
  std::atomic<bool> release{false};
  Service s(nullptr, 100,
            [&](const std::string& dir) -> StatusOr<std::shared_ptr<const LoadedModel>> {
              while (!release) std::this_thread::sleep_for(1ms);
              auto m = std::make_shared<LoadedModel>();
              m->dir = dir;
              m->version = "slow";
              return std::shared_ptr<const LoadedModel>(m);
            });
  EXPECT_EQ(s.Call("POST", "/admin/reload", "", "Bearer s3cret").status, 202u);
  EXPECT_EQ(s.Call("POST", "/admin/reload", "", "Bearer s3cret").status, 409u);
  EXPECT_EQ(json::parse(s.Call("GET", "/admin/reload", "", "Bearer s3cret").body)["loading"], true);
  release = true;
  s.reloader.Wait();
  EXPECT_EQ(s.live.Get()->version, "slow");
}

TEST(AnswerCodec, RoundTripsAndRejectsMalformedValues) {
  Recommendations r;
  r.items = {5, 9};
  r.scores = {std::vector<float>{0.5f, 0.25f}, {0.1f, 0.2f}, {0.3f, 0.4f}};
  r.combined = {0.7f, 0.6f};
  const std::string bytes = EncodeRecommendations(r);
  Recommendations back;
  ASSERT_TRUE(DecodeRecommendations(bytes, &back));
  EXPECT_EQ(back.items, r.items);
  EXPECT_EQ(back.scores, r.scores);
  EXPECT_EQ(back.combined, r.combined);
  EXPECT_FALSE(DecodeRecommendations(bytes.substr(0, bytes.size() - 1), &back));
  EXPECT_FALSE(DecodeRecommendations("XXXX" + bytes.substr(4), &back));
  EXPECT_FALSE(DecodeRecommendations("", &back));

  const std::vector<Event> events = {{7, 100, EventType::kCart},
                                     {UINT64_MAX, -1, EventType::kOrder}};
  std::vector<Event> decoded;
  ASSERT_TRUE(DecodeEvents(EncodeEvents(events), &decoded));
  EXPECT_EQ(decoded, events);
  std::string bad_type = EncodeEvents(events);
  bad_type[4 + 16] = 3;
  EXPECT_FALSE(DecodeEvents(bad_type, &decoded));
}

TEST(AnswerKey, DependsOnEveryInputExceptTheSessionId) {
  const std::vector<Event> e = {{1, 10, EventType::kClick}};
  RecommendOptions o;
  const std::string k = AnswerKey("v1", e, o);
  EXPECT_THAT(k, HasSubstr("answer:v1:"));
  EXPECT_EQ(AnswerKey("v1", e, o), k);
  EXPECT_NE(AnswerKey("v2", e, o), k);
  EXPECT_NE(AnswerKey("v1", std::vector<Event>{{1, 11, EventType::kClick}}, o), k);
  EXPECT_NE(AnswerKey("v1", std::vector<Event>{{1, 10, EventType::kCart}}, o), k);
  RecommendOptions o2 = o;
  o2.include_seen = true;
  EXPECT_NE(AnswerKey("v1", e, o2), k);
  o2 = o;
  o2.weights.w[2] = 0.7;
  EXPECT_NE(AnswerKey("v1", e, o2), k);
  // A fixed value: the key must be the same in every process (replicas share it).
  EXPECT_EQ(k, AnswerKey("v1", e, o));
}

TEST(OpsRedis, TwoReplicasShareAnswersAndSessionsThroughRedis) {
  SR_REDIS_OR_SKIP(redis);
  RedisOptions ro = *ParseRedisUrl(redis.url());
  ro.timeout = 1000ms;
  RedisClient client_a(ro), client_b(ro);
  // No local answer tier, so a hit can only come from Redis.
  Service a(&client_a, 0), b(&client_b, 0);
  for (Service* s : {&a, &b}) {
    s->reloader.Trigger();
    s->reloader.Wait();
  }
  HttpAnswer first = a.Call("POST", "/recommend", kBody);
  ASSERT_EQ(first.status, 200u);
  EXPECT_EQ(a.backend.calls, 1);
  // Session 7 was seen by a only; b finds it through Redis (fake vectors for aids 3, 4).
  HttpAnswer emb = b.Call("GET", "/sessions/7/embedding");
  ASSERT_EQ(emb.status, 200u) << emb.body;
  EXPECT_EQ(emb.body, a.Call("GET", "/sessions/7/embedding").body);
  EXPECT_EQ(b.local.size(), 0u);  // not from b's own memory
  // b answers a's request from Redis without computing.
  HttpAnswer via_b = b.Call("POST", "/recommend", kBody);
  EXPECT_EQ(via_b.body, first.body);
  EXPECT_EQ(b.backend.calls, 0);
  EXPECT_THAT(b.Call("GET", "/metrics").body,
              HasSubstr("sessionrec_answer_cache_hits_total{tier=\"redis\"} 1"));
}

TEST(OpsRedis, RedisDownOrStalledNeverFailsARequestAndIsCounted) {
  SR_REDIS_OR_SKIP(redis);
  RedisOptions ro = *ParseRedisUrl(redis.url());
  ro.timeout = 100ms;
  ro.retry_after = 200ms;
  RedisClient client(ro);
  Service s(&client, 0);
  s.reloader.Trigger();
  s.reloader.Wait();
  ASSERT_EQ(s.Call("POST", "/recommend", kBody).status, 200u);

  redis.Pause();  // slow: connections hang
  HttpAnswer slow = s.Call("POST", "/recommend", kSameEventsOtherId);
  EXPECT_EQ(slow.status, 200u) << slow.body;
  // The session store falls back to process memory.
  EXPECT_EQ(s.Call("GET", "/sessions/8/embedding").status, 200u);
  redis.Kill();                        // down
  std::this_thread::sleep_for(250ms);  // past the back-off: the next call tries again
  EXPECT_EQ(s.Call("POST", "/recommend", kBody).status, 200u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(s.Call("POST", "/recommend", kBody).status, 200u);
  EXPECT_EQ(s.Call("GET", "/sessions/7/embedding").status, 200u);
  const std::string m = s.Call("GET", "/metrics").body;
  EXPECT_THAT(m, Not(HasSubstr("sessionrec_redis_errors_total 0")));
  EXPECT_THAT(m, Not(HasSubstr("sessionrec_redis_fallbacks_total{use=\"answer_cache\"} 0")));
  EXPECT_THAT(m, Not(HasSubstr("sessionrec_redis_fallbacks_total{use=\"session_store\"} 0")));
  EXPECT_GE(client.errors(), 2u);
  EXPECT_GE(client.skipped(), 1u);
}

}  // namespace
}  // namespace sessionrec
