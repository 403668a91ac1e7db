#include "covisit/covisit_builder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>

#include "covisit_test_util.h"

namespace sessionrec {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::MakeStore;
using ::testing::Pair;
using testing::Row;
using testing::Rows;

constexpr EventType kC = EventType::kClick;
constexpr EventType kK = EventType::kCart;
constexpr EventType kO = EventType::kOrder;
constexpr Timestamp kT0 = 1659304800;  // OTTO's first second
constexpr Timestamp kHour = 3600;
constexpr Timestamp kDay = 24 * kHour;
Timestamp H(int64_t hours) { return kT0 + hours * kHour; }

// Three sessions over items A, B, C, D (aids 10..40; dense indices 0..3 by first appearance).
// Times are hours after ts_min = H(0); ts_max = H(384) (16 days), so the clicks weight is
// 1 + 3 * (h * 3600) / (384 * 3600) = 1 + h / 128, exact in float.
constexpr ItemId A = 10, B = 20, C = 30, D = 40;
constexpr ItemIndex iA = 0, iB = 1, iC = 2, iD = 3;
EventStore ThreeSessions() {
  return MakeStore({
      // S1. Tail order (ts desc): C@25 order, A@2 cart, B@1 click, A@0 click.
      {{A, H(0), kC}, {B, H(1), kC}, {A, H(2), kK}, {C, H(25), kO}},
      // S2. Tail order: D@366, B@30 cart, B@24 click, C@24 cart (equal ts: store order).
      {{B, H(24), kC}, {C, H(24), kK}, {B, H(30), kK}, {D, H(366), kO}},
      // S3. Tail order: D@384 click, B@211 click, C@210 click, D@200 cart, A@100 order.
      {{A, H(100), kO}, {D, H(200), kK}, {C, H(210), kC}, {B, H(211), kC}, {D, H(384), kC}},
  });
}

// Pairs (|dt| < 24 h, aid_x != aid_y), the first (x, y) in tail order per session; weight
// clicks = 1 + h_x/128, carts_orders = type weight of y (click 1, cart 6, order 3):
//   S1: x=C@25: (C,A) via A@2 (23 h)             clicks 1+25/128=1.1953125  co 6 (cart)
//             (C,B@1 is 24 h exactly: no pair; C-A@0 25 h: no)
//       x=A@2:  (A,C) 23 h                       clicks 1+2/128 =1.015625   co 3 (order)
//               (A,B) via B@1                    clicks 1.015625            co 1 (click)
//       x=B@1:  (B,A) via A@2 first              clicks 1+1/128 =1.0078125  co 6 (A@2 cart)
//       x=A@0:  (A,B) again: dropped (A@2 came first, so ts_x = h2, not h0)
//   S2: x=D@366: nothing within 24 h
//       x=B@30: (B,C) via C@24 (6 h)             clicks 1+30/128=1.234375   co 6 (cart)
//       x=B@24: (B,C) again: dropped
//       x=C@24: (C,B) via B@30 first             clicks 1+24/128=1.1875     co 6 (B@30 cart)
//   S3: x=D@384: nothing within 24 h (B@211 is 173 h back)
//       x=B@211: (B,C) 1 h, (B,D) via D@200 11 h clicks 1+211/128=2.6484375 co 1, 6
//       x=C@210: (C,B), (C,D) via D@200          clicks 1+210/128=2.640625  co 1, 6
//       x=D@200: (D,B), (D,C)                    clicks 1+200/128=2.5625    co 1, 1
//       x=A@100: nothing (D@200 is 100 h away)
TEST(BuildCovisit, HandComputedThreeSessions) {
  const EventStore st = ThreeSessions();
  auto m = BuildAllCovisit(st, CovisitParams{});
  ASSERT_TRUE(m.ok()) << m.status();

  const CovisitMatrix& clicks = m->clicks;
  ASSERT_EQ(clicks.num_rows(), 4u);
  // Row A: B 1.015625 (S1), C 1.015625 (S1): equal weights, so index order B(1) < C(2).
  EXPECT_THAT(Row(clicks, iA), ElementsAre(Pair(iB, 1.015625f), Pair(iC, 1.015625f)));
  // Row B: C 1.234375 + 2.6484375 = 3.8828125; D 2.6484375; A 1.0078125.
  EXPECT_THAT(Row(clicks, iB),
              ElementsAre(Pair(iC, 3.8828125f), Pair(iD, 2.6484375f), Pair(iA, 1.0078125f)));
  // Row C: B 1.1875 + 2.640625 = 3.828125; D 2.640625; A 1.1953125.
  EXPECT_THAT(Row(clicks, iC),
              ElementsAre(Pair(iB, 3.828125f), Pair(iD, 2.640625f), Pair(iA, 1.1953125f)));
  // Row D: B 2.5625, C 2.5625 (tie: index order).
  EXPECT_THAT(Row(clicks, iD), ElementsAre(Pair(iB, 2.5625f), Pair(iC, 2.5625f)));

  const CovisitMatrix& co = m->carts_orders;
  // Row A: C 3 (order), B 1 (click).
  EXPECT_THAT(Row(co, iA), ElementsAre(Pair(iC, 3.0f), Pair(iB, 1.0f)));
  // Row B: C 6 (S2) + 1 (S3) = 7; A 6 (S1, A@2 cart); D 6 (S3); A before D on the tie.
  EXPECT_THAT(Row(co, iB), ElementsAre(Pair(iC, 7.0f), Pair(iA, 6.0f), Pair(iD, 6.0f)));
  // Row C: B 6 (S2) + 1 (S3) = 7; A 6 (S1); D 6 (S3).
  EXPECT_THAT(Row(co, iC), ElementsAre(Pair(iB, 7.0f), Pair(iA, 6.0f), Pair(iD, 6.0f)));
  // Row D: B 1, C 1.
  EXPECT_THAT(Row(co, iD), ElementsAre(Pair(iB, 1.0f), Pair(iC, 1.0f)));

  // buy2buy: carts and orders only, |dt| < 14 days, weight 1.
  //   S1: C@25 order, A@2 cart (23 h)   -> (C,A), (A,C)
  //   S2: D@366 order, B@30 cart, C@24 cart: D-B is 336 h = 14 days exactly: no pair;
  //       D-C 342 h: no; B-C 6 h -> (B,C), (C,B)
  //   S3: D@200 cart, A@100 order (100 h > 24 h, but < 14 days) -> (D,A), (A,D)
  const CovisitMatrix& b2b = m->buy2buy;
  EXPECT_THAT(Row(b2b, iA), ElementsAre(Pair(iC, 1.0f), Pair(iD, 1.0f)));
  EXPECT_THAT(Row(b2b, iB), ElementsAre(Pair(iC, 1.0f)));
  EXPECT_THAT(Row(b2b, iC), ElementsAre(Pair(iA, 1.0f), Pair(iB, 1.0f)));
  EXPECT_THAT(Row(b2b, iD), ElementsAre(Pair(iA, 1.0f)));

  EXPECT_THAT(clicks.meta(), HasSubstr(R"("matrix":"clicks")"));
  EXPECT_THAT(clicks.meta(), HasSubstr(R"("ts_min":1659304800,"ts_max":1660687200)"));
  EXPECT_THAT(b2b.meta(), HasSubstr(R"("entries":6)"));
}

TEST(BuildCovisit, SingleKindEqualsBuildAll) {
  const EventStore st = ThreeSessions();
  auto all = BuildAllCovisit(st, CovisitParams{});
  ASSERT_TRUE(all.ok()) << all.status();
  for (CovisitKind k : kAllCovisitKinds) {
    auto one = BuildCovisit(st, k, CovisitParams{});
    ASSERT_TRUE(one.ok()) << one.status();
    EXPECT_EQ(Rows(*one), Rows(all->Get(k))) << CovisitKindName(k);
    EXPECT_EQ(one->meta(), all->Get(k).meta());
  }
}

TEST(BuildCovisit, ExplicitTimeRangeGivesNotebookWeights) {
  // With the notebook's constants, a pair at ts_x = 1659304800 + 3024000 weighs
  // 1 + 3 * 3024000 / (1662328791 - 1659304800) = 1 + 9072000 / 3023991, rounded to float.
  const EventStore st =
      MakeStore({{{A, kT0 + 3024000, kC}, {B, kT0 + 3024000 + 5, kC}}, {{C, kT0 + 100, kC}}});
  CovisitParams p;
  p.ts_min = 1659304800;
  p.ts_max = 1662328791;
  auto m = BuildCovisit(st, CovisitKind::kClicks, p);
  ASSERT_TRUE(m.ok()) << m.status();
  const float want = static_cast<float>(1.0 + 3.0 * 3024000.0 / 3023991.0);
  EXPECT_THAT(Row(*m, 0), ElementsAre(Pair(1u, want)));
}

TEST(BuildCovisit, WindowsAreStrict) {
  const EventStore st = MakeStore({
      {{1, kT0, kC}, {2, kT0 + kDay - 1, kC}},       // 23:59:59 apart: a clicks pair
      {{3, kT0, kC}, {4, kT0 + kDay, kC}},           // 24 h apart: none
      {{5, kT0, kK}, {6, kT0 + 14 * kDay - 1, kO}},  // buy2buy pair, no clicks pair
      {{7, kT0, kK}, {8, kT0 + 14 * kDay, kK}},      // 14 days apart: none
  });
  auto m = BuildAllCovisit(st, CovisitParams{});
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->clicks.Neighbors(0).size(), 1u);
  EXPECT_EQ(m->carts_orders.Neighbors(1).size(), 1u);
  for (ItemIndex r = 2; r < 8; ++r) {
    EXPECT_TRUE(m->clicks.Neighbors(r).empty()) << r;
    EXPECT_TRUE(m->carts_orders.Neighbors(r).empty()) << r;
  }
  EXPECT_THAT(Row(m->buy2buy, 4), ElementsAre(Pair(5u, 1.0f)));
  EXPECT_THAT(Row(m->buy2buy, 5), ElementsAre(Pair(4u, 1.0f)));
  EXPECT_TRUE(m->buy2buy.Neighbors(6).empty());
  EXPECT_TRUE(m->buy2buy.Neighbors(7).empty());

