#include "embed/embedding_table.h"

#include <gtest/gtest.h>

#include <cmath>

#include "embed/embed_test_util.h"
#include "test_util.h"

namespace sessionrec {
namespace {

TEST(EmbeddingTable, NormalisesRowsAndZeroesRowsWithoutVector) {
  EmbeddingTable t(2, {7, 8, 9}, {3, 4, 1, 1, 0, 0}, {1, 0, 1});
  EXPECT_EQ(t.num_with_vector(), 1u);  // row 2 is zero: it loses its flag
  ASSERT_EQ(t.Row(0).size(), 2u);
  EXPECT_FLOAT_EQ(t.Row(0)[0], 0.6f);
  EXPECT_FLOAT_EQ(t.Row(0)[1], 0.8f);
  EXPECT_TRUE(t.Row(1).empty());
  EXPECT_EQ(t.vectors()[2], 0.0f);
  EXPECT_TRUE(t.Row(2).empty());
  EXPECT_TRUE(t.Row(kNoItem).empty());
}

TEST(EmbeddingTable, RoundTrips) {
  const EmbeddingTable t = testing::RandomTable(50, 8, 1, {3, 17});
  const auto dir = testing::TempDir("embed_table");
  const std::string path = (dir / "embeddings.bin").string();
  ASSERT_TRUE(t.Save(path).ok());
  auto r = EmbeddingTable::Open(path);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->dim(), 8);
  EXPECT_EQ(r->num_items(), 50u);
  EXPECT_EQ(r->num_with_vector(), 48u);
  EXPECT_FALSE(r->HasVector(3));
  EXPECT_TRUE(r->HasVector(4));
  EXPECT_TRUE(std::equal(t.item_ids().begin(), t.item_ids().end(), r->item_ids().begin()));
  EXPECT_TRUE(std::equal(t.vectors().begin(), t.vectors().end(), r->vectors().begin()));
}

TEST(EmbeddingTable, RejectsCorruptFiles) {
  const EmbeddingTable t = testing::RandomTable(20, 4, 2);
  const auto dir = testing::TempDir("embed_corrupt");
  const std::string path = (dir / "embeddings.bin").string();
  ASSERT_TRUE(t.Save(path).ok());
  const std::string good = testing::ReadFile(path);
  for (size_t pos : {size_t{10}, good.size() / 2, good.size() - 1}) {
    std::string bad = good;
    bad[pos] ^= 0x5A;
    testing::WriteFile(path, bad);
    EXPECT_FALSE(EmbeddingTable::Open(path).ok()) << "flipped byte " << pos;
  }
  testing::WriteFile(path, good.substr(0, good.size() / 3));
  EXPECT_FALSE(EmbeddingTable::Open(path).ok());
  // A valid container of another kind.
  ArtifactWriter w("COVISIT", 1);
  w.AddText("meta", "{}");
  ASSERT_TRUE(w.Write(path).ok());
  EXPECT_FALSE(EmbeddingTable::Open(path).ok());
}

TEST(EmbeddingTable, RejectsRowsThatAreNotUnitLength) {
  // A well-formed container whose content breaks the contract.
  const std::vector<uint32_t> shape = {2, 1};
  const std::vector<ItemId> ids = {5};
  const std::vector<uint8_t> has = {1};
  const std::vector<float> vec = {1.0f, 1.0f};
  ArtifactWriter w(kEmbedKind, kEmbedVersion);
  w.Add("shape", shape);
  w.Add("item_ids", ids);
  w.Add("has_vector", has);
  w.Add("vectors", vec);
  w.AddText("meta", "{}");
  const auto dir = testing::TempDir("embed_unit");
  const std::string path = (dir / "e.bin").string();
  ASSERT_TRUE(w.Write(path).ok());
  auto r = EmbeddingTable::Open(path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string(r.status().message()).find("unit length"), std::string::npos);
}

}  // namespace
}  // namespace sessionrec
