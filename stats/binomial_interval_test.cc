#include "stats/binomial_interval.h"

#include "gtest/gtest.h"

namespace forkcheck {
namespace stats {
namespace {

// Reference values from scipy 1.10 (beta.ppf of the two tails).
struct Case {
  int k, n;
  double confidence, low, high;
};

TEST(ClopperPearsonTest, MatchesScipy) {
  const Case cases[] = {
      {0, 5, 0.95, 0.0, 0.5218237501},
      {0, 20, 0.95, 0.0, 0.1684334710},
      {3, 20, 0.95, 0.0320709372, 0.3789268265},
      {0, 36, 0.95, 0.0, 0.0973937559},
      {5, 5, 0.95, 0.4781762499, 1.0},
      {1, 100, 0.95, 0.0002531460, 0.0544593854},
      {17, 20, 0.95, 0.6210731735, 0.9679290628},
      {0, 1, 0.95, 0.0, 0.975},
      {50, 100, 0.95, 0.3983211295, 0.6016788705},
      {3, 20, 0.99, 0.0176426380, 0.4494654067},
  };
  for (const Case& c : cases) {
    const RateInterval interval = ClopperPearson(c.k, c.n, c.confidence);
    EXPECT_NEAR(interval.low, c.low, 1e-9) << c.k << "/" << c.n;
    EXPECT_NEAR(interval.high, c.high, 1e-9) << c.k << "/" << c.n;
  }
}

TEST(ClopperPearsonTest, NoTrialsSaysNothing) {
  const RateInterval interval = ClopperPearson(0, 0, 0.95);
  EXPECT_EQ(interval.low, 0);
  EXPECT_EQ(interval.high, 1);
}

TEST(ClopperPearsonTest, NarrowsWithTrials) {
  double previous = 1;
  for (int n = 1; n <= 200; ++n) {
    const double high = ClopperPearson(0, n, 0.95).high;
    EXPECT_LT(high, previous) << n;
    previous = high;
  }
  // The first n at which no failure bounds the rate below 10%.
  EXPECT_GE(ClopperPearson(0, 35, 0.95).high, 0.10);
  EXPECT_LT(ClopperPearson(0, 36, 0.95).high, 0.10);
}

}  // namespace
}  // namespace stats
}  // namespace forkcheck
