// Runs a bench binary under several configurations in interleaved rounds
// (A B C, B C A, C A B, ...), a few repetitions each time, and gathers each
// configuration's repetitions into one report. Interleaving spreads slow
// drifts of a shared machine's load over every configuration alike, which
// back-to-back runs would book as a difference between them. For the
// comparison's trust tests and its sensitivity measurement.
#ifndef FORKCHECK_TOOLS_CALIBRATION_INTERLEAVED_RUNS_H_
#define FORKCHECK_TOOLS_CALIBRATION_INTERLEAVED_RUNS_H_

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "reports/report.h"

namespace forkcheck {

struct BenchConfiguration {
  std::string name;                // e.g. "baseline", "slowdown"
  std::vector<std::string> flags;  // the binary's own and Google Benchmark's
};

struct InterleavedPlan {
  std::string binary_name;       // e.g. "process_models_benchmark"
  std::string binary;            // its path
  std::vector<std::string> env;  // extra KEY=VALUE for it (runfiles)
  std::vector<BenchConfiguration> configurations;
  int rounds = 2;
  int repetitions_per_round = 5;
  std::string scratch;  // a folder for the binaries' JSON
  std::chrono::milliseconds timeout_per_run{120000};
};

// Google Benchmark JSON by configuration name.
using RunsByConfiguration = std::map<std::string, nlohmann::json>;

// Runs the plan's rounds and appends each configuration's runs to its JSON
// in `runs` (created from the first run, context and all), so that a caller
// can add rounds to what it has. An error names the configuration and
// round that failed.
absl::Status RunInterleaved(const InterleavedPlan& plan,
                            RunsByConfiguration* runs);

// A report holding one binary's Google Benchmark JSON as its benchmarks
// section (as the main job builds it), with this process's environment.
absl::StatusOr<Report> ReportFromGoogleBenchmark(
    const std::string& binary_name, const nlohmann::json& google_benchmark);

}  // namespace forkcheck

#endif  // FORKCHECK_TOOLS_CALIBRATION_INTERLEAVED_RUNS_H_
