#include "stats/mann_whitney.h"

#include <vector>

#include "gtest/gtest.h"

namespace forkcheck {
namespace {

// Expected values from scipy.stats.mannwhitneyu(x, y, alternative=
// "two-sided") of scipy 1.10.1; mann_whitney_agreement_test checks many
// more cases against scipy itself.
struct Known {
  std::vector<double> x;
  std::vector<double> y;
  double u;
  double p;
  bool exact;
};

TEST(MannWhitneyTest, MatchesScipyOnKnownCases) {
  const Known cases[] = {
      // Complete separation at n = 5: 2 / C(10, 5).
      {{1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}, 0, 0.007936507936507936, true},
      {{1, 2, 3, 4, 5},
       {1.5, 2.5, 3.5, 4.5, 5.5},
       10,
       0.6904761904761905,
       true},
      {{10, 11, 12, 13, 14, 15, 16},
       {12.5, 13.5, 17, 18, 19, 20, 21},
       7,
       0.026223776223776224,
       true},
      {{3.1, 2.9, 3.3}, {3.0, 3.4, 3.6}, 2, 0.4, true},
      // Ties: the normal approximation with tie and continuity corrections.
      {{1, 2, 2, 3, 4}, {2, 3, 5, 6, 7}, 4.5, 0.11161176829829224, false},
      {{1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
       {6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
       12.5,
       0.005075392315273923,
       false},
      // Nothing but ties: no evidence at all.
      {{1, 1, 1, 1, 1}, {1, 1, 1, 1, 1}, 12.5, 1.0, false},
  };
  for (const Known& c : cases) {
    const MannWhitneyResult result = MannWhitneyU(c.x, c.y);
    EXPECT_DOUBLE_EQ(result.u, c.u);
    EXPECT_NEAR(result.p_value, c.p, 1e-12 + 1e-9 * c.p);
    EXPECT_EQ(result.exact, c.exact);
  }
}

TEST(MannWhitneyTest, IsSymmetricInItsSamples) {
  const std::vector<double> x = {5, 9, 2, 7, 4, 8};
  const std::vector<double> y = {6, 1, 3, 10, 11, 12, 13};
  const MannWhitneyResult xy = MannWhitneyU(x, y);
  const MannWhitneyResult yx = MannWhitneyU(y, x);
  EXPECT_DOUBLE_EQ(xy.p_value, yx.p_value);
  EXPECT_DOUBLE_EQ(xy.u + yx.u, 6.0 * 7.0);
}

TEST(MannWhitneyTest, PooledRanksAreMidranks) {
  EXPECT_EQ(PooledRanks({3, 1}, {2, 2, 5}),
            std::vector<double>({4, 1, 2.5, 2.5, 5}));
}

TEST(MannWhitneyTest, EmptySamplesGiveNoEvidence) {
  EXPECT_EQ(MannWhitneyU({}, {1, 2}).p_value, 1.0);
  EXPECT_EQ(MannWhitneyU({1, 2}, {}).p_value, 1.0);
}

TEST(MannWhitneyTest, MinimumPValueIsTheCompleteSeparation) {
  EXPECT_NEAR(MinimumTwoSidedPValue(5, 5), 2.0 / 252, 1e-15);
  EXPECT_NEAR(MinimumTwoSidedPValue(3, 3), 0.1, 1e-14);
  EXPECT_EQ(MinimumTwoSidedPValue(1, 1), 1.0);
  EXPECT_EQ(MinimumTwoSidedPValue(0, 5), 1.0);
  EXPECT_NEAR(MinimumTwoSidedPValue(5, 5),
              MannWhitneyU({1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}).p_value, 1e-15);
  // Large samples do not overflow.
  EXPECT_GT(MinimumTwoSidedPValue(500, 500), 0.0);
  EXPECT_LT(MinimumTwoSidedPValue(500, 500), 1e-100);
}

}  // namespace
}  // namespace forkcheck
