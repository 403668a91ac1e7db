// Dot and EmbeddingTable::DotRows (embed/embedding_table.h): hand-checked sums, and DotRows
// giving Dot's floats to the bit (session_embed's pool and the exact index search must rank
// equal items equally).
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "embed/embedding_table.h"

namespace sessionrec {
namespace {

TEST(Dot, HandComputedSums) {
  // Small integers: every product and partial sum is exact in float, whatever the order.
  const std::vector<float> a = {1, 2, 3};
  const std::vector<float> b = {4, -5, 6};
  EXPECT_EQ(Dot(a, b), 4.0f - 10.0f + 18.0f);
  // 37 = two full blocks of 16 lanes and a tail of 5: sum of k * 1 for k = 0..36 = 666.
  std::vector<float> ramp(37), ones(37, 1.0f);
  for (size_t k = 0; k < ramp.size(); ++k) ramp[k] = static_cast<float>(k);
  EXPECT_EQ(Dot(ramp, ones), 666.0f);
  EXPECT_EQ(Dot(ramp, ramp), 16206.0f);  // sum of k^2 for k = 0..36 = 36*37*73/6
  EXPECT_EQ(Dot(std::vector<float>{}, std::vector<float>{}), 0.0f);
}

TEST(Dot, CloseToADoubleSumOnRandomRows) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (size_t n : {1u, 15u, 16u, 17u, 128u, 300u}) {
    std::vector<float> a(n), b(n);
    double want = 0;
    for (size_t k = 0; k < n; ++k) {
      a[k] = u(rng);
      b[k] = u(rng);
      want += double{a[k]} * b[k];
    }
    EXPECT_NEAR(Dot(a, b), want, 1e-5 * static_cast<double>(n)) << "n = " << n;
  }
}

// A table of `items` random rows of `dim` floats; every 5th item has no vector.
EmbeddingTable RandomTable(int dim, size_t items, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g;
  std::vector<float> v(items * static_cast<size_t>(dim));
  for (float& x : v) x = g(rng);
  std::vector<uint8_t> has(items, 1);
  for (size_t i = 0; i < items; i += 5) has[i] = 0;
  std::vector<ItemId> ids(items);
  for (size_t i = 0; i < items; ++i) ids[i] = 100 + i;
  return EmbeddingTable(dim, std::move(ids), std::move(v), std::move(has));
}

TEST(DotRows, EqualsDotToTheBitForEveryBlockAndTailShape) {
  for (int dim : {1, 5, 16, 31, 128, 130}) {
    const EmbeddingTable t = RandomTable(dim, 40, static_cast<uint32_t>(dim));
    std::vector<float> q(static_cast<size_t>(dim));
    for (size_t k = 0; k < q.size(); ++k) q[k] = 0.01f * static_cast<float>(k) - 0.3f;
    // Pools of every size 0..13 (full blocks of 4 and tails), with repeats and rows
    // without a vector (item 0, 5, 10, ...).
    for (size_t n = 0; n <= 13; ++n) {
      std::vector<ItemIndex> items;
      for (size_t i = 0; i < n; ++i) items.push_back(static_cast<ItemIndex>((i * 7) % 40));
      if (n > 2) items[2] = items[0];
      std::vector<float> out(n, -7.0f);
      t.DotRows(q, items, out);
      for (size_t i = 0; i < n; ++i) {
        const float want = t.HasVector(items[i]) ? Dot(q, t.Row(items[i])) : 0.0f;
        EXPECT_EQ(out[i], want) << "dim " << dim << " n " << n << " i " << i;
      }
    }
  }
}

TEST(DotRows, UnitRowsGiveCosines) {
  // Rows (3, 4) and (0, 2) normalise to (0.6, 0.8) and (0, 1).
  const EmbeddingTable t(2, {1, 2}, {3, 4, 0, 2}, {1, 1});
  const std::vector<float> q = {0.6f, 0.8f};
  const std::vector<ItemIndex> items = {1, 0, 1};
  std::vector<float> out(3);
  t.DotRows(q, items, out);
  EXPECT_FLOAT_EQ(out[0], 0.8f);
  EXPECT_FLOAT_EQ(out[1], 1.0f);
  EXPECT_FLOAT_EQ(out[2], 0.8f);
}

}  // namespace
}  // namespace sessionrec
