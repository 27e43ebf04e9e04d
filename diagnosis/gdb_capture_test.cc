// Real processes under a real gdb. The program under diagnosis is
// //diagnosis/testing:stuck_and_crashing.
#include "diagnosis/gdb_capture.h"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

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
    std::ifstream in(std::string("/proc/") + entry->d_name + "/cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)),
                        std::istreambuf_iterator<char>());
    for (char& c : cmdline) c = c == '\0' ? ' ' : c;
    if (cmdline.find(needle) != std::string::npos) found.push_back(pid);
  }
  if (proc != nullptr) closedir(proc);
  return found;
}

bool HasFrame(const ThreadStack& thread, const std::string& function) {
  for (const StackFrame& frame : thread.frames) {
    if (frame.function == function) return true;
  }
  return false;
}

TEST(CaptureLiveStacksTest, AttachesToTwoHangingProcessesAndLeavesThemRunning) {
  std::unique_ptr<Subprocess> first = StartHanging();
  std::unique_ptr<Subprocess> second = StartHanging();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  std::vector<ProcessStacks> stacks =
      CaptureLiveStacks({first->pid(), second->pid()}, Generous());
  ASSERT_EQ(stacks.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const ProcessStacks& process = stacks[i];
    SCOPED_TRACE(process.raw);
    EXPECT_EQ(process.pid, i == 0 ? first->pid() : second->pid());
    EXPECT_EQ(process.source, "gdb attach");
    EXPECT_EQ(process.error, "");
    EXPECT_GE(process.threads.size(), 3u);
    const ThreadStack* main_thread = ThreadThatMatters(process);
    ASSERT_NE(main_thread, nullptr);
    EXPECT_EQ(main_thread->lwp, std::to_string(process.pid));
    EXPECT_TRUE(HasFrame(*main_thread, "HangInNamedFunction"));
    EXPECT_EQ(ProcessSignature(process), "HangInNamedFunction ← main");
    EXPECT_NE(process.raw.find("detached"), std::string::npos);
  }
  for (Subprocess* child : {first.get(), second.get()}) {
    EXPECT_FALSE(child->Wait(milliseconds(0)).has_value()) << "it died";
    char state = ProcessState(child->pid());
    EXPECT_TRUE(state == 'S' || state == 'R') << "state " << state;
  }
}

TEST(CaptureLiveStacksTest, APidThatIsGoneIsAnErrorAtOnce) {
  auto pid = SpawnInProcessGroup({"/bin/true"}, {});
  ASSERT_TRUE(pid.ok());
  ASSERT_TRUE(WaitForChild(*pid, milliseconds(5000)).has_value());
  const auto start = Clock::now();
  std::vector<ProcessStacks> stacks = CaptureLiveStacks({*pid}, Generous());
  EXPECT_LT(Clock::now() - start, milliseconds(1000));
  ASSERT_EQ(stacks.size(), 1u);
  EXPECT_EQ(stacks[0].error,
            "process " + std::to_string(*pid) + " does not exist");
  EXPECT_TRUE(stacks[0].threads.empty());
  EXPECT_EQ(ProcessSignature(stacks[0]), "(no stacks)");
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
  EXPECT_EQ(stacks[0].error, "gdb timed out after 1 ms");
  EXPECT_TRUE(
      ProcessesWithCommandLine("-p " + std::to_string(hanging->pid())).empty());
  EXPECT_FALSE(hanging->Wait(milliseconds(0)).has_value());
}

// A gdb that has attached and printed the stacks, then hangs while still
// attached (its target stopped): killed at the bound, its target must run on.
TEST(CaptureLiveStacksTest, AGdbKilledWhileAttachedLeavesTheTargetRunning) {
  std::unique_ptr<Subprocess> hanging = StartHanging();
  ASSERT_NE(hanging, nullptr);
  const std::string wrapper =
      std::string(std::getenv("TEST_TMPDIR")) + "/gdb_that_hangs";
  const std::string sleep = "sleep 31." + std::to_string(getpid());
  {
    std::ofstream script(wrapper);
    script << "#!/bin/sh\nexec gdb \"$@\" -ex 'shell " << sleep << "'\n";
  }
  ASSERT_EQ(chmod(wrapper.c_str(), 0755), 0);
  CaptureBounds bounds;
  bounds.gdb = wrapper;
  bounds.per_process = milliseconds(8000);
  std::vector<ProcessStacks> stacks =
      CaptureLiveStacks({hanging->pid()}, bounds);
  ASSERT_EQ(stacks.size(), 1u);
  EXPECT_EQ(stacks[0].error, "gdb timed out after 8000 ms") << stacks[0].raw;
  // It had attached (gdb's backtraces may still sit in its stdout buffer,
  // lost with it).
  EXPECT_NE(stacks[0].raw.find("libthread_db"), std::string::npos)
      << stacks[0].raw;
  EXPECT_TRUE(ProcessesWithCommandLine(sleep + " ").empty());
  // Long enough for a stop left pending by the dead tracer to take effect.
  std::this_thread::sleep_for(milliseconds(300));
  char state = ProcessState(hanging->pid());
  EXPECT_TRUE(state == 'S' || state == 'R') << "state " << state;
}

// A stand-in for a gdb killed between sending its attach's SIGSTOP and
// taking it (then the dead tracer leaves its target in a group stop): it
// stops the target and waits. The capture must resume the target.
TEST(CaptureLiveStacksTest, ATargetLeftStoppedIsResumed) {
  std::unique_ptr<Subprocess> hanging = StartHanging();
  ASSERT_NE(hanging, nullptr);
  const std::string stopper =
      std::string(std::getenv("TEST_TMPDIR")) + "/gdb_that_stops";
  const std::string sleep = "sleep 27." + std::to_string(getpid());
  {
    std::ofstream script(stopper);
    script << "#!/bin/sh\n"
              "while [ \"$1\" != -p ]; do shift; done\n"
              "kill -STOP \"$2\"\n"
              "exec "
           << sleep << "\n";
  }
  ASSERT_EQ(chmod(stopper.c_str(), 0755), 0);
  CaptureBounds bounds;
  bounds.gdb = stopper;
  bounds.per_process = milliseconds(1000);
  std::vector<ProcessStacks> stacks =
      CaptureLiveStacks({hanging->pid()}, bounds);
  ASSERT_EQ(stacks.size(), 1u);
  EXPECT_EQ(stacks[0].error, "gdb timed out after 1000 ms");
  EXPECT_TRUE(ProcessesWithCommandLine(sleep + " ").empty());
  char state = ProcessState(hanging->pid());
  EXPECT_TRUE(state == 'S' || state == 'R') << "state " << state;
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
