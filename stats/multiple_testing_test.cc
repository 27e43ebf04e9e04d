#include "stats/multiple_testing.h"

#include "gtest/gtest.h"

namespace forkcheck {
namespace stats {
namespace {

TEST(HolmTest, StepsDownAndStaysMonotone) {
  // Sorted: 0.001 * 4, 0.01 * 3, 0.02 * 2 = 0.04, 0.5 * 1.
  const std::vector<double> adjusted = HolmAdjusted({0.02, 0.001, 0.5, 0.01});
  ASSERT_EQ(adjusted.size(), 4u);
  EXPECT_DOUBLE_EQ(adjusted[1], 0.004);
  EXPECT_DOUBLE_EQ(adjusted[3], 0.03);
  EXPECT_DOUBLE_EQ(adjusted[0], 0.04);
  EXPECT_DOUBLE_EQ(adjusted[2], 0.5);
}

TEST(HolmTest, NeverBelowTheRawValueNorAboveOne) {
  const std::vector<double> raw = {0.9, 0.3, 0.6, 0.0};
  const std::vector<double> adjusted = HolmAdjusted(raw);
  for (size_t i = 0; i < raw.size(); ++i) {
    EXPECT_GE(adjusted[i], raw[i]);
    EXPECT_LE(adjusted[i], 1.0);
  }
  EXPECT_EQ(adjusted[3], 0.0);
}

TEST(HolmTest, TiesAndOnesAsComparesMetricsUseThem) {
  const std::vector<double> adjusted = HolmAdjusted({0.01, 0.04, 0.03, 0.005});
  const std::vector<double> expected = {0.03, 0.06, 0.06, 0.02};
  ASSERT_EQ(adjusted.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(adjusted[i], expected[i], 1e-12) << i;
  }
  EXPECT_EQ(HolmAdjusted({0.9, 0.8}), std::vector<double>({1.0, 1.0}));
}

TEST(HolmTest, EmptyIsEmpty) { EXPECT_TRUE(HolmAdjusted({}).empty()); }

}  // namespace
}  // namespace stats
}  // namespace forkcheck
