#include "common/interrupt_cleanup.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "common/testing/test_processes.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using ::forkcheck::test_support::AwaitSignal;
using ::forkcheck::test_support::BoundedWait;
using ::forkcheck::test_support::ForkReportingChild;
using ::forkcheck::test_support::ReadFromChild;
using ::forkcheck::test_support::ReportingChild;

// A child that registers `kept` and `removed` (then forgets `kept`), says
// it is ready on `ready_fd`, and waits to be signalled.
[[noreturn]] void RunChild(const std::string& kept, const std::string& removed,
                           int ready_fd) {
  InstallInterruptCleanup();
  RemoveOnInterrupt(kept);
  RemoveOnInterrupt(removed);
  ForgetOnInterrupt(kept);
  const char ready = 'r';
  if (write(ready_fd, &ready, 1) != 1) _exit(3);
  AwaitSignal(4);
}

class InterruptCleanupTest : public ::testing::TestWithParam<int> {};

TEST_P(InterruptCleanupTest, RemovesRegisteredDirectoriesAndDiesOfTheSignal) {
  const int signal_number = GetParam();
  const std::string root =
      std::string(getenv("TEST_TMPDIR")) + "/" + std::to_string(signal_number);
  const std::string kept = root + "/kept";
  const std::string removed = root + "/removed";
  std::filesystem::create_directories(kept);
  std::filesystem::create_directories(removed + "/nested");
  std::ofstream(removed + "/nested/server.sock") << "x";

  const ReportingChild child = ForkReportingChild(
      [&](int to_test) { RunChild(kept, removed, to_test); });
  ASSERT_GT(child.pid, 0);
  ASSERT_EQ(ReadFromChild(child.from_child, 1), "r");
  close(child.from_child);
  ASSERT_EQ(kill(child.pid, signal_number), 0);
  const int status = BoundedWait(child.pid);

  ASSERT_TRUE(WIFSIGNALED(status)) << "wait status " << status;
  EXPECT_EQ(WTERMSIG(status), signal_number);
  EXPECT_FALSE(std::filesystem::exists(removed));
  EXPECT_TRUE(std::filesystem::exists(kept));  // forgotten: left alone
}

INSTANTIATE_TEST_SUITE_P(Signals, InterruptCleanupTest,
                         ::testing::Values(SIGINT, SIGTERM, SIGHUP));

// A child that makes its own temporary directory, leaves a file in it as a
// child process of its would (TMPDIR), writes the directory's path on
// `ready_fd`, then exits (`interrupted`: waits to be signalled).
[[noreturn]] void RunTemporaryDirectoryChild(bool interrupted, int ready_fd) {
  setenv("TMPDIR", getenv("TEST_TMPDIR"), 1);
  InstallInterruptCleanup();
  const std::string directory = UseOwnTemporaryDirectory();
  if (directory.empty() || UseOwnTemporaryDirectory() != directory ||
      directory != getenv("TMPDIR")) {
    _exit(5);
  }
  std::filesystem::create_directories(directory + "/pymp-x");
  std::ofstream(directory + "/pymp-x/listener-1") << "x";
  if (write(ready_fd, directory.data(), directory.size()) !=
      static_cast<ssize_t>(directory.size())) {
    _exit(3);
  }
  close(ready_fd);
  if (!interrupted) exit(0);  // atexit handlers run
  AwaitSignal(4);
}

TEST(InterruptCleanupTest, OwnTemporaryDirectoryGoesOnInterruptionAndAtExit) {
  for (const bool interrupted : {true, false}) {
    const ReportingChild child = ForkReportingChild(
        [&](int to_test) { RunTemporaryDirectoryChild(interrupted, to_test); });
    ASSERT_GT(child.pid, 0);
    const std::string directory = ReadFromChild(child.from_child, 4096);
    close(child.from_child);
    ASSERT_FALSE(directory.empty());
    EXPECT_EQ(directory.rfind(
                  std::string(getenv("TEST_TMPDIR")) + "/forkcheck-tmp-", 0),
              0u)
        << directory;
    if (interrupted) {
      ASSERT_EQ(kill(child.pid, SIGINT), 0);
    }
    const int status = BoundedWait(child.pid);
    if (interrupted) {
      EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) << status;
    } else {
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
    }
    EXPECT_FALSE(std::filesystem::exists(directory)) << directory;
  }
}

// A child that, with the cleanup held off, says it is ready, waits for the
// signal to have arrived, then makes `directory` (registered in the same
// step) and says so: the cleanup, run only afterwards, must remove it.
[[noreturn]] void RunHeldOffChild(const std::string& directory, int ready_fd) {
  InstallInterruptCleanup();
  RunWithoutInterruption([&] {
    const char ready = 'r';
    if (write(ready_fd, &ready, 1) != 1) _exit(3);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    RemoveOnInterrupt(directory);  // may register from inside: no deadlock
    std::filesystem::create_directories(directory);
    const char made = 'm';
    if (write(ready_fd, &made, 1) != 1) _exit(3);
  });
  AwaitSignal(4);
}

TEST(InterruptCleanupTest, ASignalWaitsForTheCriticalStepThenCleansUp) {
  const std::string directory =
      std::string(getenv("TEST_TMPDIR")) + "/made_while_held_off";
  const ReportingChild child = ForkReportingChild(
      [&](int to_test) { RunHeldOffChild(directory, to_test); });
  ASSERT_GT(child.pid, 0);
  ASSERT_EQ(ReadFromChild(child.from_child, 1), "r");
  ASSERT_EQ(kill(child.pid, SIGINT), 0);
  // The step goes on to its end after the signal...
  EXPECT_EQ(ReadFromChild(child.from_child, 1), "m");
  close(child.from_child);
  // ...and only then does the cleanup run and the signal end the process.
  const int status = BoundedWait(child.pid);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) << status;
  EXPECT_FALSE(std::filesystem::exists(directory));
}

TEST(InterruptCleanupTest, RegisteringWithoutHandlersChangesNothing) {
  const std::string directory =
      std::string(getenv("TEST_TMPDIR")) + "/untouched";
  std::filesystem::create_directories(directory);
  RemoveOnInterrupt(directory);
  ForgetOnInterrupt(directory);
  EXPECT_TRUE(std::filesystem::exists(directory));
}

}  // namespace
}  // namespace forkcheck
