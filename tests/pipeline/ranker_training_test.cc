// The rankers stage: trained by default with the model, schema and files in the model
// dir, and no test-period data reaching training (changing the test period's sessions
// leaves the trained rankers byte-identical).
#include "pipeline/ranker_training.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/str_cat.h"
#include "data/generator.h"
#include "data/item_categories.h"
#include "data/split.h"
#include "features/category_features.h"
#include "pipeline/train_model.h"
#include "rank/ranker_set.h"
#include "serve/model_bundle.h"
#include "serve/recommender.h"
#include "test_util.h"

namespace sessionrec {
namespace {

namespace fs = std::filesystem;

std::vector<Session> Generated(uint64_t n, uint64_t seed, int days) {
  GeneratorParams p;
  p.num_sessions = n;
  p.seed = seed;
  p.num_items = 400;
  p.days = days;
  p.threads = 1;
  p.max_session_length = 40;
  std::vector<Session> out;
  SR_CHECK(GenerateSessions(
               p,
               [&](std::span<const Session> b) {
                 out.insert(out.end(), b.begin(), b.end());
                 return absl::OkStatus();
               },
               nullptr)
               .ok());
  return out;
}

// `history` followed by `later`, squeezed into (end + 2 h, end + 14 h] with new ids, and a
// fixed last session at end + 14 h + 60 s (so every such log has the same newest event).
EventStore Log(const std::vector<Session>& history, const std::vector<Session>& later) {
  EventStoreBuilder b;
  Timestamp end = 0;
  for (const Session& s : history) {
    SR_CHECK(b.AddSession(s.id, s.events).ok());
    for (const Event& e : s.events) end = std::max(end, e.ts);
  }
  Timestamp first = INT64_MAX;
  for (const Session& s : later) first = std::min(first, s.events.front().ts);
  Timestamp last = first;
  for (const Session& s : later) last = std::max(last, s.events.back().ts);
  const double squeeze = 12.0 * 3600.0 / std::max<double>(1.0, double(last - first));
  for (const Session& s : later) {
    std::vector<Event> ev = s.events;
    for (Event& e : ev) e.ts = end + 7200 + Timestamp(double(e.ts - first) * squeeze);
    SR_CHECK(b.AddSession(s.id + 1'000'000, ev).ok());
  }
  if (!later.empty()) {
    const Timestamp t = end + 7200 + 12 * 3600 + 60;
    SR_CHECK(b.AddSession(9'999'999,
                          std::vector<Event>{{history[0].events[0].aid, t, EventType::kClick},
                                             {history[0].events[0].aid, t, EventType::kClick}})
                 .ok());
  }
  return b.Finish();
}

TrainParams Params() {
  TrainParams p;
  p.only_covisit = true;
  p.threads = 1;
  p.rankers.candidates = 30;
  p.rankers.train.booster.num_rounds = 15;
  return p;
}

std::string RankerFiles(const fs::path& dir) {
  std::string all;
  for (const char* f : {"feature_schema.json", "rankers/clicks.json", "rankers/carts.json",
                        "rankers/orders.json"}) {
    all += testing::ReadFile(dir / f);
  }
  return all;
}

TEST(RankerTraining, TrainsByDefaultAndWritesTheModelDirFiles) {
  const EventStore log = Log(Generated(1500, 1, 2), {});
  const fs::path dir = testing::TempDir("ranker_stage") / "model";
  StatusOr<TrainReport> r = TrainModel(log, Params(), dir.string());
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(r->rankers.trained) << r->rankers.skipped;
  EXPECT_GE(r->rankers.features, 40u);
  EXPECT_GT(r->rankers.rows, 0u);
  for (const char* f :
       {"feature_schema.json", "feature_importance.json", "rankers/rankers.json",
        "rankers/clicks.json", "rankers/carts.json", "rankers/orders.json", "item_features.bin"}) {
    EXPECT_TRUE(fs::exists(dir / f)) << f;
  }
  StatusOr<std::unique_ptr<RankerSet>> set = RankerSet::Load(dir.string());
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ((*set)->schema().size(), r->rankers.features);
  // The held-out validation ran, is recorded, and decides what `auto` serves.
  EXPECT_TRUE(r->rankers.validated);
  const nlohmann::json& v = (*set)->training()["validation"];
  ASSERT_TRUE(v.is_object());
  EXPECT_EQ(v["serve"], r->rankers.preferred ? "rankers" : "blend");
  EXPECT_EQ(v["rankers"].get<double>(), r->rankers.validation_rankers);
  EXPECT_GT(v["held_out_queries"].get<size_t>(), 0u);
  // Every model starts from the blend-rank prior (persisted in rankers.json).
  for (int t = 0; t < kNumEventTypes; ++t) {
    const int column = (*set)->model(t).prior.column;
    ASSERT_GE(column, 0) << t;
    EXPECT_EQ((*set)->schema().names[static_cast<size_t>(column)], "cand_blend_rank");
  }
  StatusOr<std::shared_ptr<const ModelBundle>> bundle = LoadModelBundle(dir.string());
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  EXPECT_EQ(Recommender(*bundle).uses_rankers(), r->rankers.preferred);
  EXPECT_TRUE(Recommender(*bundle, RecommenderScorer::kRankers).uses_rankers());
  EXPECT_FALSE(Recommender(*bundle, RecommenderScorer::kBlend).uses_rankers());
  // --no-rankers leaves them out.
  TrainParams off = Params();
  off.rankers.enabled = false;
  const fs::path dir2 = testing::TempDir("ranker_stage_off") / "model";
  ASSERT_TRUE(TrainModel(log, off, dir2.string()).ok());
  EXPECT_FALSE(RankerSet::Present(dir2.string()));
}

// The served pool is ordered by the weights the rankers' training pool had (rankers.json
// training.pool_weights), not by whatever this build's weights are; rankers that recorded
// none (before session 7) get the clicks blend they were trained on; bad weights are errors.
TEST(RankerTraining, ServedPoolKeepsTheWeightsTheRankersWereTrainedWith) {
  const EventStore log = Log(Generated(1500, 1, 2), {});
  const fs::path dir = testing::TempDir("ranker_pool") / "model";
  StatusOr<TrainReport> r = TrainModel(log, Params(), dir.string());
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(r->rankers.trained) << r->rankers.skipped;
  const fs::path info_path = dir / kRankersInfoFile;
  const nlohmann::json info = nlohmann::json::parse(testing::ReadFile(info_path));
  const nlohmann::json& stored = info["training"]["pool_weights"];
  ASSERT_TRUE(stored.is_object());

  auto load = [&](const nlohmann::json& changed) {
    testing::WriteFile(info_path, changed.dump());
    return LoadModelBundle(dir.string());
  };
  auto weights_of = [](const ModelBundle& b) {
    std::vector<float> w;
    for (size_t i = 0; i < b.blend()->num_sources(); ++i) w.push_back(b.blend()->weight(i));
    return w;
  };
  StatusOr<std::shared_ptr<const ModelBundle>> bundle = load(info);
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  const Merger& merger = *(*bundle)->blend();
  const auto carts = (*bundle)->blend_weights(EventType::kCart);
  ASSERT_EQ(stored.size(), merger.num_sources());
  size_t pop_all = merger.num_sources();
  for (size_t i = 0; i < merger.num_sources(); ++i) {
    const std::string name(merger.source(i).name());
    EXPECT_EQ(stored[name].get<float>(), carts[i]) << name;  // trained on the carts blend
    EXPECT_EQ(merger.weight(i), carts[i]) << name;
    if (name == "pop_all") pop_all = i;
  }
  ASSERT_LT(pop_all, merger.num_sources());
  // `inspect` shows them.
  const testing::CliRun shown = testing::RunSessionrec("inspect " + dir.string());
  ASSERT_EQ(shown.exit_code, 0) << shown.output;
  EXPECT_NE(shown.output.find("pool:      "), std::string::npos) << shown.output;
  EXPECT_NE(
      shown.output.find(StrCat("pop_all ", fmt::format("{}", stored["pop_all"].get<float>()))),
      std::string::npos)
      << shown.output;

  nlohmann::json changed = info;
  changed["training"]["pool_weights"]["pop_all"] = 7.5;
  bundle = load(changed);
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  EXPECT_EQ((*bundle)->blend()->weight(pop_all), 7.5f);

  changed = info;
  changed["training"].erase("pool_weights");
  bundle = load(changed);
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  const auto clicks = (*bundle)->blend_weights(EventType::kClick);
  EXPECT_EQ(weights_of(**bundle), std::vector<float>(clicks.begin(), clicks.end()));

  changed = info;
  changed["training"]["pool_weights"]["pop_all"] = -1;
  bundle = load(changed);
  ASSERT_FALSE(bundle.ok());
  EXPECT_NE(bundle.status().message().find("training.pool_weights.pop_all"), std::string::npos)
      << bundle.status();
  changed["training"]["pool_weights"].erase("pop_all");
  bundle = load(changed);
  ASSERT_FALSE(bundle.ok());
  EXPECT_NE(bundle.status().message().find("no weight for the candidate source \"pop_all\""),
            std::string::npos)
      << bundle.status();
  changed["training"]["pool_weights"] = "carts";
  EXPECT_FALSE(load(changed).ok());
}

TEST(RankerTraining, TestPeriodNeverReachesTraining) {
  // Two logs with the same history and different test periods: the OTTO split's training
  // parts are equal, and so must be the rankers trained on them.
  const std::vector<Session> history = Generated(1500, 2, 2);
  const EventStore a = Log(history, Generated(300, 3, 1));
  const EventStore b = Log(history, Generated(300, 4, 1));
  std::string files[2];
  int i = 0;
  for (const EventStore* log : {&a, &b}) {
    // split_ts = newest - days = end + 1 h: the history is all training, the rest test.
    const double days = (12.0 * 3600 + 60 + 3600) / 86400.0;
    StatusOr<SplitResult> split = SplitOtto(*log, {.days = days, .seed = 0});
    ASSERT_TRUE(split.ok()) << split.status();
    ASSERT_GT(split->queries.size(), 100u);
    const fs::path dir = testing::TempDir(StrCat("ranker_leak_", i)) / "model";
    StatusOr<TrainReport> r = TrainModel(split->train, Params(), dir.string());
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_TRUE(r->rankers.trained) << r->rankers.skipped;
    files[i++] = RankerFiles(dir);
  }
  EXPECT_FALSE(files[0].empty());
  EXPECT_EQ(files[0], files[1]);
}

TEST(RankerTraining, LabelWindowsPoolEarlierPeriods) {
  const EventStore log = Log(Generated(1500, 5, 2), {});
  TrainParams one = Params();
  one.rankers.validation_fraction = 0;
  TrainParams two = one;
  two.rankers.label_windows = 2;
  const fs::path dir1 = testing::TempDir("ranker_windows_1") / "model";
  const fs::path dir2 = testing::TempDir("ranker_windows_2") / "model";
  StatusOr<TrainReport> r1 = TrainModel(log, one, dir1.string());
  StatusOr<TrainReport> r2 = TrainModel(log, two, dir2.string());
  ASSERT_TRUE(r1.ok()) << r1.status();
  ASSERT_TRUE(r2.ok()) << r2.status();
  ASSERT_TRUE(r1->rankers.trained && r2->rankers.trained);
  // The newest window is the single window's label period; the second adds its queries.
  EXPECT_GT(r2->rankers.queries, r1->rankers.queries);
  EXPECT_GT(r2->rankers.rows, r1->rankers.rows);
  StatusOr<std::unique_ptr<RankerSet>> set = RankerSet::Load(dir2.string());
  ASSERT_TRUE(set.ok()) << set.status();
  const nlohmann::json& w = (*set)->training()["label_windows"];
  ASSERT_TRUE(w.is_array());
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0]["queries"].get<size_t>(), r1->rankers.queries);
  EXPECT_GT(w[1]["queries"].get<size_t>(), 0u);
  // The second window's candidate model sees only the log before its own label period.
  EXPECT_LT(w[1]["earlier_part_sessions"].get<size_t>(),
            w[0]["earlier_part_sessions"].get<size_t>());
  // Zero windows is a parameter error.
  TrainParams none = one;
  none.rankers.label_windows = 0;
  EXPECT_FALSE(
      TrainModel(log, none, (testing::TempDir("ranker_windows_0") / "model").string()).ok());
}

