// The benchmark stage of the main job: runs each bench binary as its own
// process (as a user would, so its Google Benchmark JSON stays the binary's
// own), bounded in time, and collects that JSON for the report.
#ifndef FORKCHECK_BENCH_BENCH_RUNS_H_
#define FORKCHECK_BENCH_BENCH_RUNS_H_

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace forkcheck {

struct BenchRun {
  std::string name;                // e.g. "process_models_benchmark"
  std::string binary;              // its path
  std::vector<std::string> flags;  // the binary's own and Google Benchmark's
  std::vector<std::string> env;    // extra KEY=VALUE (RunfilesEnvironment)
};

// Runs `run` with --benchmark_out=<scratch>/<name>.json (JSON), its console
// output (stdout and stderr) into <scratch>/<name>.log, never the caller's
// console, and waits at most `timeout` (then kills its process group). The
// JSON it wrote, or an error naming the binary and quoting the end of its
// output: exit status 2 is a bad flag, any other failure or a missing or
// corrupt JSON an INTERNAL error.
absl::StatusOr<nlohmann::json> RunBenchmark(const BenchRun& run,
                                            const std::string& scratch,
                                            std::chrono::milliseconds timeout);

// Google Benchmark writes non-finite numbers as bare NaN, Infinity or
// -Infinity, which JSON does not allow: the cv aggregate of a counter that
// is 0 in every repetition (cpu_system_seconds of a short trial, say) is
// 0/0. Replaces each such token outside strings with null, so that one
// aggregate cannot make a whole run's JSON unreadable.
std::string NonFiniteNumbersToNull(const std::string& json_text);

// The benchmarks `run` would run (--benchmark_list_tests), one name each,
// without running anything: INVALID_ARGUMENT, naming the binary, if it
// rejects its flags.
absl::StatusOr<std::vector<std::string>> ListBenchmarks(
    const BenchRun& run, std::chrono::milliseconds timeout);

// The path RunBenchmark writes `run`'s console output to in `scratch`.
std::string BenchmarkLogPath(const BenchRun& run, const std::string& scratch);

// How many runs of `benchmarks` a Google Benchmark console log reports as
// finished: its lines that start with one of the names followed by a space
// (a repetition, or its error; aggregate lines add "_mean", "_median"...
// to the name). With random interleaving a benchmark's aggregates come
// only at the end, so a progress display needs the repetitions' own lines
// (--benchmark_display_aggregates_only=false). A log in another format
// counts 0.
int CountFinishedRepetitions(absl::string_view log,
                             const std::vector<std::string>& benchmarks);

}  // namespace forkcheck

#endif  // FORKCHECK_BENCH_BENCH_RUNS_H_
