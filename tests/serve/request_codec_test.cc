#include "serve/request_codec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace sessionrec {
namespace {

using ::testing::HasSubstr;

const RequestLimits kLimits;

// Decodes `body` as /recommend and returns the error message ("" when it is accepted).
std::string RecommendError(const std::string& body, RecommendRequest* out = nullptr) {
  RecommendRequest local;
  Status s = DecodeRecommendRequest(body, kLimits, out ? out : &local);
  if (!s.ok()) {
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  }
  return std::string(s.message());
}

std::string Session(const std::string& extra) {
  return R"({"session_id": 7, "events": [{"aid": 1, "ts": 100, "type": "clicks"}])" + extra + "}";
}

std::string WithEvent(const std::string& event) {
  return R"({"session_id": 7, "events": [)" + event + "]}";
}

TEST(RequestCodec, DecodesTheReadmeExample) {
  RecommendRequest req;
  ASSERT_EQ(RecommendError(R"({
    "session_id": 12345,
    "events": [
      {"aid": 1001, "ts": 1659304800, "type": "clicks"},
      {"aid": 1002, "ts": 1659304900, "type": "carts"}
    ],
    "top_k": 20,
    "weights": {"clicks": 0.1, "carts": 0.3, "orders": 0.6}
  })",
                           &req),
            "");
  EXPECT_EQ(req.session_id, 12345);
  ASSERT_EQ(req.events.size(), 2u);
  EXPECT_EQ(req.events[0], (Event{1001, 1659304800, EventType::kClick}));
  EXPECT_EQ(req.events[1], (Event{1002, 1659304900, EventType::kCart}));
  EXPECT_EQ(req.options.top_k, 20);
  EXPECT_DOUBLE_EQ(req.options.weights.w[0], 0.1);
  EXPECT_DOUBLE_EQ(req.options.weights.w[1], 0.3);
  EXPECT_DOUBLE_EQ(req.options.weights.w[2], 0.6);
  EXPECT_FALSE(req.options.include_seen);
}

TEST(RequestCodec, FillsDefaultsAndPartialWeights) {
  RecommendRequest req;
  ASSERT_EQ(RecommendError(Session(R"(, "weights": {"orders": 2}, "include_seen": true)"), &req),
            "");
  EXPECT_EQ(req.options.top_k, 20);
  EXPECT_DOUBLE_EQ(req.options.weights.w[0], 0.1);
  EXPECT_DOUBLE_EQ(req.options.weights.w[1], 0.3);
  EXPECT_DOUBLE_EQ(req.options.weights.w[2], 2.0);
  EXPECT_TRUE(req.options.include_seen);
  // null means "not given".
  ASSERT_EQ(RecommendError(Session(R"(, "top_k": null, "weights": null)"), &req), "");
  EXPECT_EQ(req.options.top_k, 20);
}

TEST(RequestCodec, SortsEventsStablyAndReadsMilliseconds) {
  RecommendRequest req;
  ASSERT_EQ(RecommendError(R"({"session_id": -3, "events": [
      {"aid": 5, "ts": 1659304800123, "type": "orders"},
      {"aid": 6, "ts": 1659304700, "type": "clicks"},
      {"aid": 7, "ts": 1659304700, "type": "carts"}]})",
                           &req),
            "");
  EXPECT_EQ(req.session_id, -3);
  ASSERT_EQ(req.events.size(), 3u);
  EXPECT_EQ(req.events[0].aid, 6u);
  EXPECT_EQ(req.events[1].aid, 7u);
  EXPECT_EQ(req.events[2], (Event{5, 1659304800, EventType::kOrder}));
}

TEST(RequestCodec, IgnoresUnknownFieldsButValidatesThem) {
  EXPECT_EQ(RecommendError(Session(R"(, "user": {"a": [1, 2.5, "x", null, true]})")), "");
  EXPECT_THAT(RecommendError(Session(R"(, "user": [1, 2,])")), HasSubstr("not valid JSON"));
  EXPECT_THAT(RecommendError(Session(R"(, "user": {"a" 1})")), HasSubstr("not valid JSON"));
  EXPECT_EQ(RecommendError(WithEvent(R"({"aid": 1, "ts": 2, "type": "clicks", "extra": 3})")), "");
}

