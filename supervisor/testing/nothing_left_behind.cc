#include "supervisor/testing/nothing_left_behind.h"

#include <signal.h>

#include <cerrno>

#include "gtest/gtest.h"

namespace forkcheck {

void ExpectNothingLeftBehind(const TrialRecord& record) {
  EXPECT_EQ(record.cleanup_error, "");
  errno = 0;
  EXPECT_EQ(kill(-record.pgid, 0), -1) << "process group left behind";
  EXPECT_EQ(errno, ESRCH);
}

}  // namespace forkcheck
