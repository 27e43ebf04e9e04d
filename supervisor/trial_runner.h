// Runs one trial: execs a trial program (a process model's parent, which
// forks the workers) and records what each of its processes reported on its
// pipe, under a watchdog. Nothing of the trial outlives RunTrial.
//
// The trial runs in its own process group with PR_SET_PDEATHSIG = SIGKILL.
// Its parent reports on fd 3, worker i on fd 4 + i; FORKCHECK_REPORT_FDS
// lists them (see framing/worker_reporter.h), and FORKCHECK_TRIAL_TOKEN marks
// every process of the trial, so that one that leaves the process group
// (setsid) is still found and killed. RunTrial makes this process a child
// subreaper, so orphaned trial processes are reparented here and reaped. It
// reaps only its own trial's processes (never waitpid(-1)), so trials may run
// in parallel threads next to other children of this process. Limits: a trial
// process that both leaves the group and clears its environment cannot be
// found; one that leaves the group and exits on its own may stay a zombie
// child of this process (it runs no more, but is not reaped).
//
// What explains a failed trial is kept with it: every process's standard
// error (its own pipe: framing/worker_reporter.h), the stacks of every
// thread of the processes still alive when the watchdog fires (a debugger
// attaches before the kill), and those of processes that crashed (their
// cores: the trial runs in a directory of its own, removed afterwards, with
// RLIMIT_CORE raised where the kernel writes cores there).
#ifndef FORKCHECK_SUPERVISOR_TRIAL_RUNNER_H_
#define FORKCHECK_SUPERVISOR_TRIAL_RUNNER_H_

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "diagnosis/stack_trace.h"
#include "forkcheck/worker.pb.h"

