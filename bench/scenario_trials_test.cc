#include "bench/scenario_trials.h"

#include <cstdio>
#include <cstdlib>
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
using ::testing::StartsWith;

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

// A parent waiting for its workers, as faulthandler dumps it on the
// supervisor's stack-dump signal.
constexpr char kWaitingParent[] =
    "Current thread 0x00007f6c92bcd040 (most recent call first):\n"
    "  File \"/usr/lib/python3.11/threading.py\", line 320 in wait\n"
    "  File \"/work/testees/python_grpcio/thread_model.py\", line 50 in "
    "run\n";

// Everything `write` printed on a FILE*.
template <typename Write>
std::string Printed(Write write) {
  char* buffer = nullptr;
  size_t size = 0;
  std::FILE* file = open_memstream(&buffer, &size);
  if (file == nullptr) {
    ADD_FAILURE() << "open_memstream failed";
    return "";
  }
  write(file);
  std::fclose(file);
  std::string text(buffer, size);
  std::free(buffer);
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
  // The outcome first: the smoke test reruns on "crash:" and "hang:".
  EXPECT_THAT(std::string(status.message()),
              AllOf(StartsWith("crash: worker 1: crash (SIGABRT); "),
                    HasSubstr("; worker 1 stack (faulthandler): SIGABRT: "),
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

// A hung trial's parent has stacks too (it waits for its workers): the
// message names the failed worker's.
TEST(ExplainNotOkTrialTest, NamesAFailedWorkersSignatureBeforeTheParents) {
  TrialRecord record;
  record.parent.stderr_tail = kWaitingParent;
  record.workers.resize(2);
  record.workers[1].stderr_tail = kAbortedPythonWorker;
  absl::Status status;
  Printed([&](std::FILE* file) {
    status = ExplainNotOkTrial("BM_X", record, CrashedWorkerOne(), file);
  });

  EXPECT_THAT(std::string(status.message()),
              AllOf(HasSubstr("; worker 1 stack (faulthandler)"),
                    Not(HasSubstr("parent stack"))));
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
