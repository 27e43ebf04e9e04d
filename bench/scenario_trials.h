// What the process-model benchmarks (reads: process_models_benchmark;
// writes: process_models_write_benchmark) share about a scenario's trials:
// the clients that can run them here, a scenario made concrete for its
// client, its trial request as a matrix cell's, a not-ok trial described in
// one line and explained in the log, and skipping a benchmark whose trial
// was not ok.
#ifndef FORKCHECK_BENCH_SCENARIO_TRIALS_H_
#define FORKCHECK_BENCH_SCENARIO_TRIALS_H_

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bench/process_model_scenarios.h"
#include "benchmark/benchmark.h"
#include "forkcheck/testee.pb.h"
#include "grpcpp/grpcpp.h"
#include "supervisor/outcome_classifier.h"
#include "supervisor/testee.h"
#include "supervisor/trial_runner.h"

namespace forkcheck {

// What a process-model benchmark's main does first: stdout line-buffered
// (a line as soon as a repetition ends, also into a file: the main job's
// progress counts the lines of its log while it runs), and interrupted, it
// takes with it what its trials' processes (killed with it) leave in
// their temporary directory, e.g. a Python fork server's.
void PrepareBenchmarkProcess();

// The testee of every client some scenario is of, described; a client that
// cannot run here is kept with the reason (its benchmarks skip with it).
struct ScenarioClients {
  std::map<std::string, TesteeClient> testees;
  std::map<std::string, std::string> skipped;
};

// Describes the clients of `scenarios` (`argv0`: the benchmark's, for the
// runfiles), printing each that cannot run on stderr after `program`.
ScenarioClients DescribeScenarioClients(
    const std::string& argv0, const std::vector<ModelScenario>& scenarios,
    const std::string& program);

// A scenario made concrete for the client in hand: its name with variant,
// or why it cannot run here.
struct ResolvedScenario {
  ModelScenario scenario;  // with every variant setting
  std::string model_name;
  std::string skipped;  // non-empty: every trial fails with it
};

// The scenario's settings completed with its client's defaults; a client
// that cannot run gives a scenario that says why. An error for a variant
// the client does not have.
absl::StatusOr<ResolvedScenario> ResolveScenario(const ScenarioClients& clients,
                                                 const ModelScenario& scenario);

// A trial's per-worker budget for connecting and for a session's creation
// (as the matrix's rpc_timeout): below the watchdog, so that an unreachable
// server is an error, not a hang.
inline constexpr std::chrono::milliseconds kScenarioRpcTimeout{5000};

// What a benchmark trial is asked beyond its model.
struct ScenarioWork {
  std::string table;  // the catalogue table's full name
  // "read" or "write" (matrix/cell.h's Axes::workload): writing, the trial
  // writes every row of `table` to a writable table of its own.
  std::string workload = "read";
  int session_calls_per_worker = 0;
  std::chrono::milliseconds watchdog{15000};
};

// The scenario's trial at `workers` against `target` as a matrix cell's
// (every other axis at its default, matrix/trial_spec.h), so that a
// benchmark trial is described exactly as the matrix's are.
v1::TrialRequest ScenarioRequest(const ResolvedScenario& resolved, int workers,
                                 const std::string& target,
                                 const ScenarioWork& work);

// "hang: worker 0: hang (hang in connect); parent_after: hang (...)": the
// overall outcome and every part that was not ok.
std::string DescribeNotOk(const TrialOutcome& outcome);

// A benchmark's trial that was not ok, explained as the matrix explains
// its failed trials: writes to `log` a line naming `trial` (e.g.
// "BM_CreateSessionLatency/python_threads/workers:4 (python-grpcio:threads)")
// with DescribeNotOk's, then its evidence (supervisor/trial_evidence.h:
// each process's stack signature and the end of its stderr; the main job
// keeps a benchmark's stderr in its log), and returns ABORTED with
// DescribeNotOk's line, which it starts with, and the stack signature of a
// failed worker (else of any process), which the benchmark's skip message
// and so the report carry.
absl::Status ExplainNotOkTrial(const std::string& trial,
                               const TrialRecord& record,
                               const TrialOutcome& outcome, std::FILE* log);

// Benchmarks whose trial was not ok, by name, and why: later repetitions
// of one skip at once, so a hanging model costs one watchdog per
// benchmark, not one per repetition.
class RepetitionFailures {
 public:
  // Skips the benchmark `name` if an earlier repetition of it failed. Call
  // inside the `for (auto _ : state)` loop, as every SkipWithError here is:
  // Google Benchmark 1.7 reports a run skipped before its loop with 0
  // iterations, and aborts when it aggregates repetitions whose iteration
  // counts differ (ComputeStats' check), e.g. a model that failed only in
  // its second repetition.
  bool SkipIfFailedBefore(benchmark::State& state,
                          const std::string& name) const;
  // Skips the benchmark `name` for a trial that was not ok (ABORTED: the
  // message alone), and remembers why for its later repetitions.
  void Skip(benchmark::State& state, const std::string& name,
            const absl::Status& status);

 private:
  std::map<std::string, std::string> failed_;
};

// The ceiling's channels: `count` TCP channels to `address`, each with its
// own subchannel pool (so its own connection, as each worker of a trial
// has), connected before anything is timed. UNAVAILABLE naming the server
// if one does not connect in 10 s.
absl::StatusOr<std::vector<std::shared_ptr<grpc::Channel>>>
ConnectedBareChannels(const std::string& address, int count);

// The context every trial of the run shares beyond its request: the fault
// script the fakes run with (a slowed-down fake must never be mistaken for
// a normal run) and the gRPC environment the trials inherit.
void AddTrialEnvironmentContext(const BenchSelection& selection);

}  // namespace forkcheck

#endif  // FORKCHECK_BENCH_SCENARIO_TRIALS_H_
