// The category feature family (features/category_features.h) on a hand-built session:
// values computed by hand, unknown items looked up by external id, NaN for missing
// categories, the schema with and without item categories, and its persistence.
#include "features/category_features.h"

#include <gtest/gtest.h>

#include <cmath>

#include "features/feature_builder.h"
#include "test_util.h"

namespace sessionrec {
namespace {

// Model items: aids 10, 20, 30, 40 -> dense 0..3 with training counts 3, 2, 1, 1.
// Categories: aid 10 -> 7, aid 20 -> 8, aid 30 -> 7, aid 50 (unknown to the model) -> 8;
// aid 40 has none. Lists: category 7 = [item 0 (3), item 2 (1)], category 8 = [item 1 (2)].
struct Fixture {
  std::vector<ItemId> ids = {10, 20, 30, 40};
  std::vector<uint32_t> counts = {3, 2, 1, 1};
  ItemCategories categories = [] {
    ItemCategoriesBuilder b;
    b.Add(10, 7);
    b.Add(20, 8);
    b.Add(30, 7);
    b.Add(50, 8);
    return ItemCategories::Build(std::move(b));
  }();
  CategoryLists lists = CategoryLists::Build(ids, counts, categories);
  // Session: aid 10 click @100, aid 20 cart @160, aid 10 click @400.
  std::vector<ItemIndex> s_items = {0, 1, 0};
  std::vector<uint32_t> s_ts = {100, 160, 400};
  std::vector<uint8_t> s_types = {0, 1, 0};
  std::vector<ItemId> s_aids = {10, 20, 10};
  CandidateSet set;  // aid 20, aid 30, aid 40

