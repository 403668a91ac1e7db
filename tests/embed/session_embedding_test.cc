#include "embed/session_embedding.h"

#include <gtest/gtest.h>

#include <cmath>

#include "embed/embed_test_util.h"
#include "test_util.h"

namespace sessionrec {
namespace {

// v0 = (1, 0), v1 = (0, 1), v2 = (0.6, 0.8); item 3 has no vector.
EmbeddingTable ThreeItems() {
  return EmbeddingTable(2, {10, 11, 12, 13}, {1, 0, 0, 1, 0.6f, 0.8f, 0, 0}, {1, 1, 1, 0});
}

TEST(SessionEmbedding, MatchesHandComputedVector) {
  const EmbeddingTable t = ThreeItems();
  SessionEmbeddingParams p;
  p.half_life_events = 1.0f;  // type weights 1 / 3 / 6
  // Session: item 0 click, item 1 cart, item 2 click (n = 3).
  // w0 = 1 * 2^-2 = 0.25, w1 = 3 * 2^-1 = 1.5, w2 = 1 * 2^0 = 1.
  // e = 0.25 (1,0) + 1.5 (0,1) + (0.6,0.8) = (0.85, 2.3); |e| = sqrt(6.0125) = 2.452040.
  const std::vector<ItemIndex> items = {0, 1, 2};
  const std::vector<uint8_t> types = {0, 1, 0};
  std::vector<float> out(2);
  ASSERT_TRUE(ComputeSessionEmbedding(t, items, types, p, out));
  EXPECT_NEAR(out[0], 0.346651f, 1e-5);
  EXPECT_NEAR(out[1], 0.937994f, 1e-5);
}

TEST(SessionEmbedding, ItemsWithoutVectorCountInRecencyOnly) {
  const EmbeddingTable t = ThreeItems();
  SessionEmbeddingParams p;
  p.half_life_events = 1.0f;
  // item 0 order, then an unknown item and an item without vector: n = 3, only i = 0 adds.
  const std::vector<ItemIndex> items = {0, kNoItem, 3};
  const std::vector<uint8_t> types = {2, 0, 0};
  std::vector<float> out(2);
  ASSERT_TRUE(ComputeSessionEmbedding(t, items, types, p, out));
  EXPECT_FLOAT_EQ(out[0], 1.0f);
  EXPECT_FLOAT_EQ(out[1], 0.0f);
  // Orders outweigh a later click: order on 0 (w = 6 * 2^-1 = 3) then click on 1 (w = 1).
  const std::vector<ItemIndex> items2 = {0, 1};
  const std::vector<uint8_t> types2 = {2, 0};
  ASSERT_TRUE(ComputeSessionEmbedding(t, items2, types2, p, out));
  EXPECT_NEAR(out[0], 3 / std::sqrt(10.0f), 1e-6);
  EXPECT_NEAR(out[1], 1 / std::sqrt(10.0f), 1e-6);
}

TEST(SessionEmbedding, AbsentWhenNoItemHasVector) {
  const EmbeddingTable t = ThreeItems();
  const std::vector<ItemIndex> items = {3, kNoItem};
  const std::vector<uint8_t> types = {0, 0};
  std::vector<float> out = {5, 5};
  EXPECT_FALSE(ComputeSessionEmbedding(t, items, types, {}, out));
  EXPECT_EQ(out[0], 0.0f);
  EXPECT_FALSE(ComputeSessionEmbedding(t, {}, {}, {}, out));
}

EventStore FourSessions() {
  EventStoreBuilder b;
  // aids 10..13 map to dense 0..3 in order of first appearance.
  const std::vector<Event> s0 = {{10, 1000, EventType::kClick}, {11, 1001, EventType::kCart}};
  const std::vector<Event> s1 = {{12, 2000, EventType::kClick}};
  const std::vector<Event> s2 = {{13, 100000, EventType::kClick}};  // dense 3: no vector
  const std::vector<Event> s3 = {{11, 300000, EventType::kOrder}, {12, 300001, EventType::kClick}};
  SR_CHECK(b.AddSession(40, s0).ok());
  SR_CHECK(b.AddSession(7, s1).ok());
  SR_CHECK(b.AddSession(-3, s2).ok());
  SR_CHECK(b.AddSession(12, s3).ok());
  return b.Finish();
}

TEST(SessionEmbeddingStore, BuildsSortedAndRoundTrips) {
  const EmbeddingTable t = ThreeItems();
  const EventStore store = FourSessions();
  EmbedParams p;
  p.threads = 2;
  auto st = SessionEmbeddingStore::Build(store, t, p);
  ASSERT_TRUE(st.ok()) << st.status();
  ASSERT_EQ(st->size(), 3u);  // session -3 has no vector
  EXPECT_EQ(st->session_ids()[0], 7);
  EXPECT_EQ(st->session_ids()[1], 12);
  EXPECT_EQ(st->session_ids()[2], 40);
  const auto dir = testing::TempDir("sessemb");
  const std::string path = (dir / "s.bin").string();
  ASSERT_TRUE(st->Save(path).ok());
  auto r = SessionEmbeddingStore::Open(path);
  ASSERT_TRUE(r.ok()) << r.status();
  std::vector<float> got(2), want(2);
  for (size_t s = 0; s < store.num_sessions(); ++s) {
    const SessionView v = store.session(s);
    const bool has = ComputeSessionEmbedding(t, v.items, v.types, p.session, want);
    ASSERT_EQ(r->Lookup(v.id, got), has) << v.id;
    if (!has) continue;
    EXPECT_EQ(got, want);
    ASSERT_EQ(r->FloatRow(v.id).size(), 2u);
    EXPECT_EQ(r->FloatRow(v.id)[1], want[1]);
  }
  EXPECT_FALSE(r->Lookup(999, got));
  EXPECT_TRUE(r->FloatRow(999).empty());
}

TEST(SessionEmbeddingStore, Int8RowsStayCloseAndLastDaysFilters) {
  const EmbeddingTable t = testing::RandomTable(30, 32, 5);
  EventStoreBuilder b;
  for (int s = 0; s < 20; ++s) {
    std::vector<Event> ev;
    for (int i = 0; i < 4; ++i)
      ev.push_back({ItemId(100 + (s * 7 + i * 3) % 30), s * 86400 + i, EventType::kClick});
    SR_CHECK(b.AddSession(s, ev).ok());
  }
  // Re-index the table to the store's item order through aids.
  const EventStore store = b.Finish();
  std::vector<float> rows;
  for (ItemId aid : store.item_ids()) {
    auto row = t.Row(static_cast<ItemIndex>(aid - 100));
    rows.insert(rows.end(), row.begin(), row.end());
  }
  const EmbeddingTable aligned(32, {store.item_ids().begin(), store.item_ids().end()}, rows,
                               std::vector<uint8_t>(store.num_items(), 1));
  EmbedParams p;
  p.store.encoding = RowEncoding::kInt8;
  auto q = SessionEmbeddingStore::Build(store, aligned, p);
  ASSERT_TRUE(q.ok()) << q.status();
  ASSERT_EQ(q->size(), 20u);
  const auto dir = testing::TempDir("sessemb_i8");
  ASSERT_TRUE(q->Save((dir / "q.bin").string()).ok());
  auto r = SessionEmbeddingStore::Open((dir / "q.bin").string());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->encoding(), RowEncoding::kInt8);
  EXPECT_TRUE(r->FloatRow(3).empty());
  std::vector<float> got(32), want(32);
  for (size_t s = 0; s < store.num_sessions(); ++s) {
    const SessionView v = store.session(s);
    ASSERT_TRUE(ComputeSessionEmbedding(aligned, v.items, v.types, p.session, want));
    ASSERT_TRUE(r->Lookup(v.id, got));
    EXPECT_GT(Dot(got, want), 0.999f);
    EXPECT_NEAR(Dot(got, got), 1.0f, 1e-5);
  }
  p.store.last_days = 3;  // newest session ends on day 19: keep days 16..19
  auto recent = SessionEmbeddingStore::Build(store, aligned, p);
  ASSERT_TRUE(recent.ok());
  ASSERT_EQ(recent->size(), 4u);
  EXPECT_EQ(recent->session_ids()[0], 16);
}

TEST(SessionEmbeddingStore, RejectsCorruptAndUnsortedFiles) {
  const EmbeddingTable t = ThreeItems();
  auto st = SessionEmbeddingStore::Build(FourSessions(), t, {});
  ASSERT_TRUE(st.ok());
  const auto dir = testing::TempDir("sessemb_bad");
  const std::string path = (dir / "s.bin").string();
  ASSERT_TRUE(st->Save(path).ok());
  std::string bytes = testing::ReadFile(path);
  bytes[bytes.size() - 20] ^= 0x10;
  testing::WriteFile(path, bytes);
  EXPECT_FALSE(SessionEmbeddingStore::Open(path).ok());

  const std::vector<uint32_t> shape = {2, 2, 0};
  const std::vector<SessionId> ids = {5, 5};
  const std::vector<float> vec = {1, 0, 0, 1};
  ArtifactWriter w(kSessionEmbedKind, kSessionEmbedVersion);
  w.Add("shape", shape);
  w.Add("session_ids", ids);
  w.Add("vectors", vec);
  w.AddText("meta", "{}");
  ASSERT_TRUE(w.Write(path).ok());
  auto r = SessionEmbeddingStore::Open(path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string(r.status().message()).find("ascending"), std::string::npos);
}

}  // namespace
}  // namespace sessionrec
