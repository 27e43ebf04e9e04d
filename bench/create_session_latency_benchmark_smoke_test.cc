// Runs //bench:create_session_latency_benchmark briefly (two short
// repetitions, not interleaved) and checks that every benchmark ran and
// reported its percentile counters, and that the --histogram_out side file
// holds, per benchmark, exactly the calls of its reported repetitions. Never
// asserts a latency: the numbers of a fastbuild on a busy machine mean
// nothing.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/latency_histogram.h"
#include "bench/testing/bench_run.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace forkcheck {
namespace {

TEST(CreateSessionLatencyBenchmarkSmokeTest, ReportsPercentilesAndHistograms) {
  const std::string binary = BenchBinary("create_session_latency_benchmark");
  const std::string tmp = TestScratch();
  const std::string out = tmp + "/latency.json";
  const std::string histograms = tmp + "/latency_histograms.json";
  ASSERT_EQ(
      RunBenchProgram({binary, "--benchmark_min_time=0.01",
                       "--benchmark_repetitions=2",
                       "--benchmark_enable_random_interleaving=false",
                       "--benchmark_out_format=json", "--benchmark_out=" + out,
                       "--histogram_out=" + histograms}),
      0)
      << binary;

  const nlohmann::json report = ReadJsonFile(out);
  ASSERT_TRUE(report.contains("benchmarks") && report["benchmarks"].is_array());
  // Total calls of each benchmark's repetitions (its "iterations": Google
  // Benchmark sums them over threads).
  std::map<std::string, int64_t> calls;
  std::map<std::string, int> repetitions;
  std::set<std::string> aggregated;
  for (const nlohmann::json& run : report["benchmarks"]) {
    const std::string name = run.value("run_name", "");
    SCOPED_TRACE(run.value("name", ""));
    ASSERT_FALSE(run.value("error_occurred", false))
        << run.value("error_message", "");
    if (run.value("run_type", "") == "aggregate") {
      aggregated.insert(name);
      continue;
    }
    // Raw repetitions are in the JSON although the console shows only
    // aggregates.
    const int threads = run.value("threads", 0);
    EXPECT_GE(run.value("iterations", 0), threads);
    double previous = 0;
    for (const char* counter :
         {"p50_us", "p90_us", "p99_us", "p999_us", "max_us"}) {
      ASSERT_TRUE(run.contains(counter)) << counter;
      const double value = run[counter].get<double>();
      EXPECT_GT(value, 0) << counter;
      EXPECT_GE(value, previous) << counter << " below the percentile before";
      previous = value;
    }
    ASSERT_TRUE(run.contains("calls_per_second"));
    EXPECT_GT(run["calls_per_second"].get<double>(), 0);
    calls[name] += run["iterations"].get<int64_t>();
    ++repetitions[name];
  }
  std::set<std::string> expected;
  for (const char* mode : {"shared_channel", "channel_per_thread"}) {
    for (int threads : {1, 2, 4, 8}) {
      expected.insert(absl::StrCat("BM_CreateReadSession/", mode,
                                   "/real_time/threads:", threads));
    }
  }
  std::set<std::string> seen;
  for (const auto& [name, count] : repetitions) {
    seen.insert(name);
    EXPECT_EQ(count, 2) << name;
  }
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(aggregated, expected);

  const nlohmann::json side = ReadJsonFile(histograms);
  ASSERT_TRUE(side.contains("benchmarks") && side["benchmarks"].is_array());
  std::set<std::string> with_histogram;
  for (size_t i = 0; i < side["benchmarks"].size(); ++i) {
    const nlohmann::json& entry = side["benchmarks"][i];
    const std::string name = entry.value("name", "");
    SCOPED_TRACE(name);
    with_histogram.insert(name);
    absl::StatusOr<LatencyHistogram> histogram = LatencyHistogram::FromJson(
        entry["histogram"], absl::StrCat("benchmarks[", i, "].histogram"));
    ASSERT_TRUE(histogram.ok()) << histogram.status();
    // Exactly the reported repetitions' calls: not the first repetition's
    // discarded attempts at smaller iteration counts, nor the warm-up.
    EXPECT_EQ(histogram->Count(), calls[name]);
    EXPECT_EQ(entry.value("repetitions", 0), 2);
  }
  EXPECT_EQ(with_histogram, expected);
}

}  // namespace
}  // namespace forkcheck
