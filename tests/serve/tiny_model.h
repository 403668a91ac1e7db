// A hand-built model for the serve tests: 30 items (aid = 10 + dense index), hand-written
// co-visitation rows, and popularity from three tiny sessions. Expected lists in the tests
// are computed by hand from the comments here.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/types.h"
#include "covisit/covisit_matrix.h"
#include "data/event_store.h"
#include "serve/item_table.h"
#include "serve/manifest.h"

namespace sessionrec::testing {

inline constexpr ItemId kFirstAid = 10;
inline constexpr int kTinyItems = 30;  // aids 10 .. 39

// Popularity:
//   clicks ranking: 21 (4 clicks), 20 (3), then 10..19, 22..39 (1 click each, index order)
//   buys ranking:   19 (2 orders), 18 (1 cart), then by clicks: 21, 20, 10..17, 22..39
inline EventStore TinyTrainingStore() {
  EventStoreBuilder b;
  std::vector<Event> all;
  for (int i = 0; i < kTinyItems; ++i) all.push_back({kFirstAid + i, 1000 + i, EventType::kClick});
  SR_CHECK(b.AddSession(1, all).ok());
  std::vector<Event> more = {{21, 2000, EventType::kClick},
                             {21, 2001, EventType::kClick},
                             {21, 2002, EventType::kClick},
                             {20, 2003, EventType::kClick},
                             {20, 2004, EventType::kClick}};
  SR_CHECK(b.AddSession(2, more).ok());
  std::vector<Event> buys = {
      {19, 3000, EventType::kOrder}, {19, 3001, EventType::kOrder}, {18, 3002, EventType::kCart}};
  SR_CHECK(b.AddSession(3, buys).ok());
  return b.Finish();
}

// CSR from rows given in aids: {row aid, {neighbour aids best first}}.
inline CovisitMatrix TinyMatrix(const std::vector<std::pair<ItemId, std::vector<ItemId>>>& rows) {
  std::vector<std::vector<ItemIndex>> by_row(kTinyItems);
  for (const auto& [row, nbs] : rows) {
    for (ItemId nb : nbs) by_row[row - kFirstAid].push_back(static_cast<ItemIndex>(nb - kFirstAid));
  }
  std::vector<uint64_t> offsets{0};
  std::vector<ItemIndex> neighbors;
  std::vector<float> weights;
  for (const auto& r : by_row) {
    for (size_t j = 0; j < r.size(); ++j) {
      neighbors.push_back(r[j]);
      weights.push_back(static_cast<float>(r.size() - j));
    }
    offsets.push_back(neighbors.size());
  }
  return CovisitMatrix(std::move(offsets), std::move(neighbors), std::move(weights));
}

// clicks:       10 -> 11 12 13;  11 -> 12 14;  12 -> 13
// carts_orders: 10 -> 15 16;     11 -> 16 17
// buy2buy:      11 -> 17 18;     25 -> 12 30
// with_variant: also the co-visitation variant "forward": 11 -> 20 12 (a model that serves
// the merged-candidate blend).
inline void WriteTinyModel(const std::filesystem::path& dir, bool with_variant = false) {
  std::filesystem::create_directories(dir);
  const std::string d = dir.string();
  EventStore store = TinyTrainingStore();
  ItemTable items = ItemTable::Build(store, ItemTableParams{});
  SR_CHECK(items.Save(d + "/items.bin").ok());
  SR_CHECK(TinyMatrix({{10, {11, 12, 13}}, {11, {12, 14}}, {12, {13}}})
               .Save(d + "/covisit_clicks.bin")
               .ok());
  SR_CHECK(TinyMatrix({{10, {15, 16}}, {11, {16, 17}}}).Save(d + "/covisit_carts_orders.bin").ok());
  SR_CHECK(TinyMatrix({{11, {17, 18}}, {25, {12, 30}}}).Save(d + "/covisit_buy2buy.bin").ok());
  if (with_variant) {
    SR_CHECK(TinyMatrix({{11, {20, 12}}}).Save(d + "/covisit_forward.bin").ok());
  }
  ModelManifest m;
  m.created_utc = UtcNowIso8601();
  m.sessions = store.num_sessions();
  m.events = store.num_events();
  m.items = store.num_items();
  auto add = [&](const char* name, const char* file, const char* kind) {
    auto a = DescribeArtifact(d, name, file, kind, 1);
    SR_CHECK(a.ok());
    m.artifacts.push_back(*a);
  };
  add("items", "items.bin", kItemTableKind);
  add("covisit_clicks", "covisit_clicks.bin", kCovisitKind);
  add("covisit_carts_orders", "covisit_carts_orders.bin", kCovisitKind);
  add("covisit_buy2buy", "covisit_buy2buy.bin", kCovisitKind);
  if (with_variant) add("covisit_forward", "covisit_forward.bin", kCovisitKind);
  SR_CHECK(WriteManifest(d, m).ok());
}

}  // namespace sessionrec::testing
