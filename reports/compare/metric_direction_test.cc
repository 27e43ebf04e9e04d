#include "reports/compare/metric_direction.h"

#include "gtest/gtest.h"

namespace forkcheck {
namespace {

TEST(MetricDirectionTest, EveryMetricTheBenchmarksWriteHasItsDirection) {
  const std::pair<const char*, Direction> table[] = {
      {"rows_per_second", Direction::kHigherIsBetter},
      {"bytes_per_second", Direction::kHigherIsBetter},
      {"steady_bytes_per_second", Direction::kHigherIsBetter},
      {"items_per_second", Direction::kHigherIsBetter},
      {"rows_per_second_over_bare", Direction::kHigherIsBetter},
      {"throughput_over_bare", Direction::kHigherIsBetter},
      {"real_time", Direction::kLowerIsBetter},
      {"cpu_time", Direction::kLowerIsBetter},
      {"time_to_first_row_ms", Direction::kLowerIsBetter},
      {"trial_wall_ms", Direction::kLowerIsBetter},
      {"p99_us", Direction::kLowerIsBetter},
      {"p50_ns", Direction::kLowerIsBetter},
      {"cpu_seconds", Direction::kLowerIsBetter},
      {"cpu_user_seconds", Direction::kLowerIsBetter},
      {"cpu_system_seconds", Direction::kLowerIsBetter},
      {"cpu_seconds_per_million_rows", Direction::kLowerIsBetter},
      {"peak_rss_kib", Direction::kLowerIsBetter},
      {"parent_peak_rss_kib", Direction::kLowerIsBetter},
      {"worker_peak_rss_kib", Direction::kLowerIsBetter},
      {"heap_bytes", Direction::kLowerIsBetter},
      {"voluntary_switches", Direction::kLowerIsBetter},
      {"involuntary_switches", Direction::kLowerIsBetter},
      {"connections", Direction::kUnknown},
      {"table_rows", Direction::kUnknown},
      {"mystery", Direction::kUnknown},
  };
  for (const auto& [name, direction] : table) {
    EXPECT_EQ(MetricDirection(name), direction) << name;
  }
}

TEST(MetricDirectionTest, CpuTimeIsNotGatedWhereItIsTheHarnessThreads) {
  EXPECT_EQ(MetricDirection("BM_ProcessModel/spawn/workers:2/response:64KiB/"
                            "iterations:1/manual_time",
                            "cpu_time"),
            Direction::kUnknown);
  EXPECT_EQ(MetricDirection("BM_CreateSessionLatency/spawn/workers:2/"
                            "iterations:1/real_time",
                            "cpu_time"),
            Direction::kUnknown);
  // The same scenarios' other metrics keep their directions.
  EXPECT_EQ(MetricDirection("BM_ProcessModel/spawn/workers:2/response:64KiB/"
                            "iterations:1/manual_time",
                            "real_time"),
            Direction::kLowerIsBetter);
  EXPECT_EQ(MetricDirection("BM_ProcessModel/spawn/workers:2/response:64KiB/"
                            "iterations:1/manual_time",
                            "cpu_seconds"),
            Direction::kLowerIsBetter);
  // Benchmarks timed on their own threads gate on cpu_time.
  EXPECT_EQ(MetricDirection("BM_CreateReadSession/threads:2", "cpu_time"),
            Direction::kLowerIsBetter);
}

TEST(MetricDirectionTest, NamesTheDirections) {
  EXPECT_STREQ(DirectionName(Direction::kHigherIsBetter), "higher is better");
  EXPECT_STREQ(DirectionName(Direction::kLowerIsBetter), "lower is better");
  EXPECT_STREQ(DirectionName(Direction::kUnknown), "unknown");
}

}  // namespace
}  // namespace forkcheck