namespace forkcheck {

inline constexpr char kTrialTokenEnv[] = "FORKCHECK_TRIAL_TOKEN";
inline constexpr size_t kMaxTrialStdinBytes = 64 * 1024;
// What is kept of each process's standard error: its last bytes.
inline constexpr size_t kMaxStderrBytes = 64 * 1024;
// How long a debugger may take over a hung trial's processes or one core,
// and wait for a debugger slot before it starts. Only a trial that asks for
// stacks pays it: a hung one at most five times this (a wait and a gdb,
// and when that gave no stacks a second wait and a gdb of twice the bound),
// a crashed one at most eight (cores get twice the bound for each, in up
// to two gdb runs). gdb takes about a second here, several on a loaded
// 2-core machine.
inline constexpr std::chrono::milliseconds kStackCaptureBound{8000};

struct TrialCommand {
  std::vector<std::string> argv;  // argv[0] is a path
  // Extra KEY=VALUE entries; a bare KEY unsets KEY (see SpawnOptions).
  std::vector<std::string> env;
  int workers = 1;
  // Written to the trial's standard input, which is then closed (a testee's
  // request: protos/forkcheck/testee.proto). At most kMaxTrialStdinBytes,
  // so that it fits a pipe's buffer and writing it never blocks. Empty: the
  // trial's standard input is /dev/null.
  std::string stdin_bytes;
  // From exec until every pipe is at EOF and the trial process has exited;
  // then the whole trial is killed.
  std::chrono::milliseconds watchdog{10000};
  // The watchdog counts time the trial could run: when it passes, the
  // longest time one live thread of the trial waited for a CPU
  // (cpu_starvation.h) is added to it, up to this many watchdogs, and the
  // check is made again when that passes, for as long as the wait grows. A
  // hung process sleeps and adds nothing after it hung; a starved one is
  // still waiting. 0: wall time.
  double max_starvation_allowance = 2.0;
  // When the watchdog fires, sent to every live process of the trial
  // before a debugger attaches: a testee's own stack dump
  // (TesteeDescription.stack_dump_signal); 0 sends none.
  int stack_dump_signal = 0;
  // Whether to capture stacks of a hung trial and read its cores (seconds
  // of debugger time); off, a hang is killed at once and cores are not
  // enabled.
  bool explain_failures = true;
  // With explain_failures, whether a hung trial's stacks are captured, and
  // whether a crashed trial's cores are written and read: a caller that has
  // the stacks of enough hangs (or crashes) of the same cell spares the
  // debugger time.
  bool capture_hung_stacks = true;
  bool read_cores = true;
  // How long a debugger may take over one process's stacks or one core
  // (kStackCaptureBound, scaled where the machine or a sanitizer build is
  // slow, as the watchdog is).
  std::chrono::milliseconds stack_capture_bound = kStackCaptureBound;
};

// What the trial's processes did, unjudged (see outcome_classifier.h).
struct TrialRecord {
  struct ProcessReport {
    std::vector<v1::WorkerMessage> messages;  // in arrival order
    bool eof = false;            // the pipe closed before the watchdog
    std::string protocol_error;  // empty unless the pipe broke the protocol
    // What the process wrote on its standard error (worker threads share
    // their process's; processes a worker starts write on their worker's):
    // the last kMaxStderrBytes, and how many bytes before them were dropped.
    std::string stderr_tail;
    int64_t stderr_bytes_dropped = 0;
  };
  ProcessReport parent;
  std::vector<ProcessReport> workers;
  // The trial process's waitpid() status; nullopt if it could not be reaped.
  std::optional<int> trial_wait_status;
  // wait4()'s rusage of the trial process, set when it was reaped: user and
  // system CPU and context switches of the process and of every descendant
  // that was reaped within the trial (the kernel adds a reaped child's usage
  // to its parent's), max_rss_kib the largest of their peak RSS. Processes
  // the trial left for this process (the subreaper) to reap are not in it.
  std::optional<v1::ResourceUsage> trial_usage;
  bool watchdog_fired = false;
  std::chrono::microseconds wall{0};  // exec to exit or watchdog
  // What the watchdog allowed beyond TrialCommand::watchdog because the
  // trial's threads waited for a CPU (0: none was needed or granted).
  std::chrono::microseconds starvation_allowance{0};
  // The watchdog fired at the allowance's bound while a thread of the trial
  // was still waiting for a CPU: a hang that may be the machine's load.
  bool killed_waiting_for_cpu = false;
  pid_t pgid = 0;  // the trial's process group (= the trial process's pid)
  // Trial processes found outside the process group and killed.
  int escaped_processes = 0;
  // Empty if everything of the trial was reaped; else what was left.
  std::string cleanup_error;
  // Stacks of the processes alive when the watchdog fired, captured before
  // the kill, then of those that left a core, in that order (ProcessRole
  // names each). A capture that failed is here with its error.
  std::vector<ProcessStacks> stacks;
  // Why no core could be had, e.g. "core_pattern pipes to a program"; empty
  // if nothing stood in the way.
  std::string core_error;
  // The time the capture and the cores took, on top of `wall`.
  std::chrono::microseconds diagnosis_wall{0};
};

// "parent" for the trial process, "worker 1" for a pid that worker 1 sent
// (PhaseReached.pid), else "process 1234" (a process a worker or the parent
// started, e.g. a fork server).
std::string ProcessRole(const TrialRecord& record, int pid);

// What the pipes said, read the one way every reader of a record reads it:
// a worker's result is the first it sent (a second one is misuse, which
// ClassifyTrial reports), the parent's facts the last it sent. nullptr if
// there is none.
const v1::WorkerResult* WorkerResultOf(
    const TrialRecord::ProcessReport& worker);
const v1::ParentFacts* ParentFactsOf(const TrialRecord& record);

// INVALID_ARGUMENT for a bad command; INTERNAL if pipes, fork or the
// subreaper setting fail. A trial that misbehaves is never an error here.
absl::StatusOr<TrialRecord> RunTrial(const TrialCommand& command);

}  // namespace forkcheck

#endif  // FORKCHECK_SUPERVISOR_TRIAL_RUNNER_H_
