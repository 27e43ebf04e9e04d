// For the smoke tests of the bench binaries: find one, run it with a bound,
// and read the JSON it wrote. Test-only (reports failures through gtest).
#ifndef FORKCHECK_BENCH_TESTING_BENCH_RUN_H_
#define FORKCHECK_BENCH_TESTING_BENCH_RUN_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"

namespace forkcheck {

// The path of //bench:<name> among the test's runfiles; "" (and a test
// failure) if it is not there.
std::string BenchBinary(const std::string& name);

// The test's scratch directory (TEST_TMPDIR).
std::string TestScratch();

// Runs `argv` (argv[0] a path) in its own process group and waits at most
// 200 s. Its exit code; -1 (and a test failure) if it could not be run or
// was killed for running too long; -1 if a signal ended it.
int RunBenchProgram(const std::vector<std::string>& argv);

// The JSON document at `path`; null (and a test failure) if it cannot be
// read or is not JSON.
nlohmann::json ReadJsonFile(const std::string& path);

// Runs `argv` (RunBenchProgram) with a JSON --benchmark_out of its own in
// the scratch directory, named `name`.json, and returns that report once
// it exited 0 and holds a "benchmarks" array; otherwise a test failure and
// a report whose "benchmarks" array is empty.
nlohmann::json RunBenchmarkReport(std::vector<std::string> argv,
                                  const std::string& name = "smoke");

// A report's runs split by kind: each repetition (run_type "iteration"),
// how many each benchmark (run_name) had, and the aggregates each got.
// A run that reports an error is a test failure.
struct ReportRuns {
  std::vector<nlohmann::json> repetitions;
  std::map<std::string, int> repetition_counts;
  std::map<std::string, std::set<std::string>> aggregates;
};
ReportRuns SplitReportRuns(const nlohmann::json& report);

}  // namespace forkcheck

#endif  // FORKCHECK_BENCH_TESTING_BENCH_RUN_H_
