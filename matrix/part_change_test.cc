#include "matrix/part_change.h"

#include "gtest/gtest.h"

namespace forkcheck {
namespace {

PartTally Tally(int trials, int ok, int ok_after_retry = 0,
                int wrong_data = 0) {
  PartTally tally;
  tally.trials = trials;
  tally.ok = ok;
  tally.ok_after_retry = ok_after_retry;
  tally.wrong_data = wrong_data;
  return tally;
}

TEST(PartChangeTest, TheShareNotOkIsTestedWithRetriesAsNotOk) {
  // scipy.stats.fisher_exact([[0, 1000], [6, 24]]).pvalue: 3.633e-10.
  EXPECT_NEAR(NotOkShareP(Tally(1000, 1000), Tally(30, 24)) / 3.633e-10, 1,
              0.01);
  // The same when the 6 needed a retry: not plainly ok.
  EXPECT_DOUBLE_EQ(NotOkShareP(Tally(1000, 1000), Tally(30, 24, 6)),
                   NotOkShareP(Tally(1000, 1000), Tally(30, 24)));
  EXPECT_DOUBLE_EQ(NotOkShareP(Tally(36, 36), Tally(36, 36)), 1);
  EXPECT_DOUBLE_EQ(NotOkShareP(Tally(0, 0), Tally(30, 0)), 1);
}

TEST(PartChangeTest, WrongDataIsAChangeOnlyWhereNoOldTrialFailed) {
  EXPECT_TRUE(WrongDataWhereNoneFailed(Tally(36, 36), Tally(2, 1, 0, 1)));
  EXPECT_TRUE(WrongDataWhereNoneFailed(Tally(36, 30, 6), Tally(2, 1, 0, 1)));
  // Old trials hung (a wrong row among an unsafe cell's hangs): a failure
  // like the others, for the p-value.
  EXPECT_FALSE(WrongDataWhereNoneFailed(Tally(6, 0), Tally(6, 0, 0, 1)));
  EXPECT_FALSE(WrongDataWhereNoneFailed(Tally(36, 36), Tally(2, 2)));
}

}  // namespace
}  // namespace forkcheck
