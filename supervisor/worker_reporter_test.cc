// WorkerReporter opens worker i's pipe from FORKCHECK_REPORT_FDS: ForThread
// leaves every other pipe open (threads of one process share them);
// ForWorker (a forked worker) closes them.
#include "supervisor/worker_reporter.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "supervisor/frame_io.h"

namespace forkcheck {
namespace {

bool IsOpen(int fd) { return fcntl(fd, F_GETFD) != -1; }

// Three pipes: the parent's and two workers'. Sets FORKCHECK_REPORT_FDS to
// their write ends.
class WorkerReporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<int> write_ends;
    for (int i = 0; i < 3; ++i) {
      ASSERT_EQ(pipe(fds_[i]), 0);
      write_ends.push_back(fds_[i][1]);
    }
    setenv(kReportFdsEnv, absl::StrJoin(write_ends, ",").c_str(), 1);
  }
  void TearDown() override {
    unsetenv(kReportFdsEnv);
    for (auto& fd : fds_) {
      close(fd[0]);
      if (IsOpen(fd[1])) close(fd[1]);
    }
  }

  // The messages written on pipe `i` so far; closes its write end.
  std::vector<v1::WorkerMessage> Drain(int i) {
    close(fds_[i][1]);
    fcntl(fds_[i][0], F_SETFL, O_NONBLOCK);
    FrameReader reader(fds_[i][0]);
    std::vector<v1::WorkerMessage> messages;
    EXPECT_TRUE(reader.ReadAvailable(&messages).ok());
    return messages;
  }

  int fds_[3][2];
};

TEST_F(WorkerReporterTest, ForThreadWritesItsOwnPipeAndClosesNone) {
  absl::StatusOr<WorkerReporter> reporter = WorkerReporter::ForThread(1);
  ASSERT_TRUE(reporter.ok()) << reporter.status();
  EXPECT_EQ(reporter->fd(), fds_[2][1]);
  for (auto& fd : fds_) EXPECT_TRUE(IsOpen(fd[1]));
  reporter->Phase(v1::PHASE_STARTED);
  EXPECT_FALSE(reporter->write_failed());
  std::vector<v1::WorkerMessage> messages = Drain(2);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].phase().phase(), v1::PHASE_STARTED);
  EXPECT_TRUE(Drain(1).empty());
}

TEST_F(WorkerReporterTest, ForWorkerClosesEveryOtherPipe) {
  absl::StatusOr<WorkerReporter> reporter = WorkerReporter::ForWorker(0);
  ASSERT_TRUE(reporter.ok()) << reporter.status();
  EXPECT_EQ(reporter->fd(), fds_[1][1]);
  EXPECT_TRUE(IsOpen(fds_[1][1]));
  EXPECT_FALSE(IsOpen(fds_[0][1]));
  EXPECT_FALSE(IsOpen(fds_[2][1]));
}

TEST_F(WorkerReporterTest, AWorkerBeyondThePipesIsOutOfRange) {
  EXPECT_EQ(WorkerReporter::ForThread(2).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(WorkerReporter::ForThread(-1).status().code(),
            absl::StatusCode::kOutOfRange);
}

}  // namespace
}  // namespace forkcheck
