// Real processes under a real gdb. The program under diagnosis is
// //diagnosis/testing:stuck_and_crashing.
#include "diagnosis/gdb_capture.h"

#include <dirent.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/file_util.h"
#include "common/runfiles.h"
#include "common/subprocess.h"
#include "diagnosis/core_files.h"
#include "diagnosis/stack_signature.h"
#include "diagnosis/stack_trace.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// Generous: these tests check what a capture finds, not how fast; the
// bound's own behaviour has its tests. gdb takes about a second here, more
// when other builds share the machine.
CaptureBounds Generous() {
  CaptureBounds bounds;
  bounds.per_process = milliseconds(30000);
  return bounds;
}

std::string Program() {
  auto path = RunfileExecutable("diagnosis/testing/stuck_and_crashing");
  EXPECT_TRUE(path.ok()) << path.status();
  return path.ok() ? *path : "";
}

// The program with --hang, once its three threads wait.
std::unique_ptr<Subprocess> StartHanging() {
  auto child = Subprocess::Start({Program(), "--hang"});
  EXPECT_TRUE(child.ok()) << child.status();
  if (!child.ok()) return nullptr;
  auto ready = (*child)->ReadLine(milliseconds(10000));
  EXPECT_TRUE(ready.ok() && *ready == "ready") << ready.status();
  return std::move(*child);
}

// Processes whose command line contains `needle` (NULs read as spaces, so
// "sleep 31.12 " matches the whole last argument).
std::vector<pid_t> ProcessesWithCommandLine(const std::string& needle) {
  std::vector<pid_t> found;
  DIR* proc = opendir("/proc");
  while (dirent* entry = proc != nullptr ? readdir(proc) : nullptr) {
    pid_t pid = std::atoi(entry->d_name);
    if (pid <= 0) continue;
    // Other processes exit while the scan reads them (ReadFile's error,
    // never istreambuf_iterator's exception).
    absl::StatusOr<std::string> read =
        ReadFile(std::string("/proc/") + entry->d_name + "/cmdline", "cmdline");
    if (!read.ok()) continue;
    std::string cmdline = *std::move(read);
    for (char& c : cmdline) c = c == '\0' ? ' ' : c;
    if (cmdline.find(needle) != std::string::npos) found.push_back(pid);
  }
  if (proc != nullptr) closedir(proc);
  return found;
}

