#include "conformance/cpp_trials.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/runfiles.h"
#include "gtest/gtest.h"
#include "supervisor/testing/nothing_left_behind.h"

namespace forkcheck {

TesteeProgram CppTestee() {
  return TesteeProgram{{RunfileExecutable("models/trial_program").value_or("")},
                       {}};
}

absl::StatusOr<std::unique_ptr<FakeServerProcess>> StartLocalFakeServer() {
  absl::StatusOr<std::string> binary = FakeServerBinaryPath();
  if (!binary.ok()) return binary.status();
  return FakeServerProcess::Start({*binary, {"--listen=127.0.0.1:0"}});
}

void StartServerAndCppTestee(std::chrono::milliseconds watchdog,
                             FakeServerProcess** server, TesteeClient** cpp) {
  absl::StatusOr<std::unique_ptr<FakeServerProcess>> started =
      StartLocalFakeServer();
  ASSERT_TRUE(started.ok()) << started.status();
  *server = std::move(*started).release();
  absl::StatusOr<v1::TesteeDescription> described =
      DescribeTestee(CppTestee(), watchdog);
  ASSERT_TRUE(described.ok()) << described.status();
  *cpp = new TesteeClient{CppTestee(), *std::move(described)};
}

void StopServerAndCppTestee(FakeServerProcess** server, TesteeClient** cpp) {
  if (*server != nullptr) {
    EXPECT_TRUE((*server)->Stop().ok());
  }
  delete *server;
  *server = nullptr;
  delete *cpp;
  *cpp = nullptr;
}

std::string DescribeTrialOutcome(const TrialOutcome& outcome) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < outcome.workers.size(); ++i) {
    parts.push_back(absl::StrCat("worker ", i, ": ",
                                 DescribeWorkerOutcome(outcome.workers[i])));
  }
  if (outcome.parent_after.has_value()) {
    parts.push_back(absl::StrCat("parent_after: ",
                                 DescribeWorkerOutcome(*outcome.parent_after)));
  }
  return absl::StrCat("overall ", OutcomeKindName(outcome.overall), "; ",
                      absl::StrJoin(parts, "; "), "; missing_rows ",
                      outcome.missing_rows, ", duplicate_rows ",
                      outcome.duplicate_rows);
}

TrialRecord RunTimedTrial(const PreparedTrial& prepared,
                          std::chrono::milliseconds bound,
                          std::chrono::milliseconds* elapsed) {
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<TrialRecord> record = RunTrial(prepared.command);
  *elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  EXPECT_TRUE(record.ok()) << record.status();
  if (!record.ok()) return TrialRecord();
  // The watchdog waits longer by the time the trial's threads waited for
  // a CPU (a loaded machine); so may the bound.
  EXPECT_LT(*elapsed,
            bound + std::chrono::duration_cast<std::chrono::milliseconds>(
                        record->starvation_allowance));
  ExpectNothingLeftBehind(*record);
  return *std::move(record);
}

std::vector<ModelCase> SafeModelCases() {
  return {
      {"ThreadShared", "thread_shared", {}},
      {"ChannelPerThreadGlobalPool",
       "channel_per_thread",
       {{"subchannel_pool", "global"}}},
      {"ChannelPerThreadLocalPool",
       "channel_per_thread",
       {{"subchannel_pool", "local"}}},
      {"ForkThenCreatePristine", "fork_then_create_pristine", {}},
      {"Spawn", "spawn", {}},
      {"ForkServer", "forkserver", {}},
  };
}

}  // namespace forkcheck
