// Runs //bench:process_models_write_benchmark on a tiny configuration (two
// C++ models, a thread one and a process one, at 2 workers, writing the
// small table, two repetitions) and checks its Google Benchmark JSON: every
// benchmark ran, reported every counter, kept each repetition and got the
// aggregates; the appends are consistent with the rows (at most 500 rows
// an append, every acknowledged append timed); and bad flags exit 2. Never
// asserts a speed: the numbers of a fastbuild on a busy machine mean
// nothing.
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "bench/testing/bench_run.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace forkcheck {
namespace {

std::string Binary() { return BenchBinary("process_models_write_benchmark"); }

constexpr int kRows = 1000;  // `small`
constexpr int kWorkers = 2;
constexpr int kRowsPerAppend = 500;
constexpr char kThreads[] =
    "BM_ProcessModelWrite/thread_shared/workers:2/iterations:1/manual_time";
constexpr char kForked[] =
    "BM_ProcessModelWrite/fork_then_create_pristine/workers:2/iterations:1/"
    "manual_time";
constexpr char kBare[] = "BM_BareWriteLoop/workers:2/iterations:1/manual_time";

TEST(ProcessModelsWriteBenchmarkSmokeTest, ReportsEveryCounterPerRepetition) {
  const nlohmann::json report = RunBenchmarkReport(
      {Binary(), "--models=thread_shared,fork_then_create_pristine",
       "--workers=2", "--table=small", "--benchmark_repetitions=2"});
  EXPECT_EQ(report["context"].value("write_rows", ""), "1000");
  EXPECT_EQ(report["context"].value("rows_per_append", ""), "500");

  ReportRuns runs = SplitReportRuns(report);
  for (const nlohmann::json& run : runs.repetitions) {
    const std::string name = run.value("run_name", "");
    SCOPED_TRACE(run.value("name", ""));
    EXPECT_EQ(run.value("iterations", 0), 1);
    EXPECT_GT(run.value("real_time", 0.0), 0.0);
    // Every row of the table, the ceiling's too (real_time is in ms).
    EXPECT_EQ(run.value("rows", 0.0), kRows);
    EXPECT_NEAR(
        run.value("rows_per_second", 0.0) * run.value("real_time", 0.0) / 1e3,
        kRows, 1);
    // Appends consistent with rows: each worker's share in appends of at
    // most 500 rows, so at least that many; every one answered was timed.
    const double appends = run.value("appends", 0.0);
    EXPECT_GE(appends,
              kWorkers * std::ceil(kRows / kWorkers / double{kRowsPerAppend}));
    EXPECT_EQ(run.value("appends_timed", 0.0), appends);
    EXPECT_NEAR(run.value("appends_per_second", 0.0) /
                    run.value("rows_per_second", 1.0),
                appends / kRows, 1e-6);
    // Percentiles of one histogram: ordered, none above the maximum.
    double previous = 0;
    for (const char* counter :
         {"p50_us", "p90_us", "p99_us", "p999_us", "max_us"}) {
      SCOPED_TRACE(counter);
      const double value = run.value(counter, 0.0);
      EXPECT_GT(value, 0.0);
      EXPECT_GE(value, previous);
      previous = value;
    }
    EXPECT_GT(run.value("cpu_seconds", 0.0), 0.0);
    EXPECT_GT(run.value("cpu_seconds_per_million_rows", 0.0), 0.0);
    EXPECT_GT(run.value("peak_rss_kib", 0.0), 0.0);
    if (name == kBare) continue;
    EXPECT_GT(run.value("time_to_first_append_ms", 0.0), 0.0);
    EXPECT_LT(run.value("time_to_first_append_ms", 0.0),
              run.value("real_time", 0.0));
    EXPECT_GT(run.value("worker_peak_rss_kib", 0.0), 0.0);
    EXPECT_GT(run.value("parent_peak_rss_kib", 0.0), 0.0);
    EXPECT_GT(run.value("trial_wall_ms", 0.0), 0.0);
    // Here each worker writes one append, which opens its span: nothing
    // steady to rate, so no steady rate (rather than 0).
    EXPECT_FALSE(run.contains("steady_rows_per_second"));
    EXPECT_FALSE(run.contains("steady_over_bare"));
    EXPECT_GE(run.value("fake_cpu_seconds_per_million_rows", -1.0), 0.0);
    EXPECT_GT(run.value("bare_rows_per_second", 0.0), 0.0);
    EXPECT_NEAR(run.value("over_bare", 0.0),
                run.value("rows_per_second", 0.0) /
                    run.value("bare_rows_per_second", 1.0),
                1e-6 * run.value("over_bare", 0.0));
  }
  const std::set<std::string> expected_aggregates = {
      "mean", "median", "stddev", "cv", "mad", "min", "max"};
  for (const std::string name : {kThreads, kForked, kBare}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(runs.repetition_counts[name], 2);
    EXPECT_EQ(runs.aggregates[name], expected_aggregates);
  }
  EXPECT_EQ(runs.repetition_counts.size(), 3u);
}

TEST(ProcessModelsWriteBenchmarkSmokeTest, BadFlagsExitWith2) {
  EXPECT_EQ(RunBenchProgram({Binary(), "--models=thread_shared,no_such_model"}),
            2);
  EXPECT_EQ(RunBenchProgram({Binary(), "--workers=0"}), 2);
  // A read benchmark's flag means nothing here: refused, not ignored.
  EXPECT_EQ(RunBenchProgram({Binary(), "--sizes=64KiB"}), 2);
}

}  // namespace
}  // namespace forkcheck
