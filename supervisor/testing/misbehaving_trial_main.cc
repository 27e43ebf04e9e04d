// A trial program without gRPC whose workers misbehave on purpose, to prove
// that the supervisor classifies every kind of misbehaviour and leaves
// nothing behind. Run under the supervisor (see trial_runner.h):
//
//   misbehaving_trial --workers=3 --behavior=ok,hang_connect,crash_segv
//       [--parent_check=ok|error|hang|none] [--expected_rows=1000]
//       [--grandchild_pid_file=PATH] [--workers_are=processes|threads]
//       [--parent=ok|crash_before_reporting]
//
// --behavior is one behaviour for every worker or one per worker. Worker i
// claims rows [i * share, (i + 1) * share) of expected_rows (the last worker
// also takes the remainder). --workers_are=threads runs the workers as
// threads of the trial process, as the thread models do (a crash_segv or
// abort worker then kills them all). --parent=crash_before_reporting: the
// parent of worker processes dies of SIGSEGV once they all ended, before it
// reports any of them.
//
// For the diagnosis (issue 13): hang_in_named_function and
// crash_in_named_function stop in a function of that name (for the stacks
// and the core to show); hang_untraceable hangs the same way in a process a
// debugger cannot attach to (it is traced already); say_on_stderr writes a
// line naming the worker on its stderr (and makes the parent say one too);
// flood_stderr writes 200 KiB there.
//
// For the watchdog's starvation allowance: crowded_cpu pins the worker to
// one CPU beside 5 processes spinning there, then burns 400 ms of its own
// CPU time, so that it needs at least 2.4 s and waits most of it for the CPU.
#include <sched.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "diagnosis/core_directory_handler.h"
#include "forkcheck/worker.pb.h"
#include "framing/worker_reporter.h"

namespace forkcheck {
namespace {

struct Flags {
  int workers = 1;
  std::vector<std::string> behaviors = {"ok"};
  std::string parent_check = "none";
  int64_t expected_rows = 1000;
  std::string grandchild_pid_file;
  bool threads = false;
  std::string parent = "ok";
};

bool ParseFlags(int argc, char** argv, Flags* flags) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    std::string value;
    auto take = [&](absl::string_view name) {
      if (!absl::StartsWith(arg, absl::StrCat("--", name, "="))) return false;
      value = arg.substr(name.size() + 3);
      return true;
    };
    if (take("workers")) {
      if (!absl::SimpleAtoi(value, &flags->workers) || flags->workers < 1) {
        return false;
      }
    } else if (take("behavior")) {
      flags->behaviors = absl::StrSplit(value, ',');
    } else if (take("parent_check")) {
      flags->parent_check = value;
    } else if (take("expected_rows")) {
      if (!absl::SimpleAtoi(value, &flags->expected_rows)) return false;
    } else if (take("grandchild_pid_file")) {
      flags->grandchild_pid_file = value;
    } else if (take("workers_are")) {
      if (value != "processes" && value != "threads") return false;
      flags->threads = value == "threads";
    } else if (take("parent")) {
      if (value != "ok" && value != "crash_before_reporting") return false;
      flags->parent = value;
    } else {
      std::fprintf(stderr, "unknown flag %s\n", arg.c_str());
      return false;
    }
  }
  if (flags->behaviors.size() == 1) {
    flags->behaviors.resize(flags->workers, flags->behaviors[0]);
  }
  return static_cast<int>(flags->behaviors.size()) == flags->workers;
}

[[noreturn]] void SleepForever() {
  while (true) pause();
}

// Named, and kept out of line, for the stacks a debugger captures. It
// waits itself: a call to SleepForever, the last thing it did, could be
// made a jump (as it is under the sanitizers' -O1), leaving no frame.
extern "C" [[noreturn]] __attribute__((noinline)) void HangInNamedFunction() {
  while (true) pause();
}

extern "C" __attribute__((noinline)) void CrashInNamedFunction() {
  volatile int* nowhere = nullptr;
  *nowhere = 1;
}

// Sends every phase up to and including `last`.
void PhasesThrough(WorkerReporter& reporter, v1::Phase last) {
  for (int phase = v1::PHASE_STARTED; phase <= last; ++phase) {
    reporter.Phase(static_cast<v1::Phase>(phase));
  }
}

// Forks a grandchild that ignores SIGTERM and leaves the process group and
// session, as a careless client library's helper process might.
void ForkEscapingGrandchild(const std::string& pid_file) {
  if (fork() != 0) return;
  signal(SIGTERM, SIG_IGN);
  setsid();
  if (!pid_file.empty()) {
    const std::string partial = pid_file + ".partial";
    std::ofstream(partial) << getpid() << "\n";
    std::rename(partial.c_str(), pid_file.c_str());
  }
  SleepForever();
}

