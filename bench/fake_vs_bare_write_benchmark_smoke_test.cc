// Runs //bench:fake_vs_bare_write_benchmark briefly at the smallest request
// size and checks that every benchmark ran against both servers and reported
// rows and bytes, and that a bad flag of its own exits 2. Never asserts a
// speed: the numbers of a fastbuild on a busy machine mean nothing.
#include <set>
#include <string>

#include "bench/testing/bench_run.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace forkcheck {
namespace {

TEST(FakeVsBareWriteBenchmarkSmokeTest, RunsAndReportsRowsAndBytes) {
  const std::string binary = BenchBinary("fake_vs_bare_write_benchmark");
  // 1 MiB of rows per call: 16 requests of 64 KiB.
  const nlohmann::json report = RunBenchmarkReport(
      {binary, "--benchmark_filter=/65536", "--row_bytes_per_call=1048576",
       "--benchmark_repetitions=1"});

  std::set<std::string> seen;
  for (const nlohmann::json& run : report["benchmarks"]) {
    const std::string name = run.value("name", "");
    SCOPED_TRACE(name);
    EXPECT_FALSE(run.value("error_occurred", false))
        << run.value("error_message", "");
    EXPECT_EQ(run.value("iterations", 0), 4);
    // The request holds as many whole rows as fit in 64 KiB.
    const double row_bytes = run.value("row_bytes_per_request", 0.0);
    EXPECT_GT(row_bytes, 65536.0 * 0.99);
    EXPECT_LE(row_bytes, 65536.0);
    EXPECT_GT(run.value("rows_per_request", 0.0), 100.0);
    if (name.rfind("BM_AppendRows/", 0) == 0) {
      EXPECT_GT(run.value("bytes_per_second", 0.0), 0.0);
      EXPECT_GT(run.value("items_per_second", 0.0), 0.0);
      EXPECT_GT(run.value("requests_per_second", 0.0), 0.0);
    } else {
      for (const char* counter :
           {"fake_bytes_per_second", "bare_bytes_per_second",
            "fake_rows_per_second", "bare_rows_per_second",
            "fake_requests_per_second", "bare_requests_per_second",
            "fake_over_bare"}) {
        EXPECT_GT(run.value(counter, 0.0), 0.0) << counter;
      }
    }
    seen.insert(name);
  }
  const std::set<std::string> expected = {
      "BM_AppendRows/fake/inproc/65536/iterations:4/real_time",
      "BM_AppendRows/bare/inproc/65536/iterations:4/real_time",
      "BM_AppendRows/fake/tcp/65536/iterations:4/real_time",
      "BM_AppendRows/bare/tcp/65536/iterations:4/real_time",
      "BM_FakeOverBareWrite/inproc/65536/iterations:4/real_time",
      "BM_FakeOverBareWrite/tcp/65536/iterations:4/real_time",
  };
  EXPECT_EQ(seen, expected);
}

TEST(FakeVsBareWriteBenchmarkSmokeTest, BadRowBytesPerCallExitsTwo) {
  EXPECT_EQ(RunBenchProgram({BenchBinary("fake_vs_bare_write_benchmark"),
                             "--row_bytes_per_call=lots"}),
            2);
}

}  // namespace
}  // namespace forkcheck
