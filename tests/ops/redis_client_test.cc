#include "ops/redis_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ops/redis_server.h"

namespace sessionrec {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

TEST(ParseRedisUrl, ReadsEveryPart) {
  StatusOr<RedisOptions> o = ParseRedisUrl("redis://:secret@cache.local:6380/2");
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->host, "cache.local");
  EXPECT_EQ(o->port, 6380);
  EXPECT_EQ(o->password, "secret");
  EXPECT_EQ(o->db, 2);
  StatusOr<RedisOptions> d = ParseRedisUrl("redis://127.0.0.1");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->port, 6379);
  EXPECT_EQ(d->db, 0);
  EXPECT_TRUE(d->password.empty());
}

TEST(ParseRedisUrl, RejectsBadUrlsNamingThePart) {
  EXPECT_THAT(std::string(ParseRedisUrl("http://x").status().message()),
              HasSubstr("must start with redis://"));
  EXPECT_THAT(std::string(ParseRedisUrl("redis://h:99999").status().message()),
              HasSubstr("port \"99999\""));
  EXPECT_THAT(std::string(ParseRedisUrl("redis://h:1/x").status().message()),
              HasSubstr("database \"x\""));
  EXPECT_THAT(std::string(ParseRedisUrl("redis://:6379").status().message()),
              HasSubstr("host is missing"));
}

TEST(RedisClient, GetSetAndPipelinedSetAgainstARealServer) {
  SR_REDIS_OR_SKIP(redis);
  StatusOr<RedisOptions> o = ParseRedisUrl(redis.url());
  ASSERT_TRUE(o.ok());
  o->timeout = 1000ms;
  RedisClient client(*o);
  ASSERT_TRUE(client.Ping().ok());
  StatusOr<std::optional<std::string>> missing = client.Get("absent");
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_FALSE(missing->has_value());
  // Binary values (NUL bytes) round-trip.
  const std::string value("a\0b\xff", 4);
  ASSERT_TRUE(client.SetEx("k", value, 60).ok());
  StatusOr<std::optional<std::string>> got = client.Get("k");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ(**got, value);
  std::vector<std::pair<std::string, std::string>> many = {{"a", "1"}, {"b", "2"}, {"c", "3"}};
  ASSERT_TRUE(client.SetExMany(many, 60).ok());
  EXPECT_EQ(**client.Get("c"), "3");
  EXPECT_EQ(client.errors(), 0u);
}

TEST(RedisClient, TtlExpiresEntries) {
  SR_REDIS_OR_SKIP(redis);
  RedisClient client(*ParseRedisUrl(redis.url()));
  ASSERT_TRUE(client.SetEx("short", "v", 1).ok());
  EXPECT_TRUE(client.Get("short")->has_value());
  std::this_thread::sleep_for(2100ms);
  StatusOr<std::optional<std::string>> gone = client.Get("short");
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
}

TEST(RedisClient, DownServerFailsFastThenBacksOffAndRecovers) {
  SR_REDIS_OR_SKIP(redis);
  RedisOptions o = *ParseRedisUrl(redis.url());
  o.retry_after = 300ms;
  RedisClient client(o);
  ASSERT_TRUE(client.SetEx("k", "v", 60).ok());
  redis.Kill();
  // The pooled connection is dead (and a new one would be refused): an error, counted,
  // and the back-off starts.
  EXPECT_FALSE(client.Get("k").ok());
  EXPECT_EQ(client.errors(), 1u);
  // During the back-off, calls are skipped without touching the network.
  const uint64_t skipped = client.skipped();
  EXPECT_FALSE(client.Get("k").ok());
  EXPECT_THAT(std::string(client.Get("k").status().message()), HasSubstr("skipped"));
  EXPECT_GT(client.skipped(), skipped);
  EXPECT_EQ(client.errors(), 1u);  // skipped calls are not errors
}

TEST(RedisClient, StalledServerTimesOut) {
  SR_REDIS_OR_SKIP(redis);
  RedisOptions o = *ParseRedisUrl(redis.url());
  o.timeout = 100ms;
  o.retry_after = 50ms;
  RedisClient client(o);
  ASSERT_TRUE(client.Ping().ok());
  redis.Pause();  // accepts connections (kernel backlog) but never answers
  StatusOr<std::optional<std::string>> g = client.Get("k");
  EXPECT_FALSE(g.ok());
  EXPECT_THAT(std::string(g.status().message()), HasSubstr("no answer within 100 ms"));
  redis.Resume();
  std::this_thread::sleep_for(100ms);  // past the back-off
  EXPECT_TRUE(client.Ping().ok());     // a fresh connection works again
}

}  // namespace
}  // namespace sessionrec
