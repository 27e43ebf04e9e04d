// What forkcheck's C++ tests of processes and files share: a bounded wait
// for a child (a test must never hang on one) and a fresh directory of its
// own under the test's TEST_TMPDIR.
#ifndef FORKCHECK_COMMON_TESTING_TEST_PROCESSES_H_
#define FORKCHECK_COMMON_TESTING_TEST_PROCESSES_H_

#include <sys/types.h>

#include <functional>
#include <map>
#include <optional>
#include <string>

namespace forkcheck::test_support {

// Waits at most 10 s for child `pid`, then SIGKILLs it (and records a test
// failure). Its wait status.
int BoundedWait(pid_t pid);

// A child forked to run `body`, which tells the test what it did through
// `to_test` (the write end of a pipe) and must not return: it ends with
// _exit, or in AwaitSignal. `from_child` is the read end (the caller
// closes it); pid -1 if the pipe or the fork failed (a test failure is
// recorded).
struct ReportingChild {
  pid_t pid = -1;
  int from_child = -1;
};
ReportingChild ForkReportingChild(const std::function<void(int to_test)>& body);

// Up to `bytes` bytes from `fd`: fewer if the writer closes it first or 30 s
// pass (a test failure is recorded then).
std::string ReadFromChild(int fd, size_t bytes);

// For a child that waits for the test's signal: exits with `code` if none
// came within 100 s, so that a failed test leaves no process behind.
[[noreturn]] void AwaitSignal(int code);

// $TEST_TMPDIR/<name>, emptied and made afresh.
std::string FreshTestDirectory(const std::string& name);

// Runs `body` in a forked child in which the kernel refuses every new thread
// and process, as an exhausted cgroup pids.max would: RLIMIT_NPROC 0 as
// user 65534 (root is exempt from the limit). Returns `body`'s exit code
// (0 to 199). Where nothing can refuse a thread here (the test may not
// become user 65534, or a capability exempts it), nullopt with `*skip` set
// for GTEST_SKIP. A child that dies by a signal (std::terminate's SIGABRT)
// or outlives the bounded wait records a test failure and gives nullopt.
// Call it while the test is single-threaded: it forks.
std::optional<int> ExitCodeWhereThreadsAreRefused(
    const std::function<int()>& body, std::string* skip);

// ExitCodeWhereThreadsAreRefused, expecting `body` to return 0: another
// code is a test failure with its meaning from `meanings` (code -> what
// went wrong); where nothing refuses a thread the test is skipped. Call it
// last in a test.
void ExpectZeroWhereThreadsAreRefused(
    const std::function<int()>& body,
    const std::map<int, std::string>& meanings);

}  // namespace forkcheck::test_support

#endif  // FORKCHECK_COMMON_TESTING_TEST_PROCESSES_H_
