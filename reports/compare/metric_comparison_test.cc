#include "reports/compare/metric_comparison.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using ::testing::HasSubstr;

const std::vector<double> kSteady = {100, 101, 99, 100.5, 99.5, 100.2, 99.8};

std::vector<double> Scaled(const std::vector<double>& samples, double factor) {
  std::vector<double> out;
  for (double x : samples) out.push_back(x * factor);
  return out;
}

MetricComparison CompareOne(const std::string& metric,
                            const std::vector<double>& old_samples,
                            const std::vector<double>& new_samples,
                            const CompareOptions& options = {}) {
  const std::vector<MetricComparison> out = CompareMetrics(
      {{"BM_X/workers:1", metric, "1/s", old_samples, new_samples}}, options);
  EXPECT_EQ(out.size(), 1u);
  return out.at(0);
}

TEST(MetricComparisonTest, LowerThroughputIsARegression) {
  const MetricComparison m =
      CompareOne("rows_per_second", kSteady, Scaled(kSteady, 0.9));
  EXPECT_EQ(m.verdict, Verdict::kRegressed) << m.reason;
  EXPECT_EQ(m.scenario, "BM_X/workers:1");
  EXPECT_EQ(m.direction, Direction::kHigherIsBetter);
  EXPECT_DOUBLE_EQ(m.old_median, 100);
  EXPECT_DOUBLE_EQ(m.new_median, 90);
  ASSERT_TRUE(m.change.has_value());
  EXPECT_NEAR(*m.change, -0.10, 1e-12);
  ASSERT_TRUE(m.p_value.has_value());
  EXPECT_LT(*m.p_value, 0.01);
  EXPECT_TRUE(m.exact);
  EXPECT_EQ(m.old_n, 7);
}

TEST(MetricComparisonTest, TheDirectionDecidesWhatIsBetter) {
  EXPECT_EQ(
      CompareOne("rows_per_second", kSteady, Scaled(kSteady, 1.1)).verdict,
      Verdict::kImproved);
  EXPECT_EQ(CompareOne("real_time", kSteady, Scaled(kSteady, 0.9)).verdict,
            Verdict::kImproved);
  EXPECT_EQ(CompareOne("real_time", kSteady, Scaled(kSteady, 1.1)).verdict,
            Verdict::kRegressed);
  EXPECT_EQ(CompareOne("peak_rss_kib", kSteady, Scaled(kSteady, 1.2)).verdict,
            Verdict::kRegressed);
}

TEST(MetricComparisonTest, ASignificantChangeBelowTheThresholdIsUnchanged) {
  const MetricComparison m =
      CompareOne("rows_per_second", kSteady, Scaled(kSteady, 0.97));
  ASSERT_TRUE(m.p_value.has_value());
  EXPECT_LT(*m.p_value, 0.05);
  EXPECT_EQ(m.verdict, Verdict::kUnchanged);
  EXPECT_THAT(m.reason, HasSubstr("5.0%"));

  CompareOptions lower;
  lower.threshold = 0.02;
  EXPECT_EQ(CompareOne("rows_per_second", kSteady, Scaled(kSteady, 0.97), lower)
                .verdict,
            Verdict::kRegressed);
}

TEST(MetricComparisonTest, OverlappingSamplesAreUnchanged) {
  const MetricComparison m = CompareOne(
      "rows_per_second", {100, 90, 110, 95, 105}, {92, 108, 99, 111, 89});
  EXPECT_EQ(m.verdict, Verdict::kUnchanged) << m.reason;
}

TEST(MetricComparisonTest, TooFewRepetitionsAreInconclusive) {
  const MetricComparison m =
      CompareOne("rows_per_second", {100, 101, 99, 100}, {50, 51, 49, 50, 50});
  EXPECT_EQ(m.verdict, Verdict::kInconclusive);
  EXPECT_THAT(m.reason, HasSubstr("too few repetitions: 4 and 5 (need 5)"));
  EXPECT_FALSE(m.p_value.has_value());
}

TEST(MetricComparisonTest, SamplesThatCannotReachAlphaAreInconclusive) {
  CompareOptions options;
  options.min_samples = 3;
  const MetricComparison m =
      CompareOne("rows_per_second", {100, 101, 99}, {50, 51, 49}, options);
  EXPECT_EQ(m.verdict, Verdict::kInconclusive);
  EXPECT_THAT(m.reason, HasSubstr("cannot reach p < 0.05"));
}

