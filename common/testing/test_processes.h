// What forkcheck's C++ tests of processes and files share: a bounded wait
// for a child (a test must never hang on one) and a fresh directory of its
// own under the test's TEST_TMPDIR.
#ifndef FORKCHECK_COMMON_TESTING_TEST_PROCESSES_H_
#define FORKCHECK_COMMON_TESTING_TEST_PROCESSES_H_

#include <sys/types.h>

#include <string>

namespace forkcheck::test_support {

// Waits at most 10 s for child `pid`, then SIGKILLs it (and records a test
// failure). Its wait status.
int BoundedWait(pid_t pid);

// $TEST_TMPDIR/<name>, emptied and made afresh.
std::string FreshTestDirectory(const std::string& name);

}  // namespace forkcheck::test_support

#endif  // FORKCHECK_COMMON_TESTING_TEST_PROCESSES_H_
