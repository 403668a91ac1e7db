// A model trained with item categories (train --categories): the map is in the model dir,
// the served blend has category_pop, and a session of an item the model never saw gets the
// popular items of that item's category.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "data/item_categories.h"
#include "pipeline/train_model.h"
#include "serve/model_bundle.h"
#include "serve/recommender.h"
#include "test_util.h"

namespace sessionrec {
namespace {

constexpr EventType kC = EventType::kClick;

// Items 1, 2, 3 (category 100) are clicked far more than 4 and 5 (category 200); 5 is the
// more popular of 4 and 5. Item 99 (category 200) never occurs in training.
EventStore Log() {
  EventStoreBuilder b;
  Timestamp t = 1'660'000'000;
  SessionId id = 0;
  auto add = [&](std::vector<ItemId> items) {
    std::vector<Event> ev;
    for (ItemId a : items) ev.push_back({a, t += 60, kC});
    SR_CHECK(b.AddSession(id++, ev).ok());
  };
  for (int i = 0; i < 10; ++i) add({1, 2, 3, 1});
  add({4, 5});
  add({5, 4, 5});
  return b.Finish();
}

ItemCategories Categories() {
  ItemCategoriesBuilder b;
  for (ItemId a : {1, 2, 3}) b.Add(a, 100);
  for (ItemId a : {4, 5, 99}) b.Add(a, 200);
  return ItemCategories::Build(std::move(b));
}

TEST(TrainCategories, ModelServesCategoryPopularityForUnknownItems) {
  const auto root = testing::TempDir("train_categories");
  const EventStore log = Log();
  const ItemCategories categories = Categories();
  TrainParams p;
  p.only_covisit = true;
  p.threads = 1;
  p.rankers.enabled = false;
  p.categories = &categories;
  ASSERT_TRUE(TrainModel(log, p, (root / "with").string()).ok());
  p.categories = nullptr;
  ASSERT_TRUE(TrainModel(log, p, (root / "without").string()).ok());

  auto with = LoadModelBundle((root / "with").string());
  ASSERT_TRUE(with.ok()) << with.status();
  auto without = LoadModelBundle((root / "without").string());
  ASSERT_TRUE(without.ok()) << without.status();
  EXPECT_NE((*with)->manifest().Find("item_categories"), nullptr);
  EXPECT_EQ((*without)->manifest().Find("item_categories"), nullptr);
  auto names = [](const ModelBundle& b) {
    std::vector<std::string> n;
    for (size_t i = 0; i < b.blend()->num_sources(); ++i)
      n.emplace_back(b.blend()->source(i).name());
    return n;
  };
  ASSERT_NE((*with)->blend(), nullptr);
  ASSERT_NE((*without)->blend(), nullptr);
  EXPECT_THAT(names(**with), ::testing::Contains("category_pop"));
  EXPECT_THAT(names(**without), ::testing::Not(::testing::Contains("category_pop")));

  // A session of item 99 only: unknown to both models. With categories its category's
  // items come first (5 before 4: more popular); without, the popular items of category 100.
  const std::vector<Event> session = {{99, 1'660'100'000, kC}};
  const Recommender rec_with(*with, RecommenderScorer::kBlend);
  const Recommender rec_without(*without, RecommenderScorer::kBlend);
  ASSERT_TRUE(rec_with.uses_blend());
  const auto lists = rec_with.RecommendPerType(session, 2, false);
  for (const auto& list : lists) EXPECT_THAT(list, ::testing::ElementsAre(5, 4));
  const auto plain = rec_without.RecommendPerType(session, 2, false);
  EXPECT_THAT(plain[0], ::testing::Each(::testing::AnyOf(1, 2, 3)));

  // A corrupt category file makes the model fail to load with the file named.
  const auto file = root / "with" / kItemCategoriesFile;
  std::string bytes = testing::ReadFile(file);
  bytes[bytes.size() - 2] ^= 0x20;
  testing::WriteFile(file, bytes);
  auto broken = LoadModelBundle((root / "with").string());
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(std::string(broken.status().message()).find("item_categories"), std::string::npos);
}

}  // namespace
}  // namespace sessionrec
