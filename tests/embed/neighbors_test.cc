#include <gtest/gtest.h>

#include <set>

#include "embed/ann_index.h"
#include "embed/embed_test_util.h"
#include "embed/item_neighbors.h"
#include "test_util.h"

namespace sessionrec {
namespace {

TEST(ItemAnnIndex, ExactSearchOnHandMadeTable) {
  // v0 = (1,0), v1 = (0.8,0.6), v2 = (0,1), v3 = (-1,0); item 4 has no vector.
  const EmbeddingTable t(2, {1, 2, 3, 4, 5}, {1, 0, 0.8f, 0.6f, 0, 1, -1, 0, 0, 0},
                         {1, 1, 1, 1, 0});
  NeighborParams np;
  np.k = 2;
  auto idx = ItemAnnIndex::Build(t, np, 1, 1);
  ASSERT_TRUE(idx->exact());
  std::vector<ScoredItem> out;
  idx->Search(t.Row(0), 3, out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].item, 0u);
  EXPECT_EQ(out[1].item, 1u);
  EXPECT_FLOAT_EQ(out[1].sim, 0.8f);
  EXPECT_EQ(out[2].item, 2u);  // cos 0 beats cos -1
  const ItemNeighbors nb = ItemNeighbors::Build(t, *idx, np, 2);
  ASSERT_EQ(nb.num_rows(), 5u);
  ASSERT_EQ(nb.Neighbors(0).size(), 2u);
  EXPECT_EQ(nb.Neighbors(0)[0], 1u);
  EXPECT_EQ(nb.Neighbors(0)[1], 2u);
  EXPECT_EQ(nb.Neighbors(3)[0], 2u);  // cos(v3, v2) = 0 > cos(v3, v1) = -0.8
  EXPECT_TRUE(nb.Neighbors(4).empty());
  EXPECT_TRUE(nb.Neighbors(99).empty());
}

TEST(ItemAnnIndex, HnswAgreesWithBruteForce) {
  const EmbeddingTable t = testing::RandomTable(2000, 32, 11, {5, 50, 500});
  NeighborParams np;
  np.k = 20;
  np.exact_below = 0;  // force HNSW
  auto exact = ItemAnnIndex::Build(t, np, 1, 1, /*force_exact=*/true);
  auto hnsw = ItemAnnIndex::Build(t, np, 2, 1);
  ASSERT_TRUE(exact->exact());
  ASSERT_FALSE(hnsw->exact());
  const ItemNeighbors a = ItemNeighbors::Build(t, *exact, np, 2);
  const ItemNeighbors b = ItemNeighbors::Build(t, *hnsw, np, 2);
  size_t hit = 0, total = 0;
  for (ItemIndex i = 0; i < t.num_items(); ++i) {
    const auto want = a.Neighbors(i);
    const std::set<ItemIndex> got(b.Neighbors(i).begin(), b.Neighbors(i).end());
    for (ItemIndex x : want) hit += got.count(x);
    total += want.size();
    EXPECT_EQ(got.count(i), 0u);
  }
  EXPECT_EQ(total, 1997u * 20);
  EXPECT_GE(double(hit) / total, 0.9);
  EXPECT_TRUE(b.Neighbors(50).empty());

  // Saved and loaded, the graph answers as before.
  const auto dir = testing::TempDir("annidx");
  const std::string path = (dir / "item_index.bin").string();
  ASSERT_TRUE(hnsw->Save(path).ok());
  auto loaded = ItemAnnIndex::Load(path, t, np);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  std::vector<ScoredItem> x, y;
  for (ItemIndex q : {0u, 7u, 1999u}) {
    hnsw->Search(t.Row(q), 10, x);
    (*loaded)->Search(t.Row(q), 10, y);
    ASSERT_EQ(x.size(), y.size());
    for (size_t j = 0; j < x.size(); ++j) EXPECT_EQ(x[j].item, y[j].item);
  }
  EXPECT_FALSE(exact->Save(path + ".x").ok());
  // Another table (other item count) is refused; so is a flipped byte.
  const EmbeddingTable other = testing::RandomTable(1999, 32, 11);
  EXPECT_FALSE(ItemAnnIndex::Load(path, other, np).ok());
  std::string bytes = testing::ReadFile(path);
  bytes[bytes.size() / 2] ^= 0x01;
  testing::WriteFile(path, bytes);
  EXPECT_FALSE(ItemAnnIndex::Load(path, t, np).ok());
}

TEST(ItemNeighbors, RoundTripsAndRejectsCorruption) {
  const ItemNeighbors nb({0, 2, 2, 3}, {1, 2, 0}, {0.9f, 0.5f, 0.1f}, "{\"k\":2}");
  const auto dir = testing::TempDir("neighb");
  const std::string path = (dir / "item_neighbors.bin").string();
  ASSERT_TRUE(nb.Save(path).ok());
  auto r = ItemNeighbors::Open(path);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->num_rows(), 3u);
  EXPECT_EQ(r->num_entries(), 3u);
  EXPECT_EQ(r->Neighbors(0)[1], 2u);
  EXPECT_FLOAT_EQ(r->Sims(0)[1], 0.5f);
  EXPECT_TRUE(r->Neighbors(1).empty());
  EXPECT_EQ(r->meta(), "{\"k\":2}");

  std::string bytes = testing::ReadFile(path);
  bytes[bytes.size() - 3] ^= 0x40;
  testing::WriteFile(path, bytes);
  EXPECT_FALSE(ItemNeighbors::Open(path).ok());

  // Well-formed containers with broken content: a self-loop, then an unsorted row.
  const ItemNeighbors self({0, 1, 1}, {0}, {0.5f});
  ASSERT_TRUE(self.Save(path).ok());
  EXPECT_FALSE(ItemNeighbors::Open(path).ok());
  const ItemNeighbors unsorted({0, 2, 2, 2}, {1, 2}, {0.1f, 0.5f});
  ASSERT_TRUE(unsorted.Save(path).ok());
  auto u = ItemNeighbors::Open(path);
  ASSERT_FALSE(u.ok());
  EXPECT_NE(std::string(u.status().message()).find("sorted"), std::string::npos);
}

}  // namespace
}  // namespace sessionrec
