// The classifier proofs: misbehaving_trial's workers do every kind of wrong
// thing, and each is classified as it should be, within the watchdog, with
// nothing of the trial left alive afterwards.
#include "supervisor/trial_runner.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/runfiles.h"
#include "common/subprocess.h"
#include "diagnosis/core_files.h"
#include "diagnosis/stack_signature.h"
#include "gtest/gtest.h"
#include "supervisor/outcome_classifier.h"
#include "supervisor/testing/nothing_left_behind.h"

namespace forkcheck {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// Cleanup after the watchdog fired: kill, reap, drain. Generous for a
// loaded 2-core machine and sanitizers; typically a few milliseconds.
constexpr milliseconds kMargin(1000);

// For trials that hang on purpose, so the watchdog always fires: still long
// enough for the workers to start and report under ThreadSanitizer on a
// loaded 2-core machine (an instrumented process alone took 0.5 s to start,
// and 1 s was not enough).
constexpr milliseconds kShortWatchdog(3000);

std::string TrialBinary() {
  return RunfileExecutable("supervisor/testing/misbehaving_trial").value_or("");
}

// The most diagnosis may add (kStackCaptureBound's comment: a live capture
// in two attempts, or cores read side by side in up to two debugger runs,
// each after a wait for a slot), and the dump wait.
constexpr milliseconds kDiagnosisMargin(8 * kStackCaptureBound + kMargin);

// Runs the trial and checks that it ended in time and left nothing behind.
// Without `explain`, as the classification tests want it: a hang is killed
// at once, so the trial ends within a margin of its watchdog.
TrialRecord RunChecked(int workers, const std::vector<std::string>& flags,
                       milliseconds watchdog, bool explain = false,
                       milliseconds stack_capture_bound = kStackCaptureBound) {
  TrialCommand command;
  command.stack_capture_bound = stack_capture_bound;
  command.argv = {TrialBinary(), absl::StrCat("--workers=", workers)};
  command.argv.insert(command.argv.end(), flags.begin(), flags.end());
  command.workers = workers;
  command.watchdog = watchdog;
  command.explain_failures = explain;
  const auto start = Clock::now();
  absl::StatusOr<TrialRecord> record = RunTrial(command);
  const auto elapsed = Clock::now() - start;
  EXPECT_TRUE(record.ok()) << record.status();
  if (!record.ok()) return {};
  // The watchdog's allowance for time the trial waited for a CPU (at most
  // twice the watchdog by default) is part of its deadline.
  EXPECT_LT(elapsed,
            watchdog + record->starvation_allowance + kMargin +
                (explain ? kDiagnosisMargin +
                               8 * (stack_capture_bound - kStackCaptureBound)
                         : milliseconds(0)));
  ExpectNothingLeftBehind(*record);
  return *std::move(record);
}

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return absl::StrCat(dir != nullptr ? dir : "/tmp", "/", name);
}

TEST(TrialRunnerTest, TheTrialBinaryIsAmongTheRunfiles) {
  const std::string binary = TrialBinary();
  ASSERT_FALSE(binary.empty());
  EXPECT_EQ(access(binary.c_str(), X_OK), 0) << binary;
}

TEST(TrialRunnerTest, WellBehavedWorkersAreOk) {
  TrialRecord record = RunChecked(
      3, {"--behavior=ok", "--parent_check=ok", "--expected_rows=999"},
      milliseconds(10000));
  EXPECT_FALSE(record.watchdog_fired);
  ASSERT_TRUE(record.trial_wait_status.has_value());
  EXPECT_EQ(*record.trial_wait_status, 0);
  EXPECT_TRUE(record.parent.eof);
  for (const TrialRecord::ProcessReport& worker : record.workers) {
    EXPECT_TRUE(worker.eof);
    EXPECT_EQ(worker.protocol_error, "");
    EXPECT_EQ(worker.messages.size(), 6u);  // five phases and a result
  }
  TrialOutcome outcome = ClassifyTrial(record, 999, true);
  EXPECT_EQ(outcome.overall, OutcomeKind::kOk);
  ASSERT_EQ(outcome.workers.size(), 3u);
  for (const WorkerOutcome& worker : outcome.workers) {
    EXPECT_EQ(worker.kind, OutcomeKind::kOk) << worker.detail;
  }
  ASSERT_TRUE(outcome.parent_after.has_value());
  EXPECT_EQ(outcome.parent_after->kind, OutcomeKind::kOk);
  EXPECT_EQ(outcome.missing_rows, 0);
  EXPECT_EQ(outcome.duplicate_rows, 0);
}

