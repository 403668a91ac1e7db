#include "embed/center_vectors.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

namespace sessionrec {
namespace {

using ::testing::ElementsAre;
using ::testing::FloatEq;

TEST(CenterVectorsTest, SubtractsTheMeanOfTheNormalisedRows) {
  // Rows (1, 0) and (0, 2) normalise to (1, 0), (0, 1): mean (0.5, 0.5), so they become
  // (0.5, -0.5) and (-0.5, 0.5) (cosine -1). A zero row with a vector and a row
  // without a vector are left alone and do not count.
  std::vector<float> v = {1, 0, 0, 2, 0, 0, 3, 3};
  const std::vector<uint8_t> has = {1, 1, 1, 0};
  CenterRows(2, v, has);
  EXPECT_THAT(v, ElementsAre(FloatEq(0.5f), FloatEq(-0.5f), FloatEq(-0.5f), FloatEq(0.5f),
                             FloatEq(0.0f), FloatEq(0.0f), FloatEq(3.0f), FloatEq(3.0f)));
}

TEST(CenterVectorsTest, FewerThanTwoVectorsAreUnchanged) {
  std::vector<float> v = {2, 1, 5, 5};
  CenterRows(2, v, std::vector<uint8_t>{1, 0});
  EXPECT_THAT(v, ElementsAre(2, 1, 5, 5));
}

}  // namespace
}  // namespace sessionrec
