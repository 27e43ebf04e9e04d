#include "bench/steady_rate.h"

#include "gtest/gtest.h"

namespace forkcheck {
namespace {

TEST(SteadyRateTest, OneSpanIsItsBytesOverItsLength) {
  const SteadyRate rate = SteadyRateOf({{1000, 3000, 4000}});
  EXPECT_EQ(rate.bytes, 4000);
  EXPECT_EQ(rate.micros, 2000);
  EXPECT_DOUBLE_EQ(*rate.BytesPerSecond(), 2e6);
}

TEST(SteadyRateTest, OverlappingSpansCountTheirCommonTimeOnce) {
  // [0, 10) and [5, 20), given out of order: 20 us, not 25.
  const SteadyRate rate = SteadyRateOf({{5, 20, 300}, {0, 10, 100}});
  EXPECT_EQ(rate.bytes, 400);
  EXPECT_EQ(rate.micros, 20);
  EXPECT_DOUBLE_EQ(*rate.BytesPerSecond(), 400 / 20e-6);
}

TEST(SteadyRateTest, ASpanInsideAnotherAddsNoTime) {
  EXPECT_EQ(SteadyRateOf({{0, 100, 1}, {10, 20, 1}, {30, 40, 1}}).micros, 100);
}

TEST(SteadyRateTest, AGapWithNoWorkerStreamingIsNotCounted) {
  // Worker 1 starts streaming only after worker 0 is done: 10 + 10 us.
  const SteadyRate rate = SteadyRateOf({{0, 10, 50}, {30, 40, 50}});
  EXPECT_EQ(rate.micros, 20);
  EXPECT_DOUBLE_EQ(*rate.BytesPerSecond(), 100 / 20e-6);
  // Spans that only touch are one run.
  EXPECT_EQ(SteadyRateOf({{0, 10, 1}, {10, 25, 1}}).micros, 25);
}

TEST(SteadyRateTest, EmptySpansAddBytesButNoTime) {
  EXPECT_FALSE(SteadyRateOf({}).BytesPerSecond().has_value());
  const SteadyRate empty = SteadyRateOf({{7, 7, 10}, {9, 3, 10}});
  EXPECT_EQ(empty.bytes, 20);
  EXPECT_EQ(empty.micros, 0);
  EXPECT_FALSE(empty.BytesPerSecond().has_value());
  EXPECT_EQ(SteadyRateOf({{7, 7, 10}, {0, 5, 10}}).micros, 5);
}

}  // namespace
}  // namespace forkcheck
