// Small inputs shared by the embedding tests.
#pragma once

#include <random>
#include <vector>

#include "data/event_store.h"
#include "embed/embedding_table.h"

namespace sessionrec::testing {

// `sessions` sessions over `clusters` disjoint groups of `per_cluster` items (aid =
// 1000 + index in group order); each session stays in one group, 4..8 events, 1 in 10 a cart.
inline EventStore ClusteredStore(int sessions, int clusters, int per_cluster, uint64_t seed) {
  std::mt19937_64 rng(seed);
  EventStoreBuilder b;
  for (int s = 0; s < sessions; ++s) {
    const int c = static_cast<int>(rng() % clusters);
    const int n = 4 + static_cast<int>(rng() % 5);
    std::vector<Event> ev;
    for (int i = 0; i < n; ++i) {
      const ItemId aid = 1000 + c * per_cluster + rng() % per_cluster;
      ev.push_back({aid, 1'600'000'000 + s * 100 + i,
                    rng() % 10 == 0 ? EventType::kCart : EventType::kClick});
    }
    SR_CHECK(b.AddSession(s, ev).ok());
  }
  return b.Finish();
}

// A table of `n` random unit vectors of dimension `dim`; item i has aid 100 + i; the items
// listed in `without` have no vector.
inline EmbeddingTable RandomTable(int n, int dim, uint64_t seed,
                                  const std::vector<ItemIndex>& without = {}) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> g;
  std::vector<ItemId> ids(n);
  std::vector<float> v(size_t(n) * dim);
  std::vector<uint8_t> has(n, 1);
  for (int i = 0; i < n; ++i) ids[i] = 100 + i;
  for (float& x : v) x = g(rng);
  for (ItemIndex i : without) has[i] = 0;
  return EmbeddingTable(dim, std::move(ids), std::move(v), std::move(has));
}

}  // namespace sessionrec::testing
