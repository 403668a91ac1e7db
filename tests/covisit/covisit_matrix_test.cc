#include "covisit/covisit_matrix.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/str_cat.h"
#include "covisit/covisit_builder.h"
#include "covisit_test_util.h"
#include "test_util.h"

namespace sessionrec {
namespace {

using ::testing::HasSubstr;
using testing::Rows;

// Rows: 0 -> {2: 3.5, 1: 1}, 1 -> {}, 2 -> {0: 2}.
CovisitMatrix Small() {
  return CovisitMatrix({0, 2, 2, 3}, {2, 1, 0}, {3.5f, 1.0f, 2.0f}, R"({"matrix":"test"})");
}

TEST(CovisitMatrix, RoundTripsThroughArtifact) {
  const auto dir = testing::TempDir("covisit_rt");
  const std::string path = (dir / "m.bin").string();
  const CovisitMatrix m = Small();
  ASSERT_TRUE(m.Save(path).ok());
  auto back = CovisitMatrix::Open(path);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->num_rows(), 3u);
  EXPECT_EQ(back->num_entries(), 3u);
  EXPECT_EQ(Rows(*back), Rows(m));
  EXPECT_EQ(back->meta(), R"({"matrix":"test"})");
  EXPECT_TRUE(back->Neighbors(3).empty()) << "rows past the end are empty";
}

TEST(CovisitMatrix, RoundTripsBuiltMatricesAndEmptyOnes) {
  const auto dir = testing::TempDir("covisit_rt_built");
  const EventStore st = testing::MakeStore(
      {{{1, 100, EventType::kClick}, {2, 200, EventType::kCart}, {3, 300, EventType::kOrder}}});
  auto all = BuildAllCovisit(st, CovisitParams{});
  ASSERT_TRUE(all.ok()) << all.status();
  for (CovisitKind k : kAllCovisitKinds) {
    const std::string path = (dir / StrCat(CovisitKindName(k), ".bin")).string();
    ASSERT_TRUE(all->Get(k).Save(path).ok());
    auto back = CovisitMatrix::Open(path);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(Rows(*back), Rows(all->Get(k)));
    EXPECT_EQ(back->meta(), all->Get(k).meta());
  }
  const std::string empty = (dir / "empty.bin").string();
  ASSERT_TRUE(CovisitMatrix().Save(empty).ok());
  auto e = CovisitMatrix::Open(empty);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->num_rows(), 0u);
}

TEST(CovisitMatrix, RejectsFlippedBytesAndTruncation) {
  const auto dir = testing::TempDir("covisit_corrupt");
  const std::string good = (dir / "good.bin").string();
  ASSERT_TRUE(Small().Save(good).ok());
  const std::string bytes = testing::ReadFile(good);
  // Every byte of the file, flipped in turn, must give an error (header, table or data).
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ 0x40);
    const std::string path = (dir / "bad.bin").string();
    testing::WriteFile(path, bad);
    auto m = CovisitMatrix::Open(path);
    ASSERT_FALSE(m.ok()) << "flipped byte " << i << " was accepted";
    EXPECT_THAT(std::string(m.status().message()), HasSubstr(path));
  }
  const std::string cut = (dir / "cut.bin").string();
  testing::WriteFile(cut, bytes.substr(0, bytes.size() - 8));
  auto m = CovisitMatrix::Open(cut);
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("truncated"));
  EXPECT_FALSE(CovisitMatrix::Open((dir / "missing.bin").string()).ok());
}

TEST(CovisitMatrix, RejectsOtherArtifactKinds) {
  const auto dir = testing::TempDir("covisit_kind");
  const std::string path = (dir / "events.bin").string();
  ASSERT_TRUE(testing::MakeStore({{{1, 1, EventType::kClick}}}).Save(path).ok());
  auto m = CovisitMatrix::Open(path);
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("expected 'COVISIT'"));
}

// Files with a valid CRC whose content is not a usable matrix (a buggy writer).
struct Columns {
  std::vector<uint64_t> offsets = {0, 2, 2, 3};
  std::vector<uint32_t> neighbors = {2, 1, 0};
  std::vector<float> weights = {3.5f, 1.0f, 2.0f};
};

std::string OpenError(const std::filesystem::path& dir, const Columns& c, bool with_meta = true) {
  ArtifactWriter w(kCovisitKind, kCovisitVersion);
  w.Add("offsets", c.offsets);
  w.Add("neighbors", c.neighbors);
  w.Add("weights", c.weights);
  if (with_meta) w.AddText("meta", "{}");
  const std::string path = (dir / "m.bin").string();
  EXPECT_TRUE(w.Write(path).ok());
  auto m = CovisitMatrix::Open(path);
  return m.ok() ? "" : std::string(m.status().message());
}

TEST(CovisitMatrix, RejectsInconsistentColumns) {
  const auto dir = testing::TempDir("covisit_invalid");
  EXPECT_EQ(OpenError(dir, Columns{}), "") << "the baseline columns are valid";
  Columns c;
  c.offsets = {0, 3, 2, 3};
  EXPECT_THAT(OpenError(dir, c), HasSubstr("offsets not monotone at row 1"));
  c = Columns{};
  c.offsets = {0, 2, 2, 4};
  EXPECT_THAT(OpenError(dir, c), HasSubstr("last offset is 4"));
  c = Columns{};
  c.offsets = {1, 2, 2, 3};
  EXPECT_THAT(OpenError(dir, c), HasSubstr("offsets[0] is 1"));
  c = Columns{};
  c.offsets = {};
  EXPECT_THAT(OpenError(dir, c), HasSubstr("'offsets' is empty"));
  c = Columns{};
  c.neighbors = {2, 7, 0};
  EXPECT_THAT(OpenError(dir, c), HasSubstr("row 0: neighbour 7 out of range (3 rows)"));
  c = Columns{};
  c.weights = {3.5f, std::numeric_limits<float>::quiet_NaN(), 2.0f};
  EXPECT_THAT(OpenError(dir, c), HasSubstr("row 0: weight 1 is not finite"));
  c = Columns{};
  c.weights = {3.5f, std::numeric_limits<float>::infinity(), 2.0f};
  EXPECT_THAT(OpenError(dir, c), HasSubstr("not finite"));
  c = Columns{};
  c.weights = {1.0f, 3.5f, 2.0f};
  EXPECT_THAT(OpenError(dir, c), HasSubstr("row 0: weights not sorted descending"));
  c = Columns{};
  c.weights = {3.5f, 1.0f};
  EXPECT_THAT(OpenError(dir, c), HasSubstr("'weights' has 2 entries, 'neighbors' has 3"));
  EXPECT_THAT(OpenError(dir, Columns{}, /*with_meta=*/false), HasSubstr("'meta' is missing"));
}

}  // namespace
}  // namespace sessionrec
