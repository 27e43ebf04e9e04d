// Runs //bench:fake_vs_bare_benchmark briefly at the smallest response size
// and checks that every benchmark ran and reported bytes. Never asserts a
// speed: the numbers of a fastbuild on a busy machine mean nothing.
#include <set>
#include <string>
#include <vector>

#include "bench/testing/bench_run.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace forkcheck {
namespace {

TEST(FakeVsBareBenchmarkSmokeTest, RunsAndReportsBytes) {
  const std::string binary = BenchBinary("fake_vs_bare_benchmark");
  const nlohmann::json report = RunBenchmarkReport(
      {binary, "--benchmark_filter=/65536", "--benchmark_min_time=0.01",
       "--benchmark_repetitions=1"});

  std::set<std::string> seen;
  for (const nlohmann::json& run : report["benchmarks"]) {
    const std::string name = run.value("name", "");
    SCOPED_TRACE(name);
    EXPECT_FALSE(run.value("error_occurred", false))
        << run.value("error_message", "");
    EXPECT_GE(run.value("iterations", 0), 1);
    if (name.rfind("BM_ReadRows/", 0) == 0) {
      EXPECT_GT(run.value("bytes_per_second", 0.0), 0.0);
      // The fake's first 8192 rows are 1-2 bytes shorter than the others.
      EXPECT_NEAR(run.value("payload_bytes_per_response", 0.0), 65536.0,
                  65536.0 / 1000);
    } else {
      EXPECT_GT(run.value("fake_bytes_per_second", 0.0), 0.0);
      EXPECT_GT(run.value("bare_bytes_per_second", 0.0), 0.0);
      EXPECT_GT(run.value("fake_over_bare", 0.0), 0.0);
    }
    seen.insert(name);
  }
  const std::set<std::string> expected = {
      "BM_ReadRows/fake/inproc/65536/real_time",
      "BM_ReadRows/bare/inproc/65536/real_time",
      "BM_ReadRows/fake/tcp/65536/real_time",
      "BM_ReadRows/bare/tcp/65536/real_time",
      "BM_FakeOverBare/inproc/65536/real_time",
      "BM_FakeOverBare/tcp/65536/real_time",
  };
  EXPECT_EQ(seen, expected);
}

}  // namespace
}  // namespace forkcheck
