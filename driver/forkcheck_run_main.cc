// forkcheck's main job (`./forkcheck run`): runs the process-model matrix on
// the gRPC build in hand and prints it.
//
// It probes the gRPC build (version, whether it registers fork handlers),
// runs every cell of the designed matrix (conformance/matrix_design.json; the
// quick size by default, --size=full for all of it) several times under the
// supervisor against fake servers of their own, prints the outcome table,
// and compares it with the recorded expectations of this gRPC version
// (conformance/expectations/grpc-<major.minor>.txt), if there are any.
// --record_expectations writes that file from this run.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/bench_runs.h"
#include "common/file_set.h"
#include "common/file_util.h"
#include "common/interrupt_cleanup.h"
#include "common/runfiles.h"
#include "common/scratch_owner.h"
#include "common/temp_dir.h"
#include "diagnosis/ptrace_permission.h"
#include "driver/bench_phase.h"
#include "driver/bench_selection.h"
#include "driver/clients.h"
#include "driver/command_line.h"
#include "driver/progress_display.h"
#include "driver/usage.h"
#include "environment/environment.h"
#include "environment/grpc_build_info.h"
#include "fakes/fake_server_process.h"
#include "matrix/client_expectations.h"
#include "matrix/expectations.h"
#include "matrix/matrix_job.h"
#include "matrix/matrix_table.h"
#include "matrix/power_probe.h"
#include "matrix/shard_selection.h"
#include "matrix/stopping_rule.h"
#include "matrix/verdict.h"
#include "reports/benchmark_section.h"
#include "reports/conformance_section.h"
#include "reports/report.h"
#include "reports/report_writer.h"
#include "reports/shard_section.h"
#include "reports/text_wrap.h"
#include "testees/testee_programs.h"

ABSL_FLAG(std::string, size, "quick",
          "quick (a few minutes on 2 cores) or full (every designed cell)");
ABSL_FLAG(std::string, clients, "",
          "run only these clients' cells, e.g. cpp or python-grpcio (default: "
          "every client of the design whose testee can run here)");
ABSL_FLAG(int, min_trials, forkcheck::StoppingRule{}.min_trials,
          "trials every cell gets, whatever its first trials showed");
ABSL_FLAG(int, max_trials, forkcheck::StoppingRule{}.max_trials,
          "the most trials a cell gets; cells run until their verdict is "
          "decided (matrix/README.md), this cap, or --matrix_budget");
ABSL_FLAG(int, flaky_trials, forkcheck::StoppingRule{}.flaky_trials,
          "trials a cell showing both ok and failed trials gets, to measure "
          "its failure rate");
ABSL_FLAG(int, departing_trials, forkcheck::StoppingRule{}.departing_trials,
          "trials such a cell gets instead if, at --flaky_trials, its counts "
          "depart from its expectations line: enough for the expectations "
          "check to tell a change from chance (matrix/README.md)");
// Six and a half minutes: what deciding the safe baseline cells of both
// clients takes on 2 cores (Python's cost about 1 s a trial, 36 each;
// matrix/README.md), with the benchmarks after it still within the 10
// minutes a default run may take (README.md).
ABSL_FLAG(absl::Duration, matrix_budget, absl::Seconds(390),
          "after this long the matrix starts no trial beyond --min_trials; "
          "cells still undecided say so (0: no budget; at most 168h)");
ABSL_FLAG(double, confidence, 0.95,
          "confidence of every interval (Clopper-Pearson), in (0, 1)");
ABSL_FLAG(double, safe_threshold, 0.10,
          "a cell is safe when its failure rate's upper bound is below this, "
          "in (0, 1)");
ABSL_FLAG(double, unsafe_threshold, 0.5,
          "a cell is unsafe when its ok rate's upper bound is below this, in "
          "(0, 1)");
ABSL_FLAG(double, expectations_alpha, 0.01,
          "family-wise false-alarm rate of the expectations check (Fisher's "
          "exact test per cell, Holm's correction over all), in (0, 1)");
ABSL_FLAG(std::string, cells, "",
          "run only the cells whose key contains this text, e.g. "
          "\"fork_after_create\" or \"fork_support=true\"");
ABSL_FLAG(std::string, power_probe, "",
          "<part of cell keys>@<probability>: a known change, to measure the "
          "expectations check's power (matrix/README.md): those cells of "
          "table small read a copy of it whose sessions stall past the "
          "watchdog with that probability; e.g. \"thread_shared "
          "workers=2@0.2\". Never with --record_expectations");
ABSL_FLAG(int, cpu_lanes, 0,
          "trials run side by side on this many lanes (0: one per core)");
ABSL_FLAG(int, hang_lanes, 8,
          "extra lanes for the repetitions of cells that hang (a hang waits "
          "out its watchdog without using CPU)");
ABSL_FLAG(bool, explain_failures, true,
          "capture the stacks of hung trials (the first 3 of each cell) and "
          "read the cores of crashed ones, for the report's stack signatures "
          "(a few seconds of gdb each; supervisor/README.md)");
ABSL_FLAG(double, watchdog_scale, 1.0,
          "multiplies every trial's watchdog and its own deadlines "
          "(connecting, the session, the parent's check; raise it under "
          "sanitizers or on a loaded machine)");