  CovisitParams wide;
  wide.window_seconds = kDay + 1;
  auto w = BuildCovisit(st, CovisitKind::kClicks, wide);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->Neighbors(2).size(), 1u) << "a wider window takes the 24 h pair";
}

TEST(BuildCovisit, OnlyTheLast30EventsPair) {
  // 31 events: X and Z share the oldest timestamp, then 29 views of Y. The stable
  // descending sort puts X (earlier in the store) before Z, so the 30-event tail is the 29
  // Y events and X; Z is left out.
  constexpr ItemId X = 1, Z = 2, Y = 3;
  std::vector<Event> s = {{X, kT0, kC}, {Z, kT0, kC}};
  for (int i = 1; i <= 29; ++i) s.push_back({Y, kT0 + i, kC});
  auto m = BuildAllCovisit(MakeStore({s}), CovisitParams{});
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_THAT(Row(m->carts_orders, 0), ElementsAre(Pair(2u, 1.0f)));  // X -> Y
  EXPECT_TRUE(m->carts_orders.Neighbors(1).empty()) << "Z is the 31st most recent";
  EXPECT_THAT(Row(m->carts_orders, 2), ElementsAre(Pair(0u, 1.0f)));  // Y -> X only

  // buy2buy counts the last 30 carts/orders, however many clicks lie between them.
  std::vector<Event> b = {{X, kT0, kK}};
  for (int i = 1; i <= 40; ++i) b.push_back({Y, kT0 + i, kC});
  b.push_back({Z, kT0 + 100, kO});
  auto bb = BuildCovisit(MakeStore({b}), CovisitKind::kBuy2Buy, CovisitParams{});
  ASSERT_TRUE(bb.ok());
  EXPECT_THAT(Row(*bb, 0), ElementsAre(Pair(2u, 1.0f)));

  CovisitParams shorter;
  shorter.tail_events = 10;
  auto sh = BuildCovisit(MakeStore({s}), CovisitKind::kCartsOrders, shorter);
  ASSERT_TRUE(sh.ok());
  EXPECT_EQ(sh->num_entries(), 0u) << "the last 10 events are all Y";
}