TEST(RequestCodec, RejectsBodiesThatAreNotJsonObjects) {
  EXPECT_THAT(RecommendError(""), HasSubstr("empty"));
  EXPECT_THAT(RecommendError("   "), HasSubstr("empty"));
  EXPECT_THAT(RecommendError("not json"), HasSubstr("not valid JSON"));
  EXPECT_THAT(RecommendError("[1, 2]"), HasSubstr("must be a JSON object, got an array"));
  EXPECT_THAT(RecommendError("42"), HasSubstr("must be a JSON object"));
  EXPECT_THAT(RecommendError(R"({"session_id": 1, "events": [)"), HasSubstr("not valid JSON"));
  EXPECT_THAT(RecommendError(Session("") + " trailing"), HasSubstr("not valid JSON"));
  EXPECT_THAT(RecommendError(Session("") + "}"), HasSubstr("not valid JSON"));
  EXPECT_EQ(RecommendError(Session("") + " \n"), "");
}

TEST(RequestCodec, RequiresSessionIdAndEvents) {
  EXPECT_EQ(RecommendError(R"({"events": [{"aid": 1, "ts": 1, "type": "clicks"}]})"),
            "session_id: required field missing");
  EXPECT_EQ(RecommendError(R"({"session_id": 1})"), "events: required field missing");
  EXPECT_EQ(RecommendError(R"({"session_id": "1", "events": []})"),
            "session_id: must be an integer, got a string");
  EXPECT_EQ(RecommendError(R"({"session_id": 1.5, "events": []})"),
            "session_id: must be an integer, got a non-integer number");
  EXPECT_THAT(RecommendError(R"({"session_id": 9223372036854775808, "events": []})"),
              HasSubstr("session_id: must be an integer in"));
  EXPECT_EQ(RecommendError(R"({"session_id": 1, "session_id": 2, "events": []})"),
            "session_id: duplicate field");
}

TEST(RequestCodec, BoundsTheNumberOfEvents) {
  EXPECT_EQ(RecommendError(R"({"session_id": 1, "events": []})"),
            "events: must hold 1 to 500 events, got 0");
  EXPECT_EQ(RecommendError(R"({"session_id": 1, "events": {}})"),
            "events: must be an array, got an object");
  std::string events;
  for (int i = 0; i < 501; ++i) {
    events += std::string(i ? "," : "") + R"({"aid": 1, "ts": 1, "type": "clicks"})";
  }
  EXPECT_EQ(RecommendError(WithEvent(events)), "events: must hold 1 to 500 events, got 501");
  const std::string ok = events.substr(events.find("},{") + 2);  // 500 events
  EXPECT_EQ(RecommendError(WithEvent(ok)), "");
}