ABSL_FLAG(bool, quick, false,
          "a short run (under 3 minutes on 2 cores): the quick matrix with "
          "1 to 10 trials a cell within 75 seconds, and the benchmarks at 2 "
          "workers, 64KiB, 2 repetitions. These are defaults: a flag given "
          "explicitly (--max_trials, --flaky_trials, --departing_trials, "
          "--matrix_budget, "
          "--bench_repetitions, --bench_workers, --bench_sizes) is honoured");
ABSL_FLAG(bool, v, false,
          "verbose: each cell's verdict as it is decided and the whole "
          "matrix table on the console, and plain progress lines (no "
          "redrawn line)");
ABSL_FLAG(bool, benchmarks, true,
          "run the benchmarks (bench/) after the matrix");
ABSL_FLAG(std::string, bench_models, "",
          "process models to benchmark, e.g. thread_shared,spawn (default: "
          "all but the unsafe control fork_after_create; see "
          "process_models_benchmark --help)");
// One concurrency below the machine's 2 cores and one above: the two
// regimes a ratio can differ in. Every one of 1,2,4,8 doubled the
// benchmarks' 8 minutes (bench/README.md).
ABSL_FLAG(std::string, bench_workers, "1,4",
          "concurrencies of the process-model and CreateReadSession "
          "benchmarks, e.g. 1,2,4,8");
ABSL_FLAG(std::string, bench_sizes, "", "response sizes, e.g. 64KiB,256KiB");
ABSL_FLAG(int, bench_repetitions, 5, "repetitions of every benchmark");
ABSL_FLAG(std::string, bench_binaries,
          "process_models_benchmark,create_session_latency_benchmark",
          "which benchmark binaries run");
ABSL_FLAG(absl::Duration, bench_timeout, absl::Minutes(30),
          "the longest a benchmark binary may run (1s to 24h)");
ABSL_FLAG(std::string, report_out, "",
          "where to write the run's JSON report; default "
          "<report_dir>/<UTC time>-grpc<version>.json");
ABSL_FLAG(std::string, report_dir, "",
          "the folder of the default report name (a nightly job's history); "
          "default reports/out in the workspace");
ABSL_FLAG(std::string, bench_fake_faults, "",
          "a fault script (fakes/README.md) for the benchmarks' fake servers, "
          "e.g. a delay_per_response to see a known slowdown in a report; "
          "the report's benchmark context records it");
ABSL_FLAG(bool, record_expectations, false,
          "write this run's outcomes into the expectations file of this gRPC "
          "version in --expectations_dir; an existing file is added to (its "
          "counts accumulate, each recording kept as a run); no report is "
          "written; delete the file to start afresh");
ABSL_FLAG(std::string, shard, "",
          "INDEX/COUNT: run only this shard of the matrix, e.g. 0/4 (shards "
          "count from 0; README.md, \"Running on many machines\"). Without "
          "it, the shard Bazel (TEST_SHARD_INDEX), Slurm "
          "(SLURM_ARRAY_TASK_ID) or a Kubernetes Indexed Job "
          "(JOB_COMPLETION_INDEX) set, if any. Benchmarks run in shard 0 "
          "only; merge the reports with ./forkcheck merge");
ABSL_FLAG(int, shard_count, 0,
          "the shard count of a Kubernetes Indexed Job, whose "
          "JOB_COMPLETION_INDEX is the index (else FORKCHECK_SHARD_COUNT)");
ABSL_FLAG(std::string, expectations_dir, "",
          "the folder of the expectations files this run is checked against "
          "and --record_expectations adds to; default: the recorded ones "
          "(conformance/expectations; recording writes to the workspace "
          "`bazel run` ran in)");

namespace forkcheck {
namespace {

constexpr char kRecordCommand[] =
    "./forkcheck run --size=full --record_expectations";

// Exit statuses (README.md): 0 every client matched its expectations (or
// recorded them); 2 the job could not do its work; 3 a cell did not match
// its expectations (the report is written all the same).
constexpr int kExitCouldNotRun = 2;
constexpr int kExitExpectationsDiffer = 3;

int Fail(const std::string& message) {
  std::cerr << "forkcheck run: " << message << "\n";
  return kExitCouldNotRun;
}

// --quick's settings are defaults, never overrides: a flag the user gave
// explicitly (`given`, from the command line itself, not a comparison with
// the default value) is honoured.
class QuickDefaults {
 public:
  QuickDefaults(bool quick, const std::set<std::string>& given)
      : quick_(quick), given_(given) {}
  // Whether --quick's value replaces `flag`'s.
  bool Applies(const std::string& flag) const {
    return quick_ && given_.count(flag) == 0;
  }

