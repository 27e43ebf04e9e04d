// Runs //bench:row_check_benchmark once, briefly, and checks that every
// benchmark ran and reported its rows, and BM_AppendWork the heap a kept row
// costs. Never asserts a speed.
#include <set>
#include <string>

#include "bench/testing/bench_run.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace forkcheck {
namespace {

TEST(RowCheckBenchmarkSmokeTest, RunsEveryBenchmarkAndReportsRows) {
  const nlohmann::json report = RunBenchmarkReport(
      {BenchBinary("row_check_benchmark"), "--benchmark_repetitions=1",
       "--benchmark_report_aggregates_only=false",
       "--benchmark_min_time=0.01"});
  std::set<std::string> seen;
  for (const nlohmann::json& run : report["benchmarks"]) {
    seen.insert(run.value("name", ""));
    SCOPED_TRACE(run.value("name", ""));
    EXPECT_EQ(run.value("error_message", ""), "");
    EXPECT_GT(run.value("items_per_second", 0.0), 0.0);
    EXPECT_GT(run.value("rows_per_request", 0.0), 1000.0);
    const bool append_work = run.contains("heap_bytes_per_row");
    EXPECT_EQ(append_work,
              run.value("name", "").rfind("BM_AppendWork", 0) == 0);
    if (append_work) {
      // A kept row costs at least its bytes, and not a decoded Row's 2 KB.
      const double row_bytes = run.value("row_bytes", 0.0);
      EXPECT_GT(row_bytes, 300.0);
      EXPECT_GE(run.value("heap_bytes_per_row", 0.0), row_bytes);
      EXPECT_LT(run.value("heap_bytes_per_row", 0.0), 2 * row_bytes);
    }
  }
  const std::set<std::string> expected = {"BM_ParseRequest", "BM_DynamicParse",
                                          "BM_CheckRows", "BM_DecodeRows",
                                          "BM_AppendWork/iterations:32"};
  EXPECT_EQ(seen, expected);
}

}  // namespace
}  // namespace forkcheck