// The trial's rusage comes from wait4 and includes the workers the trial
// reaped: two workers that each burn 200 ms of CPU make at least 400 ms.
TEST(TrialRunnerTest, TheTrialsUsageCountsTheWorkersItReaped) {
  TrialRecord record = RunChecked(
      2, {"--behavior=spin_200ms", "--parent_check=ok", "--expected_rows=10"},
      milliseconds(10000));
  EXPECT_FALSE(record.watchdog_fired);
  ASSERT_TRUE(record.trial_usage.has_value());
  const v1::ResourceUsage& usage = *record.trial_usage;
  EXPECT_GE(usage.user_micros() + usage.system_micros(), 400000);
  EXPECT_GT(usage.max_rss_kib(), 0);
  EXPECT_EQ(ClassifyTrial(record, 10, true).overall, OutcomeKind::kOk);
}

TEST(TrialRunnerTest, EveryQuickMisbehaviourIsClassified) {
  TrialRecord record =
      RunChecked(8,
                 {"--behavior=ok,crash_segv,abort,wrong_row,duplicate,"
                  "error_unavailable,garbage,silent_exit",
                  "--parent_check=error"},
                 milliseconds(10000));
  EXPECT_FALSE(record.watchdog_fired);
  TrialOutcome outcome = ClassifyTrial(record, 1000, true);
  ASSERT_EQ(outcome.workers.size(), 8u);
  const std::vector<WorkerOutcome>& w = outcome.workers;
  EXPECT_EQ(w[0].kind, OutcomeKind::kOk) << w[0].detail;
  EXPECT_EQ(w[1].kind, OutcomeKind::kCrash);
  EXPECT_EQ(w[1].signal, SIGSEGV);
  EXPECT_EQ(w[1].detail, "SIGSEGV");
  EXPECT_EQ(w[2].kind, OutcomeKind::kCrash);
  EXPECT_EQ(w[2].detail, "SIGABRT");
  EXPECT_EQ(w[3].kind, OutcomeKind::kWrongData);
  EXPECT_EQ(w[3].detail, "1 corrupted rows");
  EXPECT_EQ(w[4].kind, OutcomeKind::kWrongData);
  EXPECT_EQ(w[4].detail, "3 duplicate rows");
  EXPECT_EQ(w[5].kind, OutcomeKind::kError);
  EXPECT_EQ(w[5].status_code, 14);
  EXPECT_EQ(w[5].detail, "UNAVAILABLE: connection refused (simulated)");
  EXPECT_EQ(w[6].kind, OutcomeKind::kError);
  EXPECT_EQ(w[6].detail,
            "protocol error: frame 1 (5 bytes) is not a WorkerMessage");
  EXPECT_EQ(w[7].kind, OutcomeKind::kError);
  EXPECT_EQ(w[7].detail,
            "exited with status 0 without a result, after phase create");
  ASSERT_TRUE(outcome.parent_after.has_value());
  EXPECT_EQ(outcome.parent_after->kind, OutcomeKind::kError);
  EXPECT_EQ(outcome.parent_after->status_code, 14);
  EXPECT_EQ(outcome.overall, OutcomeKind::kCrash);
  EXPECT_EQ(outcome.duplicate_rows, 3);
}

