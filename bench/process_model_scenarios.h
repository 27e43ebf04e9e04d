// What process_models_benchmark runs: the models (with their variants) by
// the names its benchmarks carry, the concurrencies and response sizes, and
// the flags that choose a subset of them.
#ifndef FORKCHECK_BENCH_PROCESS_MODEL_SCENARIOS_H_
#define FORKCHECK_BENCH_PROCESS_MODEL_SCENARIOS_H_

#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace forkcheck {

inline constexpr char kPythonGrpcioClient[] = "python-grpcio";

struct ModelScenario {
  // The model's word in benchmark names, stable across versions (a later
  // comparison matches scenarios by name): "channel_per_thread_local".
  std::string label;
  std::string model;  // the client's model name
  // Variant settings, e.g. {"subchannel_pool", "local"}; a testee's
  // settings left out take its defaults.
  std::vector<std::pair<std::string, std::string>> variant;
  // "cpp" (the trial program) or a testee's client name.
  std::string client = "cpp";
  // Run unless --models says otherwise. The unsafe control is not: it
  // measures nothing but a watchdog (each of its benchmarks waits one
  // out), and the matrix already says it fails.
  bool by_default = true;
};

// Every model --models can name, in this order: thread_shared,
// channel_per_thread_global, channel_per_thread_local,
// fork_then_create_pristine, fork_then_create_parent_used
// (parent_client=destroyed), spawn, forkserver, fork_after_create
// (parent_channel=used; the unsafe control, only when named); then the
// Python grpcio client's (labels python_*): its threads and its
// multiprocessing start methods with the client created in each worker.
const std::vector<ModelScenario>& BenchmarkedModels();

// Those of BenchmarkedModels() run when --models is not given.
std::vector<ModelScenario> DefaultModels();

// "64KiB", "1MiB", "1000B" for a size in bytes (the largest exact unit).
std::string ResponseSizeLabel(int64_t bytes);

// "64KiB", "1MiB", "512B" or a plain byte count; 1 byte to 4 MiB.
// INVALID_ARGUMENT naming the text otherwise.
absl::StatusOr<int64_t> ParseResponseSize(const std::string& text);

struct BenchSelection {
  std::vector<ModelScenario> models = DefaultModels();
  // Only the models of these clients (--clients); empty: every client's.
  std::set<std::string> clients;
  std::vector<int> workers = {1, 2, 4, 8};
  std::vector<int64_t> response_bytes = {64 << 10, 256 << 10};
  std::string table = "medium";  // of the default catalogue
  // What testee clients' scenarios read instead: the Python testee checks
  // about 5,000 rows/s per process, so `medium` would take it tens of
  // seconds a trial. Same row shape, a tenth of the rows.
  std::string testee_table = "medium_20k";
  std::chrono::milliseconds trial_watchdog{15000};
  // BM_CreateSessionLatency: the timed CreateReadSession calls of one trial,
  // shared by its workers (enough for a p99.9 from every trial); 0: none.
  int session_calls_per_trial = 1000;
  // A fault script file (fakes/README.md) every fake server is started with,
  // e.g. a delay_per_response for a known slowdown; its text, checked.
  std::string fake_faults_path;
  std::string fake_faults_json;
};

// Takes this benchmark's own flags out of `args` (argv without the final
// nullptr; args[0] is the program) and returns the selection they make:
//   --models=thread_shared,spawn   labels of BenchmarkedModels()
//   --clients=cpp                  only the models of these clients
//                                  (ModelScenario::client), e.g. the main
//                                  job's --clients passed on
//   --workers=1,4                  1 to 64 each
//   --sizes=64KiB,1MiB             see ParseResponseSize
//   --table=medium                 a table of the default catalogue
//   --testee_table=medium_20k      the table of testee clients' scenarios
//   --trial_watchdog_ms=15000      each trial's watchdog
//   --session_calls_per_trial=1000 0 to 100000; 0 skips the latency family
//   --fake_faults=PATH             a fault script for the fake servers
// INVALID_ARGUMENT naming the flag and listing what is known, for an
// unknown name, an empty list, a bad number, a fault script that cannot be
// read or parsed, or clients none of the models chosen is of. Other
// arguments stay.
absl::StatusOr<BenchSelection> TakeSelectionFlags(std::vector<char*>* args);

// One flag of TakeSelectionFlags, by `name` without dashes ("models"),
// checked alone with `value`. The error does not name the flag, so that a
// caller passing a flag of its own on names that one (the main job's
// --bench_models: "--bench_models=nope: unknown model ...").
absl::Status CheckSelectionFlag(absl::string_view name,
                                absl::string_view value);

// The models of `models` whose client is among `clients`, in order; all of
// them if `clients` is empty.
std::vector<ModelScenario> ModelsOfClients(
    const std::vector<ModelScenario>& models,
    const std::set<std::string>& clients);

}  // namespace forkcheck

#endif  // FORKCHECK_BENCH_PROCESS_MODEL_SCENARIOS_H_
