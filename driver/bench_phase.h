// The main job's benchmark phase: each benchmark binary in turn (bench/
// bench_runs.h), its progress on the display, and the binaries' console
// output kept in one log beside the report rather than on the console.
#ifndef FORKCHECK_DRIVER_BENCH_PHASE_H_
#define FORKCHECK_DRIVER_BENCH_PHASE_H_

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/bench_runs.h"
#include "driver/progress_display.h"
#include "nlohmann/json.hpp"

namespace forkcheck {

struct BenchPhase {
  std::vector<BenchRun> runs;
  // What each run will run (ListBenchmarks), for its progress; runs[i]'s
  // at [i]. Their log must show every repetition
  // (--benchmark_display_aggregates_only=false): see
  // CountFinishedRepetitions.
  std::vector<std::vector<std::string>> benchmarks;
  int repetitions = 1;  // of every benchmark (--benchmark_repetitions)
  std::chrono::milliseconds timeout{0};  // per binary
  // Every binary's console output, one after the other under a heading
  // (truncated first); "" keeps none.
  std::string log_path;
};

// Runs the phase; each binary's Google Benchmark JSON by its name. Errors
// as RunBenchmark's (the log holds what the failing binary wrote so far).
// `display` may be null.
absl::StatusOr<std::map<std::string, nlohmann::json>> RunBenchPhase(
    const BenchPhase& phase, ProgressDisplay* display);

}  // namespace forkcheck

#endif  // FORKCHECK_DRIVER_BENCH_PHASE_H_
