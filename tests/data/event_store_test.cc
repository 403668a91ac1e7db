#include "data/event_store.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

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

// The builder indexes aids in batches (ResolvePending); across batch boundaries, Append and
// a failed AddSession every index must still be the order of first appearance.
TEST(EventStore, IndicesFollowFirstAppearanceAcrossBatchesAndAppend) {
  // 3 sessions x 700 events: aid of event k of session s is (s * 500 + k) % 1200 + 1 with a
  // few big (hash-map) aids, so the batches of 1,024 cut through sessions and repeats.
  auto session = [](int s) {
    std::vector<Event> ev;
    for (int k = 0; k < 700; ++k) {
      const ItemId aid = k % 97 == 0 ? (ItemId{1} << 50) + static_cast<ItemId>(k)
                                     : static_cast<ItemId>((s * 500 + k) % 1200 + 1);
      ev.push_back({aid, 1000 + k, EventType::kClick});
    }
    return ev;
  };
  EventStoreBuilder whole;
  for (int s = 0; s < 3; ++s) ASSERT_TRUE(whole.AddSession(s, session(s)).ok());
  EXPECT_FALSE(whole.AddSession(9, std::vector<Event>{{5, -1, EventType::kClick}}).ok());
  EventStoreBuilder first, second;
  ASSERT_TRUE(first.AddSession(0, session(0)).ok());
  ASSERT_TRUE(second.AddSession(1, session(1)).ok());
  ASSERT_TRUE(second.AddSession(2, session(2)).ok());
  first.Append(std::move(second));
  const EventStore a = whole.Finish();
  const EventStore b = first.Finish();
  // Expected: a plain first-appearance map over all events in order.
  std::vector<ItemId> order;
  std::map<ItemId, ItemIndex> index;
  std::vector<ItemIndex> expected;
  for (int s = 0; s < 3; ++s) {
    for (const Event& e : session(s)) {
      auto [it, added] = index.emplace(e.aid, static_cast<ItemIndex>(order.size()));
      if (added) order.push_back(e.aid);
      expected.push_back(it->second);
    }
  }
  for (const EventStore* st : {&a, &b}) {
    ASSERT_EQ(st->num_sessions(), 3u);
    ASSERT_EQ(st->num_events(), expected.size());
    ASSERT_EQ(st->num_items(), order.size());
    std::vector<ItemIndex> got;
    for (size_t s = 0; s < 3; ++s) {
      const SessionView v = st->session(s);
      got.insert(got.end(), v.items.begin(), v.items.end());
    }
    EXPECT_EQ(got, expected);
    for (size_t i = 0; i < order.size(); ++i) ASSERT_EQ(st->item_id(i), order[i]);
    EXPECT_EQ(st->ToSession(2), (Session{2, session(2)}));
  }
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
