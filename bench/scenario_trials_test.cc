#include "bench/scenario_trials.h"

#include <cstdio>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "supervisor/outcome_classifier.h"
#include "supervisor/trial_runner.h"

namespace forkcheck {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

// What a Python worker that aborted in grpcio leaves on its stderr:
// faulthandler's fatal dump (diagnosis/stack_trace.h parses it).
constexpr char kAbortedPythonWorker[] =
    "E1207 01:02:03.456 grpc: some library complaint\n"
    "Fatal Python error: Aborted\n"
    "\n"
    "Current thread 0x00007f6c92bcd040 (most recent call first):\n"
    "  File \"/usr/lib/python3/dist-packages/grpc/_channel.py\", line 1001 "
    "in __call__\n"
    "  File \"/work/testees/python_grpcio/share_reader.py\", line 90 in "
    "create_session\n"
    "  File \"/work/testees/python_grpcio/thread_model.py\", line 20 in "
    "_worker\n";

// Everything `write` printed on a FILE*.
template <typename Write>
std::string Printed(Write write) {
  std::FILE* file = std::tmpfile();
  EXPECT_NE(file, nullptr);
  write(file);
  std::rewind(file);
  std::string text;
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, file)) > 0;) {
    text.append(buffer, n);
  }
  std::fclose(file);
  return text;
}

TrialOutcome CrashedWorkerOne() {
  TrialOutcome outcome;
  outcome.workers.resize(2);
  outcome.workers[1].kind = OutcomeKind::kCrash;
  outcome.workers[1].signal = 6;
  outcome.workers[1].detail = "SIGABRT";
  outcome.overall = OutcomeKind::kCrash;
  return outcome;
}

TEST(ExplainNotOkTrialTest, NamesTheSignatureAndLogsTheStderr) {
  TrialRecord record;
  record.workers.resize(2);
  record.workers[1].stderr_tail = kAbortedPythonWorker;
  absl::Status status;
  const std::string log = Printed([&](std::FILE* file) {
    status = ExplainNotOkTrial("python-grpcio:threads at 2 workers", record,
                               CrashedWorkerOne(), file);
  });

  EXPECT_TRUE(absl::IsAborted(status)) << status;
  EXPECT_THAT(status.message(),
              AllOf(HasSubstr("crash: worker 1: crash (SIGABRT)"),
                    HasSubstr("worker 1 stack (faulthandler, SIGABRT): "),
                    HasSubstr("create_session")));
  EXPECT_THAT(log,
              AllOf(HasSubstr("python-grpcio:threads at 2 workers: trial not "
                              "ok: crash: worker 1: crash (SIGABRT)\n"),
                    HasSubstr("  worker 1 stack (faulthandler): "),
                    HasSubstr("  worker 1 stderr: E1207 01:02:03.456 grpc: "
                              "some library complaint\n"),
                    HasSubstr("  worker 1 stderr: Fatal Python error: "
                              "Aborted\n")));
}

TEST(ExplainNotOkTrialTest, WithoutEvidenceSaysWhatWasNotOk) {
  TrialRecord record;
  record.workers.resize(2);
  absl::Status status;
  const std::string log = Printed([&](std::FILE* file) {
    status = ExplainNotOkTrial("cpp:spawn at 2 workers", record,
                               CrashedWorkerOne(), file);
  });

  EXPECT_TRUE(absl::IsAborted(status)) << status;
  EXPECT_EQ(status.message(), "crash: worker 1: crash (SIGABRT)");
  EXPECT_EQ(log,
            "cpp:spawn at 2 workers: trial not ok: crash: worker 1: crash "
            "(SIGABRT)\n");
  EXPECT_THAT(log, Not(HasSubstr("stack")));
}

}  // namespace
}  // namespace forkcheck
