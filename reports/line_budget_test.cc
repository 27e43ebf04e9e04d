#include "reports/line_budget.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using ::testing::ElementsAre;

TEST(AllotLinesTest, EverySectionGetsAllItWantsWhenThereIsRoom) {
  EXPECT_THAT(AllotLines(100, {{1, 12}, {7, 25}, {0, 9}}),
              ElementsAre(12, 25, 9));
}

TEST(AllotLinesTest, LeastsComeFirstThenTheRestInPriorityOrder) {
  // 20 lines: 1 + 7 + 1 least, then 11 more: 11 to the first (its most),
  // none left for the others.
  EXPECT_THAT(AllotLines(20, {{1, 12}, {7, 25}, {1, 9}}),
              ElementsAre(12, 7, 1));
  EXPECT_THAT(AllotLines(25, {{1, 12}, {7, 25}, {1, 9}}),
              ElementsAre(12, 12, 1));
}

TEST(AllotLinesTest, TooFewLinesForEveryLeastGoInPriorityOrder) {
  EXPECT_THAT(AllotLines(5, {{1, 12}, {7, 25}, {1, 9}}), ElementsAre(1, 4, 0));
  EXPECT_THAT(AllotLines(0, {{1, 12}, {7, 25}}), ElementsAre(0, 0));
}

TEST(AllotLinesTest, ASectionNeverGetsMoreThanItsMost) {
  // A least above the most (a section with less to say than its least).
  EXPECT_THAT(AllotLines(50, {{5, 2}, {0, 3}}), ElementsAre(2, 3));
  EXPECT_THAT(AllotLines(50, {}), ElementsAre());
}

TEST(ShareLinesTest, PeersShareEvenlyAndNoLineGoesUnused) {
  // Two clients wanting 10 and 10 of 12: 6 each, not 11 and 1.
  EXPECT_THAT(ShareLines(12, {{1, 10}, {1, 10}}), ElementsAre(6, 6));
  // One wants little: the other gets the rest, none is wasted.
  EXPECT_THAT(ShareLines(12, {{1, 10}, {1, 2}}), ElementsAre(10, 2));
  // An odd line goes to the first.
  EXPECT_THAT(ShareLines(7, {{1, 10}, {1, 10}}), ElementsAre(4, 3));
  // Leasts first, as AllotLines.
  EXPECT_THAT(ShareLines(5, {{4, 12}, {4, 12}}), ElementsAre(4, 1));
  EXPECT_THAT(ShareLines(100, {{4, 12}, {0, 0}, {4, 6}}),
              ElementsAre(12, 0, 6));
  EXPECT_THAT(ShareLines(0, {{1, 10}}), ElementsAre(0));
}

}  // namespace
}  // namespace forkcheck
