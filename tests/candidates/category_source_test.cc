#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "candidates/candidate_registry.h"
#include "candidates/candidate_sources.h"
#include "candidates/category_lists.h"

namespace sessionrec {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

MATCHER_P2(Cand, item, score, "") {
  return arg.item == static_cast<ItemIndex>(item) &&
         std::abs(arg.score - static_cast<float>(score)) < 1e-5f;
}

// Model items 0..4 (aids 100..104) with training counts 5 3 0 8 2. Categories: 100, 101,
// 102 in 7; 103, 104 and 200 (an item the model never saw) in 9.
struct Catalogue {
  Catalogue() {
    ItemCategoriesBuilder b;
    for (ItemId aid : {100, 101, 102}) b.Add(aid, 7);
    for (ItemId aid : {103, 104, 200}) b.Add(aid, 9);
    categories = ItemCategories::Build(std::move(b));
  }
  std::vector<ItemId> aids = {100, 101, 102, 103, 104};
  std::vector<uint32_t> counts = {5, 3, 0, 8, 2};
  ItemCategories categories;
};

TEST(CategoryLists, KeepsTheMostPopularCountedItemsPerCategory) {
  const Catalogue c;
  const CategoryLists l = CategoryLists::Build(c.aids, c.counts, c.categories);
  const uint32_t seven = c.categories.CategoryOf(100), nine = c.categories.CategoryOf(103);
  EXPECT_THAT(l.List(seven), ElementsAre(Cand(0, 5), Cand(1, 3)));  // item 2: count 0
  EXPECT_THAT(l.List(nine), ElementsAre(Cand(3, 8), Cand(4, 2)));
  EXPECT_THAT(l.List(kNoCategory), IsEmpty());
  EXPECT_EQ(l.CategoryOfItem(2), seven);
  EXPECT_EQ(l.CategoryOfItem(kNoItem), kNoCategory);
  EXPECT_EQ(l.CategoryOfAid(200), nine);
  const CategoryLists one =
      CategoryLists::Build(c.aids, c.counts, c.categories, {.per_category = 1});
  EXPECT_THAT(one.List(nine), ElementsAre(Cand(3, 8)));
}

TEST(CategoryPopularitySource, WeighsEachRecentCategoryByItsEvents) {
  const Catalogue c;
  const CategoryLists l = CategoryLists::Build(c.aids, c.counts, c.categories);
  // Session: item 1 (aid 101, category 7), then aid 200 (unknown to the model, category 9).
  const std::vector<ItemIndex> items = {1, kNoItem};
  const std::vector<ItemId> aids = {101, 200};
  const std::vector<uint32_t> ts = {1000, 1001};
  const std::vector<uint8_t> types = {0, 0};
  CandidateScratch scratch(5);
  std::vector<ScoredCandidate> out;
  // Weights (clicks 1, half-life 5 events): newest 1, the one before 2^(-1/5) = 0.8705506.
  // Category 9: 1 * count / 8 -> item 3 1.0, item 4 0.25. Category 7: 0.8705506 * count / 5
  // -> item 0 0.8705506, item 1 0.5223304 (the session's own item).
  const float w1 = std::exp2(-1.0f / 5.0f);
  auto src = MakeCategoryPopularitySource(l, {}, 3);
  EXPECT_EQ(src->name(), "category_pop");
  src->Generate({items, ts, types, true, aids}, 10, scratch, out);
  EXPECT_THAT(out, ElementsAre(Cand(3, 1.0), Cand(0, w1), Cand(4, 0.25)));
  src->Generate({items, ts, types, false, aids}, 10, scratch, out);
  EXPECT_THAT(out, ElementsAre(Cand(3, 1.0), Cand(0, w1), Cand(1, w1 * 3 / 5), Cand(4, 0.25)));
  src->Generate({items, ts, types, true, aids}, 2, scratch, out);
  EXPECT_THAT(out, ElementsAre(Cand(3, 1.0), Cand(0, w1)));
  // Without external ids the unknown item has no category.
  src->Generate({items, ts, types, true}, 10, scratch, out);
  EXPECT_THAT(out, ElementsAre(Cand(0, w1)));
  // Only the newest category.
  auto newest = MakeCategoryPopularitySource(l, {}, 1);
  newest->Generate({items, ts, types, true, aids}, 10, scratch, out);
  EXPECT_THAT(out, ElementsAre(Cand(3, 1.0), Cand(4, 0.25)));
}

TEST(CategoryPopularitySource, IsAvailableOnlyWithCategories) {
  const Catalogue c;
  const CategoryLists l = CategoryLists::Build(c.aids, c.counts, c.categories);
  CandidateResources r;
  auto names = AvailableCandidateSources(r);
  EXPECT_EQ(std::count(names.begin(), names.end(), "category_pop"), 0);
  EXPECT_FALSE(MakeCandidateSource("category_pop", r).ok());
  r.category_lists = &l;
  names = AvailableCandidateSources(r);
  EXPECT_EQ(std::count(names.begin(), names.end(), "category_pop"), 1);
  EXPECT_TRUE(MakeCandidateSource("category_pop", r).ok());
}

}  // namespace
}  // namespace sessionrec
