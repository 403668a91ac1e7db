// Feature values on a hand-built session, the schema and its persistence, and the item
// feature artifact round trip.
#include "features/feature_builder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "data/event_store.h"
#include "test_util.h"

namespace sessionrec {
namespace {

// Catalogue: aids 10, 20, 30, 40 -> dense 0, 1, 2, 3 (order of appearance).
EventStore Catalogue() {
  EventStoreBuilder b;
  SR_CHECK(b.AddSession(1, std::vector<Event>{{10, 1000, EventType::kClick},
                                              {20, 1100, EventType::kClick},
                                              {20, 1200, EventType::kCart}})
               .ok());
  SR_CHECK(b.AddSession(2, std::vector<Event>{{30, 1300, EventType::kClick},
                                              {10, 1400, EventType::kOrder},
                                              {40, 4600, EventType::kClick}})
               .ok());
  return b.Finish();
}

// Item 0 -> {2: 4, 1: 2}; item 1 -> {2: 1}; items 2, 3: no neighbours.
CovisitMatrix Matrix() { return CovisitMatrix({0, 2, 3, 3, 3}, {2, 1, 2}, {4.0f, 2.0f, 1.0f}); }

EmbeddingTable Embeddings() {
  return EmbeddingTable(2, {10, 20, 30, 40}, {1, 0, 0, 1, 0.6f, 0.8f, 0, 0}, {1, 1, 1, 0});
}

struct Fixture {
  EventStore store = Catalogue();
  ItemFeatureTable items = ItemFeatureTable::Build(store, {});
  CovisitMatrix matrix = Matrix();
  EmbeddingTable emb = Embeddings();
  // The session: aid 10 click @100, aid 20 cart @160, aid 10 click @400.
  std::vector<ItemIndex> s_items = {0, 1, 0};
  std::vector<uint32_t> s_ts = {100, 160, 400};
  std::vector<uint8_t> s_types = {0, 1, 0};
  CandidateSet set;

