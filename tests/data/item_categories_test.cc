#include "data/item_categories.h"

#include <gtest/gtest.h>

#include <fstream>

#include "data/delimited_import.h"
#include "data/import_presets.h"
#include "test_util.h"

namespace sessionrec {
namespace {

TEST(ItemCategories, FirstListedCategoryWinsAndConflictsAreCounted) {
  ItemCategoriesBuilder b;
  b.Add(30, 7);
  b.Add(10, 9);
  b.Add(30, 8);  // conflict: 30 keeps 7
  b.Add(10, 9);  // same again: no conflict
  b.Add(20, 7);
  uint64_t conflicts = 99;
  const ItemCategories c = ItemCategories::Build(std::move(b), &conflicts);
  EXPECT_EQ(conflicts, 1u);
  ASSERT_EQ(c.num_items(), 3u);
  ASSERT_EQ(c.num_categories(), 2u);
  EXPECT_EQ(c.category_id(c.CategoryOf(10)), 9u);
  EXPECT_EQ(c.category_id(c.CategoryOf(20)), 7u);
  EXPECT_EQ(c.category_id(c.CategoryOf(30)), 7u);
  EXPECT_EQ(c.CategoryOf(20), c.CategoryOf(30));
  EXPECT_EQ(c.CategoryOf(11), kNoCategory);
  EXPECT_EQ(c.CategoryOf(0), kNoCategory);
  EXPECT_EQ(c.CategoryOf(31), kNoCategory);
}

TEST(ItemCategories, RoundTripAndCorruption) {
  const auto dir = testing::TempDir("item_categories");
  ItemCategoriesBuilder b;
  b.Add(5, 100);
  b.Add(uint64_t{1} << 40, 2053013555631882655ULL);  // ids beyond 32 bits
  const ItemCategories c = ItemCategories::Build(std::move(b));
  const std::string path = (dir / "c.bin").string();
  ASSERT_TRUE(c.Write(path).ok());
  auto back = ItemCategories::Open(path);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->num_items(), 2u);
  EXPECT_EQ(back->category_id(back->CategoryOf(uint64_t{1} << 40)), 2053013555631882655ULL);
  EXPECT_EQ(back->category_id(back->CategoryOf(5)), 100u);
  EXPECT_EQ(back->CategoryOf(6), kNoCategory);

  // A flipped payload byte fails the CRC with the path in the message.
  std::string bytes = testing::ReadFile(path);
  bytes[bytes.size() - 3] ^= 0x40;
  testing::WriteFile(path, bytes);
  auto bad = ItemCategories::Open(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(std::string(bad.status().message()).find(path), std::string::npos);
  EXPECT_FALSE(ItemCategories::Open((dir / "missing.bin").string()).ok());
}

TEST(ItemCategories, DelimitedImportReadsTheCategoryColumn) {
  const auto dir = testing::TempDir("item_categories_import");
  testing::WriteFile(dir / "log.csv",
                     "session,item,time,cat\n"
                     "1,10,100,7\n"
                     "1,11,101,x\n"  // not an integer: still an event, no category
                     "2,12,102,8\n"
                     "2,10,103,9\n");  // conflict: 10 keeps 7
  DelimitedImportOptions o;
  o.inputs = {{(dir / "log.csv").string()}};
  o.session_column = "session";
  o.item_column = "item";
  o.time_column = "time";
  o.category_column = "cat";
  ItemCategoriesBuilder b;
  auto store = ImportDelimited(o, nullptr, &b);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(store->num_events(), 4u);
  EXPECT_EQ(b.invalid, 1u);
  uint64_t conflicts = 0;
  const ItemCategories c = ItemCategories::Build(std::move(b), &conflicts);
  EXPECT_EQ(conflicts, 1u);
  EXPECT_EQ(c.category_id(c.CategoryOf(10)), 7u);
  EXPECT_EQ(c.CategoryOf(11), kNoCategory);
  EXPECT_EQ(c.category_id(c.CategoryOf(12)), 8u);

  // A category column that does not exist is an error naming it.
  o.category_column = "nope";
  ItemCategoriesBuilder b2;
  auto missing = ImportDelimited(o, nullptr, &b2);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(std::string(missing.status().message()).find("category"), std::string::npos);
}

TEST(ItemCategoriesSamples, TaobaoPresetKeepsEveryImportedItemsCategory) {
  SR_SHARED_DATA_OR_SKIP(path, "taobao-userbehavior-2h/UserBehavior.time-prefix.csv");
  DelimitedImportOptions o;
  ASSERT_TRUE(ApplyImportPreset("taobao", &o).ok());
  o.inputs = {{path}};
  ItemCategoriesBuilder b;
  auto store = ImportDelimited(o, nullptr, &b);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(b.num_pairs(), store->num_events());
  EXPECT_EQ(b.invalid, 0u);
  const ItemCategories c = ItemCategories::Build(std::move(b));
  // Every item of the store has a category (fav rows are not imported, so not all 84,793).
  EXPECT_EQ(c.num_items(), store->num_items());
  for (ItemId aid : store->item_ids()) ASSERT_NE(c.CategoryOf(aid), kNoCategory) << aid;
  EXPECT_GT(c.num_categories(), 100u);
}

}  // namespace
}  // namespace sessionrec
