// Runs //bench:writer_costs_benchmark once with small writes and checks
// that every benchmark ran (both channel modes, every thread count, writer
// and bare loop) and reported every counter, and that a bad flag of its own
// exits 2. Never asserts a speed.
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "bench/testing/bench_run.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace forkcheck {
namespace {

TEST(WriterCostsBenchmarkSmokeTest, RunsAndReportsEveryCounter) {
  const std::string binary = BenchBinary("writer_costs_benchmark");
  const nlohmann::json report = RunBenchmarkReport(
      {binary, "--rows_per_write=1000", "--benchmark_repetitions=1"});
  std::set<std::string> seen;
  for (const nlohmann::json& run : report["benchmarks"]) {
    const std::string name = run.value("name", "");
    SCOPED_TRACE(name);
    EXPECT_FALSE(run.value("error_occurred", false))
        << run.value("error_message", "");
    for (const char* counter :
         {"rows_per_second", "appends_per_second", "p50_us", "p90_us", "p99_us",
          "p999_us", "max_us", "process_cpu_s_per_million_rows",
          "writer_thread_cpu_s_per_million_rows", "peak_rss_mib"}) {
      EXPECT_GT(run.value(counter, 0.0), 0.0) << counter;
    }
    EXPECT_LE(run.value("p50_us", 0.0), run.value("p999_us", 0.0));
    EXPECT_LE(run.value("p999_us", 0.0), run.value("max_us", 0.0));
    // 1000 rows a write in appends of 500.
    EXPECT_NEAR(run.value("appends_per_second", 0.0) * 500,
                run.value("rows_per_second", 0.0),
                run.value("rows_per_second", 0.0) * 0.01);
    seen.insert(name);
  }
  std::set<std::string> expected;
  for (const char* kind : {"BM_ReferenceWriter", "BM_BareWriteLoop"}) {
    for (const char* mode : {"shared_channel", "channel_per_thread"}) {
      for (int threads : {1, 2, 4, 8}) {
        expected.insert(absl::StrCat(kind, "/", mode,
                                     "/iterations:", 16 / threads,
                                     "/real_time/threads:", threads));
      }
    }
  }
  EXPECT_EQ(seen, expected);
}

TEST(WriterCostsBenchmarkSmokeTest, BadRowsPerWriteExitsTwo) {
  EXPECT_EQ(RunBenchProgram(
                {BenchBinary("writer_costs_benchmark"), "--rows_per_write=0"}),
            2);
}

}  // namespace
}  // namespace forkcheck