// With the default action, not a sanitizer's handler, so that the wait
// status says the signal under ASan too.
[[noreturn]] void Die(int signal_number) {
  signal(signal_number, SIG_DFL);
  raise(signal_number);
  _exit(4);  // not reached: the default action of both is to terminate
}

// Burns `cpu` of this thread's CPU time on one CPU that `spinners` busy
// processes share with it (they are killed and reaped before it returns).
void BurnCpuBesideSpinners(std::chrono::milliseconds cpu, int spinners) {
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(std::max(sched_getcpu(), 0), &one);
  if (sched_setaffinity(0, sizeof(one), &one) != 0) _exit(3);
  std::vector<pid_t> spinning;
  for (int i = 0; i < spinners; ++i) {
    const pid_t pid = fork();
    if (pid == 0) {
      volatile uint64_t turns = 0;
      while (true) turns = turns + 1;
    }
    if (pid > 0) spinning.push_back(pid);
  }
  timespec used{};
  const int64_t wanted = std::chrono::nanoseconds(cpu).count();
  do {
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &used);
  } while (used.tv_sec * 1000000000LL + used.tv_nsec < wanted);
  for (pid_t pid : spinning) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
}

// Worker `index`'s behaviour; returns when the worker is done (a worker
// process then exits 0).
void RunWorker(int index, const Flags& flags, WorkerReporter& reporter) {
  const std::string& behavior = flags.behaviors[index];
  const int64_t share = flags.expected_rows / flags.workers;
  const int64_t begin = index * share;
  const int64_t end =
      index == flags.workers - 1 ? flags.expected_rows : begin + share;

  v1::WorkerResult result;
  result.set_rows_received(end - begin);
  v1::RowIdRange* seen = result.add_seen();
  seen->set_begin(begin);
  seen->set_end(end);

  // Each hang_* behaviour sends the phases up to its own, then hangs.
  const std::map<std::string, v1::Phase> hang_after = {
      {"hang_create", v1::PHASE_STARTED},
      {"hang_connect", v1::PHASE_CLIENT_CREATED},
      {"hang_first_row", v1::PHASE_CONNECTED},
      {"hang_mid_stream", v1::PHASE_FIRST_ROW},
  };
  if (auto hang = hang_after.find(behavior); hang != hang_after.end()) {
    PhasesThrough(reporter, hang->second);
    SleepForever();
  } else if (behavior == "hang_in_named_function") {
    PhasesThrough(reporter, v1::PHASE_CONNECTED);
    HangInNamedFunction();
  } else if (behavior == "hang_untraceable") {
    // Traced by its parent, so no debugger can attach: the parent never
    // waits for its stops, and no signal comes before the final SIGKILL.
    ptrace(PTRACE_TRACEME, 0, nullptr, nullptr);
    PhasesThrough(reporter, v1::PHASE_CONNECTED);
    HangInNamedFunction();
  } else if (behavior == "crash_in_named_function") {
    PhasesThrough(reporter, v1::PHASE_CONNECTED);
    CrashInNamedFunction();
    _exit(5);  // not reached
  } else if (behavior == "say_on_stderr") {
    std::fprintf(stderr, "worker %d says hello on stderr\n", index);
  } else if (behavior == "flood_stderr") {
    const std::string line(1023, 'x');
    for (int i = 0; i < 200; ++i) std::fprintf(stderr, "%s\n", line.c_str());
  } else if (behavior == "crash_segv") {
    PhasesThrough(reporter, v1::PHASE_CONNECTED);
    Die(SIGSEGV);
  } else if (behavior == "abort") {
    PhasesThrough(reporter, v1::PHASE_STARTED);
    Die(SIGABRT);
  } else if (behavior == "ok_after_retry") {
    // Two retries, one of them after a fault the fake injected on purpose.
    result.set_retries(2);
    result.set_injected_fault_retries(1);
    result.set_first_retried_status_code(14);
    result.set_first_retried_status_message(
        "Socket operation on non-socket (simulated)");
  } else if (behavior == "ok_after_injected_retry") {
    result.set_retries(1);
    result.set_injected_fault_retries(1);
  } else if (behavior == "wrong_row") {
    result.set_corrupted_rows(1);
  } else if (behavior == "duplicate") {
    result.set_duplicate_rows(3);
    result.set_rows_received(result.rows_received() + 3);
  } else if (behavior == "missing") {
    seen->set_end(end - 10);
    result.set_rows_received(end - 10 - begin);
  } else if (behavior == "error_unavailable") {
    PhasesThrough(reporter, v1::PHASE_CLIENT_CREATED);
    v1::WorkerResult failed;
    failed.set_status_code(14);
    failed.set_status_message("connection refused (simulated)");
    reporter.Result(failed);
    return;
  } else if (behavior == "garbage") {
    PhasesThrough(reporter, v1::PHASE_STARTED);
    const char junk[] = "\x05\x00\x00\x00not a protobuf at all";
    (void)!write(reporter.fd(), junk, sizeof(junk));
    return;
  } else if (behavior == "silent_exit") {
    PhasesThrough(reporter, v1::PHASE_STARTED);
    return;
  } else if (behavior == "ignore_sigterm_grandchild") {
    PhasesThrough(reporter, v1::PHASE_STARTED);
    ForkEscapingGrandchild(flags.grandchild_pid_file);
    SleepForever();
  } else if (behavior == "spin_200ms") {
    // An ok worker that first burns 200 ms of its own CPU time, for the
    // supervisor's rusage of the whole trial.
    timespec used{};
    do {
      clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &used);
    } while (used.tv_sec == 0 && used.tv_nsec < 200 * 1000 * 1000);
  } else if (behavior == "crowded_cpu") {
    BurnCpuBesideSpinners(std::chrono::milliseconds(400), /*spinners=*/5);
  } else if (behavior != "ok") {
    std::fprintf(stderr, "worker %d: unknown behavior \"%s\"\n", index,
                 behavior.c_str());
    _exit(2);
  }
  PhasesThrough(reporter, v1::PHASE_DONE);
  result.set_done_micros(reporter.ElapsedMicros());
  reporter.Result(result);
}

