// The main job's flags that choose what process_models_benchmark runs,
// checked here, before any work, so that an error names the main job's flag
// (--bench_models), not the benchmark's (--models) nor "the benchmark
// rejects its flags".
#ifndef FORKCHECK_DRIVER_BENCH_SELECTION_H_
#define FORKCHECK_DRIVER_BENCH_SELECTION_H_

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace forkcheck {

// The values as given ("" for a flag not given).
struct BenchSelectionFlags {
  std::string models;       // --bench_models, passed on as --models
  std::string workers;      // --bench_workers, as --workers
  std::string sizes;        // --bench_sizes, as --sizes
  std::string fake_faults;  // --bench_fake_faults (a path), as --fake_faults
  std::string clients;      // --clients, passed on as --clients
};

// Each value checked as the benchmark checks it (process_model_scenarios.h
// CheckSelectionFlag), and every model --bench_models names against
// --clients: a model of a client left out is refused, not dropped silently.
// INVALID_ARGUMENT in one line naming the flag, e.g. "--bench_models=nope:
// unknown model \"nope\"; known: ...".
absl::Status CheckBenchSelection(const BenchSelectionFlags& flags);

// create_session_latency_benchmark's flag that runs it at the
// concurrencies of --bench_workers (its benchmarks end "threads:N"), e.g.
// "--benchmark_filter=threads:(1|4)$" for {"1", "4"}. A concurrency it has
// no benchmark for matches nothing.
std::string LatencyThreadsFilter(const std::vector<std::string>& workers);

}  // namespace forkcheck

#endif  // FORKCHECK_DRIVER_BENCH_SELECTION_H_
