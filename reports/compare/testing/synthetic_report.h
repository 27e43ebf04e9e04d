// Small reports built in tests: scenarios from made-up Google Benchmark
// JSON (through the same BenchmarkSection the driver uses), conformance
// cells from their trials' outcomes, and a fixed environment. Every report
// goes through Report::Build, so it is schema-valid. Test-only.
#ifndef FORKCHECK_REPORTS_COMPARE_TESTING_SYNTHETIC_REPORT_H_
#define FORKCHECK_REPORTS_COMPARE_TESTING_SYNTHETIC_REPORT_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "nlohmann/json.hpp"
#include "reports/report.h"

namespace forkcheck {

struct SyntheticScenario {
  // The run name, e.g. "BM_ProcessModel/spawn/workers:1/response:64KiB".
  std::string id;
  // Metric name -> one sample per repetition (all the same length).
  std::map<std::string, std::vector<double>> metrics;
  std::string skipped;  // non-empty: the benchmark failed with this reason
};

struct SyntheticCell {
  // Also the key's start; a testee's names its client ("python-grpcio:x").
  std::string model_name;
  std::string fork_support = "unset";
  std::vector<std::string> workers;  // one outcome per trial, e.g. "hang"
  // One per trial, or empty for a model without a parent check.
  std::vector<std::string> parent_after;
  std::string client;  // empty: no client field (a report from before)
  // The cell's stack signatures and the trials each was seen in ("worker:
  // grpc_pollset_work ← ..."); empty: none (nor the field, as before issue
  // 13).
  std::vector<std::pair<std::string, int>> signatures;
};

// One entry of the conformance section's clients list.
struct SyntheticClient {
  std::string client;
  std::string library;
  std::string library_version;
  std::string grpc_core_version;
  std::map<std::string, std::string> versions;
  std::string skipped;  // non-empty: skipped for this reason
};

struct SyntheticReport {
  std::string hostname = "testhost";
  std::string grpc_version = "1.51.1";
  std::string kernel_release = "6.1.0-test";
  std::string start_time = "2026-12-01T00:00:00.000Z";
  std::vector<SyntheticScenario> scenarios;  // empty: benchmarks null
  std::vector<SyntheticCell> cells;          // empty: conformance null
  std::vector<SyntheticClient> clients;      // empty: no clients list
};

// One outcome per trial from counts: Trials({{"ok", 24}, {"hang", 6}}) is
// 24 "ok" then 6 "hang", for a SyntheticCell's workers or parent_after.
std::vector<std::string> Trials(
    const std::vector<std::pair<std::string, int>>& counts);

// Google Benchmark JSON with one iteration run per sample (and, as the real
// binaries write, a median aggregate that the report leaves out).
nlohmann::json SyntheticGoogleBenchmark(
    const std::vector<SyntheticScenario>& scenarios);

// The report; a test failure (and a report without sections) if it is not
// schema-valid.
Report BuildSyntheticReport(const SyntheticReport& spec);

// `spec` with a clients list: the C++ client (its cells say so) and the
// Python grpcio client, which ran `python_version` with two cells
// ("python-grpcio:threads" at fork_support unset and true), or, if
// `skipped` is not empty, was skipped for that reason.
SyntheticReport WithPythonClient(SyntheticReport spec,
                                 const std::string& python_version,
                                 const std::string& skipped = "");

// `samples` times `factor`, for a made-up slowdown.
std::vector<double> Scaled(const std::vector<double>& samples, double factor);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_COMPARE_TESTING_SYNTHETIC_REPORT_H_