TEST(RankerTraining, CategoryFeaturesAreTrainedPersistedAndServed) {
  const EventStore log = Log(Generated(1500, 6, 2), {});
  ItemCategoriesBuilder cb;
  for (ItemId aid : log.item_ids()) cb.Add(aid, aid % 7);
  const ItemCategories categories = ItemCategories::Build(std::move(cb));
  TrainParams p = Params();
  p.categories = &categories;
  const fs::path dir = testing::TempDir("ranker_categories") / "model";
  StatusOr<TrainReport> r = TrainModel(log, p, dir.string());
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(r->rankers.trained) << r->rankers.skipped;
  StatusOr<FeatureSchema> schema = FeatureSchema::Load(dir.string());
  ASSERT_TRUE(schema.ok()) << schema.status();
  EXPECT_GE(schema->Find("cat_same_last"), 0);
  EXPECT_GE(schema->Find("cat_pop_rank"), 0);
  EXPECT_GE(schema->Find("src_category_pop_rank"), 0);
  EXPECT_EQ(schema->size(), r->rankers.features);
  // The server computes the same columns, and scores with them.
  StatusOr<std::shared_ptr<const ModelBundle>> bundle = LoadModelBundle(dir.string());
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  ASSERT_NE((*bundle)->ranker_features(), nullptr);
  EXPECT_EQ((*bundle)->ranker_features()->schema().names, schema->names);
  EXPECT_EQ((*bundle)->stats().feature_dimension, schema->size());
  const Recommender rec(*bundle, RecommenderScorer::kRankers);
  ASSERT_TRUE(rec.uses_rankers());
  // The same training without categories has none of the family's columns.
  const fs::path plain = testing::TempDir("ranker_no_categories") / "model";
  StatusOr<TrainReport> r0 = TrainModel(log, Params(), plain.string());
  ASSERT_TRUE(r0.ok()) << r0.status();
  StatusOr<FeatureSchema> schema0 = FeatureSchema::Load(plain.string());
  ASSERT_TRUE(schema0.ok()) << schema0.status();
  EXPECT_EQ(schema0->Find("cat_same_last"), -1);
  EXPECT_EQ(schema->size(), schema0->size() + kCategoryFeatureColumns + kFeaturesPerSource);
}

TEST(RankerTraining, TooShortALogSkipsTheRankersWithAReason) {
  EventStoreBuilder b;
  ASSERT_TRUE(
      b.AddSession(1, std::vector<Event>{{1, 100, EventType::kClick}, {2, 100, EventType::kClick}})
          .ok());
  const fs::path dir = testing::TempDir("ranker_short") / "model";
  StatusOr<TrainReport> r = TrainModel(b.Finish(), Params(), dir.string());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->rankers.trained);
  EXPECT_FALSE(r->rankers.skipped.empty());
  EXPECT_FALSE(RankerSet::Present(dir.string()));
}

}  // namespace
}  // namespace sessionrec