TEST(MetricComparisonTest, NoisySamplesAreInconclusiveUnlessApart) {
  // Overlapping: the noise could explain the change.
  const MetricComparison overlap = CompareOne(
      "rows_per_second", {100, 40, 160, 70, 130}, {30, 50, 20, 60, 45});
  EXPECT_EQ(overlap.verdict, Verdict::kInconclusive);
  EXPECT_THAT(overlap.reason, HasSubstr("too noisy: CV"));
  EXPECT_THAT(overlap.reason, HasSubstr("> 25.0% and the samples overlap"));
  EXPECT_FALSE(overlap.separated);
  // Every new sample below every old one: a noisy baseline does not hide it.
  const MetricComparison apart = CompareOne(
      "rows_per_second", {100, 40, 160, 70, 130}, {10, 11, 9, 10, 10});
  EXPECT_TRUE(apart.separated);
  EXPECT_EQ(apart.verdict, Verdict::kRegressed) << apart.reason;
}

TEST(MetricComparisonTest, UnknownMetricsAreListedNotGated) {
  const MetricComparison m =
      CompareOne("connections", kSteady, Scaled(kSteady, 3));
  EXPECT_EQ(m.verdict, Verdict::kInformational);
  EXPECT_EQ(m.direction, Direction::kUnknown);
  EXPECT_NEAR(*m.change, 2.0, 1e-12);
}

TEST(MetricComparisonTest, AZeroOldMedianHasNoRelativeChange) {
  const MetricComparison m =
      CompareOne("cpu_system_seconds", {0, 0, 0, 0, 0}, {1, 1, 1, 1, 1});
  EXPECT_FALSE(m.change.has_value());
  EXPECT_EQ(m.verdict, Verdict::kInconclusive);
}

TEST(MetricComparisonTest, HolmsCorrectionSpansEveryTestedMetric) {
  // Each alone at p = 2 * 2 / 252 (U = 1 at n = 5): significant at 0.05,
  // but not as one of twenty.
  const std::vector<double> old_samples = {10, 11, 12, 13, 15};
  const std::vector<double> new_samples = {14, 16, 17, 18, 19};
  std::vector<MetricSamples> many;
  for (int i = 0; i < 20; ++i) {
    // One scenario each: otherwise, ranking alike, they would be one test.
    many.push_back(
        {"BM_X" + std::to_string(i), "m_ms", "ms", old_samples, new_samples});
  }
  CompareOptions holm;
  holm.holm = true;
  for (const MetricComparison& m : CompareMetrics(many, holm)) {
    EXPECT_NEAR(*m.p_value, 4.0 / 252, 1e-12);
    EXPECT_NEAR(*m.adjusted_p_value, 20 * 4.0 / 252, 1e-12);
    EXPECT_EQ(m.verdict, Verdict::kInconclusive);
    EXPECT_THAT(m.reason, HasSubstr("corrected over 20 tests"));
  }
  CompareOptions alone;
  alone.holm = false;
  for (const MetricComparison& m : CompareMetrics(many, alone)) {
    EXPECT_EQ(m.verdict, Verdict::kRegressed) << m.reason;
  }
  // Untested metrics (informational, too few samples) do not count.
  many.resize(1);
  many.push_back({"BM_X0", "connections", "count", old_samples, new_samples});
  many.push_back({"BM_X0", "x_ms", "ms", {1, 2}, {3, 4}});
  const std::vector<MetricComparison> three = CompareMetrics(many, holm);
  EXPECT_EQ(three[0].verdict, Verdict::kRegressed) << three[0].reason;
}

TEST(MetricComparisonTest, MetricsThatRankAlikeAreOneTest) {
  CompareOptions holm;
  holm.holm = true;
  // Throughput, bytes and (reversed) time of one benchmark: one measurement.
  const std::vector<double> time_old = {10, 11, 12, 13, 15};
  const std::vector<double> time_new = {14, 16, 17, 18, 19};
  const auto inverse = [](const std::vector<double>& v) {
    std::vector<double> out;
    for (double x : v) out.push_back(1000 / x);
    return out;
  };
  const std::vector<MetricComparison> out = CompareMetrics(
      {{"BM_X", "real_time", "ms", time_old, time_new},
       {"BM_X", "rows_per_second", "1/s", inverse(time_old), inverse(time_new)},
       {"BM_X", "bytes_per_second", "bytes/s", Scaled(inverse(time_old), 80),
        Scaled(inverse(time_new), 80)},
       // The same samples in another scenario: another test.
       {"BM_Y", "real_time", "ms", time_old, time_new}},
      holm);
  for (const MetricComparison& m : out) {
    EXPECT_NEAR(*m.adjusted_p_value, 2 * 4.0 / 252, 1e-12) << m.metric;
    EXPECT_EQ(m.verdict, Verdict::kRegressed) << m.reason;
  }
}

}  // namespace
}  // namespace forkcheck
