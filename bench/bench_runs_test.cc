#include "bench/bench_runs.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace forkcheck {
namespace {

TEST(BenchRunsTest, NonFiniteNumbersBecomeNullOutsideStrings) {
  // As Google Benchmark writes the cv of a counter that is always 0.
  const std::string text =
      R"({"name": "BM_X_cv", "cpu_system_seconds": NaN, "a": -Infinity,)"
      R"( "b": Infinity, "c": [1.5, -nan, inf], "label": "NaN \"Infinity\"",)"
      R"( "d": null, "e": false})";
  const std::string fixed = NonFiniteNumbersToNull(text);
  const nlohmann::json json = nlohmann::json::parse(fixed);
  EXPECT_TRUE(json["cpu_system_seconds"].is_null());
  EXPECT_TRUE(json["a"].is_null());
  EXPECT_TRUE(json["b"].is_null());
  EXPECT_EQ(json["c"], nlohmann::json::parse("[1.5, null, null]"));
  EXPECT_EQ(json["label"], "NaN \"Infinity\"");
  EXPECT_TRUE(json["d"].is_null());
  EXPECT_EQ(json["e"], false);
  EXPECT_EQ(NonFiniteNumbersToNull(R"({"x": 1e-3, "y": "nan"})"),
            R"({"x": 1e-3, "y": "nan"})");
}

// A Google Benchmark console log as Debian's libbenchmark 1.7 prints it
// with random interleaving and every repetition shown: repetitions of two
// benchmarks in turn, one failed repetition, aggregates at the end, and a
// name that was not listed.
constexpr char kConsoleLog[] =
    "***WARNING*** Library was built as DEBUG. Timings may be affected.\n"
    "-------------------------------------------------------------------\n"
    "Benchmark                         Time             CPU   Iterations\n"
    "-------------------------------------------------------------------\n"
    "BM_A/workers:2/manual_time       12.3 ms       1.1 ms            1\n"
    "BM_C/workers:2/manual_time       12.9 ms       1.0 ms            1\n"
    "BM_A/workers:2/manual_time       12.6 ms       1.0 ms            1\n"
    "BM_B/workers:2/manual_time  ERROR OCCURRED: 'hung'\n"
    "BM_A/workers:2/manual_time_mean  12.4 ms       1.0 ms            2\n"
    "BM_A/workers:2/manual_time_median 12.4 ms      1.0 ms            2\n"
    "BM_A/workers:20/manual_time      99.0 ms       1.0 ms            1\n";

TEST(BenchRunsTest, CountsFinishedRepetitionsNotAggregates) {
  const std::vector<std::string> names = {
      "BM_A/workers:2/manual_time", "BM_B/workers:2/manual_time",
      "BM_C/workers:2/manual_time", "BM_D/workers:2/manual_time"};
  EXPECT_EQ(CountFinishedRepetitions(kConsoleLog, names), 4);
  EXPECT_EQ(CountFinishedRepetitions("", names), 0);
  EXPECT_EQ(CountFinishedRepetitions(kConsoleLog, {}), 0);
}

// A stand-in binary: prints a banner and two names for
// --benchmark_list_tests, exits 2 for --bad.
std::string WriteFakeBenchmark() {
  const std::string path =
      std::string(getenv("TEST_TMPDIR")) + "/fake_benchmark.sh";
  std::ofstream(path) << "#!/bin/sh\n"
                         "for a; do [ \"$a\" = --bad ] && exit 2; done\n"
                         "echo '***WARNING*** Library was built as DEBUG.'\n"
                         "echo BM_A/workers:2\n"
                         "echo BM_B/workers:2\n";
  chmod(path.c_str(), 0755);
  return path;
}

TEST(BenchRunsTest, ListsTheBenchmarksARunWouldRun) {
  const BenchRun run{"fake", WriteFakeBenchmark(), {}, {}};
  absl::StatusOr<std::vector<std::string>> names =
      ListBenchmarks(run, std::chrono::seconds(30));
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_THAT(*names, ::testing::ElementsAre("BM_A/workers:2", "BM_B/workers:2"));
}

TEST(BenchRunsTest, ABadFlagIsInvalidArgumentNamingTheBinary) {
  const BenchRun run{"fake", WriteFakeBenchmark(), {"--bad"}, {}};
  absl::Status status = ListBenchmarks(run, std::chrono::seconds(30)).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr("fake"));
}

}  // namespace
}  // namespace forkcheck
