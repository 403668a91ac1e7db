#include "embed/category_vectors.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "embed/train_embeddings.h"
#include "pipeline/train_model.h"
#include "test_util.h"

namespace sessionrec {
namespace {

// 200 two-item sessions; session s holds items 1000 + 2s (category 10 * (s % 4)) and
// 1001 + 2s (category 10 * (s % 4) + 1). Every item occurs in one session only, so items of
// different sessions never co-occur, but the category pairs (0, 1), (10, 11), (20, 21),
// (30, 31) repeat 50 times each. Item 5000 (category 0) has a single-event session.
struct TinyCatalogue {
  EventStore store;
  ItemCategories categories;
};

TinyCatalogue MakeTinyCatalogue() {
  EventStoreBuilder b;
  ItemCategoriesBuilder cb;
  for (int s = 0; s < 200; ++s) {
    const ItemId a = 1000 + 2 * s;
    const std::vector<Event> ev = {{a, 100 * s, EventType::kClick},
                                   {a + 1, 100 * s + 1, EventType::kClick}};
    SR_CHECK(b.AddSession(s, ev).ok());
    cb.Add(a, 10 * (s % 4));
    cb.Add(a + 1, 10 * (s % 4) + 1);
  }
  const std::vector<Event> alone = {{5000, 100 * 200, EventType::kClick}};
  SR_CHECK(b.AddSession(200, alone).ok());
  cb.Add(5000, 0);
  cb.Add(6000, 0);  // listed in the catalogue, never in training
  return {b.Finish(), ItemCategories::Build(std::move(cb))};
}

EmbedParams TinyParams() {
  EmbedParams p;
  p.dim = 16;
  p.epochs = 30;
  p.min_tokens = 0;
  p.threads = 1;
  p.seed = 3;
  p.subsample = 0;
  return p;
}

float Cos(const EmbeddingTable& t, ItemId a, ItemId b) {
  const ItemDictionary d(t.item_ids());
  return Dot(t.Row(*d.Find(a)), t.Row(*d.Find(b)));
}

TEST(CategorySessions, MapsItemsToCategoryIdsAndDropsItemsWithout) {
  EventStoreBuilder b;
  const std::vector<Event> ev = {
      {1, 10, EventType::kClick}, {2, 11, EventType::kCart}, {3, 12, EventType::kClick}};
  ASSERT_TRUE(b.AddSession(7, ev).ok());
  const std::vector<Event> none = {{3, 20, EventType::kClick}, {3, 21, EventType::kClick}};
  ASSERT_TRUE(b.AddSession(8, none).ok());
  const EventStore store = b.Finish();
  ItemCategoriesBuilder cb;
  cb.Add(1, 500);
  cb.Add(2, 600);  // item 3 has no category
  const ItemCategories cats = ItemCategories::Build(std::move(cb));
  const EventStore seq = CategorySessions(store, cats);
  ASSERT_EQ(seq.num_sessions(), 1u);  // session 8 has no item with a category
  const Session s = seq.ToSession(0);
  EXPECT_EQ(s.id, 7);
  const std::vector<Event> want = {{500, 10, EventType::kClick}, {600, 11, EventType::kCart}};
  EXPECT_EQ(s.events, want);
}

// The case the category vectors are for: items 1000 and 1008 never share a session but share
// category 0; item 1002 (category 10) is unrelated to both. Without categories their
// cosines are noise; with them the category mates are clearly closer.
TEST(CategoryVectors, ItemsSharingOnlyACategoryGetCloserThanAnUnrelatedPair) {
  const TinyCatalogue c = MakeTinyCatalogue();
  const EmbedParams p = TinyParams();
  auto mixed = TrainItemVectors(c.store, p, &c.categories, "");
  auto plain = TrainItemVectors(c.store, p, nullptr, "");
  ASSERT_TRUE(mixed.ok()) << mixed.status();
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_GT(Cos(*mixed, 1000, 1008), Cos(*mixed, 1000, 1002) + 0.3);
  EXPECT_GT(Cos(*mixed, 1000, 1008), 0.4);
  EXPECT_LT(Cos(*plain, 1000, 1008), 0.4);  // the item vectors alone do not relate them
  // The category pair (0, 1) co-occurs: 1000 is closer to 1009 (category 1) than to 1002.
  EXPECT_GT(Cos(*mixed, 1000, 1009), Cos(*mixed, 1000, 1002));
  EXPECT_NE(mixed->meta().find("\"category_mix\":{\"mixed\":true,\"item_weight\":0.2"),
            std::string::npos)
      << mixed->meta();
  EXPECT_NE(plain->meta().find("\"category_mix\":{\"mixed\":false,\"reason\":\"no categories"),
            std::string::npos)
      << plain->meta();
}

TEST(CategoryVectors, ItemWeightOneKeepsTheItemVectorsAndDisabledSaysSo) {
  const TinyCatalogue c = MakeTinyCatalogue();
  EmbedParams p = TinyParams();
  p.category.item_weight = 1.0f;
  auto one = TrainItemVectors(c.store, p, &c.categories, "");
  auto plain = TrainItemVectors(c.store, p, nullptr, "");
  ASSERT_TRUE(one.ok() && plain.ok());
  ASSERT_EQ(one->vectors().size(), plain->vectors().size());
  for (size_t k = 0; k < one->vectors().size(); ++k) {
    ASSERT_NEAR(one->vectors()[k], plain->vectors()[k], 1e-6f) << k;
  }
  p.category.enabled = false;
  auto off = TrainItemVectors(c.store, p, &c.categories, "");
  ASSERT_TRUE(off.ok());
  EXPECT_NE(off->meta().find("\"category_mix\":{\"mixed\":false,\"reason\":\"disabled\"}"),
            std::string::npos)
      << off->meta();
}

TEST(CategoryVectors, UnseenItemsHaveNoVectorAndCategoryOnlyItemsAreOptIn) {
  const TinyCatalogue c = MakeTinyCatalogue();
  EmbedParams p = TinyParams();
  auto t = TrainItemVectors(c.store, p, &c.categories, "");
  ASSERT_TRUE(t.ok());
  const ItemDictionary d(t->item_ids());
  EXPECT_FALSE(d.Find(6000).has_value());  // never in training: no row at all
  ASSERT_TRUE(d.Find(5000).has_value());
  EXPECT_FALSE(t->HasVector(*d.Find(5000)));  // alone in its session: no SGNS vector
  EXPECT_EQ(t->num_with_vector(), 400u);
  p.category.category_only_items = true;
  auto only = TrainItemVectors(c.store, p, &c.categories, "");
  ASSERT_TRUE(only.ok());
  ASSERT_TRUE(only->HasVector(*d.Find(5000)));
  EXPECT_EQ(only->num_with_vector(), 401u);
  EXPECT_GT(Cos(*only, 5000, 1008), 0.4);  // its category's vector, near category 0's items
  EXPECT_NE(only->meta().find("\"items_category_only\":1"), std::string::npos) << only->meta();
}

TEST(CategoryVectors, IsBitIdenticalWithOneThreadAndSeed) {
  const TinyCatalogue c = MakeTinyCatalogue();
  EmbedParams p = TinyParams();
  auto a = TrainItemVectors(c.store, p, &c.categories, "");
  auto b = TrainItemVectors(c.store, p, &c.categories, "");
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->vectors().size(), b->vectors().size());
  EXPECT_EQ(0, std::memcmp(a->vectors().data(), b->vectors().data(), a->vectors().size_bytes()));
  EXPECT_EQ(a->meta().substr(0, a->meta().find("train_seconds")),
            b->meta().substr(0, b->meta().find("train_seconds")));
  p.seed = 4;
  auto other = TrainItemVectors(c.store, p, &c.categories, "");
  ASSERT_TRUE(other.ok());
  EXPECT_NE(0,
            std::memcmp(a->vectors().data(), other->vectors().data(), a->vectors().size_bytes()));
}

TEST(CategoryVectors, OneCategoryPerSessionLeavesTheItemVectorsAlone) {
  EventStoreBuilder b;
  ItemCategoriesBuilder cb;
  for (int s = 0; s < 20; ++s) {
    const std::vector<Event> ev = {{ItemId(2 * s), 10 * s, EventType::kClick},
                                   {ItemId(2 * s + 1), 10 * s + 1, EventType::kClick}};
    ASSERT_TRUE(b.AddSession(s, ev).ok());
    cb.Add(2 * s, 9);
    cb.Add(2 * s + 1, 9);
  }
  const EventStore store = b.Finish();
  const ItemCategories cats = ItemCategories::Build(std::move(cb));
  auto t = TrainItemVectors(store, TinyParams(), &cats, "");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_NE(t->meta().find("\"mixed\":false,\"reason\":\"no training session has two categories"),
            std::string::npos)
      << t->meta();
}

// The mixed table goes through embeddings.bin unchanged, its meta included.
TEST(CategoryVectors, TrainEmbeddingArtifactsWritesTheMixedTable) {
  const TinyCatalogue c = MakeTinyCatalogue();
  const EmbedParams p = TinyParams();
  const std::filesystem::path dir = testing::TempDir("category_vectors");
  auto st = TrainEmbeddingArtifacts(c.store, p, dir.string(), &c.categories);
  ASSERT_TRUE(st.ok()) << st.status();
  auto direct = TrainItemVectors(c.store, p, &c.categories, "");
  auto loaded = LoadEmbeddingArtifacts(dir.string());
  ASSERT_TRUE(direct.ok() && loaded.ok()) << loaded.status();
  const EmbeddingTable& t = (*loaded)->table;
  ASSERT_EQ(t.vectors().size(), direct->vectors().size());
  EXPECT_EQ(0, std::memcmp(t.vectors().data(), direct->vectors().data(), t.vectors().size_bytes()));
  EXPECT_NE(t.meta().find("\"category_mix\":{\"mixed\":true"), std::string::npos) << t.meta();
  EXPECT_GT(Cos(t, 1000, 1008), Cos(t, 1000, 1002) + 0.3);
}

// `sessionrec train --categories` (TrainModel with categories) mixes them in by default;
// embed.category.enabled = false (--no-category-vectors) keeps the item vectors pure.
TEST(CategoryVectors, TrainModelMixesCategoriesUnlessDisabled) {
  const TinyCatalogue c = MakeTinyCatalogue();
  const std::filesystem::path root = testing::TempDir("category_model");
  TrainParams p;
  p.threads = 1;
  p.seed = 3;
  p.rankers.enabled = false;
  p.embed = TinyParams();
  p.categories = &c.categories;
  ASSERT_TRUE(TrainModel(c.store, p, (root / "mixed").string()).ok());
  p.embed.category.enabled = false;
  ASSERT_TRUE(TrainModel(c.store, p, (root / "pure").string()).ok());
  auto mixed = EmbeddingTable::Open((root / "mixed" / kEmbeddingsFile).string());
  auto pure = EmbeddingTable::Open((root / "pure" / kEmbeddingsFile).string());
  ASSERT_TRUE(mixed.ok()) << mixed.status();
  ASSERT_TRUE(pure.ok()) << pure.status();
  EXPECT_NE(mixed->meta().find("\"category_mix\":{\"mixed\":true"), std::string::npos);
  EXPECT_NE(pure->meta().find("\"category_mix\":{\"mixed\":false,\"reason\":\"disabled\"}"),
            std::string::npos)
      << pure->meta();
  EXPECT_GT(Cos(*mixed, 1000, 1008), Cos(*pure, 1000, 1008) + 0.3);
}

TEST(AddMetaMember, AppendsToObjects) {
  EXPECT_EQ(AddMetaMember("{\"a\":1}", "b", "{\"c\":2}"), "{\"a\":1,\"b\":{\"c\":2}}");
  EXPECT_EQ(AddMetaMember("{}", "b", "true"), "{\"b\":true}");
  EXPECT_EQ(AddMetaMember("", "b", "true"), "{\"b\":true}");
}

}  // namespace
}  // namespace sessionrec