TEST(TrialRunnerTest, HangsAreClassifiedByPhaseAndNothingOutlivesTheTrial) {
  const std::string pid_file = TempPath("grandchild.pid");
  std::remove(pid_file.c_str());
  // Six workers (four hang, one leaves a grandchild, one crashes) reach
  // their phases before it fires, loaded or not.
  const milliseconds watchdog = kShortWatchdog;
  TrialRecord record =
      RunChecked(6,
                 {"--behavior=hang_create,hang_connect,hang_first_row,"
                  "hang_mid_stream,ignore_sigterm_grandchild,crash_segv",
                  "--parent_check=ok", "--grandchild_pid_file=" + pid_file},
                 watchdog);
  EXPECT_TRUE(record.watchdog_fired);
  EXPECT_GE(record.wall, watchdog);
  ASSERT_TRUE(record.trial_wait_status.has_value());
  EXPECT_TRUE(WIFSIGNALED(*record.trial_wait_status) &&
              WTERMSIG(*record.trial_wait_status) == SIGKILL);
  EXPECT_EQ(record.escaped_processes, 1);

  TrialOutcome outcome = ClassifyTrial(record, 1000, true);
  ASSERT_EQ(outcome.workers.size(), 6u);
  const std::vector<WorkerOutcome>& w = outcome.workers;
  const std::vector<std::pair<v1::Phase, std::string>> hangs = {
      {v1::PHASE_STARTED, "hang in create"},
      {v1::PHASE_CLIENT_CREATED, "hang in connect"},
      {v1::PHASE_CONNECTED, "hang in first row"},
      {v1::PHASE_FIRST_ROW, "hang in mid-stream"},
      {v1::PHASE_STARTED, "hang in create"},
  };
  for (size_t i = 0; i < hangs.size(); ++i) {
    EXPECT_EQ(w[i].kind, OutcomeKind::kHang) << i << ": " << w[i].detail;
    EXPECT_EQ(w[i].hang_phase, hangs[i].first) << i;
    EXPECT_EQ(w[i].detail, hangs[i].second) << i;
  }
  // Reported by the parent while its other workers still hung.
  EXPECT_EQ(w[5].kind, OutcomeKind::kCrash);
  EXPECT_EQ(w[5].detail, "SIGSEGV");
  ASSERT_TRUE(outcome.parent_after.has_value());
  EXPECT_EQ(outcome.parent_after->kind, OutcomeKind::kHang);
  EXPECT_EQ(outcome.overall, OutcomeKind::kCrash);

  // The grandchild left the group and ignores SIGTERM; it is gone anyway,
  // and reaped (not left as our zombie).
  std::ifstream file(pid_file);
  pid_t grandchild = 0;
  ASSERT_TRUE(file >> grandchild) << "no pid in " << pid_file;
  ASSERT_GT(grandchild, 0);
  errno = 0;
  EXPECT_EQ(kill(grandchild, 0), -1);
  EXPECT_EQ(errno, ESRCH);
}

// A worker that waits for its CPU (pinned beside five spinning processes,
// it needs at least 2.4 s for 400 ms of work) is not hung: the watchdog
// gives back the time it waited. Without the allowance the same trial is a
// hang, so the allowance is what saves it.
TEST(TrialRunnerTest, ATrialStarvedOfCpuIsNotAHang) {
  TrialCommand command;
  command.argv = {TrialBinary(), "--workers=1", "--behavior=crowded_cpu"};
  command.workers = 1;
  // More than the worker's own CPU time and start, less than the wall time
  // its work takes beside the spinners.
  command.watchdog = milliseconds(1500);
  command.explain_failures = false;
  // Room for a loaded machine: the work alone needs 2.4 s of wall time.
  command.max_starvation_allowance = 20;
  absl::StatusOr<TrialRecord> record = RunTrial(command);
  ASSERT_TRUE(record.ok()) << record.status();
  ExpectNothingLeftBehind(*record);
  EXPECT_FALSE(record->watchdog_fired);
  EXPECT_GT(record->starvation_allowance, milliseconds(0));
  EXPECT_GT(record->wall, command.watchdog);
  EXPECT_EQ(ClassifyTrial(*record, 1000, false).overall, OutcomeKind::kOk);

  command.max_starvation_allowance = 0;
  record = RunTrial(command);
  ASSERT_TRUE(record.ok()) << record.status();
  ExpectNothingLeftBehind(*record);
  EXPECT_TRUE(record->watchdog_fired);
  EXPECT_EQ(record->starvation_allowance, milliseconds(0));
  EXPECT_EQ(ClassifyTrial(*record, 1000, false).overall, OutcomeKind::kHang);
}

