// Runs //bench:process_models_benchmark on one tiny configuration (one
// model, one worker, one size, the small table, two repetitions) and checks
// its Google Benchmark JSON: every benchmark ran, reported every counter
// (the steady rate and the time to first row of the bare loop too),
// kept each repetition and got the aggregates, MAD included, and the session
// latency family its percentiles from every call. Never asserts a
// speed: the numbers of a fastbuild on a busy machine mean nothing.
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "bench/testing/bench_run.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace forkcheck {
namespace {

std::string Binary() { return BenchBinary("process_models_benchmark"); }

constexpr char kModel[] =
    "BM_ProcessModel/thread_shared/workers:1/response:64KiB/iterations:1/"
    "manual_time";
constexpr char kBare[] =
    "BM_BareReadLoop/workers:1/response:64KiB/iterations:1/manual_time";
constexpr char kSessionLatency[] =
    "BM_CreateSessionLatency/thread_shared/workers:1/iterations:1/real_time";

TEST(ProcessModelsBenchmarkSmokeTest, ReportsEveryCounterPerRepetition) {
  const nlohmann::json report = RunBenchmarkReport(
      {Binary(), "--models=thread_shared", "--workers=1", "--sizes=64KiB",
       "--table=small", "--benchmark_repetitions=2",
       "--session_calls_per_trial=50"});
  EXPECT_EQ(report["context"].value("table_rows", ""), "1000");

  ReportRuns runs = SplitReportRuns(report);
  for (const nlohmann::json& run : runs.repetitions) {
    const std::string name = run.value("run_name", "");
    SCOPED_TRACE(run.value("name", ""));
    EXPECT_EQ(run.value("iterations", 0), 1);
    EXPECT_GT(run.value("real_time", 0.0), 0.0);
    if (name == kSessionLatency) {
      EXPECT_EQ(run.value("label", ""), "thread_shared");
      EXPECT_EQ(run.value("create_session_calls", 0.0), 50.0);
      // Percentiles of one histogram: ordered, and none above the maximum.
      double previous = 0;
      for (const char* counter :
           {"create_session_p50_us", "create_session_p90_us",
            "create_session_p99_us", "create_session_p999_us",
            "create_session_max_us"}) {
        SCOPED_TRACE(counter);
        const double value = run.value(counter, 0.0);
        EXPECT_GT(value, 0.0);
        EXPECT_GE(value, previous);
        previous = value;
      }
      continue;
    }
    EXPECT_GT(run.value("rows_per_second", 0.0), 0.0);
    EXPECT_GT(run.value("bytes_per_second", 0.0), 0.0);
    // Both the trial and the bare loop: the steady rate leaves start-up
    // out, so it is at least the end-to-end rate (their bytes are the
    // same; the steady span lies inside the timed one).
    EXPECT_GT(run.value("steady_bytes_per_second", 0.0), 0.0);
    EXPECT_GE(run.value("steady_bytes_per_second", 0.0),
              run.value("bytes_per_second", 0.0));
    EXPECT_GT(run.value("time_to_first_row_ms", 0.0), 0.0);
    // Every row of the table, the ceiling's too: it reads the trial's
    // session (real_time is in ms).
    EXPECT_NEAR(
        run.value("rows_per_second", 0.0) * run.value("real_time", 0.0) / 1e3,
        1000, 1);
    if (name == kModel) {
      EXPECT_EQ(run.value("label", ""), "thread_shared");
      EXPECT_GT(run.value("time_to_first_row_ms", 0.0), 0.0);
      EXPECT_GT(run.value("cpu_seconds", 0.0), 0.0);
      EXPECT_NEAR(run.value("cpu_seconds", 0.0),
                  run.value("cpu_user_seconds", -1.0) +
                      run.value("cpu_system_seconds", -1.0),
                  1e-9);
      EXPECT_GT(run.value("peak_rss_kib", 0.0), 0.0);
      EXPECT_GT(run.value("parent_peak_rss_kib", 0.0), 0.0);
      EXPECT_GT(run.value("voluntary_switches", 0.0), 0.0);
      EXPECT_TRUE(run.contains("involuntary_switches"));
      EXPECT_GE(run.value("connections", 0.0), 1.0);
      EXPECT_GT(run.value("trial_wall_ms", 0.0), 0.0);
      // Reading a table takes longer than its first row.
      EXPECT_LT(run.value("time_to_first_row_ms", 0.0),
                run.value("real_time", 0.0));
    }
  }
  const std::set<std::string> expected_aggregates = {
      "mean", "median", "stddev", "cv", "mad", "min", "max"};
  for (const std::string name : {kModel, kBare, kSessionLatency}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(runs.repetition_counts[name], 2);
    EXPECT_EQ(runs.aggregates[name], expected_aggregates);
  }
  EXPECT_EQ(runs.repetition_counts.size(), 3u);
}

// The Python client's scenarios run through the testee protocol, read the
// testee table and report the same counters, labelled with their client.
//
// A scenario can fail by the client's own doing, which is not this test's
// subject: CI once saw the threads model's process abort (SIGABRT) in its
// session-latency trial under a load of 8 tests on 2 cores, as grpcio's
// interpreter-shutdown races do (not seen again: 0 in 25 reruns on a
// quieter machine, 0 in 82 runs of 6 such trials beside the whole test
// suite). So a run whose only failures are trial outcomes (crash, hang)
// runs once more, and two in a row fail the test; the benchmark's stderr
// in the test log explains each (ExplainNotOkTrial).
TEST(ProcessModelsBenchmarkSmokeTest,
     ThePythonClientIsBenchmarkedThroughItsTestee) {
  auto run_python = [] {
    return RunBenchmarkReport(
        {Binary(), "--models=python_threads,python_spawn", "--workers=2",
         "--sizes=64KiB", "--table=small", "--testee_table=small",
         "--benchmark_repetitions=1", "--session_calls_per_trial=20"},
        "python");
  };
  auto client_failures = [](const nlohmann::json& report) {
    std::vector<std::string> failures;
    for (const nlohmann::json& run : report["benchmarks"]) {
      if (!run.value("error_occurred", false)) continue;
      const std::string message = run.value("error_message", "");
      if (message.rfind("crash:", 0) != 0 && message.rfind("hang:", 0) != 0) {
        return std::vector<std::string>{};  // the benchmark's: no rerun
      }
      failures.push_back(run.value("run_name", "") + ": " + message);
    }
    return failures;
  };
  nlohmann::json report = run_python();
  for (const std::string& failure : client_failures(report)) {
    std::cout << "rerun after a client failure: " << failure << "\n";
  }
  if (!client_failures(report).empty()) report = run_python();
  EXPECT_EQ(report["context"].value("testee_table_rows", ""), "1000");
  std::set<std::string> seen;
  for (const nlohmann::json& run : report["benchmarks"]) {
    const std::string name = run.value("run_name", "");
    if (name.rfind("BM_BareReadLoop/", 0) == 0) continue;
    seen.insert(name);
    EXPECT_FALSE(run.value("error_occurred", false))
        << name << ": " << run.value("error_message", "");
    const std::string label = run.value("label", "");
    EXPECT_EQ(label.rfind("python-grpcio:", 0), 0u) << name << ": " << label;
    if (name.rfind("BM_ProcessModel/", 0) == 0) {
      EXPECT_GT(run.value("rows_per_second", 0.0), 0.0) << name;
      EXPECT_GT(run.value("steady_bytes_per_second", 0.0), 0.0) << name;
      EXPECT_GT(run.value("time_to_first_row_ms", 0.0), 0.0) << name;
      EXPECT_GT(run.value("cpu_seconds", 0.0), 0.0) << name;
    } else {
      EXPECT_EQ(run.value("create_session_calls", 0.0), 20.0) << name;
    }
  }
  EXPECT_EQ(seen, (std::set<std::string>{
                      "BM_ProcessModel/python_threads/workers:2/"
                      "response:64KiB/iterations:1/manual_time",
                      "BM_ProcessModel/python_spawn/workers:2/"
                      "response:64KiB/iterations:1/manual_time",
                      "BM_CreateSessionLatency/python_threads/workers:2/"
                      "iterations:1/real_time",
                      "BM_CreateSessionLatency/python_spawn/workers:2/"
                      "iterations:1/real_time"}));
}

TEST(ProcessModelsBenchmarkSmokeTest, AnUnknownModelExitsWith2) {
  EXPECT_EQ(RunBenchProgram({Binary(), "--models=thread_shared,no_such_model"}),
            2);
  EXPECT_EQ(RunBenchProgram({Binary(), "--workers=0"}), 2);
}

}  // namespace
}  // namespace forkcheck