TEST(BuildCovisit, KeepsTopKWithIndexTieBreak) {
  // Item X pairs with N_k in k sessions (k = 1..25), so row X's carts_orders weights are
  // 1..25. M pairs with X in 11 sessions too and appears before every N_k, so M has the
  // smaller index although its aid is larger: on the tie at 11 with N_11, M is kept.
  constexpr ItemId X = 5000, M = 9000;
  std::vector<std::vector<Event>> sessions;
  for (int i = 0; i < 11; ++i) sessions.push_back({{X, kT0, kC}, {M, kT0 + 1, kC}});
  for (int k = 1; k <= 25; ++k) {
    for (int i = 0; i < k; ++i) {
      sessions.push_back({{X, kT0, kC}, {static_cast<ItemId>(100 + k), kT0 + 1, kC}});
    }
  }
  const EventStore st = MakeStore(sessions);  // indices: X 0, M 1, N_k k+1
  auto m = BuildAllCovisit(st, CovisitParams{});
  ASSERT_TRUE(m.ok()) << m.status();
  auto row = Row(m->carts_orders, 0);
  ASSERT_EQ(row.size(), 15u);
  for (int i = 0; i < 14; ++i) {
    EXPECT_EQ(row[i], std::make_pair(static_cast<ItemIndex>(25 - i + 1), 25.0f - i)) << i;
  }
  EXPECT_EQ(row[14], std::make_pair(ItemIndex{1}, 11.0f)) << "M wins the tie on its index";
  EXPECT_EQ(m->clicks.Neighbors(0).size(), 20u);
  EXPECT_THAT(Row(m->carts_orders, 1), ElementsAre(Pair(0u, 11.0f)));

  CovisitParams p;
  p.clicks_top_k = 3;
  auto small = BuildCovisit(st, CovisitKind::kClicks, p);
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(small->Neighbors(0).size(), 3u);
  EXPECT_EQ(small->Neighbors(0)[0], 26u);
}