// Whether every process whose command line contains `needle` is gone
// within 5 s: a killed one lingers until the kernel next runs it, later on
// a loaded machine.
bool NoneLeftWithCommandLine(const std::string& needle) {
  for (int i = 0; i < 500; ++i) {
    if (ProcessesWithCommandLine(needle).empty()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

bool HasFrame(const ThreadStack& thread, const std::string& function) {
  for (const StackFrame& frame : thread.frames) {
    if (frame.function == function) return true;
  }
  return false;
}

// The signature of a stuck_and_crashing --hang process. Under a sanitizer
// pause() is the sanitizer's interceptor (`__interceptor_pause`), a frame
// in the executable that the signature keeps: only the end is checked.
void ExpectHangSignature(const ProcessStacks& process) {
  const std::string signature = ProcessSignature(process);
  const std::string end = "HangInNamedFunction ← main";
  EXPECT_TRUE(
      signature.size() >= end.size() &&
      signature.compare(signature.size() - end.size(), end.size(), end) == 0)
      << signature;
}

// Neither stopped ('T') nor in a tracing stop ('t'): a capture must leave
// every target running.
void ExpectRunning(pid_t pid) {
  const char state = ProcessState(pid);
  EXPECT_TRUE(state == 'S' || state == 'R')
      << "process " << pid << " state '" << state << "'";
}

// The kernel's thread ids of `pid`.
std::vector<std::string> ThreadIdsOf(pid_t pid) {
  std::vector<std::string> ids;
  const std::string task = "/proc/" + std::to_string(pid) + "/task";
  DIR* dir = opendir(task.c_str());
  while (dirent* entry = dir != nullptr ? readdir(dir) : nullptr) {
    if (entry->d_name[0] != '.') ids.push_back(entry->d_name);
  }
  if (dir != nullptr) closedir(dir);
  return ids;
}

std::string TempPath(const std::string& name) {
  return std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
}

// Writes an executable shell script at `path`.
void WriteScript(const std::string& path, const std::string& text) {
  {
    std::ofstream script(path);
    script << "#!/bin/sh\n" << text;
  }
  ASSERT_EQ(chmod(path.c_str(), 0755), 0);
}

// A gdb that counts how often it is started, in `count_file`.
std::string CountingGdb(const std::string& count_file) {
  const std::string path = TempPath("gdb_that_counts");
  WriteScript(path, "echo run >> '" + count_file + "'\nexec gdb \"$@\"\n");
  return path;
}

size_t LinesIn(const std::string& path) {
  std::ifstream in(path);
  size_t lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  return lines;
}

TEST(CaptureLiveStacksTest, OneGdbCapturesEveryProcessAndLeavesThemRunning) {
  std::vector<std::unique_ptr<Subprocess>> hanging;
  std::vector<pid_t> pids;
  for (int i = 0; i < 3; ++i) {
    hanging.push_back(StartHanging());
    ASSERT_NE(hanging.back(), nullptr);
    pids.push_back(hanging.back()->pid());
  }
  const std::string runs = TempPath("gdb_runs_one");
  CaptureBounds bounds = Generous();
  bounds.gdb = CountingGdb(runs);
  std::vector<ProcessStacks> stacks = CaptureLiveStacks(pids, bounds);
  // Start-up and symbols paid once for the trial, not once per process.
  EXPECT_EQ(LinesIn(runs), 1u);
  ASSERT_EQ(stacks.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    const ProcessStacks& process = stacks[i];
    SCOPED_TRACE(process.raw);
    EXPECT_EQ(process.pid, pids[i]);
    EXPECT_EQ(process.source, "gdb attach");
    EXPECT_EQ(process.error, "");
    EXPECT_GE(process.threads.size(), 3u);
    // Each process's own threads, none of another's.
    const std::vector<std::string> ids = ThreadIdsOf(process.pid);
    for (const ThreadStack& thread : process.threads) {
      EXPECT_NE(std::find(ids.begin(), ids.end(), thread.lwp), ids.end())
          << "thread " << thread.lwp << " is not process " << process.pid
          << "'s";
    }
    const ThreadStack* main_thread = ThreadThatMatters(process);
    ASSERT_NE(main_thread, nullptr);
    EXPECT_EQ(main_thread->lwp, std::to_string(process.pid));
    EXPECT_TRUE(HasFrame(*main_thread, "HangInNamedFunction"));
    ExpectHangSignature(process);
    EXPECT_NE(process.raw.find("(process " + std::to_string(process.pid) +
                               ") detached]"),
              std::string::npos);
  }
  for (const auto& child : hanging) {
    EXPECT_FALSE(child->Wait(milliseconds(0)).has_value()) << "it died";
    ExpectRunning(child->pid());
  }
}

// A pid that has exited, given among live ones (as a worker that ended
// between listing the trial's processes and the capture).
pid_t GonePid() {
  auto pid = SpawnInProcessGroup({"/bin/true"}, {});
  EXPECT_TRUE(pid.ok());
  if (!pid.ok()) return 0;
  EXPECT_TRUE(WaitForChild(*pid, milliseconds(5000)).has_value());
  return *pid;
}

TEST(CaptureLiveStacksTest, APidThatIsGoneIsAnErrorAtOnce) {
  const pid_t gone = GonePid();
  const auto start = Clock::now();
  std::vector<ProcessStacks> stacks = CaptureLiveStacks({gone}, Generous());
  EXPECT_LT(Clock::now() - start, milliseconds(1000));
  ASSERT_EQ(stacks.size(), 1u);
  EXPECT_EQ(stacks[0].error,
            "process " + std::to_string(gone) + " does not exist");
  EXPECT_TRUE(stacks[0].threads.empty());
  EXPECT_EQ(ProcessSignature(stacks[0]), "(no stacks)");
}

TEST(CaptureLiveStacksTest, APidThatIsGoneAmongLiveOnesLeavesThemCaptured) {
  std::unique_ptr<Subprocess> first = StartHanging();
  std::unique_ptr<Subprocess> second = StartHanging();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  const pid_t gone = GonePid();
  std::vector<ProcessStacks> stacks =
      CaptureLiveStacks({first->pid(), gone, second->pid()}, Generous());
  ASSERT_EQ(stacks.size(), 3u);
  EXPECT_EQ(stacks[1].pid, gone);
  EXPECT_EQ(stacks[1].error,
            "process " + std::to_string(gone) + " does not exist");
  for (size_t i : {0, 2}) {
    SCOPED_TRACE(stacks[i].raw);
    EXPECT_EQ(stacks[i].error, "");
    ExpectHangSignature(stacks[i]);
  }
  ExpectRunning(first->pid());
  ExpectRunning(second->pid());
}

// gdb's attach fails inside the run (a process has one tracer, here this
// test): gdb goes on to the next -ex, so the processes after it are still
// captured, and the error says why.
TEST(CaptureLiveStacksTest, AnAttachThatFailsMidwayLeavesTheOthersCaptured) {
  std::unique_ptr<Subprocess> first = StartHanging();
  std::unique_ptr<Subprocess> traced = StartHanging();
  std::unique_ptr<Subprocess> last = StartHanging();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(traced, nullptr);
  ASSERT_NE(last, nullptr);
  // PTRACE_SEIZE does not stop the process.
  ASSERT_EQ(ptrace(PTRACE_SEIZE, traced->pid(), nullptr, nullptr), 0)
      << std::strerror(errno);
  std::vector<ProcessStacks> stacks =
      CaptureLiveStacks({first->pid(), traced->pid(), last->pid()}, Generous());
  ASSERT_EQ(stacks.size(), 3u);
  EXPECT_EQ(stacks[1].error, "ptrace: Operation not permitted (process " +
                                 std::to_string(traced->pid()) +
                                 " is already traced by " + "process " +
                                 std::to_string(getpid()) + ")")
      << stacks[1].raw;
  EXPECT_TRUE(stacks[1].threads.empty());
  for (size_t i : {0, 2}) {
    SCOPED_TRACE(stacks[i].raw);
    EXPECT_EQ(stacks[i].error, "");
    ExpectHangSignature(stacks[i]);
  }
  for (Subprocess* child : {first.get(), traced.get(), last.get()}) {
    ExpectRunning(child->pid());
  }
  // A tracee would sit in a signal-delivery stop on Subprocess's SIGTERM
  // until its grace ran out; SIGKILL ends it at once.
  kill(traced->pid(), SIGKILL);
}

// The bound passes while gdb is attached to the second of three processes
// (a stand-in gdb sleeps right after that attach): the first keeps its
// stacks, the second and third say how far gdb got, and none is left
// stopped, the one gdb was attached to when it was killed included.
TEST(CaptureLiveStacksTest, ABoundPassingMidwayKeepsWhatWasCaptured) {
  std::vector<std::unique_ptr<Subprocess>> hanging;
  std::vector<pid_t> pids;
  for (int i = 0; i < 3; ++i) {
    hanging.push_back(StartHanging());
    ASSERT_NE(hanging.back(), nullptr);
    pids.push_back(hanging.back()->pid());
  }
  const std::string wrapper = TempPath("gdb_that_hangs");
  const std::string sleep = "sleep 31." + std::to_string(getpid());
  // Rebuilds the arguments, adding a sleep after the second attach.
  WriteScript(wrapper,
              "for arg; do\n"
              "  shift\n"
              "  set -- \"$@\" \"$arg\"\n"
              "  if [ \"$arg\" = 'attach " +
                  std::to_string(pids[1]) +
                  "' ]; then\n"
                  "    set -- \"$@\" -ex 'shell " +
                  sleep +
                  "'\n"
                  "  fi\n"
                  "done\n"
                  "exec gdb \"$@\"\n");
  CaptureBounds bounds;
  bounds.gdb = wrapper;
  // gdb attaches to the first in about a second here; a loaded machine
  // needs more.
  bounds.per_process = milliseconds(15000);
  std::vector<ProcessStacks> stacks = CaptureLiveStacks(pids, bounds);
  ASSERT_EQ(stacks.size(), 3u);
  {
    SCOPED_TRACE(stacks[0].raw);
    EXPECT_EQ(stacks[0].error, "");
    ExpectHangSignature(stacks[0]);
  }
  EXPECT_EQ(stacks[1].error,
            "gdb timed out after 15000 ms while capturing "
            "process " +
                std::to_string(pids[1]))
      << stacks[1].raw;
  // It had attached.
  EXPECT_NE(stacks[1].raw.find("libthread_db"), std::string::npos)
      << stacks[1].raw;
  EXPECT_EQ(stacks[2].error,
            "gdb timed out after 15000 ms before reaching process " +
                std::to_string(pids[2]));
  EXPECT_TRUE(stacks[2].threads.empty());
  EXPECT_TRUE(NoneLeftWithCommandLine(sleep + " "));
  // Long enough for a stop left pending by the dead tracer to take effect.
  std::this_thread::sleep_for(milliseconds(300));
  for (const auto& child : hanging) {
    EXPECT_FALSE(child->Wait(milliseconds(0)).has_value()) << "it died";
    ExpectRunning(child->pid());
  }
}

TEST(CaptureLiveStacksTest, TheBoundKillsGdbAndNothingIsLeftBehind) {
  std::unique_ptr<Subprocess> hanging = StartHanging();
  ASSERT_NE(hanging, nullptr);
  CaptureBounds bounds;
  bounds.per_process = milliseconds(1);
  const auto start = Clock::now();
  std::vector<ProcessStacks> stacks =
      CaptureLiveStacks({hanging->pid()}, bounds);
  EXPECT_LT(Clock::now() - start, milliseconds(3000));
  ASSERT_EQ(stacks.size(), 1u);
  EXPECT_EQ(stacks[0].error,
            "gdb timed out after 1 ms before reaching process " +
                std::to_string(hanging->pid()));
  EXPECT_TRUE(
      ProcessesWithCommandLine("attach " + std::to_string(hanging->pid()))
          .empty());
  EXPECT_FALSE(hanging->Wait(milliseconds(0)).has_value());
  ExpectRunning(hanging->pid());
}

// A stand-in for a gdb killed between sending its attach's SIGSTOP and
// taking it (then the dead tracer leaves its target in a group stop): it
// stops every target and waits. The capture must resume them all.
TEST(CaptureLiveStacksTest, TargetsLeftStoppedAreResumed) {
  std::unique_ptr<Subprocess> first = StartHanging();
  std::unique_ptr<Subprocess> second = StartHanging();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  const std::string stopper = TempPath("gdb_that_stops");
  const std::string sleep = "sleep 27." + std::to_string(getpid());
  WriteScript(stopper,
              "for arg; do\n"
              "  case \"$arg\" in 'attach '*) kill -STOP \"${arg#attach }\";; "
              "esac\n"
              "done\n"
              "exec " +
                  sleep + "\n");
  CaptureBounds bounds;
  bounds.gdb = stopper;
  bounds.per_process = milliseconds(1000);
  std::vector<ProcessStacks> stacks =
      CaptureLiveStacks({first->pid(), second->pid()}, bounds);
  ASSERT_EQ(stacks.size(), 2u);
  EXPECT_EQ(stacks[0].error,
            "gdb timed out after 1000 ms before reaching process " +
                std::to_string(first->pid()));
  EXPECT_TRUE(NoneLeftWithCommandLine(sleep + " "));
  ExpectRunning(first->pid());
  ExpectRunning(second->pid());
}

// A gdb that sleeps past its bound the first time it is started, as one
// reading symbols on a loaded machine, and is gdb after.
std::string GdbSlowTheFirstTime(const std::string& marker,
                                const std::string& sleep) {
  const std::string path = TempPath("gdb_slow_first");
  WriteScript(path, "if [ ! -e '" + marker + "' ]; then\n  : > '" + marker +
                        "'\n  exec " + sleep + "\nfi\nexec gdb \"$@\"\n");
  return path;
}

TEST(CaptureLiveStacksTest, AGdbOutOfTimeIsFollowedByOneWithTwiceTheBound) {
  std::unique_ptr<Subprocess> hanging = StartHanging();
  ASSERT_NE(hanging, nullptr);
  const std::string sleep = "sleep 23." + std::to_string(getpid());
  CaptureBounds bounds = Generous();
  bounds.gdb = GdbSlowTheFirstTime(TempPath("slow_once"), sleep);
  // The second gdb gets 10 s: several times what gdb takes here.
  bounds.per_process = milliseconds(5000);
  bounds.attempts = 2;
  std::vector<ProcessStacks> stacks =
      CaptureLiveStacks({hanging->pid()}, bounds);
  ASSERT_EQ(stacks.size(), 1u);
  SCOPED_TRACE(stacks[0].raw);
  EXPECT_EQ(stacks[0].error, "");
  ExpectHangSignature(stacks[0]);
  EXPECT_TRUE(NoneLeftWithCommandLine(sleep + " "));
  ExpectRunning(hanging->pid());
}

TEST(CaptureLiveStacksTest, EveryAttemptOutOfTimeSaysSoForEach) {
  std::unique_ptr<Subprocess> hanging = StartHanging();
  ASSERT_NE(hanging, nullptr);
  const std::string sleep = "sleep 24." + std::to_string(getpid());
  const std::string never = TempPath("gdb_that_sleeps");
  WriteScript(never, "exec " + sleep + "\n");
  CaptureBounds bounds;
  bounds.gdb = never;
  bounds.per_process = milliseconds(300);
  bounds.attempts = 2;
  const std::vector<ProcessStacks> stacks =
      CaptureLiveStacks({hanging->pid()}, bounds);
  ASSERT_EQ(stacks.size(), 1u);
  const std::string pid = std::to_string(hanging->pid());
  EXPECT_EQ(stacks[0].error,
            "gdb timed out after 600 ms before reaching process " + pid +
                " (attempt 2; the first: gdb timed out after 300 ms before "
                "reaching process " +
                pid + ")");
  EXPECT_TRUE(NoneLeftWithCommandLine(sleep + " "));
  ExpectRunning(hanging->pid());
}

TEST(CaptureLiveStacksTest, OneAttemptUnlessAsked) {
  std::unique_ptr<Subprocess> hanging = StartHanging();
  ASSERT_NE(hanging, nullptr);
  const std::string runs = TempPath("gdb_runs_attempts");
  const std::string counting = TempPath("gdb_counts_and_sleeps");
  WriteScript(counting, "echo run >> '" + runs + "'\nexec sleep 25\n");
  CaptureBounds bounds;
  bounds.gdb = counting;
  bounds.per_process = milliseconds(300);
  CaptureLiveStacks({hanging->pid()}, bounds);
  EXPECT_EQ(LinesIn(runs), 1u);
}

// Captures of trials that hung together queue for the debuggers: the wait
// for a slot is bounded on its own, and does not shorten the gdb's run.
TEST(CaptureLiveStacksTest, WaitingForADebuggerLeavesTheGdbItsWholeBound) {
  std::unique_ptr<Subprocess> hanging = StartHanging();
  ASSERT_NE(hanging, nullptr);
  const std::string hold = "sleep 2." + std::to_string(getpid());
  const std::string holder = TempPath("gdb_that_holds_a_slot");
  WriteScript(holder, "exec " + hold + "\n");
  // Takes every slot for about 2 s.
  std::vector<std::thread> holders;
  for (unsigned i = 0; i < std::max(1u, std::thread::hardware_concurrency());
       ++i) {
    holders.emplace_back([&] {
      CaptureBounds bounds;
      bounds.gdb = holder;
      bounds.per_process = milliseconds(10000);
      CaptureLiveStacks({hanging->pid()}, bounds);
    });
  }
  while (ProcessesWithCommandLine(hold).size() <
         std::max(1u, std::thread::hardware_concurrency())) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  // Ends at once without a stack: what it says is how it ended.
  const std::string quick = TempPath("gdb_that_exits");
  WriteScript(quick, "exit 0\n");
  CaptureBounds bounds;
  bounds.gdb = quick;
  bounds.per_process = milliseconds(1000);
  bounds.slot_wait = milliseconds(30000);
  const std::vector<ProcessStacks> stacks =
      CaptureLiveStacks({hanging->pid()}, bounds);
  for (std::thread& thread : holders) thread.join();
  ASSERT_EQ(stacks.size(), 1u);
  EXPECT_EQ(stacks[0].error.rfind("gdb ended (exited with status 0) before "
                                  "reaching process ",
                                  0),
            0u)
      << stacks[0].error;
  ExpectRunning(hanging->pid());
}

TEST(CaptureLiveStacksTest, SaysWhenGdbIsMissing) {
  CaptureBounds bounds;
  bounds.gdb = "/nonexistent/gdb";
  std::vector<ProcessStacks> stacks = CaptureLiveStacks({getpid()}, bounds);
  ASSERT_EQ(stacks.size(), 1u);
  EXPECT_EQ(stacks[0].error, "gdb not installed (apt-get install gdb)");
  EXPECT_EQ(ReadCoreStacks("/nonexistent/core", "", bounds).error,
            "gdb not installed (apt-get install gdb)");
}

TEST(ReadCoreStacksTest, AMissingCoreIsAnError) {
  ProcessStacks stacks =
      ReadCoreStacks("/nonexistent/core", Program(), Generous());
  EXPECT_EQ(stacks.error,
            "cannot read core file /nonexistent/core: No such file or "
            "directory");
}

struct Crash {
  pid_t pid = 0;
  int wait_status = 0;
  std::string directory;
};

// Runs the program with `mode` in a new directory, RLIMIT_CORE raised in the
// child only. nullopt (and a skip message) when cores cannot be had here.
std::optional<Crash> CrashInTempDirectory(const std::string& mode,
                                          std::string* skip) {
  CoreDumpSetting setting = CoreDumpSupport();
  if (!setting.in_working_directory) {
    *skip =
        "cores do not land in the working directory here: " + setting.reason;
    return std::nullopt;
  }
  Crash crash;
  crash.directory = std::string(std::getenv("TEST_TMPDIR")) + "/crash" + mode;
  EXPECT_EQ(mkdir(crash.directory.c_str(), 0755), 0);
  // exec: the shell's pid becomes the program's, which prints it.
  auto child = Subprocess::Start(
      {"/bin/sh", "-c",
       "ulimit -c unlimited || exit 97; cd \"$0\" && exec \"$1\" \"$2\"",
       crash.directory, Program(), mode});
  EXPECT_TRUE(child.ok()) << child.status();
  if (!child.ok()) return std::nullopt;
  auto pid_line = (*child)->ReadLine(milliseconds(10000));
  std::optional<int> status = (*child)->Wait(milliseconds(30000));
  EXPECT_TRUE(status.has_value());
  if (status.has_value() && WIFEXITED(*status) && WEXITSTATUS(*status) == 97) {
    *skip = "cannot raise RLIMIT_CORE here (its hard limit is lower)";
    return std::nullopt;
  }
  EXPECT_TRUE(pid_line.ok()) << pid_line.status();
  if (!pid_line.ok() || !status.has_value()) return std::nullopt;
  crash.pid = std::stoi(*pid_line);
  crash.wait_status = *status;
  EXPECT_EQ(crash.pid, (*child)->pid());
  return crash;
}

TEST(ReadCoreStacksTest, ASegfaultsCoreNamesTheFaultAndTheFunction) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  // The sanitizer's handler reports the fault and exits: no core to read.
  GTEST_SKIP() << "a sanitizer reports the crash itself, without a core";
#endif
  std::string skip;
  std::optional<Crash> crash = CrashInTempDirectory("--crash", &skip);
  if (!skip.empty()) GTEST_SKIP() << skip;
  ASSERT_TRUE(crash.has_value());
  EXPECT_EQ(DescribeWaitStatus(crash->wait_status), "killed by signal SIGSEGV");
  EXPECT_TRUE(WCOREDUMP(crash->wait_status));
  const std::string expected_core =
      crash->directory + "/core." + std::to_string(crash->pid) + "/" +
      CoreFileName(CoreDumpSupport(), crash->pid, "stuck_and_crash");
  ASSERT_EQ(FindCoreFiles(crash->directory),
            std::vector<std::string>{expected_core});

  ProcessStacks stacks = ReadCoreStacks(expected_core, Program(), Generous());
  SCOPED_TRACE(stacks.raw);
  EXPECT_EQ(stacks.error, "");
  EXPECT_EQ(stacks.source, "gdb core");
  EXPECT_EQ(stacks.pid, crash->pid);
  EXPECT_EQ(stacks.signal, "SIGSEGV");
  EXPECT_EQ(stacks.fault_address, "0x0");
  const std::string signature = ProcessSignature(stacks);
  EXPECT_EQ(signature, "SIGSEGV: CrashInNamedFunction ← main");
  EXPECT_EQ(signature.find("MoveToCoreDirectory"), std::string::npos);

  // Without the executable: found from the core's file mappings.
  char resolved[PATH_MAX];
  ASSERT_NE(realpath(Program().c_str(), resolved), nullptr);
  EXPECT_EQ(CoreExecutable(expected_core, Generous()), resolved);
  ProcessStacks found = ReadCoreStacks(expected_core, "", Generous());
  EXPECT_EQ(found.error, "");
  EXPECT_EQ(ProcessSignature(found), signature);
}

TEST(ReadCoreStacksTest, AnAbortsCoreDropsTheHandlersFrames) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  // The sanitizer's handler reports the fault and exits: no core to read.
  GTEST_SKIP() << "a sanitizer reports the crash itself, without a core";
#endif
  std::string skip;
  std::optional<Crash> crash = CrashInTempDirectory("--abort", &skip);
  if (!skip.empty()) GTEST_SKIP() << skip;
  ASSERT_TRUE(crash.has_value());
  EXPECT_EQ(DescribeWaitStatus(crash->wait_status), "killed by signal SIGABRT");
  std::vector<std::string> cores = FindCoreFiles(crash->directory);
  ASSERT_EQ(cores.size(), 1u);
  ProcessStacks stacks = ReadCoreStacks(cores[0], "", Generous());
  SCOPED_TRACE(stacks.raw);
  EXPECT_EQ(stacks.error, "");
  EXPECT_EQ(stacks.signal, "SIGABRT");
  // Raised, not a fault: si_addr holds the sender's pid, not an address.
  EXPECT_EQ(stacks.fault_address, "");
  ASSERT_FALSE(stacks.threads.empty());
  EXPECT_TRUE(HasFrame(stacks.threads[0], "<signal handler called>"));
  EXPECT_TRUE(HasFrame(stacks.threads[0], "forkcheck::MoveToCoreDirectory"));
  EXPECT_EQ(ProcessSignature(stacks), "SIGABRT: AbortInNamedFunction ← main");
}

}  // namespace
}  // namespace forkcheck
