#include "fakes/stream_plan.h"

#include <vector>

#include "gtest/gtest.h"

namespace forkcheck {
namespace {

TEST(ChooseStreamCountTest, ServerChoosesWhenMaxIsZero) {
  EXPECT_EQ(ChooseStreamCount(100, 0, 0, 16), 16);
  EXPECT_EQ(ChooseStreamCount(5, 0, 0, 16), 5);  // no more than chunks
  EXPECT_EQ(ChooseStreamCount(0, 0, 0, 16), 0);  // empty table
}

TEST(ChooseStreamCountTest, ClampsToChunksAndTheServiceLimit) {
  EXPECT_EQ(ChooseStreamCount(100, 7, 0, 16), 7);
  EXPECT_EQ(ChooseStreamCount(100, 500, 0, 16), 100);
  EXPECT_EQ(ChooseStreamCount(5000, 5000, 0, 16), kMaxStreamsPerSession);
}

TEST(ChooseStreamCountTest, HonoursPreferredMinimumWhereChunksAllow) {
  EXPECT_EQ(ChooseStreamCount(100, 0, 40, 16), 40);
  EXPECT_EQ(ChooseStreamCount(10, 0, 40, 16), 10);
  EXPECT_EQ(ChooseStreamCount(100, 50, 40, 16), 50);
}

// Every row in exactly one stream, streams on chunk boundaries.
void ExpectExactCover(int64_t rows, int64_t chunk, int streams) {
  std::vector<RowRange> plan = PlanStreams(rows, chunk, streams);
  int64_t next = 0;
  for (const RowRange& range : plan) {
    EXPECT_EQ(range.begin, next);
    EXPECT_EQ(range.begin % chunk, 0);
    EXPECT_GT(range.size(), 0);
    next = range.end;
  }
  EXPECT_EQ(next, rows);
}

TEST(PlanStreamsTest, CoversEveryRowExactlyOnce) {
  ExpectExactCover(1000, 100, 1);
  ExpectExactCover(1000, 100, 3);
  ExpectExactCover(1000, 100, 10);
  ExpectExactCover(1001, 100, 11);
  ExpectExactCover(7, 100, 1);
  EXPECT_TRUE(PlanStreams(0, 100, 4).empty());
  EXPECT_EQ(PlanStreams(1000, 100, 50).size(), 10u);  // capped at chunks
}

TEST(PlanStreamsTest, BalancesWithinOneChunk) {
  std::vector<RowRange> plan = PlanStreams(1000, 100, 3);
  ASSERT_EQ(plan.size(), 3u);
  EXPECT_EQ(plan[0], (RowRange{0, 400}));
  EXPECT_EQ(plan[1], (RowRange{400, 700}));
  EXPECT_EQ(plan[2], (RowRange{700, 1000}));
}

TEST(SplitRangeTest, SplitsAtTheNearestInnerChunkBoundary) {
  auto split = SplitRange({0, 1000}, 100, 0.5);
  ASSERT_TRUE(split.has_value());
  EXPECT_EQ(split->first, (RowRange{0, 500}));
  EXPECT_EQ(split->second, (RowRange{500, 1000}));
  split = SplitRange({200, 700}, 100, 0.01);  // never an empty part
  ASSERT_TRUE(split.has_value());
  EXPECT_EQ(split->first, (RowRange{200, 300}));
  split = SplitRange({200, 650}, 100, 0.99);
  ASSERT_TRUE(split.has_value());
  EXPECT_EQ(split->second, (RowRange{600, 650}));
}

TEST(SplitRangeTest, TooSmallToSplit) {
  EXPECT_FALSE(SplitRange({0, 100}, 100, 0.5).has_value());
  EXPECT_FALSE(SplitRange({300, 350}, 100, 0.5).has_value());
  EXPECT_FALSE(SplitRange({0, 0}, 100, 0.5).has_value());
}

}  // namespace
}  // namespace forkcheck
