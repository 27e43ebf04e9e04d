// WorkerReporter opens worker i's pipe from FORKCHECK_REPORT_FDS: ForThread
// leaves every other pipe open (threads of one process share them);
// ForWorker (a forked worker) closes them and takes its own stderr pipe.
#include "framing/worker_reporter.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "framing/worker_messages.h"
#include "gtest/gtest.h"

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
    WorkerMessageReader reader(fds_[i][0]);
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

// In a forked child, because ForWorker replaces the process's fd 2.
TEST_F(WorkerReporterTest, ForWorkerMakesItsStderrPipeFdTwo) {
  int worker_stderr[2][2];
  for (auto& fds : worker_stderr) ASSERT_EQ(pipe(fds), 0);
  setenv(kWorkerStderrFdsEnv,
         absl::StrCat(worker_stderr[0][1], ",", worker_stderr[1][1]).c_str(),
         1);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    absl::StatusOr<WorkerReporter> reporter = WorkerReporter::ForWorker(1);
    const bool others_closed =
        !IsOpen(worker_stderr[0][1]) && !IsOpen(worker_stderr[1][1]);
    const char text[] = "worker 1 says";
    const bool written =
        write(STDERR_FILENO, text, sizeof(text) - 1) == sizeof(text) - 1;
    _exit(reporter.ok() && others_closed && written ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  unsetenv(kWorkerStderrFdsEnv);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  close(worker_stderr[0][1]);
  close(worker_stderr[1][1]);
  char buffer[64] = {};
  EXPECT_EQ(read(worker_stderr[1][0], buffer, sizeof(buffer)), 13);
  EXPECT_STREQ(buffer, "worker 1 says");
  EXPECT_EQ(read(worker_stderr[0][0], buffer, sizeof(buffer)), 0);
  close(worker_stderr[0][0]);
  close(worker_stderr[1][0]);
}

TEST_F(WorkerReporterTest, StderrPipesForTheWrongNumberOfWorkersAreAnError) {
  setenv(kWorkerStderrFdsEnv, "9", 1);
  EXPECT_EQ(WorkerReporter::ForWorker(0).status().code(),
            absl::StatusCode::kInvalidArgument);
  unsetenv(kWorkerStderrFdsEnv);
}

TEST_F(WorkerReporterTest, PhasesCarryThePid) {
  absl::StatusOr<WorkerReporter> reporter = WorkerReporter::ForThread(0);
  ASSERT_TRUE(reporter.ok()) << reporter.status();
  reporter->Phase(v1::PHASE_STARTED);
  std::vector<v1::WorkerMessage> messages = Drain(1);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].phase().pid(), getpid());
}

TEST_F(WorkerReporterTest, AWorkerBeyondThePipesIsOutOfRange) {
  EXPECT_EQ(WorkerReporter::ForThread(2).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(WorkerReporter::ForThread(-1).status().code(),
            absl::StatusCode::kOutOfRange);
}

int64_t MonotonicMicros() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return int64_t{now.tv_sec} * 1000000 + now.tv_nsec / 1000;
}

// The stamps are compared across processes, so they must be CLOCK_MONOTONIC
// itself, not just some steady clock.
TEST_F(WorkerReporterTest, AWorkersStartIsOnClockMonotonic) {
  const int64_t before = MonotonicMicros();
  absl::StatusOr<WorkerReporter> reporter = WorkerReporter::ForThread(0);
  const int64_t after = MonotonicMicros();
  ASSERT_TRUE(reporter.ok()) << reporter.status();
  EXPECT_GE(reporter->StartMonotonicMicros(), before);
  EXPECT_LE(reporter->StartMonotonicMicros(), after);
}

TEST_F(WorkerReporterTest, ParentFactsCarryTheWorkersStartAndUsage) {
  absl::StatusOr<ParentReporter> parent = ParentReporter::FromEnvironment();
  ASSERT_TRUE(parent.ok()) << parent.status();
  parent->ParentFacts(3);  // not marked yet
  const int64_t before = MonotonicMicros();
  parent->MarkWorkersStarting();
  const int64_t after = MonotonicMicros();
  parent->ParentFacts(-1);
  std::vector<v1::WorkerMessage> messages = Drain(0);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].parent_facts().tcp_connections(), 3);
  EXPECT_EQ(messages[0].parent_facts().workers_started_monotonic_micros(), 0);
  const v1::ParentFacts& facts = messages[1].parent_facts();
  EXPECT_EQ(facts.tcp_connections(), -1);
  EXPECT_GE(facts.workers_started_monotonic_micros(), before);
  EXPECT_LE(facts.workers_started_monotonic_micros(), after);
  // A running test process has touched memory.
  EXPECT_GT(facts.usage().max_rss_kib(), 0);
}

}  // namespace
}  // namespace forkcheck
