#include "covisit/session_tails.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "covisit_test_util.h"

namespace sessionrec {
namespace {

using ::testing::ElementsAre;
using testing::MakeStore;

constexpr EventType kC = EventType::kClick;
constexpr EventType kK = EventType::kCart;
constexpr EventType kO = EventType::kOrder;

std::vector<ItemIndex> TailItems(const SessionTails& t, size_t s) {
  std::vector<ItemIndex> out;
  for (const TailEvent& e : t.tail(s)) out.push_back(e.item());
  return out;
}

// The sessions whose tails TailsWithItem(x) refers to, found by comparing spans.
std::vector<size_t> Sessions(const SessionTails& t, ItemIndex x) {
  std::vector<size_t> out;
  for (TailRef r : t.TailsWithItem(x)) {
    for (size_t s = 0; s < t.num_sessions(); ++s) {
      if (!t.tail(s).empty() && t.tail(s).data() == t.tail(r).data() &&
          t.tail(s).size() == r.size()) {
        out.push_back(s);
      }
    }
  }
  return out;
}

TEST(SessionTails, PacksItemAndType) {
  const EventStore st = MakeStore({{{7, 5, kO}, {8, 6, kK}}});
  auto t = SessionTails::Build(st, 30, 0b111, 1);
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->tail(0).size(), 2u);
  EXPECT_EQ(t->tail(0)[0].item(), 1u);
  EXPECT_EQ(t->tail(0)[0].type(), static_cast<uint8_t>(kK));
  EXPECT_EQ(t->tail(0)[0].ts, 6u);
  EXPECT_EQ(t->tail(0)[1].type(), static_cast<uint8_t>(kO));
  EXPECT_FALSE(SessionTails::Build(st, SessionTails::kMaxTailEvents + 1, 0b111, 1).ok());
}

TEST(SessionTails, OrdersByTimeDescendingWithStoreOrderOnTies) {
  // aids 1..5 -> indices 0..4. ts: 10, 20, 20, 20, 30.
  const EventStore st =
      MakeStore({{{1, 10, kC}, {2, 20, kC}, {3, 20, kK}, {4, 20, kC}, {5, 30, kO}}});
  auto t = SessionTails::Build(st, 30, 0b111, 1);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_THAT(TailItems(*t, 0), ElementsAre(4, 1, 2, 3, 0));
  auto three = SessionTails::Build(st, 3, 0b111, 1);
  ASSERT_TRUE(three.ok());
  EXPECT_THAT(TailItems(*three, 0), ElementsAre(4, 1, 2)) << "the tie group is cut in order";
  auto buys = SessionTails::Build(st, 30, 0b110, 1);
  ASSERT_TRUE(buys.ok());
  EXPECT_THAT(TailItems(*buys, 0), ElementsAre(4, 2));
}

TEST(SessionTails, UnsortedSessionIsStableSorted) {
  // The builder does not sort; the tail does what the notebook's stable sort does.
  const EventStore st = MakeStore({{{1, 50, kC}, {2, 10, kC}, {3, 50, kC}, {4, 60, kC}}});
  auto t = SessionTails::Build(st, 3, 0b111, 1);
  ASSERT_TRUE(t.ok());
  EXPECT_THAT(TailItems(*t, 0), ElementsAre(3, 0, 2));
}

TEST(SessionTails, IndexListsSessionsOnceAndSkipsPairlessTails) {
  const EventStore st = MakeStore({
      {{1, 1, kC}, {2, 2, kC}, {1, 3, kC}},  // items 0, 1
      {{2, 1, kC}, {2, 2, kC}},              // only item 1: no pair, empty tail
      {{3, 1, kC}, {1, 2, kC}},              // items 2, 0
  });
  for (int threads : {1, 2}) {
    auto t = SessionTails::Build(st, 30, 0b111, threads);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->num_tail_events(), 5u);
    EXPECT_TRUE(t->tail(1).empty());
    EXPECT_EQ(Sessions(*t, 0), (std::vector<size_t>{0, 2}));
    EXPECT_EQ(Sessions(*t, 1), (std::vector<size_t>{0}));
    EXPECT_EQ(Sessions(*t, 2), (std::vector<size_t>{2}));
  }
  EXPECT_FALSE(SessionTails::Build(st, 0, 0b111, 1).ok());
}

}  // namespace
}  // namespace sessionrec
