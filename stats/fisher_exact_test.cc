#include "stats/fisher_exact.h"

#include "gtest/gtest.h"

namespace forkcheck {
namespace stats {
namespace {

// Reference values from scipy.stats.fisher_exact 1.10 on the table
// [[failures_a, trials_a - failures_a], [failures_b, trials_b - failures_b]]
// ("two-sided", and "less" for b higher).
struct Case {
  TwoSamples samples;
  double two_sided, b_higher;
};

TEST(FisherExactTest, MatchesScipy) {
  const Case cases[] = {
      {{0, 60, 6, 30}, 0.000953679806721, 0.000953679806721},
      {{2, 60, 1, 30}, 1.0, 0.708716377256},
      {{0, 200, 12, 60}, 9.08849804985e-09, 9.08849804985e-09},
      {{10, 20, 10, 20}, 1.0, 0.623814432718},
      {{0, 5, 5, 5}, 0.00793650793651, 0.00396825396825},
  };
  for (const Case& c : cases) {
    EXPECT_NEAR(FisherExactTwoSided(c.samples), c.two_sided,
                1e-9 * c.two_sided + 1e-12);
    EXPECT_NEAR(FisherExactBHigher(c.samples), c.b_higher,
                1e-9 * c.b_higher + 1e-12);
  }
}

TEST(FisherExactTest, SymmetricInTheSamples) {
  const TwoSamples ab{3, 40, 9, 25};
  const TwoSamples ba{9, 25, 3, 40};
  EXPECT_NEAR(FisherExactTwoSided(ab), FisherExactTwoSided(ba), 1e-12);
}

TEST(FisherExactTest, EmptySampleIsNoEvidence) {
  EXPECT_EQ(FisherExactTwoSided({0, 0, 3, 10}), 1);
  EXPECT_EQ(FisherExactBHigher({0, 10, 0, 0}), 1);
}

TEST(FisherExactTest, SameRatesAreNotSignificant) {
  EXPECT_GT(FisherExactTwoSided({0, 200, 0, 36}), 0.99);
  EXPECT_GT(FisherExactTwoSided({200, 200, 36, 36}), 0.99);
}

}  // namespace
}  // namespace stats
}  // namespace forkcheck
