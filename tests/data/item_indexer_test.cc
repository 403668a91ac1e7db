#include "data/item_indexer.h"

#include <gtest/gtest.h>

#include <random>
#include <unordered_map>
#include <vector>

namespace sessionrec {
namespace {

TEST(ItemIndexer, NumbersIdsInOrderOfFirstAppearance) {
  ItemIndexer ix;
  EXPECT_EQ(ix.IndexOf(7), 0u);
  EXPECT_EQ(ix.IndexOf(3), 1u);
  EXPECT_EQ(ix.IndexOf(7), 0u);
  EXPECT_EQ(ix.IndexOf(0), 2u);
  EXPECT_EQ(ix.ids(), (std::vector<ItemId>{7, 3, 0}));
  EXPECT_EQ(ix.Find(3), 1u);
  EXPECT_EQ(ix.Find(4), std::nullopt);
  EXPECT_EQ(ix.Find(1'000'000'000), std::nullopt);
}

TEST(ItemIndexer, KeepsHugeAndSparseIdsApart) {
  // 2^63 and 10^9 are beyond any direct array; 5 is inside it.
  ItemIndexer ix;
  const ItemId huge = ItemId{1} << 63;
  EXPECT_EQ(ix.IndexOf(huge), 0u);
  EXPECT_EQ(ix.IndexOf(1'000'000'000), 1u);
  EXPECT_EQ(ix.IndexOf(5), 2u);
  EXPECT_EQ(ix.IndexOf(huge), 0u);
  EXPECT_EQ(ix.Find(1'000'000'000), 1u);
  EXPECT_EQ(ix.Find(huge - 1), std::nullopt);
}

TEST(ItemIndexer, AgreesWithAHashMapWhileTheArrayGrows) {
  // Ids first met above the array's limit move into it as the limit grows (more items):
  // every lookup must still give the index first assigned.
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<ItemId> small(0, 3'000'000);
  std::unordered_map<ItemId, ItemIndex> want;
  ItemIndexer ix;
  std::vector<ItemId> order;
  for (int i = 0; i < 60'000; ++i) {
    const ItemId aid = i % 97 == 0 ? (ItemId{1} << 40) + static_cast<ItemId>(i) : small(rng);
    auto [it, inserted] = want.try_emplace(aid, static_cast<ItemIndex>(want.size()));
    if (inserted) order.push_back(aid);
    ASSERT_EQ(ix.IndexOf(aid), it->second) << "event " << i << " aid " << aid;
  }
  EXPECT_EQ(ix.ids(), order);
  for (const auto& [aid, index] : want) ASSERT_EQ(ix.Find(aid), index) << aid;
  ItemIndexer copy(order);
  for (const auto& [aid, index] : want) ASSERT_EQ(copy.Find(aid), index) << aid;
}

}  // namespace
}  // namespace sessionrec
