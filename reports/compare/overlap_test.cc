#include "reports/compare/overlap.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "reports/compare/testing/synthetic_report.h"

namespace forkcheck {
namespace {

const std::vector<double> kSamples = {1, 2, 3, 4, 5};

SyntheticReport Cells(int first, int count) {
  SyntheticReport spec;
  for (int i = first; i < first + count; ++i) {
    spec.cells.push_back({"m" + std::to_string(i), "unset", {"ok"}});
  }
  return spec;
}

SyntheticScenario Scenario(const std::string& id,
                           const std::vector<std::string>& metrics) {
  SyntheticScenario scenario{id, {}, ""};
  for (const std::string& metric : metrics) {
    scenario.metrics[metric] = kSamples;
  }
  return scenario;
}

Overlap Measure(const SyntheticReport& old_spec,
                const SyntheticReport& new_spec, double min_overlap = 0.5) {
  return MeasureOverlap(BuildSyntheticReport(old_spec).model(),
                        BuildSyntheticReport(new_spec).model(), min_overlap);
}

TEST(OverlapTest, APartialRunAgainstAFullOneIsTooLittle) {
  // 12 of 186 cells: every cell of the smaller side is in common, and still
  // 94% of the larger one was never compared.
  const Overlap overlap = Measure(Cells(0, 186), Cells(0, 12));
  EXPECT_EQ(overlap.cells.in_common, 12);
  EXPECT_EQ(overlap.cells.old_total, 186);
  EXPECT_EQ(overlap.cells.new_total, 12);
  EXPECT_NEAR(overlap.cells.Fraction(), 12.0 / 186, 1e-12);
  EXPECT_EQ(overlap.cells.Text(), "12 of 186 old, 12 of 12 new (6.45%)");
  EXPECT_FALSE(overlap.Enough());
  EXPECT_EQ(overlap.Shortfall(), "cells 6.45% < 50%");
  // Both without benchmarks: nothing missing there.
  EXPECT_TRUE(overlap.metrics.Missing());
  EXPECT_EQ(overlap.metrics.Fraction(), 1);
  EXPECT_EQ(overlap.metrics.Text(), "none on either side");
}

TEST(OverlapTest, TheThresholdIsInclusive) {
  EXPECT_TRUE(Measure(Cells(0, 10), Cells(5, 10)).Enough());  // 5 of 10
  EXPECT_FALSE(Measure(Cells(0, 10), Cells(6, 10)).Enough());
  EXPECT_TRUE(Measure(Cells(0, 10), Cells(6, 10), 0.4).Enough());
  EXPECT_FALSE(Measure(Cells(0, 10), Cells(0, 9), 1).Enough());
}

TEST(OverlapTest, BenchmarksCountByMetric) {
  SyntheticReport old_spec = Cells(0, 2);
  old_spec.scenarios = {Scenario("BM_A", {"real_time", "rows_per_second"}),
                        Scenario("BM_B", {"real_time"})};
  SyntheticReport new_spec = Cells(0, 2);
  // BM_A skipped in new: a scenario in common with no metric to compare.
  new_spec.scenarios = {Scenario("BM_A", {}), Scenario("BM_C", {"real_time"})};
  new_spec.scenarios[0].skipped = "not safe here";
  const Overlap overlap = Measure(old_spec, new_spec);
  EXPECT_EQ(overlap.scenarios.in_common, 1);
  EXPECT_EQ(overlap.metrics.in_common, 0);
  EXPECT_EQ(overlap.metrics.old_total, 3);
  EXPECT_EQ(overlap.metrics.new_total, 1);
  EXPECT_EQ(overlap.Shortfall(), "benchmark metrics 0% < 50%");
  // Benchmarks on one side only: none of them compared.
  SyntheticReport no_benchmarks = Cells(0, 2);
  EXPECT_FALSE(Measure(old_spec, no_benchmarks).Enough());
}

TEST(OverlapTest, NothingInCommonIsNeverEnough) {
  SyntheticReport a;
  a.scenarios = {Scenario("BM_A", {"real_time"})};
  SyntheticReport b;
  b.scenarios = {Scenario("BM_B", {"real_time"})};
  const Overlap overlap = Measure(a, b, 0.01);
  EXPECT_FALSE(overlap.Enough());
  EXPECT_EQ(overlap.Shortfall(), "benchmark metrics 0% < 1%; nothing compared");
}

TEST(OverlapTest, CellsAreCountedPerClientToo) {
  const SyntheticReport both = WithPythonClient(Cells(0, 4), "1.51.1");
  const SyntheticReport skipped =
      WithPythonClient(Cells(0, 4), "", "python3-grpcio is not installed");
  const Overlap overlap = Measure(both, skipped);
  EXPECT_EQ(overlap.cells.Text(), "4 of 6 old, 4 of 4 new (66.7%)");
  ASSERT_EQ(overlap.cells_by_client.size(), 2u);
  EXPECT_EQ(overlap.cells_by_client[0].client, "cpp");
  EXPECT_EQ(overlap.cells_by_client[0].cells.Fraction(), 1);
  EXPECT_EQ(overlap.cells_by_client[1].client, "python-grpcio");
  EXPECT_EQ(overlap.cells_by_client[1].cells.Text(),
            "0 of 2 old, 0 of 0 new (0%)");
  EXPECT_TRUE(overlap.Enough());  // judged on all cells: 4 of 6
}

}  // namespace
}  // namespace forkcheck
