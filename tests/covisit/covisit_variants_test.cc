#include "covisit/covisit_variants.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "covisit_test_util.h"

namespace sessionrec {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::MakeStore;
using ::testing::Pair;
using testing::Row;

constexpr EventType kC = EventType::kClick;
constexpr EventType kK = EventType::kCart;
constexpr EventType kO = EventType::kOrder;
constexpr Timestamp kT0 = 1659304800;
constexpr Timestamp kHour = 3600;
constexpr Timestamp kDay = 24 * kHour;
// Aids; the dense index is the order of first appearance in the store (noted per test).
constexpr ItemId A = 10, B = 20, C = 30, D = 40, X = 50;

CovisitMatrix Build(const EventStore& st, CovisitVariant v, const CovisitVariantParams& p = {}) {
  auto m = BuildCovisitVariant(st, v, p);
  EXPECT_TRUE(m.ok()) << m.status();
  return m.ok() ? *std::move(m) : CovisitMatrix();
}

TEST(CovisitVariantsTest, NamesRoundTrip) {
  for (CovisitVariant v : kAllCovisitVariants) {
    EXPECT_EQ(ParseCovisitVariant(CovisitVariantName(v)), v);
  }
  EXPECT_EQ(ParseCovisitVariant("clicks"), std::nullopt);
}

TEST(CovisitVariantsTest, AdjacentCountsConsecutivePairsOncePerSession) {
  // Dense: A0 B1 C2. S1 A B A C: pairs AB BA (twice, once counted) AC CA; S2 B C; S3 A B.
  const EventStore st =
      MakeStore({{{A, kT0, kC}, {B, kT0 + 1, kC}, {A, kT0 + 2, kC}, {C, kT0 + 3, kC}},
                 {{B, kT0, kC}, {C, kT0 + 1, kC}},
                 {{A, kT0, kC}, {B, kT0 + 1, kC}}});
  const CovisitMatrix m = Build(st, CovisitVariant::kAdjacent);
  ASSERT_EQ(m.num_rows(), 3u);
  EXPECT_THAT(Row(m, 0), ElementsAre(Pair(1u, 2.0f), Pair(2u, 1.0f)));
  EXPECT_THAT(Row(m, 1), ElementsAre(Pair(0u, 2.0f), Pair(2u, 1.0f)));
  // C: A (S1) and B (S2) both 1; equal weights by index.
  EXPECT_THAT(Row(m, 2), ElementsAre(Pair(0u, 1.0f), Pair(1u, 1.0f)));
  // S1's A C is not adjacent at positions 0..3 but is at 2..3: already counted above.
}

TEST(CovisitVariantsTest, TailLimitsWhichEventsPair) {
  // Tail of 2 keeps B C only: A (dense 0) pairs with nothing.
  const EventStore st = MakeStore({{{A, kT0, kC}, {B, kT0 + 1, kC}, {C, kT0 + 2, kC}}});
  CovisitVariantParams p;
  p.tail_events = 2;
  const CovisitMatrix m = Build(st, CovisitVariant::kAdjacent, p);
  EXPECT_THAT(Row(m, 0), IsEmpty());
  EXPECT_THAT(Row(m, 1), ElementsAre(Pair(2u, 1.0f)));
  EXPECT_THAT(Row(m, 2), ElementsAre(Pair(1u, 1.0f)));
}

TEST(CovisitVariantsTest, ForwardOnlyWithDistanceWeight) {
  // Dense: A0 B1 C2 D3. S1 A B C: AB 1, AC 1/2, BC 1; nothing backwards.
  // S2 A D, D two days later: outside the 24 h window.
  const EventStore st = MakeStore({{{A, kT0, kC}, {B, kT0 + 10, kC}, {C, kT0 + 20, kC}},
                                   {{A, kT0, kC}, {D, kT0 + 2 * kDay, kC}}});
  const CovisitMatrix m = Build(st, CovisitVariant::kForward);
  EXPECT_THAT(Row(m, 0), ElementsAre(Pair(1u, 1.0f), Pair(2u, 0.5f)));
  EXPECT_THAT(Row(m, 1), ElementsAre(Pair(2u, 1.0f)));
  EXPECT_THAT(Row(m, 2), IsEmpty());
  EXPECT_THAT(Row(m, 3), IsEmpty());
  CovisitVariantParams p;
  p.forward_events = 1;  // A C is two positions apart
  EXPECT_THAT(Row(Build(st, CovisitVariant::kForward, p), 0), ElementsAre(Pair(1u, 1.0f)));
}

TEST(CovisitVariantsTest, TimeDecayHalvesPerHalfLife) {
  // Dense: A0 B1 C2. S1 A click, B cart 1 h later: AB = 6 * 1/2 = 3, BA = 1 * 1/2 = 0.5.
  // S2 A, B clicks 2 h apart: AB = BA = 1/4. S3 A, C 25 h apart: outside the window.
  const EventStore st = MakeStore({{{A, kT0, kC}, {B, kT0 + kHour, kK}},
                                   {{A, kT0, kC}, {B, kT0 + 2 * kHour, kC}},
                                   {{A, kT0, kC}, {C, kT0 + 25 * kHour, kC}}});
  const CovisitMatrix m = Build(st, CovisitVariant::kTimeDecay);
  EXPECT_THAT(Row(m, 0), ElementsAre(Pair(1u, 3.25f)));
  EXPECT_THAT(Row(m, 1), ElementsAre(Pair(0u, 0.75f)));
  EXPECT_THAT(Row(m, 2), IsEmpty());
}

TEST(CovisitVariantsTest, ClickToBuyPairsClicksWithLaterCartsAndOrders) {
  // Dense: A0 B1 C2 D3. A click, B cart, C click, D order: AB 6, AD 3, CD 3. C->B is
  // backwards in time; B and D are not clicks so their rows stay empty.
  const EventStore st =
      MakeStore({{{A, kT0, kC}, {B, kT0 + 10, kK}, {C, kT0 + 20, kC}, {D, kT0 + 30, kO}}});
  const CovisitMatrix m = Build(st, CovisitVariant::kClickToBuy);
  EXPECT_THAT(Row(m, 0), ElementsAre(Pair(1u, 6.0f), Pair(3u, 3.0f)));
  EXPECT_THAT(Row(m, 1), IsEmpty());
  EXPECT_THAT(Row(m, 2), ElementsAre(Pair(3u, 3.0f)));
  EXPECT_THAT(Row(m, 3), IsEmpty());
}

TEST(CovisitVariantsTest, RecentWeekSkipsOldSessions) {
  // Dense: A0 B1 C2. S1 (A, B cart) ends 10 days before the newest event: skipped.
  // S2 A click, C order: AC 3 (order), CA 1 (click).
  const EventStore st = MakeStore(
      {{{A, kT0, kC}, {B, kT0 + 1, kK}}, {{A, kT0 + 10 * kDay, kC}, {C, kT0 + 10 * kDay + 5, kO}}});
  const CovisitMatrix m = Build(st, CovisitVariant::kRecentWeek);
  EXPECT_THAT(Row(m, 0), ElementsAre(Pair(2u, 3.0f)));
  EXPECT_THAT(Row(m, 1), IsEmpty());
  EXPECT_THAT(Row(m, 2), ElementsAre(Pair(0u, 1.0f)));
  CovisitVariantParams p;
  p.recent_seconds = 11 * kDay;  // now S1 counts: AB 6
  EXPECT_THAT(Row(Build(st, CovisitVariant::kRecentWeek, p), 0),
              ElementsAre(Pair(1u, 6.0f), Pair(2u, 3.0f)));
}

TEST(CovisitVariantsTest, Buy2BuyDecayPairsOnlyCartsAndOrders) {
  // Dense: A0 X1 B2 C3. S1 A cart, X click, B order 3 days later: AB = BA = 2^-1 = 0.5; the
  // click X pairs with nothing. S2 A cart, C cart 20 days later: outside the 14-day window.
  const EventStore st = MakeStore({{{A, kT0, kK}, {X, kT0 + 1, kC}, {B, kT0 + 3 * kDay, kO}},
                                   {{A, kT0, kK}, {C, kT0 + 20 * kDay, kK}}});
  const CovisitMatrix m = Build(st, CovisitVariant::kBuy2BuyDecay);
  EXPECT_THAT(Row(m, 0), ElementsAre(Pair(2u, 0.5f)));
  EXPECT_THAT(Row(m, 1), IsEmpty());
  EXPECT_THAT(Row(m, 2), ElementsAre(Pair(0u, 0.5f)));
  EXPECT_THAT(Row(m, 3), IsEmpty());
}

TEST(CovisitVariantsTest, TopKKeepsLowerIndexOnTies) {
  // Dense: A0 B1 C2. A B, A C adjacent once each: row A = B 1, C 1; top 1 keeps B.
  const EventStore st =
      MakeStore({{{A, kT0, kC}, {B, kT0 + 1, kC}}, {{A, kT0, kC}, {C, kT0 + 1, kC}}});
  CovisitVariantParams p;
  p.top_k = 1;
  EXPECT_THAT(Row(Build(st, CovisitVariant::kAdjacent, p), 0), ElementsAre(Pair(1u, 1.0f)));
}

TEST(CovisitVariantsTest, MetaNamesTheVariant) {
  const EventStore st = MakeStore({{{A, kT0, kC}, {B, kT0 + 1, kC}}});
  EXPECT_THAT(Build(st, CovisitVariant::kForward).meta(), HasSubstr("\"matrix\":\"forward\""));
}

TEST(CovisitVariantsTest, BadParamsNameTheField) {
  const EventStore st = MakeStore({{{A, kT0, kC}, {B, kT0 + 1, kC}}});
  CovisitVariantParams p;
  p.top_k = 0;
  auto m = BuildCovisitVariant(st, CovisitVariant::kAdjacent, p);
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("top_k"));
  p = {};
  p.half_life_seconds = -1;
  m = BuildCovisitVariant(st, CovisitVariant::kTimeDecay, p);
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("half_life_seconds"));
}

}  // namespace
}  // namespace sessionrec
