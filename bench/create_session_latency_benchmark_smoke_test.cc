// Runs //bench:create_session_latency_benchmark briefly (two short
// repetitions, not interleaved) and checks that every benchmark ran and
// reported its percentile counters, and that the --histogram_out side file
// holds, per benchmark, exactly the calls of its reported repetitions. Never
// asserts a latency: the numbers of a fastbuild on a busy machine mean
// nothing.
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/latency_histogram.h"
#include "common/file_util.h"
#include "common/subprocess.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace forkcheck {
namespace {

constexpr auto kRunTimeout = std::chrono::seconds(200);

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value == nullptr ? fallback : value;
}

// Runs `argv` with a bounded wait; its exit code, or -1 if it could not be
// run, did not exit normally or had to be killed.
int RunProgram(const std::vector<std::string>& argv) {
  absl::StatusOr<pid_t> pid = SpawnInProcessGroup(argv, {});
  if (!pid.ok()) {
    ADD_FAILURE() << pid.status();
    return -1;
  }
  std::optional<int> status = WaitForChild(*pid, kRunTimeout);
  if (!status.has_value()) {
    ADD_FAILURE() << argv[0] << " still running after " << kRunTimeout.count()
                  << " s";
    kill(-*pid, SIGKILL);
    WaitForChild(*pid, std::chrono::seconds(10));
    return -1;
  }
  return WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
}

nlohmann::json ReadJson(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path, "benchmark output");
  if (!text.ok()) {
    ADD_FAILURE() << text.status();
    return nullptr;
  }
  nlohmann::json json = nlohmann::json::parse(*text, nullptr,
                                              /*allow_exceptions=*/false);
  EXPECT_FALSE(json.is_discarded()) << path << " is not JSON";
  return json;
}

TEST(CreateSessionLatencyBenchmarkSmokeTest, ReportsPercentilesAndHistograms) {
  const std::string binary = EnvOr("TEST_SRCDIR", ".") + "/" +
                             EnvOr("TEST_WORKSPACE", "forkcheck") +
                             "/bench/create_session_latency_benchmark";
  const std::string tmp = EnvOr("TEST_TMPDIR", "/tmp");
  const std::string out = tmp + "/latency.json";
  const std::string histograms = tmp + "/latency_histograms.json";
  ASSERT_EQ(RunProgram({binary, "--benchmark_min_time=0.01",
                        "--benchmark_repetitions=2",
                        "--benchmark_enable_random_interleaving=false",
                        "--benchmark_out_format=json", "--benchmark_out=" + out,
                        "--histogram_out=" + histograms}),
            0)
      << binary;

  const nlohmann::json report = ReadJson(out);
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

  const nlohmann::json side = ReadJson(histograms);
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
