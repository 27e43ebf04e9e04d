#include "stats/run_dispersion.h"

#include <cmath>
#include <random>

#include "gtest/gtest.h"
#include "stats/fisher_exact.h"

namespace forkcheck {
namespace stats {
namespace {

// The parent's client after fork_after_create(parent_channel=idle) writes
// with 2 workers, failures of trials in each of the 13 runs of
// matrix/measurements/run_to_run_dispersion_2026-12-07.tsv.
const std::vector<RunCounts> kIdleWriteParent = {
    {11, 30}, {24, 30}, {36, 50}, {39, 50}, {19, 30}, {25, 30}, {23, 30},
    {19, 30}, {23, 30}, {19, 30}, {27, 30}, {10, 30}, {20, 30}};

// Reference values from scipy 1.10 (scipy.stats.chi2.sf, scipy.stats.t.sf)
// on the formulas of run_dispersion.h.
TEST(RunDispersionTest, PearsonsChiSquareMatchesScipy) {
  const std::optional<Dispersion> spread = EstimateDispersion(kIdleWriteParent);
  ASSERT_TRUE(spread.has_value());
  EXPECT_NEAR(spread->chi_square, 48.0823, 1e-4);
  EXPECT_EQ(spread->degrees_of_freedom, 12);
  EXPECT_NEAR(spread->ratio, 4.00685, 1e-5);
  EXPECT_NEAR(spread->homogeneity_p, 3.0243e-06, 1e-9);

  const std::optional<Dispersion> close =
      EstimateDispersion({{4, 50}, {2, 50}, {4, 50}});
  ASSERT_TRUE(close.has_value());
  EXPECT_NEAR(close->chi_square, 0.8571428571, 1e-9);
  EXPECT_NEAR(close->homogeneity_p, 0.6514390575, 1e-9);
}

TEST(RunDispersionTest, QuasiBinomialPMatchesScipy) {
  // Overdispersed record (ratio 6.1): its spread widens the test.
  EXPECT_NEAR(
      *QuasiBinomialP({{11, 30}, {24, 30}, {36, 50}, {39, 50}}, {27, 30}),
      0.4069221282, 1e-9);
  // Less spread than the binomial's (ratio 0.43): the dispersion counts as
  // 1, and only the t's few degrees of freedom widen it.
  EXPECT_NEAR(*QuasiBinomialP({{4, 50}, {2, 50}, {4, 50}}, {10, 50}),
              0.1126434906, 1e-9);
}

TEST(RunDispersionTest, NoSpreadToEstimateWithoutTwoMixedRuns) {
  EXPECT_FALSE(EstimateDispersion({}).has_value());
  EXPECT_FALSE(EstimateDispersion({{3, 30}}).has_value());
  EXPECT_FALSE(EstimateDispersion({{3, 30}, {0, 0}}).has_value());
  // Every trial ok, or every one failed: no rate between to spread.
  EXPECT_FALSE(EstimateDispersion({{0, 30}, {0, 50}}).has_value());
  EXPECT_FALSE(EstimateDispersion({{30, 30}, {50, 50}}).has_value());
  EXPECT_FALSE(QuasiBinomialP({{0, 30}, {0, 50}}, {3, 30}).has_value());
  EXPECT_FALSE(QuasiBinomialP({{3, 30}, {5, 50}}, {0, 0}).has_value());
  // An empty run among others is skipped, not counted as a run.
  EXPECT_EQ(EstimateDispersion({{3, 30}, {0, 0}, {5, 30}})->degrees_of_freedom,
            1);
}

// Leave one out over the 13 runs: each against the other 12 as a record.
// Fisher's exact test takes 2 of them (the two most extreme) for changes
// at 0.005; the quasi-binomial test none (its smallest p is 0.026).
TEST(RunDispersionTest, TheIdleWriteParentsRunsAreNoChangeOnceSpreadCounts) {
  int fisher_alarms = 0;
  int quasi_alarms = 0;
  double smallest_quasi = 1;
  for (size_t i = 0; i < kIdleWriteParent.size(); ++i) {
    std::vector<RunCounts> recorded = kIdleWriteParent;
    recorded.erase(recorded.begin() + static_cast<std::ptrdiff_t>(i));
    TwoSamples samples;
    for (const RunCounts& run : recorded) {
      samples.failures_a += run.failures;
      samples.trials_a += run.trials;
    }
    samples.failures_b = kIdleWriteParent[i].failures;
    samples.trials_b = kIdleWriteParent[i].trials;
    if (FisherExactTwoSided(samples) < 0.005) ++fisher_alarms;
    const double quasi = *QuasiBinomialP(recorded, kIdleWriteParent[i]);
    if (quasi < 0.005) ++quasi_alarms;
    smallest_quasi = std::min(smallest_quasi, quasi);
  }
  EXPECT_EQ(fisher_alarms, 2);
  EXPECT_EQ(quasi_alarms, 0);
  EXPECT_NEAR(smallest_quasi, 0.026, 0.0005);
}

// Runs whose rate itself varies (a beta-binomial: each run's rate drawn
// from a beta of mean 0.7 with intra-run correlation 0.1, a dispersion of
// 1 + 29 * 0.1 = 3.9 at 30 trials, about the idle-write parent's 4.0),
// five recorded and one new, all from the same law: how often does each
// test call the new run a change at 0.005? Fisher's, which assumes one
// rate, about 14% of the time (scipy, 20,000 draws); the quasi-binomial
// test well under its level. A fixed seed: the same draws every run.
TEST(RunDispersionTest, QuasiBinomialKeepsItsLevelWhereFishersDoesNot) {
  std::mt19937_64 random(20261207);
  const double mean = 0.7, correlation = 0.1;
  std::gamma_distribution<double> a_gamma(mean * (1 - correlation) /
                                          correlation);
  std::gamma_distribution<double> b_gamma((1 - mean) * (1 - correlation) /
                                          correlation);
  auto run = [&]() {
    const double a = a_gamma(random), b = b_gamma(random);
    std::binomial_distribution<int> failures(30, a / (a + b));
    return RunCounts{failures(random), 30};
  };
  constexpr int kDraws = 4000;
  int tested = 0, fisher_alarms = 0, quasi_alarms = 0;
  for (int draw = 0; draw < kDraws; ++draw) {
    std::vector<RunCounts> recorded;
    for (int i = 0; i < 5; ++i) recorded.push_back(run());
    const RunCounts now = run();
    const std::optional<double> quasi = QuasiBinomialP(recorded, now);
    if (!quasi.has_value()) continue;  // every recorded trial alike
    ++tested;
    TwoSamples samples;
    for (const RunCounts& r : recorded) {
      samples.failures_a += r.failures;
      samples.trials_a += r.trials;
    }
    samples.failures_b = now.failures;
    samples.trials_b = now.trials;
    if (FisherExactTwoSided(samples) < 0.005) ++fisher_alarms;
    if (*quasi < 0.005) ++quasi_alarms;
  }
  ASSERT_GT(tested, kDraws * 9 / 10);
  const double fisher_rate = static_cast<double>(fisher_alarms) / tested;
  const double quasi_rate = static_cast<double>(quasi_alarms) / tested;
  EXPECT_GT(fisher_rate, 0.08) << fisher_rate;
  EXPECT_LT(quasi_rate, 0.005) << quasi_rate;
}

}  // namespace
}  // namespace stats
}  // namespace forkcheck
