#include <gtest/gtest.h>

#include <cstring>

#include "core/str_cat.h"
#include "embed/embed_test_util.h"
#include "embed/fasttext_trainer.h"
#include "embed/item2vec_corpus.h"
#include "embed/sgns.h"
#include "test_util.h"

namespace sessionrec {
namespace {

using testing::ClusteredStore;

EmbedParams SmallParams() {
  EmbedParams p;
  p.dim = 16;
  p.epochs = 10;
  p.min_tokens = 0;  // exactly 10 epochs
  p.threads = 1;
  p.seed = 7;
  p.subsample = 0;
  return p;
}

// Mean cosine within the same cluster minus mean cosine across clusters.
double ClusterMargin(const EmbeddingTable& t, int per_cluster) {
  double in = 0, out = 0;
  int n_in = 0, n_out = 0;
  for (ItemIndex a = 0; a < t.num_items(); ++a) {
    for (ItemIndex b = a + 1; b < t.num_items(); ++b) {
      if (!t.HasVector(a) || !t.HasVector(b)) continue;
      const bool same =
          (t.item_ids()[a] - 1000) / per_cluster == (t.item_ids()[b] - 1000) / per_cluster;
      (same ? in : out) += Dot(t.Row(a), t.Row(b));
      (same ? n_in : n_out) += 1;
    }
  }
  return in / n_in - out / n_out;
}

TEST(Sgns, IsBitIdenticalWithOneThreadAndSeed) {
  const EventStore store = ClusteredStore(300, 4, 10, 1);
  const EmbedParams p = SmallParams();
  auto a = TrainSgns(store, p);
  auto b = TrainSgns(store, p);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  ASSERT_EQ(a->vectors().size(), b->vectors().size());
  EXPECT_EQ(0, std::memcmp(a->vectors().data(), b->vectors().data(), a->vectors().size_bytes()));
  EmbedParams other = p;
  other.seed = 8;
  auto c = TrainSgns(store, other);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(0, std::memcmp(a->vectors().data(), c->vectors().data(), a->vectors().size_bytes()));
}

TEST(Sgns, PutsItemsOfOneClusterTogether) {
  const EventStore store = ClusteredStore(600, 4, 10, 2);
  EmbedParams p = SmallParams();
  p.threads = 2;  // the Hogwild path
  auto t = TrainSgns(store, p);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->num_with_vector(), 40u);
  EXPECT_GT(ClusterMargin(*t, 10), 0.3);
}

TEST(Sgns, EffectiveEpochsReachMinTokens) {
  EmbedParams p;
  p.epochs = 5;
  p.min_tokens = 1000;
  EXPECT_EQ(EffectiveEpochs(p, 30), 34);  // ceil(1000 / 30)
  EXPECT_EQ(EffectiveEpochs(p, 200), 5);  // 5 * 200 >= 1000 already
  EXPECT_EQ(EffectiveEpochs(p, 1), 150);  // capped at max_auto_epochs
  p.max_auto_epochs = 20;
  EXPECT_EQ(EffectiveEpochs(p, 30), 20);
  p.epochs = 25;
  EXPECT_EQ(EffectiveEpochs(p, 30), 25);  // never below epochs
  p.epochs = 5;
  EXPECT_EQ(EffectiveEpochs(p, 0), 5);  // nothing to count
  p.min_tokens = 0;
  EXPECT_EQ(EffectiveEpochs(p, 30), 5);
  // The defaults at synthetic / OTTO scale (>= 1M tokens per epoch): the rule is off.
  EXPECT_EQ(EffectiveEpochs(EmbedParams{}, 1'000'000), 5);
  EXPECT_EQ(EffectiveEpochs(EmbedParams{}, 17'000'000), 5);
  EXPECT_EQ(EffectiveEpochs(EmbedParams{}, 999'999), 5);  // ceil(1M / 999,999) = 2 < 5
}

TEST(Sgns, RunsTheEffectiveEpochsAndSaysSoInMeta) {
  const EventStore store = ClusteredStore(50, 2, 5, 3);
  EmbedParams p = SmallParams();
  p.epochs = 2;
  p.min_tokens = 10 * store.num_events();  // tokens <= events: at least 10 epochs
  auto t = TrainSgns(store, p);
  ASSERT_TRUE(t.ok()) << t.status();
  const Item2VecVocab v = BuildItem2VecVocab(store, p.min_count);
  const int want = EffectiveEpochs(p, v.num_tokens);
  EXPECT_GE(want, 10);
  EXPECT_NE(t->meta().find(StrCat("\"epochs_run\":", want, ",")), std::string::npos) << t->meta();
}

// Pairs (a, b) that only ever occur together, in two-item sessions: they share no context
// item, so input vectors alone need not relate them; input + output vectors carry the
// fitted in(a)·out(b) and put the partners together.
TEST(Sgns, InputPlusOutputVectorsRelateItemsThatOnlyCoOccur) {
  EventStoreBuilder b;
  for (int s = 0; s < 400; ++s) {
    const ItemId a = 2 * (s % 20);
    const std::vector<Event> ev = {{a, 10 * s, EventType::kClick},
                                   {a + 1, 10 * s + 1, EventType::kClick}};
    ASSERT_TRUE(b.AddSession(s, ev).ok());
  }
  const EventStore store = b.Finish();
  auto partner_margin = [&](const EmbeddingTable& t) {
    double partner = 0, other = 0;
    int n_partner = 0, n_other = 0;
    for (ItemIndex i = 0; i < t.num_items(); ++i) {
      for (ItemIndex j = i + 1; j < t.num_items(); ++j) {
        const bool pair = t.item_ids()[i] / 2 == t.item_ids()[j] / 2;
        (pair ? partner : other) += Dot(t.Row(i), t.Row(j));
        (pair ? n_partner : n_other) += 1;
      }
    }
    return partner / n_partner - other / n_other;
  };
  EmbedParams p = SmallParams();
  p.epochs = 50;
  auto sum = TrainSgns(store, p);
  p.add_output_vectors = false;
  auto in_only = TrainSgns(store, p);
  ASSERT_TRUE(sum.ok() && in_only.ok());
  EXPECT_EQ(sum->num_with_vector(), 40u);
  EXPECT_GT(partner_margin(*sum), 0.5);
  EXPECT_GT(partner_margin(*sum), partner_margin(*in_only) + 0.2);
}

TEST(Sgns, ItemsBelowMinCountOrAloneHaveNoVector) {
  EventStoreBuilder b;
  const std::vector<Event> s0 = {{1, 10, EventType::kClick},
                                 {2, 11, EventType::kClick},
                                 {1, 12, EventType::kClick},
                                 {2, 13, EventType::kClick}};
  const std::vector<Event> s1 = {{3, 20, EventType::kClick}, {1, 21, EventType::kClick}};
  const std::vector<Event> s2 = {{4, 30, EventType::kClick}, {4, 31, EventType::kClick}};
  ASSERT_TRUE(b.AddSession(0, s0).ok());
  ASSERT_TRUE(b.AddSession(1, s1).ok());
  ASSERT_TRUE(b.AddSession(2, s2).ok());
  const EventStore store = b.Finish();  // dense: aid 1 -> 0, 2 -> 1, 3 -> 2, 4 -> 3
  EmbedParams p = SmallParams();
  p.min_count = 2;
  auto t = TrainSgns(store, p);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_TRUE(t->HasVector(0));
  EXPECT_TRUE(t->HasVector(1));
  EXPECT_FALSE(t->HasVector(2));  // one event < min_count
  EXPECT_FALSE(t->HasVector(3));  // two events, but only ever next to itself
  EXPECT_TRUE(t->Row(3).empty());
  EXPECT_EQ(t->num_with_vector(), 2u);
}

TEST(Sgns, RejectsStoreWithoutPairsAndBadParams) {
  EventStoreBuilder b;
  const std::vector<Event> s0 = {{1, 10, EventType::kClick}};
  ASSERT_TRUE(b.AddSession(0, s0).ok());
  const EventStore store = b.Finish();
  EXPECT_EQ(TrainSgns(store, SmallParams()).status().code(), absl::StatusCode::kFailedPrecondition);
  EmbedParams bad = SmallParams();
  bad.negatives = 0;
  auto r = TrainSgns(store, bad);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string(r.status().message()).find("negatives"), std::string::npos);
}

// learning_rate 1 (the top of its range) makes SGD diverge on this store: an error naming
// the parameter, not a crash in the sigmoid table or NaN vectors.
TEST(Sgns, DivergenceIsAnErrorNotACrash) {
  const EventStore store = ClusteredStore(300, 4, 10, 1);
  EmbedParams p = SmallParams();
  p.learning_rate = 1.0f;
  p.epochs = 50;
  auto t = TrainSgns(store, p);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(t.status().message()).find("learning_rate"), std::string::npos);
}

TEST(FastText, TrainsClusteredItemsWithoutSubwords) {
  const EventStore store = ClusteredStore(600, 4, 10, 3);
  EmbedParams p = SmallParams();
  p.trainer = EmbedTrainer::kFastText;
  p.subsample = 1e-2;  // fastText has no "off"; its threshold must let tokens through
  const auto dir = testing::TempDir("fasttext");
  auto t = TrainFastText(store, p, dir.string());
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->num_with_vector(), 40u);
  EXPECT_GT(ClusterMargin(*t, 10), 0.3);
  EXPECT_FALSE(std::filesystem::exists(dir / "item2vec_corpus.txt"));
}

}  // namespace
}  // namespace sessionrec
