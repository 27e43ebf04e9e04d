#include "matrix/check_power.h"

#include "gtest/gtest.h"

namespace forkcheck {
namespace {

// The quick design's C++ check: alpha 1% shared by two clients, 146 tests.
constexpr double kThreshold = 0.005 / 146;

PartTally Record(int trials, int failures) {
  PartTally tally;
  tally.trials = trials;
  tally.ok = trials - failures;
  return tally;
}

PowerQuestion Question(int trials) {
  PowerQuestion question;
  question.trials = trials;
  question.shift = 0.2;
  question.threshold = kThreshold;
  return question;
}

// Expected values: the same sum in Python with scipy.stats.fisher_exact and
// scipy.stats.binom.pmf (matrix/testing/cross_check_power.py).
TEST(CheckPowerTest, ALongCleanRecordShowsARiseToOneFailureInFive) {
  const PowerAnswer answer = CheckPower(Record(1000, 0), Question(50));
  EXPECT_DOUBLE_EQ(answer.shifted_share, 0.2);
  EXPECT_EQ(answer.needed_failures, 4);
  EXPECT_NEAR(answer.power, 0.99434, 1e-4);
  EXPECT_NEAR(CheckPower(Record(1000, 0), Question(30)).power, 0.95582, 1e-4);
  EXPECT_NEAR(CheckPower(Record(300, 0), Question(50)).power, 0.95197, 1e-4);
  EXPECT_NEAR(CheckPower(Record(100, 0), Question(30)).power, 0.39303, 1e-4);
}

TEST(CheckPowerTest, AShortCleanRecordHidesIt) {
  const PowerAnswer eight = CheckPower(Record(8, 0), Question(50));
  EXPECT_EQ(eight.needed_failures, 40);
  EXPECT_LT(eight.power, 1e-18);
  const PowerAnswer thirty_six = CheckPower(Record(36, 0), Question(50));
  EXPECT_EQ(thirty_six.needed_failures, 18);
  EXPECT_NEAR(thirty_six.power, 0.0062608, 1e-6);
}

TEST(CheckPowerTest, AnUnsafeRecordIsAskedWhetherItStartedWorking) {
  const PowerAnswer answer = CheckPower(Record(100, 100), Question(50));
  EXPECT_DOUBLE_EQ(answer.shifted_share, 0.8);
  EXPECT_EQ(answer.needed_failures, 41);
  EXPECT_NEAR(answer.power, 0.69267, 1e-4);
  // Half failing moves up, and both tails count.
  const PowerAnswer half = CheckPower(Record(100, 50), Question(50));
  EXPECT_DOUBLE_EQ(half.shifted_share, 0.7);
  EXPECT_EQ(half.needed_failures, 43);
  EXPECT_NEAR(half.power, 0.0072642, 1e-6);
}

TEST(CheckPowerTest, NothingIsFlaggedWithoutARecordOrWithAThresholdOfZero) {
  EXPECT_EQ(CheckPower(Record(0, 0), Question(50)).power, 0);
  EXPECT_EQ(CheckPower(Record(0, 0), Question(50)).needed_failures, -1);
  PowerQuestion never = Question(50);
  never.threshold = 0;
  EXPECT_EQ(CheckPower(Record(1000, 0), never).power, 0);
}

}  // namespace
}  // namespace forkcheck