 private:
  const bool quick_;
  const std::set<std::string>& given_;
};

// The trial policy and the expectations rule from the flags; errors name
// the flag.
absl::Status PolicyFromFlags(const QuickDefaults& quick, TrialPolicy* policy,
                             ExpectationsRule* rule) {
  policy->stopping.min_trials = absl::GetFlag(FLAGS_min_trials);
  // At least --min_trials, so that --quick --min_trials=20 is not an error.
  policy->stopping.max_trials = quick.Applies("max_trials")
                                    ? std::max(10, policy->stopping.min_trials)
                                    : absl::GetFlag(FLAGS_max_trials);
  policy->stopping.flaky_trials =
      quick.Applies("flaky_trials") ? 10 : absl::GetFlag(FLAGS_flaky_trials);
  // --quick: a departing cell too is judged at 10, unless either is given.
  policy->stopping.departing_trials =
      quick.Applies("departing_trials")
          ? std::max(10, policy->stopping.flaky_trials)
          : absl::GetFlag(FLAGS_departing_trials);
  const absl::Duration budget = quick.Applies("matrix_budget")
                                    ? absl::Seconds(75)
                                    : absl::GetFlag(FLAGS_matrix_budget);
  if (budget < absl::ZeroDuration() || budget > absl::Hours(24 * 7)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--matrix_budget=", absl::FormatDuration(budget),
                     "; expected 0 to 168h (0: no budget)"));
  }
  policy->time_budget_seconds = absl::ToDoubleSeconds(budget);
  if (policy->stopping.min_trials < 1 || policy->stopping.max_trials > 10000) {
    return absl::InvalidArgumentError(
        absl::StrCat("--min_trials=", policy->stopping.min_trials,
                     " and --max_trials=", policy->stopping.max_trials,
                     ": expected 1 <= min_trials <= max_trials <= 10000"));
  }
  if (absl::Status valid = CheckStoppingRule(policy->stopping); !valid.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--min_trials/--max_trials/--flaky_trials/--departing_trials: ",
        valid.message()));
  }
  policy->verdicts.confidence = absl::GetFlag(FLAGS_confidence);
  policy->verdicts.safe_threshold = absl::GetFlag(FLAGS_safe_threshold);
  policy->verdicts.unsafe_threshold = absl::GetFlag(FLAGS_unsafe_threshold);
  if (absl::Status valid = CheckVerdictRule(policy->verdicts); !valid.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--confidence/--safe_threshold/--unsafe_threshold: ", valid.message()));
  }
  rule->verdicts = policy->verdicts;
  rule->alpha = absl::GetFlag(FLAGS_expectations_alpha);
  rule->sensitivity_trials = policy->stopping.DepartingLook();
  if (absl::Status valid = CheckExpectationsRule(*rule); !valid.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--expectations_alpha/--departing_trials: ", valid.message()));
  }
  return absl::OkStatus();
}

// The build in one line; with `verbose`, how the fork handlers were found
// out (a long line: the report's environment block keeps it too).
void PrintBuild(const GrpcBuildInfo& build, bool verbose) {
  std::cout << "gRPC " << build.cpp_version << " (core " << build.core_version
            << ", "
            << (build.library_path.empty()
                    ? "linked statically"
                    : std::filesystem::path(build.library_path)
                          .filename()
                          .string())
            << "); fork handlers (pthread_atfork): "
            << AtforkRegistrationName(build.atfork) << "\n";
  if (verbose) std::cout << "  (" << build.evidence << ")\n";
}

// --report_dir, or reports/out under the workspace `bazel run` ran in (or
// the current directory).
std::string DefaultReportDirectory() {
  std::string directory =
      PathFromUsersDirectory(absl::GetFlag(FLAGS_report_dir));
  if (directory.empty()) {
    const char* workspace = std::getenv("BUILD_WORKSPACE_DIRECTORY");
    directory =
        absl::StrCat(workspace != nullptr ? workspace : ".", "/reports/out");
  }
  return directory;
}

// <UTC time>-grpc<version>.json in DefaultReportDirectory(); a shard's
// ends -shard<I>of<N>.json, so that shards writing into one folder (a
// shared volume) never take each other's name.
std::string DefaultReportPath(const std::string& grpc_version,
                              const std::optional<ShardSpec>& shard) {
  return absl::StrCat(
      DefaultReportDirectory(), "/",
      absl::FormatTime("%Y%m%dT%H%M%SZ", absl::Now(), absl::UTCTimeZone()),
      "-grpc", grpc_version,
      shard.has_value()
          ? absl::StrCat("-shard", shard->index, "of", shard->count)
          : "",
      ".json");
}

// The directory --record_expectations adds to: --expectations_dir, else
// the workspace's conformance/expectations under `bazel run`.
absl::StatusOr<std::string> RecordingDirectory() {
  std::string directory =
      PathFromUsersDirectory(absl::GetFlag(FLAGS_expectations_dir));
  if (!directory.empty()) return directory;
  const char* workspace = std::getenv("BUILD_WORKSPACE_DIRECTORY");
  if (workspace == nullptr) {
    return absl::InvalidArgumentError(
        "--record_expectations needs --expectations_dir outside `bazel run`");
  }
  return absl::StrCat(workspace, "/conformance/expectations");
}

