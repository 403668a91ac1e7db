#include "ops/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sessionrec {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(Metrics, SerializesEveryFamilyInPrometheusTextFormat) {
  Metrics m({"recommend", "health", "other"});
  m.ObserveRequest(0, 200, 0.0003);
  m.ObserveRequest(0, 200, 0.002);
  m.ObserveRequest(0, 400, 0.0001);
  m.ObserveRequest(7, 404, 0.0001);  // out of range: the last endpoint
  m.ObserveBatchSize(1000);
  m.CacheHit(CacheTier::kLocal);
  m.CacheHit(CacheTier::kRedis);
  m.CacheHit(CacheTier::kRedis);
  m.CacheMiss();
  m.RedisFallback(RedisUse::kSessionStore);
  m.SetRedisTotals(3, 5);
  m.SetRedisTotals(4, 5);  // totals, not increments
  m.ModelLoaded("v1", "/m", 0.5);
  m.ModelLoaded("v2", "/m", 0.25);
  m.ReloadFinished(true);
  m.ReloadFinished(false);
  const std::string text = m.Serialize();
  EXPECT_THAT(text, HasSubstr("# TYPE sessionrec_http_requests_total counter"));
  EXPECT_THAT(text,
              HasSubstr("sessionrec_http_requests_total{endpoint=\"recommend\",status=\"200\"} 2"));
  EXPECT_THAT(text,
              HasSubstr("sessionrec_http_requests_total{endpoint=\"recommend\",status=\"400\"} 1"));
  EXPECT_THAT(text,
              HasSubstr("sessionrec_http_requests_total{endpoint=\"other\",status=\"404\"} 1"));
  EXPECT_THAT(text, HasSubstr("# TYPE sessionrec_http_request_duration_seconds histogram"));
  EXPECT_THAT(text, HasSubstr("sessionrec_http_request_duration_seconds_bucket{endpoint="
                              "\"recommend\",le=\"0.0005\"} 2"));
  EXPECT_THAT(text, HasSubstr("sessionrec_http_request_duration_seconds_count{endpoint="
                              "\"recommend\"} 3"));
  EXPECT_THAT(text, HasSubstr("sessionrec_batch_sessions_bucket{le=\"500\"} 0"));
  EXPECT_THAT(text, HasSubstr("sessionrec_batch_sessions_bucket{le=\"1000\"} 1"));
  EXPECT_THAT(text, HasSubstr("sessionrec_answer_cache_hits_total{tier=\"redis\"} 2"));
  EXPECT_THAT(text, HasSubstr("sessionrec_answer_cache_hits_total{tier=\"local\"} 1"));
  EXPECT_THAT(text, HasSubstr("sessionrec_answer_cache_misses_total 1"));
  EXPECT_THAT(text, HasSubstr("sessionrec_redis_errors_total 4"));
  EXPECT_THAT(text, HasSubstr("sessionrec_redis_skipped_total 5"));
  EXPECT_THAT(text, HasSubstr("sessionrec_redis_fallbacks_total{use=\"session_store\"} 1"));
  // Only the live model's info series remains.
  EXPECT_THAT(text, HasSubstr("sessionrec_model_info{dir=\"/m\",version=\"v2\"} 1"));
  EXPECT_THAT(text, Not(HasSubstr("version=\"v1\"")));
  EXPECT_THAT(text, HasSubstr("sessionrec_model_load_seconds 0.25"));
  EXPECT_THAT(text, HasSubstr("sessionrec_model_reloads_total{result=\"failed\"} 1"));
}

}  // namespace
}  // namespace sessionrec
