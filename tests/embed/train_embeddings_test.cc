#include "embed/train_embeddings.h"

#include <gtest/gtest.h>

#include "data/load.h"
#include "embed/embed_quality.h"
#include "embed/embed_test_util.h"
#include "test_util.h"

namespace sessionrec {
namespace {

TEST(TrainEmbeddingArtifacts, WritesArtifactsTheLoaderAccepts) {
  const EventStore store = testing::ClusteredStore(400, 4, 10, 4);
  EmbedParams p;
  p.dim = 16;
  p.threads = 1;
  p.epochs = 10;
  p.min_tokens = 0;  // exactly 10 epochs
  p.subsample = 0;   // 40 items: the default threshold would drop most tokens
  p.neighbors.k = 5;
  const auto dir = testing::TempDir("train_embed");
  auto st = TrainEmbeddingArtifacts(store, p, dir.string());
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(st->items, 40u);
  EXPECT_EQ(st->items_with_vector, 40u);
  EXPECT_EQ(st->neighbor_entries, 40u * 5);
  EXPECT_FALSE(st->hnsw);
  EXPECT_EQ(st->sessions_stored, 400u);
  EXPECT_FALSE(std::filesystem::exists(dir / kItemIndexFile));

  auto a = LoadEmbeddingArtifacts(dir.string());
  ASSERT_TRUE(a.ok()) << a.status();
  const EmbeddingArtifacts& e = **a;
  EXPECT_EQ(e.table.dim(), 16);
  EXPECT_TRUE(e.index->exact());
  // Neighbour lists of the clustered items stay (mostly) inside the cluster.
  size_t same = 0, total = 0;
  for (ItemIndex i = 0; i < e.table.num_items(); ++i) {
    for (ItemIndex j : e.neighbors.Neighbors(i)) {
      same += (e.table.item_ids()[i] - 1000) / 10 == (e.table.item_ids()[j] - 1000) / 10;
      ++total;
    }
  }
  EXPECT_GT(double(same) / total, 0.9);
  // The stored session embedding is the one the server would compute.
  std::vector<float> stored(16), live(16);
  const SessionView v = store.session(17);
  ASSERT_TRUE(e.sessions.Lookup(v.id, stored));
  ASSERT_TRUE(ComputeSessionEmbedding(e.table, v.items, v.types, p.session, live));
  EXPECT_EQ(stored, live);
  // A session embedding finds items of its own cluster.
  std::vector<ScoredItem> found;
  e.index->Search(live, 3, found);
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ((e.table.item_ids()[found[0].item] - 1000) / 10,
            (store.item_id(v.items[0]) - 1000) / 10);
}

TEST(TrainEmbeddingArtifacts, WritesHnswIndexForLargeCatalogues) {
  const EventStore store = testing::ClusteredStore(300, 3, 10, 5);
  EmbedParams p;
  p.dim = 8;
  p.threads = 2;
  p.neighbors.k = 4;
  p.neighbors.exact_below = 10;
  const auto dir = testing::TempDir("train_embed_hnsw");
  auto st = TrainEmbeddingArtifacts(store, p, dir.string());
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_TRUE(st->hnsw);
  EXPECT_TRUE(std::filesystem::exists(dir / kItemIndexFile));
  auto a = LoadEmbeddingArtifacts(dir.string(), p.neighbors);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_FALSE((*a)->index->exact());
  std::filesystem::remove(dir / kEmbeddingsFile);
  auto missing = LoadEmbeddingArtifacts(dir.string());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(std::string(missing.status().message()).find(kEmbeddingsFile), std::string::npos);
}

TEST(TrainEmbeddingArtifacts, RejectsMissingDirectory) {
  const EventStore store = testing::ClusteredStore(10, 1, 5, 6);
  EXPECT_FALSE(TrainEmbeddingArtifacts(store, {}, "/nonexistent/model").ok());
}

TEST(EvaluateNextItemSimilarity, CountsHandMadeSessions) {
  // v(1) = (1,0), v(2) = (0.8,0.6), v(3) = (-1,0); aid 4 has no vector.
  const EmbeddingTable t(2, {1, 2, 3, 4}, {1, 0, 0.8f, 0.6f, -1, 0, 0, 0}, {1, 1, 1, 0});
  EventStoreBuilder b;
  // Every cut of this session has last = 1 and next click = 2 (cos 0.8); the random item
  // can only be 3 (cos -1): a win.
  const std::vector<Event> win = {{1, 1, EventType::kClick}, {2, 2, EventType::kClick}};
  // last = 2 and next = 3 (cos -0.8); random must be 1 (cos 0.8): a loss.
  const std::vector<Event> loss = {{2, 1, EventType::kClick}, {3, 2, EventType::kClick}};
  // Next is an item without vector: not evaluated.
  const std::vector<Event> skip = {{1, 1, EventType::kClick}, {4, 2, EventType::kClick}};
  SR_CHECK(b.AddSession(0, win).ok());
  SR_CHECK(b.AddSession(1, win).ok());
  SR_CHECK(b.AddSession(2, loss).ok());
  SR_CHECK(b.AddSession(3, skip).ok());
  const NextItemSimilarity r = EvaluateNextItemSimilarity(t, b.Finish(), 1);
  EXPECT_EQ(r.sessions, 4u);
  EXPECT_EQ(r.evaluated, 3u);
  EXPECT_EQ(r.wins, 2u);
  EXPECT_NEAR(r.win_rate, 2.0 / 3, 1e-12);
  EXPECT_NEAR(r.mean_cos_next, (0.8 + 0.8 - 0.8) / 3, 1e-6);
}

TEST(EvaluateNextItemSimilarity, CountsPairsThatCoOccurInTraining) {
  // The table's item table is the training store's: aid 1 -> 0, 2 -> 1, 3 -> 2.
  using Events = std::vector<Event>;
  EventStoreBuilder tb;
  SR_CHECK(tb.AddSession(0, Events{{1, 1, EventType::kClick}, {2, 2, EventType::kClick}}).ok());
  SR_CHECK(tb.AddSession(1, Events{{3, 3, EventType::kClick}}).ok());
  const EventStore train = tb.Finish();
  const EmbeddingTable t(2, {1, 2, 3}, {1, 0, 0.8f, 0.6f, -1, 0}, {1, 1, 1});
  EventStoreBuilder b;
  // (1 -> 2) co-occurs in training session 0 and wins (random can only be 3);
  // (2 -> 3) never shares a training session and loses (random can only be 1).
  SR_CHECK(b.AddSession(0, Events{{1, 1, EventType::kClick}, {2, 2, EventType::kClick}}).ok());
  SR_CHECK(b.AddSession(1, Events{{2, 1, EventType::kClick}, {3, 2, EventType::kClick}}).ok());
  const EventStore test = b.Finish();
  const NextItemSimilarity r = EvaluateNextItemSimilarity(t, test, 1, &train);
  EXPECT_EQ(r.evaluated, 2u);
  EXPECT_EQ(r.wins, 1u);
  EXPECT_EQ(r.cooccurring, 1u);
  EXPECT_EQ(r.wins_cooccurring, 1u);
  EXPECT_EQ(EvaluateNextItemSimilarity(t, test, 1).cooccurring, 0u);  // no training store
}

TEST(TrainEmbeddingArtifacts, TrainsOnOttoSample) {
  SR_SHARED_DATA_OR_SKIP(path, "otto-sample/train.jsonl");
  auto store = LoadEventStore(path);
  ASSERT_TRUE(store.ok()) << store.status();
  EmbedParams p;
  p.threads = 1;
  p.dim = 32;
  p.min_tokens = 0;  // 5 epochs: this test checks coverage, not quality
  const auto dir = testing::TempDir("train_embed_otto");
  auto st = TrainEmbeddingArtifacts(*store, p, dir.string());
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(st->items, store->num_items());
  EXPECT_GT(st->items_with_vector, store->num_items() / 2);
  EXPECT_EQ(st->sessions_stored, store->num_sessions());
}

}  // namespace
}  // namespace sessionrec