// A folder of expectations files given on the command line must be one, and
// one the run can write in if it records: a typo must not turn the check
// into "none recorded" after the run, nor a recording into an error after
// hundreds of trials.
absl::Status CheckExpectationsDirectory(const std::string& directory,
                                        bool recording) {
  std::error_code error;
  const bool is_directory = std::filesystem::is_directory(directory, error);
  if (error && error != std::errc::no_such_file_or_directory) {
    return absl::InvalidArgumentError(
        absl::StrCat("--expectations_dir=", directory, ": ", error.message()));
  }
  if (!is_directory) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--expectations_dir=", directory, ": ",
        std::filesystem::exists(directory, error) ? "not a directory"
                                                  : "no such directory"));
  }
  if (recording) {
    if (absl::Status writable =
            CheckCanCreateFile(absl::StrCat(directory, "/grpc-new.txt"));
        !writable.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--record_expectations: ", writable.message()));
    }
  }
  return absl::OkStatus();
}

// Whether the report and its views can be written where the flags put them,
// checked before any work: a run that cannot write its report must not
// spend minutes and then lose every result. The error names the flag.
absl::Status CheckReportDestination() {
  const std::string report_out = absl::GetFlag(FLAGS_report_out);
  if (!report_out.empty()) {
    absl::Status writable =
        CheckReportPaths(PathsBeside(PathFromUsersDirectory(report_out)));
    if (writable.ok()) return writable;
    return absl::InvalidArgumentError(absl::StrCat(
        "--report_out=", report_out, ": cannot write ", writable.message()));
  }
  // The default name's time and version are known only at the end, and
  // never name a directory: the folder is what can fail.
  const std::string directory = DefaultReportDirectory();
  absl::Status writable = CheckCanCreateFile(directory + "/report.json");
  if (writable.ok()) return writable;
  const std::string report_dir = absl::GetFlag(FLAGS_report_dir);
  return absl::InvalidArgumentError(absl::StrCat(
      report_dir.empty() ? "the default --report_dir"
                         : absl::StrCat("--report_dir=", report_dir),
      ": cannot write reports in \"", directory, "\": ", writable.message()));
}

// The benchmark binaries the main job runs, with the flags chosen.
std::vector<BenchRun> BenchRuns(const std::string& argv0,
                                const QuickDefaults& quick_defaults,
                                int* repetitions_out, std::string* error) {
  absl::StatusOr<std::string> models =
      RunfileExecutable("bench/process_models_benchmark", argv0);
  absl::StatusOr<std::string> latency =
      RunfileExecutable("bench/create_session_latency_benchmark", argv0);
  for (const auto* found : {&models, &latency}) {
    if (!found->ok()) {
      *error = std::string(found->status().message());
      return {};
    }
  }
  absl::StatusOr<std::vector<std::string>> env = RunfilesEnvironment(argv0);
  if (!env.ok()) {
    *error = std::string(env.status().message());
    return {};
  }
  const bool quick = absl::GetFlag(FLAGS_quick);
  const int repetitions = quick_defaults.Applies("bench_repetitions")
                              ? 2
                              : absl::GetFlag(FLAGS_bench_repetitions);
  *repetitions_out = repetitions;
  const std::string reps =
      absl::StrCat("--benchmark_repetitions=", repetitions);
  // Every repetition's line in the log, which the progress line counts
  // (the JSON, with every repetition, is unaffected).
  const std::string every_line = "--benchmark_display_aggregates_only=false";
  BenchRun process_models{
      "process_models_benchmark", *models, {reps, every_line}, *env};
  const std::string workers = quick_defaults.Applies("bench_workers")
                                  ? "2"
                                  : absl::GetFlag(FLAGS_bench_workers);
  // --clients chooses the benchmarks' models too: one list of clients for
  // the whole job.
  const std::pair<const char*, std::string> selection[] = {
      {"--models=", absl::GetFlag(FLAGS_bench_models)},
      {"--clients=", absl::GetFlag(FLAGS_clients)},
      {"--workers=", workers},
      {"--sizes=", quick_defaults.Applies("bench_sizes")
                       ? "64KiB"
                       : absl::GetFlag(FLAGS_bench_sizes)},
  };
  for (const auto& [flag, value] : selection) {
    if (!value.empty()) process_models.flags.push_back(flag + value);
  }
  // A model that hangs skips its benchmark after one watchdog; keep it short.
  if (quick) process_models.flags.push_back("--trial_watchdog_ms=5000");
  if (const std::string faults = absl::GetFlag(FLAGS_bench_fake_faults);
      !faults.empty()) {
    process_models.flags.push_back("--fake_faults=" +
                                   PathFromUsersDirectory(faults));
  }
  BenchRun create_session{
      "create_session_latency_benchmark", *latency, {reps, every_line}, *env};
  create_session.flags.push_back(
      LatencyThreadsFilter(absl::StrSplit(workers, ',')));
  std::vector<BenchRun> chosen;
  const std::vector<std::string> names =
      absl::StrSplit(absl::GetFlag(FLAGS_bench_binaries), ',');
  for (const std::string& name : names) {
    if (name == process_models.name) {
      chosen.push_back(process_models);
    } else if (name == create_session.name) {
      chosen.push_back(create_session);
    } else {
      *error =
          absl::StrCat("--bench_binaries: unknown \"", name, "\"; expected ",
                       process_models.name, " or ", create_session.name);
      return {};
    }
  }
  return chosen;
}

// Removes what runs killed outright (SIGKILL, the OOM killer) left in
// `scratch_root`, saying so: only directories whose owner is dead.
void RemoveAbandonedScratchOf(const std::string& scratch_root) {
  for (const std::string& removed : RemoveAbandonedScratch(scratch_root)) {
    std::cerr << "forkcheck run: removed " << removed
              << ", left by a run that was killed\n";
  }
}

