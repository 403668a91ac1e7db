#include "io/artifact.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "test_util.h"

namespace sessionrec {
namespace {

std::string WriteSample(const std::filesystem::path& dir) {
  std::vector<uint32_t> a = {1, 2, 3, 4, 5};
  std::vector<uint64_t> b = {10, 20};
  ArtifactWriter w("TEST", 2);
  w.Add("a", a);
  w.Add("b", b);
  w.AddText("meta", R"({"x":1})");
  std::string path = (dir / "sample.bin").string();
  EXPECT_TRUE(w.Write(path).ok());
  return path;
}

TEST(Artifact, RoundTripsSections) {
  auto dir = testing::TempDir("artifact_rt");
  std::string path = WriteSample(dir);
  auto art = Artifact::Open(path, "TEST", 2);
  ASSERT_TRUE(art.ok()) << art.status();
  EXPECT_EQ(art->kind(), "TEST");
  EXPECT_EQ(art->version(), 2u);
  auto a = art->Get<uint32_t>("a");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(std::vector<uint32_t>(a->begin(), a->end()), (std::vector<uint32_t>{1, 2, 3, 4, 5}));
  auto b = art->Get<uint64_t>("b");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((*b)[1], 20u);
  EXPECT_EQ(*art->GetText("meta"), R"({"x":1})");
  EXPECT_FALSE(art->Get<uint64_t>("a").ok()) << "element size mismatch must be rejected";
  EXPECT_FALSE(art->Get<uint32_t>("nope").ok());
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST(Artifact, RejectsWrongKindAndNewerVersion) {
  auto dir = testing::TempDir("artifact_kind");
  std::string path = WriteSample(dir);
  EXPECT_EQ(Artifact::Open(path, "OTHER", 2).status().code(), absl::StatusCode::kInvalidArgument);
  auto old_reader = Artifact::Open(path, "TEST", 1);
  EXPECT_EQ(old_reader.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(old_reader.status().message().find("not supported"), std::string_view::npos);
}

TEST(Artifact, DetectsEveryFlippedByte) {
  auto dir = testing::TempDir("artifact_flip");
  std::string path = WriteSample(dir);
  const std::string good = testing::ReadFile(path);
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    testing::WriteFile(path, bad);
    EXPECT_FALSE(Artifact::Open(path, "TEST", 2).ok()) << "flipped byte " << i;
  }
}

TEST(Artifact, RejectsTruncatedAndEmptyFiles) {
  auto dir = testing::TempDir("artifact_trunc");
  std::string path = WriteSample(dir);
  const std::string good = testing::ReadFile(path);
  for (size_t n : {size_t{0}, size_t{10}, size_t{64}, good.size() - 1}) {
    testing::WriteFile(path, good.substr(0, n));
    auto art = Artifact::Open(path, "TEST", 2);
    EXPECT_EQ(art.status().code(), absl::StatusCode::kDataLoss) << n << ": " << art.status();
  }
  EXPECT_EQ(Artifact::Open((dir / "missing").string(), "TEST", 2).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace sessionrec