[[noreturn]] void RunWorkerProcess(int index, const Flags& flags) {
  absl::StatusOr<WorkerReporter> reporter = WorkerReporter::ForWorker(index);
  if (!reporter.ok()) {
    std::fprintf(stderr, "worker %d: %s\n", index,
                 reporter.status().ToString().c_str());
    _exit(3);
  }
  RunWorker(index, flags, *reporter);
  _exit(0);
}

// The thread models' shape: every worker a thread of this process, which
// reports no WorkerExit (there is no worker process to reap).
void RunWorkerThreads(const Flags& flags, ParentReporter& parent) {
  std::vector<std::thread> threads;
  for (int i = 0; i < flags.workers; ++i) {
    threads.emplace_back([i, &flags] {
      absl::StatusOr<WorkerReporter> reporter = WorkerReporter::ForThread(i);
      if (reporter.ok()) RunWorker(i, flags, *reporter);
    });
  }
  for (std::thread& thread : threads) thread.join();
  parent.CloseWorkerFds();
}

int Main(int argc, char** argv) {
  // A supervisor that gave up closes the pipes: fail the write, not the
  // process.
  signal(SIGPIPE, SIG_IGN);
  Flags flags;
  if (!ParseFlags(argc, argv, &flags)) {
    std::fprintf(stderr, "bad flags; see the comment in %s\n", __FILE__);
    return 2;
  }
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
  InstallCoreDirectoryHandler();  // as the real trial program does
#endif
  for (const std::string& behavior : flags.behaviors) {
    if (behavior == "say_on_stderr") {
      std::fprintf(stderr, "parent says hello on stderr\n");
      break;
    }
  }
  absl::StatusOr<ParentReporter> parent = ParentReporter::FromEnvironment();
  if (!parent.ok() || parent->workers() != flags.workers) {
    std::fprintf(stderr, "report fds do not match --workers=%d\n",
                 flags.workers);
    return 2;
  }
  if (flags.threads) {
    RunWorkerThreads(flags, *parent);
  } else {
    std::vector<pid_t> pids;
    for (int i = 0; i < flags.workers; ++i) {
      const pid_t pid = fork();
      if (pid == 0) RunWorkerProcess(i, flags);
      pids.push_back(pid);  // -1 if fork failed: that worker never reports
    }
    parent->CloseWorkerFds();
    // In exit order, so a crash is reported while other workers still hang.
    for (int reaped = 0; reaped < flags.workers;) {
      int status = 0;
      const pid_t done = waitpid(-1, &status, 0);
      if (done < 0) break;  // ECHILD: no workers left
      if (flags.parent == "crash_before_reporting") {
        // Waits for them all, so the test does not race their results.
        ++reaped;
        continue;
      }
      for (int i = 0; i < flags.workers; ++i) {
        if (pids[i] == done) {
          parent->WorkerExit(i, status);
          ++reaped;
        }
      }
    }
    if (flags.parent == "crash_before_reporting") Die(SIGSEGV);
  }
  if (flags.parent_check == "ok") {
    parent->ParentCheck(0, "");
  } else if (flags.parent_check == "error") {
    parent->ParentCheck(14, "parent client broken (simulated)");
  } else if (flags.parent_check == "hang") {
    SleepForever();
  }
  return 0;
}

}  // namespace
}  // namespace forkcheck

int main(int argc, char** argv) { return forkcheck::Main(argc, argv); }