  Fixture() {
    set.num_sources = 1;
    set.items = {0, 2};
    set.blend = {1.0f, 0.5f};
    set.features = {1.0f, 5.0f, 1.0f, 0.5f, 2.5f, 2.0f};
  }
  FeatureBuilder Builder(bool with_embeddings) const {
    FeatureResources r;
    r.items = &items;
    r.covisit = {{"m", &matrix}};
    r.embeddings = with_embeddings ? &emb : nullptr;
    return FeatureBuilder(r, {"src"});
  }
  SessionContext Context() const { return {s_items, s_ts, s_types, false}; }
};

float At(const FeatureBuilder& b, const std::vector<float>& rows, size_t r, const char* name) {
  const int c = b.schema().Find(name);
  SR_CHECK(c >= 0);
  return rows[r * b.num_features() + static_cast<size_t>(c)];
}

TEST(FeatureBuilder, SchemaHasAtLeastFortyDistinctNames) {
  Fixture f;
  const FeatureBuilder b = f.Builder(true);
  EXPECT_GE(b.num_features(), 40u);
  const std::set<std::string> distinct(b.schema().names.begin(), b.schema().names.end());
  EXPECT_EQ(distinct.size(), b.num_features());
  EXPECT_GE(b.schema().Find("src_src_rank"), 0);
  EXPECT_GE(b.schema().Find("cv_m_wsum"), 0);
}

TEST(FeatureBuilder, SessionFamilyOnHandBuiltSession) {
  Fixture f;
  const FeatureBuilder b = f.Builder(true);
  FeatureScratch scratch;
  std::vector<float> rows;
  b.Build(f.Context(), f.set, scratch, rows);
  ASSERT_EQ(rows.size(), 2 * b.num_features());
  for (size_t r : {0u, 1u}) {
    EXPECT_EQ(At(b, rows, r, "sess_events"), 3.0f);
    EXPECT_EQ(At(b, rows, r, "sess_distinct_items"), 2.0f);
    EXPECT_FLOAT_EQ(At(b, rows, r, "sess_duration_s"), std::log1p(300.0f));
    EXPECT_EQ(At(b, rows, r, "sess_clicks"), 2.0f);
    EXPECT_EQ(At(b, rows, r, "sess_carts"), 1.0f);
    EXPECT_EQ(At(b, rows, r, "sess_orders"), 0.0f);
    EXPECT_FLOAT_EQ(At(b, rows, r, "sess_buy_frac"), 1.0f / 3.0f);
    EXPECT_FLOAT_EQ(At(b, rows, r, "sess_last_gap_s"), std::log1p(240.0f));
    EXPECT_FLOAT_EQ(At(b, rows, r, "sess_mean_gap_s"), std::log1p(150.0f));
    EXPECT_EQ(At(b, rows, r, "sess_include_seen"), 1.0f);
  }
}

TEST(FeatureBuilder, ItemFamilyCountsWindowsAndRates) {
  Fixture f;
  const FeatureBuilder b = f.Builder(true);
  FeatureScratch scratch;
  std::vector<float> rows;
  b.Build(f.Context(), f.set, scratch, rows);
  // Row 0 is aid 10: a click @1000 and an order @1400; newest event of the log @4600.
  EXPECT_FLOAT_EQ(At(b, rows, 0, "item_clicks_all"), std::log1p(1.0f));
  EXPECT_FLOAT_EQ(At(b, rows, 0, "item_orders_all"), std::log1p(1.0f));
  EXPECT_FLOAT_EQ(At(b, rows, 0, "item_carts_all"), 0.0f);
  EXPECT_FLOAT_EQ(At(b, rows, 0, "item_clicks_h1"), std::log1p(1.0f));  // 1000 >= 4600-3600
  EXPECT_FLOAT_EQ(At(b, rows, 0, "item_sessions"), std::log1p(2.0f));
  EXPECT_FLOAT_EQ(At(b, rows, 0, "item_order_rate"), 0.5f);
  EXPECT_FLOAT_EQ(At(b, rows, 0, "item_hours_since_last"), 3200.0f / 3600.0f);
  EXPECT_FLOAT_EQ(At(b, rows, 0, "item_age_hours"), 1.0f);
  // Row 1 is aid 30: one click @1300, no buys.
  EXPECT_FLOAT_EQ(At(b, rows, 1, "item_clicks_all"), std::log1p(1.0f));
  EXPECT_FLOAT_EQ(At(b, rows, 1, "item_clicks_h1"), std::log1p(1.0f));
  EXPECT_FLOAT_EQ(At(b, rows, 1, "item_orders_d7"), 0.0f);
  EXPECT_FLOAT_EQ(At(b, rows, 1, "item_order_rate"), 0.0f);
}

TEST(FeatureBuilder, CandidateAndInSessionFamilies) {
  Fixture f;
  const FeatureBuilder b = f.Builder(true);
  FeatureScratch scratch;
  std::vector<float> rows;
  b.Build(f.Context(), f.set, scratch, rows);
  EXPECT_EQ(At(b, rows, 1, "src_src_norm"), 0.5f);
  EXPECT_EQ(At(b, rows, 1, "src_src_raw"), 2.5f);
  EXPECT_EQ(At(b, rows, 1, "src_src_rank"), 2.0f);
  EXPECT_EQ(At(b, rows, 1, "cand_blend_rank"), 2.0f);
  EXPECT_EQ(At(b, rows, 1, "cand_num_sources"), 1.0f);
  // aid 10 (row 0): clicked at positions 0 and 2, the last event.
  EXPECT_EQ(At(b, rows, 0, "ins_in_session"), 1.0f);
  EXPECT_EQ(At(b, rows, 0, "ins_clicks"), 2.0f);
  EXPECT_EQ(At(b, rows, 0, "ins_carts"), 0.0f);
  EXPECT_EQ(At(b, rows, 0, "ins_events_back"), 0.0f);
  EXPECT_EQ(At(b, rows, 0, "ins_is_last_item"), 1.0f);
  EXPECT_FLOAT_EQ(At(b, rows, 0, "ins_weighted"), 1.0f + std::exp2(-2.0f / 5.0f));
  // aid 30 (row 1) is not in the session.
  EXPECT_EQ(At(b, rows, 1, "ins_in_session"), 0.0f);
  EXPECT_TRUE(std::isnan(At(b, rows, 1, "ins_events_back")));
  EXPECT_TRUE(std::isnan(At(b, rows, 1, "ins_last_type")));
}

TEST(FeatureBuilder, CovisitAggregates) {
  Fixture f;
  const FeatureBuilder b = f.Builder(true);
  FeatureScratch scratch;
  std::vector<float> rows;
  b.Build(f.Context(), f.set, scratch, rows);
  // Candidate aid 30 (dense 2): weight 4 from item 0 (events 0 and 2), 1 from item 1.
  EXPECT_FLOAT_EQ(At(b, rows, 1, "cv_m_sum"), 9.0f);
  EXPECT_FLOAT_EQ(At(b, rows, 1, "cv_m_max"), 4.0f);
  EXPECT_FLOAT_EQ(At(b, rows, 1, "cv_m_last"), 4.0f);
  const float wsum = std::exp2(-2.0f / 5.0f) * 1.0f + 3.0f * std::exp2(-1.0f / 5.0f) * 1.0f + 1.0f;
  EXPECT_NEAR(At(b, rows, 1, "cv_m_wsum"), wsum, 1e-5);
  // aid 10 is nobody's neighbour.
  EXPECT_EQ(At(b, rows, 0, "cv_m_sum"), 0.0f);
  EXPECT_EQ(At(b, rows, 0, "cv_m_max"), 0.0f);
}

TEST(FeatureBuilder, EmbeddingSimilarities) {
  Fixture f;
  const FeatureBuilder b = f.Builder(true);
  FeatureScratch scratch;
  std::vector<float> rows;
  b.Build(f.Context(), f.set, scratch, rows);
  EXPECT_FLOAT_EQ(At(b, rows, 1, "emb_cos_last"), 0.6f);  // aid 30 vs aid 10
  EXPECT_FLOAT_EQ(At(b, rows, 1, "emb_cos_max_recent"), 0.8f);
  EXPECT_FLOAT_EQ(At(b, rows, 1, "emb_cos_mean_recent"), 0.7f);
  EXPECT_FLOAT_EQ(At(b, rows, 0, "emb_cos_last"), 1.0f);
  // Session embedding: Σ w_i v_i, w_i = type_w · 2^(-(n-1-i)/4), normalised.
  const float ex = std::exp2(-0.5f) + 1.0f, ey = 3.0f * std::exp2(-0.25f);
  const float norm = std::sqrt(ex * ex + ey * ey);
  EXPECT_NEAR(At(b, rows, 1, "emb_cos_session"), (0.6f * ex + 0.8f * ey) / norm, 1e-5);
  // Without embeddings every similarity is missing.
  const FeatureBuilder no_emb = f.Builder(false);
  no_emb.Build(f.Context(), f.set, scratch, rows);
  EXPECT_TRUE(std::isnan(At(no_emb, rows, 1, "emb_cos_session")));
  EXPECT_TRUE(std::isnan(At(no_emb, rows, 0, "emb_cos_last")));
}

TEST(FeatureBuilder, ScratchIsResetBetweenCalls) {
  Fixture f;
  const FeatureBuilder b = f.Builder(true);
  FeatureScratch scratch;
  std::vector<float> first, second;
  b.Build(f.Context(), f.set, scratch, first);
  CandidateSet other = f.set;
  other.items = {3, 1};
  b.Build(f.Context(), other, scratch, second);
  for (uint32_t s : scratch.slot) EXPECT_EQ(s, UINT32_MAX);
  // aid 20 (dense 1) is now row 1 and in the session (cart at position 1).
  EXPECT_EQ(At(b, second, 1, "ins_carts"), 1.0f);
  EXPECT_EQ(At(b, second, 0, "ins_in_session"), 0.0f);
}

TEST(FeatureSchema, SaveLoadRoundTrip) {
  Fixture f;
  const FeatureBuilder b = f.Builder(true);
  const auto dir = testing::TempDir("feature_schema");
  ASSERT_TRUE(b.schema().Save(dir.string()).ok());
  StatusOr<FeatureSchema> back = FeatureSchema::Load(dir.string());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->names, b.schema().names);
}

TEST(FeatureSchema, RejectsBadFilesNamingThem) {
  const auto bad = [](const char* text) {
    StatusOr<FeatureSchema> s = FeatureSchema::FromJson(text, "dir/feature_schema.json");
    EXPECT_FALSE(s.ok()) << text;
    if (!s.ok()) {
      EXPECT_NE(s.status().message().find("dir/feature_schema.json"), std::string::npos);
    }
  };
  bad("not json");
  bad(R"({"version":2,"features":["a"]})");
  bad(R"({"version":1,"features":["a","a"]})");
  bad(R"({"version":1,"features":[""]})");
  bad(R"({"version":1,"features":[]})");
  bad(R"({"version":1})");
  EXPECT_TRUE(FeatureSchema::FromJson(R"({"version":1,"features":["a","b"]})", "x").ok());
  EXPECT_FALSE(FeatureSchema::Load("/nonexistent-dir").ok());
}

TEST(ItemFeatureTable, SaveOpenRoundTrip) {
  Fixture f;
  const auto dir = testing::TempDir("item_features");
  const std::string path = (dir / kItemFeaturesFile).string();
  ASSERT_TRUE(f.items.Save(path).ok());
  StatusOr<ItemFeatureTable> back = ItemFeatureTable::Open(path);
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->num_items(), 4u);
  for (ItemIndex i = 0; i < 4; ++i) {
    const auto a = f.items.Row(i), c = back->Row(i);
    ASSERT_EQ(a.size(), c.size());
    for (size_t j = 0; j < a.size(); ++j) {
      EXPECT_TRUE(a[j] == c[j] || (std::isnan(a[j]) && std::isnan(c[j])));
    }
  }
  EXPECT_TRUE(back->Row(4).empty());
}

}  // namespace
}  // namespace sessionrec