TEST(RequestCodec, ValidatesEachEventField) {
  EXPECT_EQ(RecommendError(WithEvent(R"({"ts": 1, "type": "clicks"})")),
            "events[0].aid: required field missing");
  EXPECT_EQ(RecommendError(WithEvent(R"({"aid": 1, "type": "clicks"})")),
            "events[0].ts: required field missing");
  EXPECT_EQ(RecommendError(WithEvent(R"({"aid": 1, "ts": 1})")),
            "events[0].type: required field missing");
  EXPECT_EQ(RecommendError(WithEvent(R"({"aid": 1, "ts": 1, "type": "clicks"}, 5)")),
            "events[1]: must be an object, got a number");
  EXPECT_EQ(RecommendError(WithEvent(R"({"aid": -1, "ts": 1, "type": "clicks"})")),
            "events[0].aid: must be an integer >= 0, got -1");
  EXPECT_EQ(RecommendError(WithEvent(R"({"aid": "1", "ts": 1, "type": "clicks"})")),
            "events[0].aid: must be an integer, got a string");
  EXPECT_EQ(RecommendError(WithEvent(R"({"aid": 1.0, "ts": 1, "type": "clicks"})")),
            "events[0].aid: must be an integer, got a non-integer number");
  EXPECT_EQ(
      RecommendError(WithEvent(R"({"aid": 18446744073709551615, "ts": 1, "type": "clicks"})")), "");
  EXPECT_THAT(
      RecommendError(WithEvent(R"({"aid": 18446744073709551616, "ts": 1, "type": "clicks"})")),
      HasSubstr("events[0].aid: must be an integer in"));
  EXPECT_EQ(RecommendError(WithEvent(R"({"aid": 1, "ts": -5, "type": "clicks"})")),
            "events[0].ts: must be an integer >= 0, got -5");
  EXPECT_EQ(RecommendError(WithEvent(R"({"aid": 1, "ts": null, "type": "clicks"})")),
            "events[0].ts: must be an integer, got null");
  EXPECT_EQ(RecommendError(WithEvent(R"({"aid": 1, "ts": 1, "type": "views"})")),
            "events[0].type: must be one of \"clicks\", \"carts\", \"orders\", got \"views\"");
  EXPECT_EQ(RecommendError(WithEvent(R"({"aid": 1, "ts": 1, "type": 0})")),
            "events[0].type: must be a string, got a number");
  EXPECT_EQ(RecommendError(WithEvent(R"({"aid": 1, "aid": 2, "ts": 1, "type": "clicks"})")),
            "events[0].aid: duplicate field");
}

TEST(RequestCodec, ValidatesTopK) {
  EXPECT_EQ(RecommendError(Session(R"(, "top_k": 1)")), "");
  EXPECT_EQ(RecommendError(Session(R"(, "top_k": 1000)")), "");
  EXPECT_EQ(RecommendError(Session(R"(, "top_k": 0)")),
            "top_k: must be an integer in 1..1000, got 0");
  EXPECT_EQ(RecommendError(Session(R"(, "top_k": 1001)")),
            "top_k: must be an integer in 1..1000, got 1001");
  EXPECT_EQ(RecommendError(Session(R"(, "top_k": -1)")),
            "top_k: must be an integer in 1..1000, got -1");
  EXPECT_EQ(RecommendError(Session(R"(, "top_k": "20")")),
            "top_k: must be an integer, got a string");
  EXPECT_EQ(RecommendError(Session(R"(, "top_k": 2.5)")),
            "top_k: must be an integer, got a non-integer number");
}

TEST(RequestCodec, ValidatesWeights) {
  EXPECT_EQ(RecommendError(Session(R"(, "weights": {"clicks": 0, "carts": 0, "orders": 0})")),
            "weights: must not all be 0");
  EXPECT_EQ(RecommendError(Session(R"(, "weights": {"clicks": 0, "carts": 0})")), "");
  EXPECT_EQ(RecommendError(Session(R"(, "weights": {"views": 1})")),
            "weights: unknown key \"views\" (allowed: \"clicks\", \"carts\", \"orders\")");
  EXPECT_EQ(RecommendError(Session(R"(, "weights": {"clicks": -0.5})")),
            "weights.clicks: must be >= 0, got -0.5");
  EXPECT_EQ(RecommendError(Session(R"(, "weights": {"clicks": "1"})")),
            "weights.clicks: must be a number, got a string");
  // simdjson 3.0 rejects doubles beyond range as malformed numbers.
  EXPECT_THAT(RecommendError(Session(R"(, "weights": {"clicks": 1e999})")), HasSubstr("number"));
  EXPECT_EQ(RecommendError(Session(R"(, "weights": [0.1, 0.3, 0.6])")),
            "weights: must be an object, got an array");
  EXPECT_EQ(RecommendError(Session(R"(, "weights": {"carts": 1, "carts": 2})")),
            "weights.carts: duplicate key");
  EXPECT_EQ(RecommendError(Session(R"(, "include_seen": "yes")")),
            "include_seen: must be a boolean, got a string");
}