// `scratch_root`: where temporary files went before the run took a
// directory of its own (UseOwnTemporaryDirectory).
// `given`: the flags named on the command line.
int Main(const std::string& argv0, const std::vector<std::string>& command,
         const std::string& scratch_root, const std::set<std::string>& given) {
  const RunStart start = CaptureRunStart();
  const QuickDefaults quick(absl::GetFlag(FLAGS_quick), given);
  const std::optional<MatrixSize> size =
      ParseMatrixSize(absl::GetFlag(FLAGS_size));
  if (!size.has_value()) {
    return Fail(absl::StrCat("--size=\"", absl::GetFlag(FLAGS_size),
                             "\"; expected quick or full"));
  }
  TrialPolicy policy;
  ExpectationsRule expectations_rule;
  if (absl::Status valid = PolicyFromFlags(quick, &policy, &expectations_rule);
      !valid.ok()) {
    return Fail(std::string(valid.message()));
  }
  absl::StatusOr<PowerProbe> power_probe =
      ParsePowerProbe(absl::GetFlag(FLAGS_power_probe));
  if (!power_probe.ok())
    return Fail(std::string(power_probe.status().message()));
  if (power_probe->active() && absl::GetFlag(FLAGS_record_expectations)) {
    return Fail(
        "--power_probe makes a known change on purpose: its counts must never "
        "be recorded (drop --record_expectations)");
  }
  if (absl::GetFlag(FLAGS_record_expectations) &&
      (!absl::GetFlag(FLAGS_report_out).empty() ||
       !absl::GetFlag(FLAGS_report_dir).empty())) {
    // Silently writing no report where one was asked for would lose it.
    return Fail(
        "--record_expectations adds the run's counts to the expectations "
        "files and writes no report: drop --report_out and --report_dir, or "
        "record in a run of its own");
  }
  const double scale = absl::GetFlag(FLAGS_watchdog_scale);
  if (!(scale >= 0.1 && scale <= 100)) {
    return Fail(
        absl::StrCat("--watchdog_scale=", scale, "; expected 0.1 to 100"));
  }
  const int hang_lanes = absl::GetFlag(FLAGS_hang_lanes);
  int cpu_lanes = absl::GetFlag(FLAGS_cpu_lanes);
  if (cpu_lanes < 0 || cpu_lanes > 64 || hang_lanes < 0 || hang_lanes > 64) {
    return Fail("--cpu_lanes and --hang_lanes must be 0 to 64");
  }
  if (cpu_lanes == 0) {
    cpu_lanes = std::max(1u, std::thread::hardware_concurrency());
  }

  if (!absl::GetFlag(FLAGS_report_out).empty() &&
      !absl::GetFlag(FLAGS_report_dir).empty()) {
    return Fail("--report_out and --report_dir: give one or the other");
  }
  if (!absl::GetFlag(FLAGS_record_expectations)) {
    if (absl::Status writable = CheckReportDestination(); !writable.ok()) {
      return Fail(std::string(writable.message()));
    }
  }
  // Where a recording goes, known before any trial runs: a run of hundreds
  // of trials must not end in "needs --expectations_dir".
  absl::StatusOr<std::string> record_directory = std::string();
  if (absl::GetFlag(FLAGS_record_expectations)) {
    record_directory = RecordingDirectory();
    if (!record_directory.ok()) {
      return Fail(std::string(record_directory.status().message()));
    }
  }
  // The folder the run reads its records from (those it adds to, if it
  // records); "": the recorded ones in the runfiles.
  const std::string expectations_directory =
      absl::GetFlag(FLAGS_record_expectations)
          ? *record_directory
          : PathFromUsersDirectory(absl::GetFlag(FLAGS_expectations_dir));
  absl::StatusOr<std::set<std::string>> clients =
      ParseClients(absl::GetFlag(FLAGS_clients));
  if (!clients.ok()) return Fail(std::string(clients.status().message()));
  // The engines' variables are read here, at the edge, and only here.
  absl::StatusOr<ShardSelection> shard = ResolveShard(
      {absl::GetFlag(FLAGS_shard), absl::GetFlag(FLAGS_shard_count)},
      ShardEnvironment());
  if (!shard.ok()) return Fail(std::string(shard.status().message()));
  if (shard->spec.has_value() && absl::GetFlag(FLAGS_record_expectations)) {
    return Fail(absl::StrCat(
        "--record_expectations with a shard (", shard->source,
        "): shards would add to one file side by side; record from one "
        "machine's whole run"));
  }
  if (!expectations_directory.empty()) {
    if (absl::Status valid = CheckExpectationsDirectory(
            expectations_directory, absl::GetFlag(FLAGS_record_expectations));
        !valid.ok()) {
      return Fail(std::string(valid.message()));
    }
  }
  if (!shard->bazel_status_file.empty()) {
    // Tells Bazel this test shards (else it warns it may not).
    if (absl::Status touched = TouchShardStatusFile(shard->bazel_status_file);
        !touched.ok()) {
      return Fail(std::string(touched.message()));
    }
  }
  // One shard runs the benchmarks, so that a merged report has each once;
  // --benchmarks=false: none does.
  const bool benchmarks_wanted = absl::GetFlag(FLAGS_benchmarks) &&
                                 !absl::GetFlag(FLAGS_record_expectations);
  const bool run_benchmarks = benchmarks_wanted && (!shard->spec.has_value() ||
                                                    shard->spec->index == 0);
  const int bench_repetitions = absl::GetFlag(FLAGS_bench_repetitions);
  if (bench_repetitions < 1 || bench_repetitions > 1000) {
    return Fail(absl::StrCat("--bench_repetitions=", bench_repetitions,
                             "; expected 1 to 1000"));
  }
  const absl::Duration bench_timeout_flag = absl::GetFlag(FLAGS_bench_timeout);
  if (bench_timeout_flag < absl::Seconds(1) ||
      bench_timeout_flag > absl::Hours(24)) {
    // Checked now, not when the first benchmark is killed at once after
    // the whole matrix.
    return Fail(absl::StrCat(
        "--bench_timeout=", absl::FormatDuration(bench_timeout_flag),
        "; expected 1s to 24h"));
  }
  const auto bench_timeout = absl::ToChronoMilliseconds(bench_timeout_flag);
  BenchPhase bench_phase;
  bench_phase.timeout = bench_timeout;
  // Every shard checks the benchmark flags, though one runs them: a sharded
  // job's shards must agree on what is bad input.
  if (benchmarks_wanted) {
    BenchSelectionFlags selection;
    selection.models = absl::GetFlag(FLAGS_bench_models);
    selection.workers = absl::GetFlag(FLAGS_bench_workers);
    selection.sizes = absl::GetFlag(FLAGS_bench_sizes);
    selection.clients = absl::GetFlag(FLAGS_clients);
    if (const std::string faults = absl::GetFlag(FLAGS_bench_fake_faults);
        !faults.empty()) {
      selection.fake_faults = PathFromUsersDirectory(faults);
    }
    if (absl::Status valid = CheckBenchSelection(selection); !valid.ok()) {
      return Fail(std::string(valid.message()));
    }
  }
  if (run_benchmarks) {
    std::string error;
    bench_phase.runs =
        BenchRuns(argv0, quick, &bench_phase.repetitions, &error);
    if (!error.empty()) return Fail(error);
    // Before the matrix: a bad model name must not wait minutes to fail.
    // The lists also measure the phase's progress.
    std::vector<BenchRun> listed_runs;
    for (BenchRun& run : bench_phase.runs) {
      absl::StatusOr<std::vector<std::string>> listed =
          ListBenchmarks(run, std::chrono::seconds(60));
      if (!listed.ok()) return Fail(std::string(listed.status().message()));
      // E.g. the latency benchmark at a --bench_workers it has no
      // benchmark for: nothing to run.
      if (listed->empty()) continue;
      listed_runs.push_back(std::move(run));
      bench_phase.benchmarks.push_back(*std::move(listed));
    }
    bench_phase.runs = std::move(listed_runs);
  }

  RemoveAbandonedScratchOf(scratch_root);

  absl::StatusOr<GrpcBuildInfo> build = ProbeGrpcBuild();
  if (!build.ok()) return Fail(std::string(build.status().message()));
  const bool verbose = absl::GetFlag(FLAGS_v);
  PrintBuild(*build, verbose);
  std::string report_path =
      PathFromUsersDirectory(absl::GetFlag(FLAGS_report_out));
  if (report_path.empty()) {
    report_path = DefaultReportPath(build->cpp_version, shard->spec);
  }
  const ReportPaths paths = PathsBeside(report_path);
  if (run_benchmarks) bench_phase.log_path = paths.bench_log;

  MatrixJobOptions options;
  options.size = *size;
  options.clients = *clients;
  options.testee_programs = TesteePrograms(argv0);
  options.cell_filter = absl::GetFlag(FLAGS_cells);
  options.shard = shard->spec;
  // Cells recorded as hanging start on a hang lane (a quick run spent most
  // of its time with CPU lanes waiting out such first trials' watchdogs),
  // and cells departing from their record get trials first.
  // A record that cannot be read fails the run here, before any trial.
  options.recorded_counts = [&argv0,
                             &expectations_directory](const ClientRun& client) {
    return RecordedWorkerCounts(client, argv0, expectations_directory);
  };
  options.run.cell.power_probe = *power_probe;
  if (power_probe->active()) {
    std::cout << DescribePowerProbe(*power_probe) << "\n";
  }
  absl::StatusOr<std::string> design =
      RunfileData("conformance/matrix_design.json", argv0);
  absl::StatusOr<std::string> server = FakeServerBinaryPath(argv0);
  // Reads each write trial's table back (matrix/cell_runner.h).
  absl::StatusOr<std::string> read_table =
      RunfileExecutable("client/read_table", argv0);
  for (const auto* found : {&design, &server, &read_table}) {
    if (!found->ok()) return Fail(std::string(found->status().message()));
  }
  // The reference client is not optional: without it there is nothing to
  // compare the others with.
  if (options.testee_programs.count(kCppClient) == 0) {
    return Fail(std::string(
        RunfileExecutable("models/trial_program", argv0).status().message()));
  }
  options.design_path = *design;
  options.server_binary = *server;
  options.run.cell.read_table_binary = *read_table;
  options.run.cell.watchdog_scale = scale;
  options.run.cell.explain_failures = absl::GetFlag(FLAGS_explain_failures);
  // A quick run's debugger time went mostly to second signatures; one a
  // cell still explains every cell that hung or crashed.
  if (absl::GetFlag(FLAGS_quick)) options.run.stacks_per_cell = 1;
  options.run.stopping = policy.stopping;
  options.run.verdicts = policy.verdicts;
  options.run.time_budget = std::chrono::milliseconds(
      static_cast<int64_t>(policy.time_budget_seconds * 1000));
  options.run.cpu_lanes = cpu_lanes;
  options.run.hang_lanes = hang_lanes;
  int done = 0;
  if (verbose) {
    options.run.on_cell_done = [&done, &policy](const CellResult& result) {
      const OutcomeCounts counts = result.WorkerCounts();
      std::cerr << "[" << ++done << "] " << result.key << ": "
                << DescribeVerdict(counts, Judge(counts, policy.verdicts))
                << " (" << result.stop_reason << ")\n";
    };
  }
  // The rule is in the summary; here only what the run will do.
  if (shard->spec.has_value()) {
    std::cout << "Shard " << shard->spec->index << " of " << shard->spec->count
              << " (" << shard->source << "): its part of the matrix"
              << (run_benchmarks ? " and the benchmarks" : "") << ".\n";
  }
  std::cout << "Running the " << MatrixSizeName(*size) << " matrix ("
            << policy.stopping.min_trials << " to "
            << policy.stopping.max_trials << " trials a cell"
            << (policy.time_budget_seconds > 0
                    ? absl::StrCat(", within ", policy.time_budget_seconds,
                                   " s")
                    : "")
            << ")" << (run_benchmarks ? ", then the benchmarks" : "")
            << ".\n";
  if (options.run.cell.explain_failures) {
    // Said once here rather than as every hung trial's capture error.
    if (std::optional<std::string> refused = PtraceRefusalHere()) {
      std::cout << WrapLine(
          absl::StrCat(
              "No gdb stacks of hung trials on this machine: ", *refused,
              ". Crashed trials still get their cores' stacks, and "
              "Python processes their faulthandler stacks."),
          kConsoleColumns, 2);
    }
  }
  std::cout.flush();
  // One line of progress on stderr: redrawn on a terminal (unless -v
  // prints lines of its own), a line a minute elsewhere.
  ProgressDisplay::Options display_options;
  display_options.redraw = !verbose && IsTerminal(STDERR_FILENO);
  // A log: a line a minute keeps a 10-minute run's progress to about ten.
  display_options.plain_interval = std::chrono::seconds(60);
  if (const size_t columns = TerminalWidth(STDERR_FILENO); columns > 1) {
    // One column short: a line that fills the terminal wraps on some.
    display_options.width = std::min<size_t>(100, columns - 1);
  }
  ProgressDisplay display(&std::cerr, display_options);
  // An error is said once the progress line is gone.
  const auto fail = [&display](absl::string_view message) {
    display.Finish();
    return Fail(std::string(message));
  };
  display.StartPhase(absl::StrCat(MatrixSizeName(*size), " matrix"));
  options.run.on_progress = [&display](const MatrixProgress& progress) {
    display.Update(
        absl::StrCat(progress.cells_done, "/", progress.cells, " cells, ",
                     progress.trials_finished, " trials, ",
                     progress.trials_hung, " hung"),
        progress.cells > 0
            ? static_cast<double>(progress.cells_done) / progress.cells
            : 0.0,
        progress.budget_left);
  };
  absl::StatusOr<MatrixJobResult> job = RunMatrixJob(options);
  if (!job.ok()) {
    return fail(job.status().message());
  }
  if (verbose) {
    std::cout << "\n"
              << RenderMatrixTable(job->results, job->design.defaults,
                                   policy.verdicts);
  }
  // Said once the progress line is gone, before the summary.
  const auto warn_of_servers = [&job] {
    if (job->server_stop_error.empty()) return;
    std::cerr << "forkcheck run: warning: " << job->server_stop_error
              << " (the results stand)\n";
  };

  if (absl::GetFlag(FLAGS_record_expectations)) {
    display.Finish();
    warn_of_servers();
    // Every client's file, or none: staged first, then committed together.
    FileSet files;
    std::string recorded;
    for (const ClientRun& client : job->clients) {
      if (!client.skipped.empty()) continue;
      absl::StatusOr<std::string> path = StageClientExpectations(
          client, job->results, *record_directory, kRecordCommand, &files);
      if (!path.ok()) return Fail(std::string(path.status().message()));
      absl::StrAppend(&recorded, "\nRecorded ",
                      ResultsOfClient(job->results, client.client).size(),
                      " cells of ", client.client, " in ", *path, "\n");
    }
    if (absl::Status committed = files.Commit(); !committed.ok()) {
      return Fail(std::string(committed.message()));
    }
    std::cout << recorded;
    return 0;
  }
  // The C++ client's outcome also stands alone in the report (as before
  // there were other clients).
  ExpectationsOutcome expectations;
  expectations.file =
      "conformance/expectations/" + ExpectationsFileName(build->cpp_version);
  std::vector<ClientSection> client_sections;
  // One family of tests per run: alpha is shared among the clients checked
  // (Bonferroni), each of which spreads its part over its cells (Holm).
  int clients_checked = 0;
  for (const ClientRun& client : job->clients) {
    if (client.skipped.empty()) ++clients_checked;
  }
  // Shards share it too: a merged report's checks are one family.
  const int shards = shard->spec.has_value() ? shard->spec->count : 1;
  ExpectationsRule per_client = expectations_rule;
  per_client.alpha =
      expectations_rule.alpha / std::max(1, clients_checked) / shards;
  bool expectations_differ = false;
  for (const ClientRun& client : job->clients) {
    ExpectationsOutcome outcome;
    if (client.skipped.empty()) {
      outcome = CompareClientWithExpectations(
          client, job->results, job->known_keys, argv0, kRecordCommand,
          per_client, expectations_directory);
      if (outcome.found && !outcome.check.has_value()) {
        return fail(outcome.differences);  // a malformed file: bad input
      }
      if (client.client == kCppClient) expectations = outcome;
      if (outcome.found && !outcome.passed) expectations_differ = true;
    }
    client_sections.push_back(ClientSectionFor(client, outcome));
  }

  ReportParts parts;
  if (run_benchmarks) {
    absl::StatusOr<std::map<std::string, nlohmann::json>> google_benchmark =
        RunBenchPhase(bench_phase, &display);
    if (!google_benchmark.ok()) {
      return fail(google_benchmark.status().message());
    }
    absl::StatusOr<nlohmann::json> section = BenchmarkSection(*google_benchmark);
    if (!section.ok()) {
      return fail(section.status().message());
    }
    parts.benchmarks = *std::move(section);
  }
  display.Finish();
  warn_of_servers();
  parts.command = command;
  parts.environment = CollectEnvironment(EnvironmentOptionsFromProcess(start));
  parts.conformance = ConformanceSection(
      job->results, job->design.defaults, std::string(MatrixSizeName(*size)),
      policy, options.cell_filter, expectations, client_sections,
      power_probe->active() ? DescribePowerProbe(*power_probe) : "");
  if (job->shard.has_value()) {
    parts.shard =
        ShardSection(*job->shard, shard->source,
                     run_benchmarks      ? ShardBenchmarks::kRan
                     : benchmarks_wanted ? ShardBenchmarks::kAnotherShard
                                         : ShardBenchmarks::kNone);
  }
  absl::StatusOr<Report> report = Report::Build(parts);
  if (!report.ok()) return Fail(std::string(report.status().message()));
  // The JSON report, its summary and page beside it (as a set), then the
  // console.
  if (absl::Status written = WriteRunOutputs(*report, paths, &std::cout);
      !written.ok()) {
    return Fail(std::string(written.message()));
  }
  if (expectations_differ) {
    std::cout << "\nforkcheck run: cells do not match their expectations "
                 "(see \"Differences from\" above); exit status "
              << kExitExpectationsDiffer << "\n";
    return kExitExpectationsDiffer;
  }
  return 0;
}

}  // namespace
}  // namespace forkcheck

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "forkcheck's main job: runs the process-model matrix (which ways of "
      "forking and threading gRPC read clients are safe) on the installed "
      "gRPC and prints it.");
  // Before anything is made: bad flags exit 2 in one line, help is asked
  // for without side effects.
  absl::StatusOr<forkcheck::CommandLineScan> scan = forkcheck::ScanCommandLine(
      std::vector<std::string>(argv + 1, argv + argc));
  if (!scan.ok()) {
    std::cerr << "forkcheck run: " << scan.status().message()
              << "; see ./forkcheck run --help\n";
    return forkcheck::kExitCouldNotRun;
  }
  if (scan->help == forkcheck::HelpRequest::kShort) {
    std::string_view usage = forkcheck::UsageText();
    // embed_text's literal begins on the line after its opening.
    if (!usage.empty() && usage.front() == '\n') usage.remove_prefix(1);
    std::cout << usage;
    return 0;
  }
  if (scan->help == forkcheck::HelpRequest::kFull) {
    std::cout << "Every flag of ./forkcheck run (./forkcheck run --help: "
                 "the most useful):\n\n"
              << forkcheck::DescribeFlagsOf(__FILE__);
    return 0;
  }
  // Ctrl-C or a nightly job's timeout must not leave the fake servers'
  // directory behind (the servers themselves die with us), nor what the
  // trials' processes, killed with us, leave in their TMPDIR (a Python
  // fork server's pymp-* directory).
  forkcheck::InstallInterruptCleanup();
  const std::string scratch_root = forkcheck::TemporaryRoot();
  forkcheck::UseOwnTemporaryDirectory();
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() > 1) {
    std::cerr << "forkcheck run: unexpected argument \"" << positional[1]
              << "\" (flags are --name=value); see ./forkcheck run --help\n";
    return forkcheck::kExitCouldNotRun;
  }
  return forkcheck::Main(argv[0], std::vector<std::string>(argv, argv + argc),
                         scratch_root, scan->given);
}