TEST(BuildCovisit, EmptyAndPairlessInputs) {
  auto empty = BuildAllCovisit(EventStore{}, CovisitParams{});
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->clicks.num_rows(), 0u);
  const EventStore st = MakeStore({{{A, kT0, kC}}, {{B, kT0, kC}, {B, kT0 + 1, kK}}});
  auto m = BuildAllCovisit(st, CovisitParams{});
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->clicks.num_rows(), 2u);
  EXPECT_EQ(m->clicks.num_entries() + m->carts_orders.num_entries() + m->buy2buy.num_entries(), 0u);
}

TEST(BuildCovisit, RejectsBadParams) {
  auto check = [](auto set, std::string_view field) {
    CovisitParams p;
    set(p);
    const Status st = ValidateCovisitParams(p);
    EXPECT_FALSE(st.ok()) << field;
    EXPECT_THAT(std::string(st.message()), HasSubstr(field));
    EXPECT_FALSE(BuildCovisit(EventStore{}, CovisitKind::kClicks, p).ok()) << field;
  };
  check([](CovisitParams& p) { p.tail_events = 0; }, "tail_events");
  check([](CovisitParams& p) { p.window_seconds = 0; }, "window_seconds");
  check([](CovisitParams& p) { p.buy2buy_window_seconds = -3; }, "buy2buy_window_seconds");
  check([](CovisitParams& p) { p.carts_orders_top_k = 0; }, "carts_orders_top_k");
  check([](CovisitParams& p) { p.time_weight_span = NAN; }, "time_weight_span");
  check([](CovisitParams& p) { p.type_weights[1] = -1; }, "type_weights[carts]");
  check([](CovisitParams& p) { p.ts_min = -2; }, "ts_min");
  check([](CovisitParams& p) { p.num_threads = -1; }, "num_threads");
  CovisitParams p;
  p.ts_min = 10;
  p.ts_max = 5;
  EXPECT_FALSE(BuildCovisit(EventStore{}, CovisitKind::kClicks, p).ok());
  EXPECT_TRUE(ValidateCovisitParams(CovisitParams{}).ok());
}

TEST(CovisitKind, NamesRoundTrip) {
  for (CovisitKind k : kAllCovisitKinds) EXPECT_EQ(ParseCovisitKind(CovisitKindName(k)), k);
  EXPECT_EQ(ParseCovisitKind("carts-orders"), std::nullopt);
}

// Random sessions with many repeats, equal timestamps, gaps around both windows and long
// sessions, so every rule is exercised.
EventStore RandomStore(uint64_t seed, int num_sessions) {
  std::mt19937_64 rng(seed);
  std::vector<std::vector<Event>> sessions;
  const std::vector<Timestamp> gaps = {0, 0, 1, 60, 3600, 20 * kHour, 30 * kHour, 6 * kDay};
  for (int s = 0; s < num_sessions; ++s) {
    std::vector<Event> ev;
    Timestamp t = kT0 + static_cast<Timestamp>(rng() % (10 * kDay));
    const int len = 1 + static_cast<int>(rng() % (rng() % 4 == 0 ? 60 : 12));
    for (int i = 0; i < len; ++i) {
      t += gaps[rng() % gaps.size()];
      const uint64_t u = rng() % 100;
      const uint64_t item = (u * u * u) % 97;  // skewed popularity over 97 aids
      const int r = static_cast<int>(rng() % 10);
      ev.push_back({item + 1, t, r < 7 ? kC : (r < 9 ? kK : kO)});
    }
    sessions.push_back(ev);
  }
  return MakeStore(sessions);
}