std::string BatchError(const std::string& body, BatchRequest* out) {
  Status s = DecodeBatchRequest(body, kLimits, out);
  return std::string(s.message());
}

TEST(RequestCodec, BatchKeepsOrderAndCollectsPerSessionErrors) {
  BatchRequest batch;
  ASSERT_EQ(BatchError(R"({"sessions": [
      {"session_id": 1, "events": [{"aid": 1, "ts": 1, "type": "clicks"}], "top_k": 5},
      {"session_id": 2, "events": []},
      {"events": [{"aid": 1, "ts": 1, "type": "bogus"}], "session_id": 3},
      "not a session",
      {"session_id": 4, "events": [{"aid": 9, "ts": 1, "type": "orders"}],
       "weights": {"clicks": 1}, "include_seen": false}
    ], "top_k": 7, "weights": {"orders": 1}, "include_seen": true, "include_scores": true})",
                       &batch),
            "");
  ASSERT_EQ(batch.entries.size(), 5u);
  EXPECT_TRUE(batch.include_scores);
  const BatchEntry& a = batch.entries[0];
  EXPECT_EQ(a.error, "");
  EXPECT_EQ(a.request.session_id, 1);
  EXPECT_EQ(a.request.options.top_k, 5);                  // its own
  EXPECT_DOUBLE_EQ(a.request.options.weights.w[2], 1.0);  // the top level's, given later
  EXPECT_TRUE(a.request.options.include_seen);
  EXPECT_EQ(batch.entries[1].error, "events: must hold 1 to 500 events, got 0");
  EXPECT_EQ(batch.entries[1].session_id, 2);
  // The error comes first in the object, session_id is still reported.
  EXPECT_THAT(batch.entries[2].error, HasSubstr("events[0].type"));
  EXPECT_EQ(batch.entries[2].session_id, 3);
  EXPECT_EQ(batch.entries[3].error, "session must be an object, got a string");
  EXPECT_FALSE(batch.entries[3].session_id.has_value());
  const BatchEntry& e = batch.entries[4];
  EXPECT_EQ(e.error, "");
  EXPECT_EQ(e.request.options.top_k, 7);
  EXPECT_DOUBLE_EQ(e.request.options.weights.w[0], 1.0);  // its own object, defaults for the rest
  EXPECT_DOUBLE_EQ(e.request.options.weights.w[2], 0.6);
  EXPECT_FALSE(e.request.options.include_seen);
}

TEST(RequestCodec, BatchRejectsAMalformedTopLevel) {
  BatchRequest batch;
  EXPECT_EQ(BatchError("{}", &batch), "sessions: required field missing");
  EXPECT_EQ(BatchError(R"({"sessions": {}})", &batch), "sessions: must be an array, got an object");
  EXPECT_THAT(BatchError(R"({"sessions": [)", &batch), HasSubstr("not valid JSON"));
  EXPECT_THAT(BatchError(R"({"sessions": [{"session_id": 1, "events": [}]})", &batch),
              HasSubstr("not valid JSON"));
  EXPECT_EQ(BatchError(R"({"sessions": [], "top_k": 0})", &batch),
            "top_k: must be an integer in 1..1000, got 0");
  EXPECT_EQ(BatchError(R"({"sessions": [], "include_scores": 1})", &batch),
            "include_scores: must be a boolean, got a number");
  EXPECT_EQ(BatchError(R"({"sessions": []})", &batch), "");
  EXPECT_TRUE(batch.entries.empty());
  std::string many = R"({"sessions": [)";
  for (int i = 0; i < 10001; ++i) many += std::string(i ? "," : "") + "{}";
  EXPECT_EQ(BatchError(many + "]}", &batch),
            "sessions: at most 10000 sessions per batch, got 10001");
}

}  // namespace
}  // namespace sessionrec
