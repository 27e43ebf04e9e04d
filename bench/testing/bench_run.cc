#include "bench/testing/bench_run.h"

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <optional>

#include "absl/status/statusor.h"
#include "bench/bench_runs.h"
#include "common/file_util.h"
#include "common/runfiles.h"
#include "common/subprocess.h"
#include "gtest/gtest.h"

namespace forkcheck {

constexpr auto kRunTimeout = std::chrono::seconds(200);

std::string BenchBinary(const std::string& name) {
  absl::StatusOr<std::string> path = RunfileExecutable("bench/" + name);
  if (!path.ok()) {
    ADD_FAILURE() << path.status();
    return "";
  }
  return *path;
}

std::string TestScratch() {
  const char* dir = std::getenv("TEST_TMPDIR");
  return dir != nullptr ? dir : "/tmp";
}

int RunBenchProgram(const std::vector<std::string>& argv) {
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

nlohmann::json ReadJsonFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path, "benchmark output");
  if (!text.ok()) {
    ADD_FAILURE() << text.status();
    return nullptr;
  }
  // A counter that is 0 in every repetition has a cv of 0/0, which Google
  // Benchmark writes as a bare NaN: read as the main job reads it.
  nlohmann::json json =
      nlohmann::json::parse(NonFiniteNumbersToNull(*text), nullptr,
                            /*allow_exceptions=*/false);
  EXPECT_FALSE(json.is_discarded()) << path << " is not JSON";
  return json;
}

nlohmann::json RunBenchmarkReport(std::vector<std::string> argv,
                                  const std::string& name) {
  const nlohmann::json failed = {{"benchmarks", nlohmann::json::array()}};
  const std::string out = TestScratch() + "/" + name + ".json";
  argv.push_back("--benchmark_out_format=json");
  argv.push_back("--benchmark_out=" + out);
  const int exit_code = RunBenchProgram(argv);
  if (exit_code != 0) {
    ADD_FAILURE() << argv[0] << " exited " << exit_code;
    return failed;
  }
  nlohmann::json report = ReadJsonFile(out);
  if (!report.is_object() || !report.contains("benchmarks") ||
      !report["benchmarks"].is_array()) {
    ADD_FAILURE() << out << " has no \"benchmarks\" array";
    return failed;
  }
  return report;
}

ReportRuns SplitReportRuns(const nlohmann::json& report) {
  ReportRuns runs;
  for (const nlohmann::json& run : report["benchmarks"]) {
    const std::string name = run.value("run_name", "");
    EXPECT_FALSE(run.value("error_occurred", false))
        << run.value("name", "") << ": " << run.value("error_message", "");
    if (run.value("run_type", "") == "aggregate") {
      runs.aggregates[name].insert(run.value("aggregate_name", ""));
      continue;
    }
    ++runs.repetition_counts[name];
    runs.repetitions.push_back(run);
  }
  return runs;
}

}  // namespace forkcheck
