#include "serve/model_bundle.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "serve/tiny_model.h"
#include "test_util.h"

namespace sessionrec {
namespace {

namespace fs = std::filesystem;

class ModelBundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir("model_bundle") / "model";
    testing::WriteTinyModel(dir_);
  }
  // The load error's message (the load must fail).
  std::string LoadError() {
    auto b = LoadModelBundle(dir_.string());
    EXPECT_FALSE(b.ok());
    return b.ok() ? "" : std::string(b.status().message());
  }
  void FlipByte(const fs::path& p, size_t offset) {
    std::fstream f(p, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(offset));
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x5A);
    f.seekp(static_cast<std::streamoff>(offset));
    f.write(&c, 1);
  }
  void EditManifest(const std::string& from, const std::string& to) {
    std::string text = testing::ReadFile(dir_ / "manifest.json");
    const size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    testing::WriteFile(dir_ / "manifest.json", text);
  }
  fs::path dir_;
};

TEST_F(ModelBundleTest, LoadsAValidModel) {
  auto b = LoadModelBundle(dir_.string());
  ASSERT_TRUE(b.ok()) << b.status();
  const ModelBundle& m = **b;
  EXPECT_EQ(m.stats().total_items, 30u);
  EXPECT_EQ(m.stats().total_sessions, 3u);
  EXPECT_FALSE(m.stats().embeddings_loaded);
  EXPECT_EQ(m.stats().embedding_dimension, 0u);
  EXPECT_EQ(m.dir(), dir_.string());
  EXPECT_EQ(m.FindItem(10), ItemIndex{0});
  EXPECT_EQ(m.FindItem(39), ItemIndex{29});
  EXPECT_FALSE(m.FindItem(40).has_value());
  EXPECT_EQ(m.covisit_clicks().num_rows(), 30u);
  EXPECT_EQ(m.covisit_clicks().Neighbors(0).size(), 3u);
  EXPECT_EQ(m.items().count(11, EventType::kClick), 4u);                     // aid 21
  EXPECT_EQ(m.popularity().Ranked(PopularityList::kBuys)[0], ItemIndex{9});  // aid 19
  EXPECT_FALSE(m.ItemEmbedding(10).has_value());
}

TEST_F(ModelBundleTest, MissingDirectoryIsNamed) {
  fs::remove_all(dir_);
  EXPECT_NE(LoadError().find(dir_.string()), std::string::npos);
}

TEST_F(ModelBundleTest, MissingManifestMeansUnfinishedTraining) {
  fs::remove(dir_ / "manifest.json");
  const std::string msg = LoadError();
  EXPECT_NE(msg.find("manifest.json"), std::string::npos) << msg;
}

TEST_F(ModelBundleTest, MissingArtifactIsNamed) {
  fs::remove(dir_ / "covisit_buy2buy.bin");
  const std::string msg = LoadError();
  EXPECT_NE(msg.find("covisit_buy2buy.bin"), std::string::npos) << msg;
  EXPECT_NE(msg.find("missing"), std::string::npos) << msg;
}

TEST_F(ModelBundleTest, CorruptByteIsNamed) {
  FlipByte(dir_ / "covisit_clicks.bin", fs::file_size(dir_ / "covisit_clicks.bin") - 3);
  const std::string msg = LoadError();
  EXPECT_NE(msg.find("covisit_clicks.bin"), std::string::npos) << msg;
}

TEST_F(ModelBundleTest, TruncatedArtifactIsNamed) {
  fs::resize_file(dir_ / "items.bin", fs::file_size(dir_ / "items.bin") / 2);
  const std::string msg = LoadError();
  EXPECT_NE(msg.find("items.bin"), std::string::npos) << msg;
}

TEST_F(ModelBundleTest, SwappedArtifactDoesNotMatchTheManifest) {
  // A valid COVISIT file, but not the one the manifest describes.
  fs::copy_file(dir_ / "covisit_clicks.bin", dir_ / "covisit_buy2buy.bin",
                fs::copy_options::overwrite_existing);
  const std::string msg = LoadError();
  EXPECT_NE(msg.find("covisit_buy2buy.bin"), std::string::npos) << msg;
  EXPECT_NE(msg.find("does not match manifest.json"), std::string::npos) << msg;
}

TEST_F(ModelBundleTest, ManifestThatIsNotJson) {
  testing::WriteFile(dir_ / "manifest.json", "{\"format\": \"sessionrec-model\", ");
  const std::string msg = LoadError();
  EXPECT_NE(msg.find("manifest.json"), std::string::npos) << msg;
}

TEST_F(ModelBundleTest, ManifestOfANewerFormat) {
  EditManifest("\"format_version\": 1", "\"format_version\": 99");
  const std::string msg = LoadError();
  EXPECT_NE(msg.find("not supported"), std::string::npos) << msg;
}

TEST_F(ModelBundleTest, ManifestMissingAnArtifact) {
  EditManifest("\"name\": \"covisit_clicks\"", "\"name\": \"something_else\"");
  const std::string msg = LoadError();
  EXPECT_NE(msg.find("covisit_clicks"), std::string::npos) << msg;
}

TEST_F(ModelBundleTest, ManifestWithAWrongKind) {
  EditManifest("\"kind\": \"ITEMS\"", "\"kind\": \"COVISIT\"");
  const std::string msg = LoadError();
  EXPECT_NE(msg.find("items"), std::string::npos) << msg;
}

TEST_F(ModelBundleTest, ManifestFileOutsideTheDirectory) {
  EditManifest("\"file\": \"items.bin\"", "\"file\": \"../items.bin\"");
  const std::string msg = LoadError();
  EXPECT_NE(msg.find("plain file name"), std::string::npos) << msg;
}

TEST_F(ModelBundleTest, ItemCountMustAgree) {
  EditManifest("\"items\": 30", "\"items\": 31");
  const std::string msg = LoadError();
  EXPECT_NE(msg.find("statistics.items"), std::string::npos) << msg;
}

TEST_F(ModelBundleTest, MatrixRowsMustMatchTheItemTable) {
  // Rewrite clicks with 29 rows and record it in the manifest as if it were valid.
  CovisitMatrix small(std::vector<uint64_t>(30, 0), {}, {});
  ASSERT_TRUE(small.Save((dir_ / "covisit_clicks.bin").string()).ok());
  auto m = ReadManifest(dir_.string());
  ASSERT_TRUE(m.ok());
  for (ManifestArtifact& a : m->artifacts) {
    if (a.name == "covisit_clicks") {
      auto d = DescribeArtifact(dir_.string(), a.name, a.file, a.kind, 1);
      ASSERT_TRUE(d.ok());
      a = *d;
    }
  }
  ASSERT_TRUE(WriteManifest(dir_.string(), *m).ok());
  const std::string msg = LoadError();
  EXPECT_NE(msg.find("covisit_clicks.bin: 29 rows"), std::string::npos) << msg;
}

}  // namespace
}  // namespace sessionrec