  Fixture() {
    set.num_sources = 0;
    set.items = {1, 2, 3};
    set.blend = {3.0f, 2.0f, 1.0f};
  }
  SessionContext Context() const { return {s_items, s_ts, s_types, false, s_aids}; }
};

std::vector<float> Compute(const CategoryFeatures& cf, const SessionContext& s,
                           const CandidateSet& set) {
  std::vector<float> out(set.size() * kCategoryFeatureColumns, -1.0f);
  FeatureScratch scratch;
  cf.Compute(s, set, SessionWeightParams{}, scratch, {out.data(), kCategoryFeatureColumns});
  return out;
}

float Col(const std::vector<float>& out, size_t r, const char* name) {
  std::vector<std::string> names;
  CategoryFeatures::AppendNames(names);
  const size_t c = static_cast<size_t>(std::find(names.begin(), names.end(), name) - names.begin());
  SR_CHECK(c < names.size());
  return out[r * kCategoryFeatureColumns + c];
}

TEST(CategoryFeatures, HandBuiltSession) {
  Fixture f;
  const CategoryFeatures cf(f.lists, f.ids.size());
  const std::vector<float> out = Compute(cf, f.Context(), f.set);
  // Event weights: i=0 click 2^-0.4, i=1 cart 3·2^-0.2, i=2 click 1.
  const float w7 = std::exp2(-0.4f) + 1.0f, w8 = 3.0f * std::exp2(-0.2f);
  // Row 0: aid 20, category 8 (the cart): not the last event's category, heaviest.
  EXPECT_EQ(Col(out, 0, "cat_same_last"), 0.0f);
  EXPECT_EQ(Col(out, 0, "cat_session_events"), 1.0f);
  EXPECT_NEAR(Col(out, 0, "cat_session_share"), w8 / (w7 + w8), 1e-6);
  EXPECT_EQ(Col(out, 0, "cat_session_rank"), 1.0f);
  EXPECT_EQ(Col(out, 0, "cat_events_back"), 1.0f);
  EXPECT_EQ(Col(out, 0, "cat_pop_rank"), 1.0f);
  EXPECT_EQ(Col(out, 0, "cat_pop_share"), 1.0f);
  EXPECT_EQ(Col(out, 0, "cat_session_distinct"), 2.0f);
  // Row 1: aid 30, category 7 (events 0 and 2, the last one), second in its list.
  EXPECT_EQ(Col(out, 1, "cat_same_last"), 1.0f);
  EXPECT_EQ(Col(out, 1, "cat_session_events"), 2.0f);
  EXPECT_NEAR(Col(out, 1, "cat_session_share"), w7 / (w7 + w8), 1e-6);
  EXPECT_EQ(Col(out, 1, "cat_session_rank"), 2.0f);
  EXPECT_EQ(Col(out, 1, "cat_events_back"), 0.0f);
  EXPECT_EQ(Col(out, 1, "cat_pop_rank"), 2.0f);
  EXPECT_FLOAT_EQ(Col(out, 1, "cat_pop_share"), 1.0f / 3.0f);
  // Row 2: aid 40 has no category: missing, except the session's own count.
  for (const char* name :
       {"cat_same_last", "cat_session_events", "cat_session_share", "cat_session_rank",
        "cat_events_back", "cat_pop_rank", "cat_pop_share"}) {
    EXPECT_TRUE(std::isnan(Col(out, 2, name))) << name;
  }
  EXPECT_EQ(Col(out, 2, "cat_session_distinct"), 2.0f);
}

TEST(CategoryFeatures, UnknownItemsByExternalIdAndMissingSessionValues) {
  Fixture f;
  const CategoryFeatures cf(f.lists, f.ids.size());
  // aid 40 (no category) clicked, then aid 50 (unknown to the model, category 8) clicked.
  const std::vector<ItemIndex> items = {3, kNoItem};
  const std::vector<uint32_t> ts = {100, 200};
  const std::vector<uint8_t> types = {0, 0};
  const std::vector<ItemId> aids = {40, 50};
  const SessionContext s{items, ts, types, true, aids};
  std::vector<float> out = Compute(cf, s, f.set);
  EXPECT_EQ(Col(out, 0, "cat_same_last"), 1.0f);  // aid 20 shares aid 50's category
  EXPECT_EQ(Col(out, 0, "cat_session_events"), 1.0f);
  EXPECT_EQ(Col(out, 0, "cat_session_share"), 1.0f);
  EXPECT_EQ(Col(out, 0, "cat_events_back"), 0.0f);
  EXPECT_EQ(Col(out, 0, "cat_session_distinct"), 1.0f);
  // aid 30 (category 7) is in no session category: 0 events and share, no rank or age.
  EXPECT_EQ(Col(out, 1, "cat_same_last"), 0.0f);
  EXPECT_EQ(Col(out, 1, "cat_session_events"), 0.0f);
  EXPECT_EQ(Col(out, 1, "cat_session_share"), 0.0f);
  EXPECT_TRUE(std::isnan(Col(out, 1, "cat_session_rank")));
  EXPECT_TRUE(std::isnan(Col(out, 1, "cat_events_back")));
  // Without external ids the unknown event has no category: no session category at all.
  const SessionContext no_aids{items, ts, types, true};
  out = Compute(cf, no_aids, f.set);
  EXPECT_TRUE(std::isnan(Col(out, 0, "cat_same_last")));
  EXPECT_TRUE(std::isnan(Col(out, 0, "cat_session_share")));
  EXPECT_EQ(Col(out, 0, "cat_session_events"), 0.0f);
  EXPECT_EQ(Col(out, 0, "cat_session_distinct"), 0.0f);
  EXPECT_EQ(Col(out, 0, "cat_pop_rank"), 1.0f);  // item features need no session
}

TEST(CategoryFeatures, ItemsOutsideTheirListRankAfterIt) {
  Fixture f;
  const CategoryLists short_lists =
      CategoryLists::Build(f.ids, f.counts, f.categories, {.per_category = 1});
  const CategoryFeatures cf(short_lists, f.ids.size());
  const std::vector<float> out = Compute(cf, f.Context(), f.set);
  EXPECT_EQ(Col(out, 1, "cat_pop_rank"), 2.0f);  // aid 30: category 7's list is [aid 10]
  EXPECT_EQ(Col(out, 1, "cat_pop_share"), 0.0f);
  EXPECT_EQ(Col(out, 0, "cat_pop_rank"), 1.0f);
}

TEST(CategoryFeatures, SchemaHasTheFamilyOnlyWithCategoriesAndPersistsIt) {
  Fixture f;
  EventStoreBuilder sb;
  ASSERT_TRUE(sb.AddSession(1, std::vector<Event>{{10, 1000, EventType::kClick},
                                                  {20, 1100, EventType::kClick},
                                                  {30, 1200, EventType::kCart},
                                                  {40, 1300, EventType::kClick}})
                  .ok());
  const EventStore store = sb.Finish();
  const ItemFeatureTable items = ItemFeatureTable::Build(store, {});
  FeatureResources r;
  r.items = &items;
  const FeatureBuilder without(r, {});
  r.categories = &f.lists;
  const FeatureBuilder with(r, {});
  EXPECT_EQ(with.num_features(), without.num_features() + kCategoryFeatureColumns);
  EXPECT_EQ(without.schema().Find("cat_same_last"), -1);
  EXPECT_EQ(with.schema().Find("cat_same_last"), static_cast<int>(without.num_features()));
  // Built through the FeatureBuilder, the family's values land in its columns.
  FeatureScratch scratch;
  std::vector<float> rows;
  with.Build(f.Context(), f.set, scratch, rows);
  const size_t c = static_cast<size_t>(with.schema().Find("cat_pop_rank"));
  EXPECT_EQ(rows[1 * with.num_features() + c], 2.0f);
  EXPECT_TRUE(std::isnan(rows[2 * with.num_features() + c]));
  // The schema with the family survives the model directory's file.
  const auto dir = testing::TempDir("category_schema");
  ASSERT_TRUE(with.schema().Save(dir.string()).ok());
  StatusOr<FeatureSchema> back = FeatureSchema::Load(dir.string());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->names, with.schema().names);
  EXPECT_NE(back->names, without.schema().names);
}

}  // namespace
}  // namespace sessionrec
