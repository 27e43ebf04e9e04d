#include "common/subprocess.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using std::chrono::milliseconds;

TEST(SubprocessTest, ReadsLinesAndReportsExit) {
  auto child =
      Subprocess::Start({"/bin/sh", "-c", "echo first; echo second; exit 3"});
  ASSERT_TRUE(child.ok()) << child.status();
  EXPECT_EQ(*(*child)->ReadLine(milliseconds(5000)), "first");
  EXPECT_EQ(*(*child)->ReadLine(milliseconds(5000)), "second");
  EXPECT_EQ((*child)->ReadLine(milliseconds(5000)).status().code(),
            absl::StatusCode::kUnavailable);
  std::optional<int> status = (*child)->Wait(milliseconds(5000));
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(DescribeWaitStatus(*status), "exited with status 3");
}

TEST(SubprocessTest, ReadLineAndWaitAreBounded) {
  auto child = Subprocess::Start({"/bin/sleep", "30"});
  ASSERT_TRUE(child.ok());
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ((*child)->ReadLine(milliseconds(100)).status().code(),
            absl::StatusCode::kDeadlineExceeded);
  EXPECT_FALSE((*child)->Wait(milliseconds(100)).has_value());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  int status = (*child)->Stop(milliseconds(2000));
  EXPECT_EQ(DescribeWaitStatus(status), "killed by signal SIGTERM");
}

TEST(SubprocessTest, StopKillsWhatIgnoresSigtermAndItsGroup) {
  // The shell ignores SIGTERM and leaves a grandchild in its process group.
  auto child = Subprocess::Start(
      {"/bin/sh", "-c", "trap '' TERM; sleep 30 & echo $!; wait"});
  ASSERT_TRUE(child.ok());
  auto grandchild = (*child)->ReadLine(milliseconds(5000));
  ASSERT_TRUE(grandchild.ok()) << grandchild.status();
  int status = (*child)->Stop(milliseconds(200));
  EXPECT_EQ(DescribeWaitStatus(status), "killed by signal SIGKILL");
  // The grandchild was killed too (it is reparented and reaped by init, so
  // probe until it is gone).
  const pid_t pid = std::stoi(*grandchild);
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    gone = kill(pid, 0) != 0;
    if (!gone) std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_TRUE(gone);
}

// The child exits 0 only if FORKCHECK_TEST_SET is "new" and
// FORKCHECK_TEST_GONE is unset, although this process has both set.
TEST(SubprocessTest, SpawnSetsReplacesAndUnsetsEnvironment) {
  setenv("FORKCHECK_TEST_SET", "old", 1);
  setenv("FORKCHECK_TEST_GONE", "here", 1);
  SpawnOptions options;
  options.env = {"FORKCHECK_TEST_SET=new", "FORKCHECK_TEST_GONE"};
  auto pid = SpawnInProcessGroup({"/bin/sh", "-c",
                                  "test \"$FORKCHECK_TEST_SET\" = new && "
                                  "test -z \"${FORKCHECK_TEST_GONE+set}\""},
                                 options);
  unsetenv("FORKCHECK_TEST_SET");
  unsetenv("FORKCHECK_TEST_GONE");
  ASSERT_TRUE(pid.ok()) << pid.status();
  std::optional<int> status = WaitForChild(*pid, milliseconds(5000));
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(DescribeWaitStatus(*status), "exited with status 0");
}

// The child exits 0 only if it runs in /tmp with a core limit of 4096
// 512-byte blocks (ulimit -c), whatever this process's are.
TEST(SubprocessTest, SpawnSetsWorkingDirectoryAndCoreLimit) {
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_CORE, &limit), 0);
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < 4096 * 512) {
    GTEST_SKIP() << "the hard RLIMIT_CORE here is " << limit.rlim_max;
  }
  SpawnOptions options;
  options.working_directory = "/tmp";
  options.core_limit_bytes = 4096 * 512;
  auto pid = SpawnInProcessGroup(
      {"/bin/sh", "-c", "test \"$(pwd)\" = /tmp && test $(ulimit -c) = 4096"},
      options);
  ASSERT_TRUE(pid.ok()) << pid.status();
  std::optional<int> status = WaitForChild(*pid, milliseconds(5000));
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(DescribeWaitStatus(*status), "exited with status 0");
}

TEST(SubprocessTest, ProcessStateReadsTheKernelsLetter) {
  EXPECT_EQ(ProcessState(getpid()), 'R');  // reading its own stat: running
  auto pid = SpawnInProcessGroup({"/bin/sleep", "30"}, SpawnOptions());
  ASSERT_TRUE(pid.ok()) << pid.status();
  kill(*pid, SIGSTOP);
  // The stop takes effect once the child next runs: on a loaded machine,
  // later than any fixed sleep.
  char state = '\0';
  for (int i = 0; i < 500 && (state = ProcessState(*pid)) != 'T'; ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_EQ(state, 'T');
  kill(*pid, SIGKILL);
  ASSERT_TRUE(WaitForChild(*pid, milliseconds(5000)).has_value());
  EXPECT_EQ(ProcessState(*pid), '\0');  // reaped: no such process
}

TEST(SubprocessTest, ExecFailureIsAnExitNotAHang) {
  auto child = Subprocess::Start({"/nonexistent/binary"});
  ASSERT_TRUE(child.ok());
  std::optional<int> status = (*child)->Wait(milliseconds(5000));
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(DescribeWaitStatus(*status), "exited with status 127");
}

}  // namespace
}  // namespace forkcheck