// A hung process sleeps and waits for no CPU, so a hang gets at most the
// time its processes waited before they hung, not the whole allowance.
TEST(TrialRunnerTest, AHangGetsNoStarvationAllowanceItDidNotWaitFor) {
  const milliseconds watchdog = kShortWatchdog;
  TrialRecord record = RunChecked(2, {"--behavior=hang_connect"}, watchdog);
  EXPECT_TRUE(record.watchdog_fired);
  EXPECT_LT(record.starvation_allowance, 2 * watchdog);
  EXPECT_LT(record.wall, watchdog + record.starvation_allowance + kMargin);
}

TEST(TrialRunnerTest, AStarvationAllowanceOutOfRangeIsRefused) {
  TrialCommand command;
  command.argv = {TrialBinary(), "--workers=1"};
  command.max_starvation_allowance = -1;
  EXPECT_EQ(RunTrial(command).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(TrialRunnerTest, AWorkerThatNeededARetryIsOkAfterRetry) {
  for (const char* workers_are : {"processes", "threads"}) {
    SCOPED_TRACE(workers_are);
    TrialRecord record =
        RunChecked(3,
                   {"--behavior=ok,ok_after_retry,ok_after_injected_retry",
                    absl::StrCat("--workers_are=", workers_are)},
                   milliseconds(10000));
    TrialOutcome outcome = ClassifyTrial(record, 1000, false);
    ASSERT_EQ(outcome.workers.size(), 3u);
    EXPECT_EQ(outcome.workers[0].kind, OutcomeKind::kOk);
    // Two retries, one of them after a fault injected on purpose.
    EXPECT_EQ(outcome.workers[1].kind, OutcomeKind::kOkAfterRetry);
    EXPECT_EQ(outcome.workers[1].detail,
              "ok after 1 retry (first: UNAVAILABLE: Socket operation on "
              "non-socket (simulated))");
    EXPECT_EQ(outcome.workers[1].retries, 1);
    // Its only retry was the injected fault's: designed, so ok.
    EXPECT_EQ(outcome.workers[2].kind, OutcomeKind::kOk)
        << outcome.workers[2].detail;
    EXPECT_EQ(outcome.overall, OutcomeKind::kOkAfterRetry);
  }
}

TEST(TrialRunnerTest, ASignalThatKillsAThreadModelsProcessIsACrash) {
  for (const auto& [behavior, signal] :
       std::vector<std::pair<std::string, int>>{{"crash_segv", SIGSEGV},
                                                {"abort", SIGABRT}}) {
    SCOPED_TRACE(behavior);
    TrialRecord record = RunChecked(
        2, {"--behavior=hang_mid_stream," + behavior, "--workers_are=threads"},
        milliseconds(10000));
    EXPECT_FALSE(record.watchdog_fired);
    ASSERT_TRUE(record.trial_wait_status.has_value());
    EXPECT_TRUE(WIFSIGNALED(*record.trial_wait_status));
    TrialOutcome outcome = ClassifyTrial(record, 1000, false);
    ASSERT_EQ(outcome.workers.size(), 2u);
    // The hanging thread died with the process: a crash too.
    for (const WorkerOutcome& worker : outcome.workers) {
      EXPECT_EQ(worker.kind, OutcomeKind::kCrash) << worker.detail;
      EXPECT_EQ(worker.signal, signal);
      EXPECT_EQ(worker.detail,
                absl::StrCat("trial process: ", SignalName(signal)));
    }
    EXPECT_EQ(outcome.overall, OutcomeKind::kCrash);
  }
}

TEST(TrialRunnerTest, AParentThatDiesBeforeReportingItsChildrenIsACrash) {
  TrialRecord record = RunChecked(
      2,
      {"--behavior=ok", "--parent=crash_before_reporting", "--parent_check=ok"},
      milliseconds(10000));
  EXPECT_FALSE(record.watchdog_fired);
  TrialOutcome outcome = ClassifyTrial(record, 1000, true);
  ASSERT_EQ(outcome.workers.size(), 2u);
  // Each sent its rows, but nobody reported how it ended.
  for (const WorkerOutcome& worker : outcome.workers) {
    EXPECT_EQ(worker.kind, OutcomeKind::kCrash) << worker.detail;
    EXPECT_EQ(worker.signal, SIGSEGV);
    EXPECT_EQ(worker.detail, "trial process: SIGSEGV");
  }
  ASSERT_TRUE(outcome.parent_after.has_value());
  EXPECT_EQ(outcome.parent_after->kind, OutcomeKind::kCrash);
  EXPECT_EQ(outcome.parent_after->detail, "parent: SIGSEGV");
  EXPECT_EQ(outcome.overall, OutcomeKind::kCrash);
}

TEST(TrialRunnerTest, RowsMissingAcrossWorkersAreWrongData) {
  TrialRecord record =
      RunChecked(2, {"--behavior=ok,missing"}, milliseconds(10000));
  TrialOutcome outcome = ClassifyTrial(record, 1000, false);
  EXPECT_EQ(outcome.missing_rows, 10);
  EXPECT_EQ(outcome.overall, OutcomeKind::kWrongData);
  ASSERT_EQ(outcome.workers.size(), 2u);
  for (const WorkerOutcome& worker : outcome.workers) {
    EXPECT_EQ(worker.kind, OutcomeKind::kWrongData);
    EXPECT_EQ(worker.detail, "10 of 1000 rows missing across workers");
  }
  EXPECT_FALSE(outcome.parent_after.has_value());
}

TEST(TrialRunnerTest, AnExpectedParentCheckThatNeverComesIsAnError) {
  TrialRecord record = RunChecked(1, {"--behavior=ok", "--parent_check=none"},
                                  milliseconds(10000));
  TrialOutcome outcome = ClassifyTrial(record, 1000, true);
  ASSERT_TRUE(outcome.parent_after.has_value());
  EXPECT_EQ(outcome.parent_after->kind, OutcomeKind::kError);
  EXPECT_EQ(outcome.parent_after->detail,
            "no parent check; the trial process exited with status 0");
  EXPECT_EQ(outcome.overall, OutcomeKind::kError);
}

TEST(TrialRunnerTest, AParentThatHangsAfterItsWorkersIsAHang) {
  TrialRecord record =
      RunChecked(2, {"--behavior=ok", "--parent_check=hang"}, kShortWatchdog);
  EXPECT_TRUE(record.watchdog_fired);
  TrialOutcome outcome = ClassifyTrial(record, 1000, true);
  for (const WorkerOutcome& worker : outcome.workers) {
    EXPECT_EQ(worker.kind, OutcomeKind::kOk) << worker.detail;
  }
  ASSERT_TRUE(outcome.parent_after.has_value());
  EXPECT_EQ(outcome.parent_after->kind, OutcomeKind::kHang);
  EXPECT_EQ(outcome.overall, OutcomeKind::kHang);
}

TEST(TrialRunnerTest, ParallelTrialsReapOnlyTheirOwnProcesses) {
  std::vector<TrialRecord> records(3);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < records.size(); ++i) {
    threads.emplace_back([&records, i] {
      records[i] = RunChecked(2, {"--behavior=hang_mid_stream,crash_segv"},
                              kShortWatchdog);
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const TrialRecord& record : records) {
    ASSERT_TRUE(record.trial_wait_status.has_value());
    TrialOutcome outcome = ClassifyTrial(record, 1000, false);
    ASSERT_EQ(outcome.workers.size(), 2u);
    EXPECT_EQ(outcome.workers[0].detail, "hang in mid-stream");
    EXPECT_EQ(outcome.workers[1].detail, "SIGSEGV");
  }
}

TEST(TrialRunnerTest, AProgramThatCannotRunIsClassifiedNotFatal) {
  TrialCommand command;
  command.argv = {"/nonexistent/trial"};
  command.workers = 1;
  command.watchdog = milliseconds(5000);
  absl::StatusOr<TrialRecord> record = RunTrial(command);
  ASSERT_TRUE(record.ok()) << record.status();
  TrialOutcome outcome = ClassifyTrial(*record, -1, false);
  ASSERT_EQ(outcome.workers.size(), 1u);
  EXPECT_EQ(outcome.workers[0].kind, OutcomeKind::kError);
  EXPECT_EQ(outcome.workers[0].detail,
            "no result and no exit report; the trial process exited with "
            "status 127");

  command.argv.clear();
  EXPECT_EQ(RunTrial(command).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// --- What explains a failure: stacks, cores, stderr (issue 13) ---

// The stacks ProcessRole calls `role`, or nullptr.
const ProcessStacks* StacksOf(const TrialRecord& record,
                              const std::string& role) {
  for (const ProcessStacks& stacks : record.stacks) {
    if (ProcessRole(record, stacks.pid) == role) return &stacks;
  }
  return nullptr;
}

// A frame named `function`, qualified or not: with debug information (the
// sanitizer builds) gdb names it by its namespace too.
bool HasFrame(const ProcessStacks& stacks, const std::string& function) {
  for (const ThreadStack& thread : stacks.threads) {
    for (const StackFrame& frame : thread.frames) {
      if (frame.function == function ||
          absl::EndsWith(frame.function, "::" + function)) {
        return true;
      }
    }
  }
  return false;
}

TEST(TrialRunnerTest, AHungTrialsStacksAreCapturedBeforeTheKill) {
  const milliseconds watchdog = kShortWatchdog;  // worker 1 finishes first
  // gdb over a sanitizer build on a loaded machine can take longer than
  // the default bound; this test is about what it finds, not how fast.
  TrialRecord record = RunChecked(2, {"--behavior=hang_in_named_function,ok"},
                                  watchdog, /*explain=*/true,
                                  /*stack_capture_bound=*/milliseconds(60000));
  EXPECT_TRUE(record.watchdog_fired);
  // The outcome is the watchdog's, whatever the capture took.
  TrialOutcome outcome = ClassifyTrial(record, 1000, false);
  ASSERT_EQ(outcome.workers.size(), 2u);
  EXPECT_EQ(outcome.workers[0].detail, "hang in first row");
  EXPECT_EQ(outcome.workers[1].kind, OutcomeKind::kOk);
  const ProcessStacks* worker = StacksOf(record, "worker 0");
  ASSERT_NE(worker, nullptr);
  EXPECT_EQ(worker->error, "");
  EXPECT_EQ(worker->source, "gdb attach");
  EXPECT_TRUE(HasFrame(*worker, "HangInNamedFunction")) << worker->raw;
  EXPECT_NE(ProcessSignature(*worker).find("HangInNamedFunction"),
            std::string::npos)
      << ProcessSignature(*worker);
  // The parent waits for that worker: its stacks are there too, captured
  // last (a bound passing mid-way would cost it, not the worker).
  const ProcessStacks* parent = StacksOf(record, "parent");
  ASSERT_NE(parent, nullptr);
  EXPECT_FALSE(parent->threads.empty()) << parent->raw;
  EXPECT_EQ(parent, &record.stacks.back());
  EXPECT_GT(record.diagnosis_wall.count(), 0);
}

TEST(TrialRunnerTest, AProcessNoDebuggerCanAttachToStillHangs) {
  TrialRecord record = RunChecked(1, {"--behavior=hang_untraceable"},
                                  milliseconds(1500), /*explain=*/true);
  EXPECT_TRUE(record.watchdog_fired);
  TrialOutcome outcome = ClassifyTrial(record, 1000, false);
  ASSERT_EQ(outcome.workers.size(), 1u);
  EXPECT_EQ(outcome.workers[0].kind, OutcomeKind::kHang);
  const ProcessStacks* worker = StacksOf(record, "worker 0");
  ASSERT_NE(worker, nullptr);
  EXPECT_TRUE(worker->threads.empty());
  EXPECT_NE(worker->error, "") << "a traced process was attached to";
}

TEST(TrialRunnerTest, ACrashedWorkersCoreGivesItsStack) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  // Its handler reports the fault and exits: no signal, no core.
  GTEST_SKIP() << "a sanitizer reports the crash itself, without a core";
#endif
  const CoreDumpSetting cores = CoreDumpSupport();
  TrialRecord record = RunChecked(2, {"--behavior=crash_in_named_function,ok"},
                                  milliseconds(5000), /*explain=*/true);
  TrialOutcome outcome = ClassifyTrial(record, 1000, false);
  ASSERT_EQ(outcome.workers.size(), 2u);
  EXPECT_EQ(outcome.workers[0].kind, OutcomeKind::kCrash);
  if (!cores.in_working_directory) {
    EXPECT_EQ(record.core_error, cores.reason);
    GTEST_SKIP() << "cores do not land in a trial's directory here: "
                 << cores.reason;
  }
  EXPECT_EQ(record.core_error, "");
  const ProcessStacks* worker = StacksOf(record, "worker 0");
  ASSERT_NE(worker, nullptr) << record.stacks.size() << " stacks";
  EXPECT_EQ(worker->source, "gdb core");
  EXPECT_EQ(worker->error, "");
  EXPECT_EQ(worker->signal, "SIGSEGV");
  EXPECT_EQ(worker->fault_address, "0x0");
  EXPECT_NE(ProcessSignature(*worker).find("CrashInNamedFunction"),
            std::string::npos)
      << ProcessSignature(*worker) << "\n"
      << worker->raw;
}

TEST(TrialRunnerTest, EachProcesssStderrLandsInItsOwnReport) {
  TrialRecord record =
      RunChecked(2, {"--behavior=say_on_stderr"}, milliseconds(5000));
  EXPECT_FALSE(record.watchdog_fired);
  EXPECT_EQ(record.parent.stderr_tail, "parent says hello on stderr\n");
  ASSERT_EQ(record.workers.size(), 2u);
  EXPECT_EQ(record.workers[0].stderr_tail, "worker 0 says hello on stderr\n");
  EXPECT_EQ(record.workers[1].stderr_tail, "worker 1 says hello on stderr\n");
  EXPECT_TRUE(record.stacks.empty());
}

TEST(TrialRunnerTest, StderrKeepsItsLastBytes) {
  TrialRecord record =
      RunChecked(1, {"--behavior=flood_stderr"}, milliseconds(5000));
  ASSERT_EQ(record.workers.size(), 1u);
  const TrialRecord::ProcessReport& worker = record.workers[0];
  EXPECT_EQ(worker.stderr_tail.size(), kMaxStderrBytes);
  EXPECT_EQ(worker.stderr_bytes_dropped + worker.stderr_tail.size(),
            200u * 1024);
  TrialOutcome outcome = ClassifyTrial(record, 1000, false);
  EXPECT_EQ(outcome.workers[0].kind, OutcomeKind::kOk);
}

TEST(TrialRunnerTest, WithoutExplainingAHangIsKilledAtOnce) {
  TrialRecord record = RunChecked(1, {"--behavior=hang_in_named_function"},
                                  milliseconds(1500), /*explain=*/false);
  EXPECT_TRUE(record.watchdog_fired);
  EXPECT_TRUE(record.stacks.empty());
}

// The trial's directory (its working directory and TMPDIR) goes with it.
TEST(TrialRunnerTest, TheTrialsDirectoryGoesWithIt) {
  const std::string parent = TempPath("trial-directories");
  ASSERT_TRUE(std::filesystem::create_directories(parent) ||
              std::filesystem::is_directory(parent));
  const char* saved = std::getenv("TMPDIR");
  const std::string restore = saved != nullptr ? saved : "";
  setenv("TMPDIR", parent.c_str(), 1);
  TrialRecord record = RunChecked(1, {"--behavior=crash_in_named_function"},
                                  milliseconds(5000), /*explain=*/true);
  if (restore.empty()) {
    unsetenv("TMPDIR");
  } else {
    setenv("TMPDIR", restore.c_str(), 1);
  }
  EXPECT_TRUE(std::filesystem::is_empty(parent));
}

}  // namespace
}  // namespace forkcheck