// The rules written out the way the notebook runs them, session by session, with ordered
// maps: tail, pairs, drop_duplicates, per-pair float weight, sums, sort, head(k).
std::vector<std::vector<std::pair<ItemIndex, float>>> Reference(const EventStore& st,
                                                                CovisitKind kind,
                                                                const CovisitParams& p) {
  const auto ts = st.ts();
  const double lo = ts.empty() ? 0 : *std::min_element(ts.begin(), ts.end());
  const double hi = ts.empty() ? 0 : *std::max_element(ts.begin(), ts.end());
  const bool buys = kind == CovisitKind::kBuy2Buy;
  const int64_t window = buys ? p.buy2buy_window_seconds : p.window_seconds;
  std::map<std::pair<ItemIndex, ItemIndex>, double> sums;
  for (size_t s = 0; s < st.num_sessions(); ++s) {
    const SessionView v = st.session(s);
    std::vector<size_t> rows;
    for (size_t i = 0; i < v.size(); ++i) {
      if (!buys || v.type(i) != kC) rows.push_back(i);
    }
    std::stable_sort(rows.begin(), rows.end(),
                     [&](size_t a, size_t b) { return v.ts[a] > v.ts[b]; });
    if (rows.size() > static_cast<size_t>(p.tail_events)) rows.resize(p.tail_events);
    std::set<std::pair<ItemIndex, ItemIndex>> seen;
    for (size_t x : rows) {
      for (size_t y : rows) {
        const int64_t dt = static_cast<int64_t>(v.ts[x]) - static_cast<int64_t>(v.ts[y]);
        if (v.items[x] == v.items[y] || std::abs(dt) >= window) continue;
        if (!seen.insert({v.items[x], v.items[y]}).second) continue;
        float w = 1.0f;
        if (kind == CovisitKind::kClicks) {
          w = static_cast<float>(hi == lo ? 1.0 : 1.0 + 3.0 * (v.ts[x] - lo) / (hi - lo));
        } else if (kind == CovisitKind::kCartsOrders) {
          w = p.type_weights[v.types[y]];
        }
        sums[{v.items[x], v.items[y]}] += w;
      }
    }
  }
  const int k = kind == CovisitKind::kClicks        ? p.clicks_top_k
                : kind == CovisitKind::kCartsOrders ? p.carts_orders_top_k
                                                    : p.buy2buy_top_k;
  std::vector<std::vector<std::pair<ItemIndex, float>>> out(st.num_items());
  for (const auto& [xy, w] : sums) out[xy.first].emplace_back(xy.second, static_cast<float>(w));
  for (auto& row : out) {
    std::sort(row.begin(), row.end(), [](const auto& a, const auto& b) {
      return a.second > b.second || (a.second == b.second && a.first < b.first);
    });
    if (row.size() > static_cast<size_t>(k)) row.resize(k);
  }
  return out;
}

TEST(BuildCovisit, MatchesStraightforwardReferenceOnRandomSessions) {
  for (uint64_t seed : {1, 2, 3}) {
    const EventStore st = RandomStore(seed, 400);
    CovisitParams p;
    auto m = BuildAllCovisit(st, p);
    ASSERT_TRUE(m.ok()) << m.status();
    for (CovisitKind k : kAllCovisitKinds) {
      EXPECT_EQ(Rows(m->Get(k)), Reference(st, k, p)) << CovisitKindName(k) << " seed " << seed;
    }
    EXPECT_GT(m->clicks.num_entries(), 500u) << "the random data must produce pairs";
  }
}

TEST(BuildCovisit, IdenticalForOneAndTwoThreads) {
  const EventStore st = RandomStore(7, 3000);
  const int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  auto one = BuildAllCovisit(st, CovisitParams{});
  omp_set_num_threads(2);
  auto two = BuildAllCovisit(st, CovisitParams{});
  omp_set_num_threads(saved);
  CovisitParams four;
  four.num_threads = 4;
  auto explicit_four = BuildAllCovisit(st, four);
  ASSERT_TRUE(one.ok() && two.ok() && explicit_four.ok());
  for (CovisitKind k : kAllCovisitKinds) {
    EXPECT_GT(one->Get(k).num_entries(), 0u);
    EXPECT_EQ(Rows(one->Get(k)), Rows(two->Get(k))) << CovisitKindName(k);
    EXPECT_EQ(Rows(one->Get(k)), Rows(explicit_four->Get(k))) << CovisitKindName(k);
  }
}

}  // namespace
}  // namespace sessionrec
