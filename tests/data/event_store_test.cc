#include "data/event_store.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace sessionrec {
namespace {

TEST(EventStore, BuildsDenseIndexAndRoundTrips) {
  EventStoreBuilder b;
  std::vector<Event> s1 = {{100, 10, EventType::kClick}, {200, 11, EventType::kCart}};
  std::vector<Event> s2 = {{200, 20, EventType::kClick},
                           {300, 21, EventType::kOrder},
                           {1ull << 40, 22, EventType::kClick}};
  ASSERT_TRUE(b.AddSession(7, s1).ok());
  ASSERT_TRUE(b.AddSession(-3, s2).ok());
  EventStore st = b.Finish();
  EXPECT_EQ(st.num_sessions(), 2u);
  EXPECT_EQ(st.num_events(), 5u);
  EXPECT_EQ(st.num_items(), 4u);
  EXPECT_EQ(st.session(1).items[0], 1u) << "aid 200 keeps the index of its first appearance";

  auto dir = testing::TempDir("event_store");
  std::string path = (dir / "events.bin").string();
  ASSERT_TRUE(st.Save(path).ok());
  auto back = EventStore::Open(path);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->ToSession(0), (Session{7, s1}));
  EXPECT_EQ(back->ToSession(1), (Session{-3, s2}));
}

TEST(EventStore, RejectsTimestampsOutside32Bits) {
  EventStoreBuilder b;
  std::vector<Event> bad = {{1, -5, EventType::kClick}};
  EXPECT_FALSE(b.AddSession(1, bad).ok());
  std::vector<Event> huge = {{1, 1LL << 33, EventType::kClick}};
  EXPECT_FALSE(b.AddSession(1, huge).ok());
}

}  // namespace
}  // namespace sessionrec
