// Helpers of the co-visitation tests: building small stores and reading matrix rows.
#pragma once

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "covisit/covisit_matrix.h"
#include "data/event_store.h"

namespace sessionrec::testing {

// A store of `sessions` (events already in time order), session ids 1, 2, ...
inline EventStore MakeStore(const std::vector<std::vector<Event>>& sessions) {
  EventStoreBuilder b;
  SessionId id = 1;
  for (const auto& events : sessions) {
    const Status st = b.AddSession(id++, events);
    EXPECT_TRUE(st.ok()) << st;
  }
  return b.Finish();
}

// Row r as (neighbour, weight) pairs, best first.
inline std::vector<std::pair<ItemIndex, float>> Row(const CovisitMatrix& m, ItemIndex r) {
  std::vector<std::pair<ItemIndex, float>> out;
  auto n = m.Neighbors(r);
  auto w = m.Weights(r);
  for (size_t i = 0; i < n.size(); ++i) out.emplace_back(n[i], w[i]);
  return out;
}

// Every row of `m`, for whole-matrix comparisons.
inline std::vector<std::vector<std::pair<ItemIndex, float>>> Rows(const CovisitMatrix& m) {
  std::vector<std::vector<std::pair<ItemIndex, float>>> out;
  for (size_t r = 0; r < m.num_rows(); ++r) out.push_back(Row(m, static_cast<ItemIndex>(r)));
  return out;
}

}  // namespace sessionrec::testing
