#include "stats/sample_summary.h"

#include "gtest/gtest.h"

namespace forkcheck {
namespace {

TEST(StatisticsTest, SummarizesOddAndEvenSamples) {
  const SampleSummary odd = Summarize({5, 1, 3});
  EXPECT_DOUBLE_EQ(odd.median, 3);
  EXPECT_DOUBLE_EQ(odd.mean, 3);
  EXPECT_DOUBLE_EQ(odd.stddev, 2);  // sqrt((4 + 0 + 4) / 2)
  EXPECT_DOUBLE_EQ(odd.cv, 2.0 / 3);
  EXPECT_DOUBLE_EQ(odd.mad, 2);  // deviations 2, 2, 0
  EXPECT_DOUBLE_EQ(odd.min, 1);
  EXPECT_DOUBLE_EQ(odd.max, 5);
  const SampleSummary even = Summarize({1, 2, 3, 100});
  EXPECT_DOUBLE_EQ(even.median, 2.5);
  EXPECT_DOUBLE_EQ(even.mad, 1);  // deviations 1.5, 0.5, 0.5, 97.5
}

TEST(StatisticsTest, OneSampleHasNoSpreadAndZeroMeanNoCv) {
  const SampleSummary one = Summarize({7});
  EXPECT_DOUBLE_EQ(one.stddev, 0);
  EXPECT_DOUBLE_EQ(one.mad, 0);
  EXPECT_DOUBLE_EQ(Summarize({-1, 1}).cv, 0);
}

TEST(StatisticsTest, MadIsTheMedianOfAbsoluteDeviations) {
  // Median 3; deviations 2, 1, 0, 1, 97: median 1. One outlier moves
  // neither.
  EXPECT_DOUBLE_EQ(MedianAbsoluteDeviation({1, 2, 3, 4, 100}), 1.0);
  // Median 2.5; deviations 1.5, 0.5, 0.5, 1.5: median 1.
  EXPECT_DOUBLE_EQ(MedianAbsoluteDeviation({1, 2, 3, 4}), 1.0);
  EXPECT_DOUBLE_EQ(MedianAbsoluteDeviation({7}), 0.0);
  EXPECT_DOUBLE_EQ(MedianAbsoluteDeviation({}), 0.0);
}

}  // namespace
}  // namespace forkcheck
