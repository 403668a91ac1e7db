#include "embed/embed_quality.h"

#include <algorithm>
#include <random>
#include <unordered_set>
#include <vector>

#include "core/status.h"

namespace sessionrec {
namespace {

uint64_t PairKey(ItemIndex a, ItemIndex b) {
  if (a > b) std::swap(a, b);
  return (uint64_t{a} << 32) | b;
}

// Unordered item pairs that share a training session (distinct items of each session).
std::unordered_set<uint64_t> SessionPairs(const EventStore& train) {
  std::unordered_set<uint64_t> pairs;
  std::vector<ItemIndex> items;
  for (size_t s = 0; s < train.num_sessions(); ++s) {
    const SessionView v = train.session(s);
    items.assign(v.items.begin(), v.items.end());
    std::sort(items.begin(), items.end());
    items.erase(std::unique(items.begin(), items.end()), items.end());
    for (size_t i = 0; i < items.size(); ++i) {
      for (size_t j = i + 1; j < items.size(); ++j) pairs.insert(PairKey(items[i], items[j]));
    }
  }
  return pairs;
}

}  // namespace

NextItemSimilarity EvaluateNextItemSimilarity(const EmbeddingTable& table, const EventStore& test,
                                              uint64_t seed, const EventStore* train,
                                              std::span<const uint32_t> group) {
  NextItemSimilarity r;
  SR_CHECK(group.empty() || group.size() == table.num_items());
  std::unordered_set<uint64_t> pairs;
  if (train != nullptr) {
    SR_CHECK(train->num_items() == table.num_items());
    pairs = SessionPairs(*train);
  }
  const ItemDictionary dict(table.item_ids());
  std::vector<ItemIndex> with_vector;
  for (ItemIndex i = 0; i < table.num_items(); ++i) {
    if (table.HasVector(i)) with_vector.push_back(i);
  }
  // Test item index -> table index (kNoItem when unknown or without a vector).
  std::vector<ItemIndex> to_table(test.num_items(), kNoItem);
  for (ItemIndex i = 0; i < test.num_items(); ++i) {
    auto t = dict.Find(test.item_id(i));
    if (t && table.HasVector(*t)) to_table[i] = *t;
  }
  std::mt19937_64 rng(seed);
  for (size_t s = 0; s < test.num_sessions(); ++s) {
    const SessionView v = test.session(s);
    if (v.size() < 2) continue;
    ++r.sessions;
    const size_t k = std::uniform_int_distribution<size_t>(1, v.size() - 1)(rng);
    const ItemIndex last_raw = v.items[k - 1];
    size_t j = k;
    while (j < v.size() && (v.type(j) != EventType::kClick || v.items[j] == last_raw)) ++j;
    if (j == v.size()) continue;
    const ItemIndex last = to_table[last_raw], next = to_table[v.items[j]];
    if (last == kNoItem || next == kNoItem || with_vector.size() < 3) continue;
    ItemIndex rnd;
    do {
      rnd = with_vector[std::uniform_int_distribution<size_t>(0, with_vector.size() - 1)(rng)];
    } while (rnd == last || rnd == next);
    const float c_next = Dot(table.Row(last), table.Row(next));
    const float c_rnd = Dot(table.Row(last), table.Row(rnd));
    ++r.evaluated;
    const bool win = c_next > c_rnd;
    r.wins += win ? 1 : 0;
    if (pairs.count(PairKey(last, next)) != 0) {
      ++r.cooccurring;
      r.wins_cooccurring += win ? 1 : 0;
    }
    if (!group.empty() && group[last] != UINT32_MAX && group[last] == group[next]) {
      ++r.same_group;
      r.wins_same_group += win ? 1 : 0;
    }
    r.mean_cos_next += c_next;
    r.mean_cos_random += c_rnd;
  }
  if (r.evaluated > 0) {
    r.win_rate = double(r.wins) / r.evaluated;
    r.mean_cos_next /= r.evaluated;
    r.mean_cos_random /= r.evaluated;
  }
  return r;
}

}  // namespace sessionrec
