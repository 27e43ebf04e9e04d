// Runs the process models that must be safe on every gRPC version under the
// supervisor against the fake server (its own process, started once): every
// worker must be ok, the trial must end within its watchdog and leave
// nothing behind. The version-specific models are checked, cell by cell,
// against the expectations file by matrix_expectations_test.

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "conformance/cpp_trials.h"
#include "fakes/fake_server_process.h"
#include "gtest/gtest.h"
#include "matrix/cell.h"
#include "matrix/trial_spec.h"
#include "supervisor/outcome_classifier.h"
#include "supervisor/testee.h"
#include "supervisor/testing/nothing_left_behind.h"
#include "supervisor/trial_runner.h"

namespace forkcheck {
namespace {

using std::chrono::milliseconds;

constexpr int kWorkers = 2;
constexpr int64_t kSmallTableRows = 1000;
constexpr milliseconds kWatchdog(10000);
// Killing, reaping and draining after the watchdog; generous for a loaded
// 2-core machine and sanitizers.
constexpr milliseconds kMargin(2000);

using Variant = std::vector<std::pair<std::string, std::string>>;

class ProcessModelsTest : public ::testing::TestWithParam<ModelCase> {
 protected:
  static void SetUpTestSuite() {
    StartServerAndCppTestee(kWatchdog, &server_, &cpp_);
  }
  static void TearDownTestSuite() { StopServerAndCppTestee(&server_, &cpp_); }

  // Runs `model` on `table` under the supervisor, as the matrix runs a
  // cell's trial, and checks that the trial ended within its watchdog and
  // left nothing behind. `*expects_parent_check` from the description.
  static TrialRecord RunChecked(const std::string& model,
                                const Variant& variant,
                                const std::string& table, milliseconds* elapsed,
                                bool* expects_parent_check = nullptr) {
    TrialRecord empty;
    EXPECT_NE(server_, nullptr);
    EXPECT_NE(cpp_, nullptr);
    if (server_ == nullptr || cpp_ == nullptr) return empty;
    Cell cell;
    cell.model = model;
    cell.variant = variant;
    cell.axes.workers = kWorkers;
    TrialBounds bounds;
    bounds.rpc_timeout = milliseconds(5000);
    bounds.parent_check_timeout = milliseconds(2000);
    bounds.watchdog = kWatchdog;
    absl::StatusOr<PreparedTrial> prepared = PrepareTesteeTrial(
        *cpp_, TrialRequestFor(cell, server_->address(), table, bounds), {},
        kWatchdog);
    EXPECT_TRUE(prepared.ok()) << prepared.status();
    if (!prepared.ok()) return empty;
    if (expects_parent_check != nullptr) {
      *expects_parent_check = prepared->expects_parent_check;
    }
    return RunTimedTrial(*prepared, kWatchdog + kMargin, elapsed);
  }

  static FakeServerProcess* server_;
  static TesteeClient* cpp_;
};

FakeServerProcess* ProcessModelsTest::server_ = nullptr;
TesteeClient* ProcessModelsTest::cpp_ = nullptr;

TEST_P(ProcessModelsTest, RunsUnderTheSupervisorAndIsClassified) {
  const ModelCase& c = GetParam();
  milliseconds elapsed{0};
  bool expects_parent_check = false;
  const TrialRecord record =
      RunChecked(c.model, c.variant, "small", &elapsed, &expects_parent_check);
  if (HasFailure()) return;
  const TrialOutcome outcome =
      ClassifyTrial(record, kSmallTableRows, expects_parent_check);
  ASSERT_EQ(outcome.workers.size(), static_cast<size_t>(kWorkers));
  EXPECT_EQ(outcome.parent_after.has_value(), expects_parent_check);
  std::printf("%s: %s (%lld ms%s)\n",
              CellModelName(kCppClient, c.model, c.variant).c_str(),
              DescribeTrialOutcome(outcome).c_str(),
              static_cast<long long>(elapsed.count()),
              record.watchdog_fired ? ", watchdog fired" : "");

  EXPECT_FALSE(record.watchdog_fired);
  ASSERT_TRUE(record.trial_wait_status.has_value());
  EXPECT_EQ(*record.trial_wait_status, 0);
  for (int i = 0; i < kWorkers; ++i) {
    EXPECT_EQ(outcome.workers[i].kind, OutcomeKind::kOk)
        << "worker " << i << ": " << DescribeWorkerOutcome(outcome.workers[i]);
  }
  EXPECT_EQ(outcome.overall, OutcomeKind::kOk) << DescribeTrialOutcome(outcome);
  EXPECT_EQ(outcome.missing_rows, 0);
  EXPECT_EQ(outcome.duplicate_rows, 0);

  // What benchmarks measure with: the parent stamps its workers' start
  // before the first one starts, each worker its own start, on the one
  // CLOCK_MONOTONIC; the supervisor keeps the whole trial's rusage.
  int64_t workers_started = 0;
  for (const v1::WorkerMessage& message : record.parent.messages) {
    if (message.has_parent_facts()) {
      workers_started =
          message.parent_facts().workers_started_monotonic_micros();
    }
  }
  EXPECT_GT(workers_started, 0) << "no ParentFacts with the workers' start";
  for (int i = 0; i < kWorkers; ++i) {
    for (const v1::WorkerMessage& message : record.workers[i].messages) {
      if (!message.has_result()) continue;
      const v1::WorkerResult& result = message.result();
      EXPECT_GE(result.monotonic_start_micros(), workers_started)
          << "worker " << i;
      EXPECT_LE(result.monotonic_start_micros() + result.done_micros(),
                workers_started + std::chrono::microseconds(elapsed).count())
          << "worker " << i;
    }
  }
  ASSERT_TRUE(record.trial_usage.has_value());
  EXPECT_GT(
      record.trial_usage->user_micros() + record.trial_usage->system_micros(),
      0);
  EXPECT_GT(record.trial_usage->max_rss_kib(), 0);
}

// The TCP connections the thread models really opened (what their parent
// reports after the threads read): with a local subchannel pool every
// channel has its own; one shared channel has one. (With the global pool the
// count is version-specific; the matrix table shows it.)
TEST_F(ProcessModelsTest, ThreadModelsReportTheConnectionsTheyOpened) {
  const std::tuple<std::string, Variant, int> cases[] = {
      {"thread_shared", {}, 1},
      {"channel_per_thread", {{"subchannel_pool", "local"}}, kWorkers},
  };
  for (const auto& [model, variant, expected] : cases) {
    SCOPED_TRACE(model);
    milliseconds elapsed{0};
    const TrialRecord record = RunChecked(model, variant, "small", &elapsed);
    if (HasFailure()) return;
    int reported = -2;
    for (const v1::WorkerMessage& message : record.parent.messages) {
      if (message.has_parent_facts()) {
        reported = message.parent_facts().tcp_connections();
      }
    }
    EXPECT_EQ(reported, expected);
  }
}

// A session that cannot be created (an unknown table) is every worker's
// error, with the server's code, whether the parent or a helper child
// created it, and whether the parent or a fork server holds the workers'
// pipes.
TEST_F(ProcessModelsTest, ASetupFailureIsEveryWorkersError) {
  for (const std::string model :
       {"thread_shared", "fork_then_create_pristine", "spawn", "forkserver"}) {
    SCOPED_TRACE(model);
    milliseconds elapsed{0};
    const TrialRecord record = RunChecked(model, {}, "no_such_table", &elapsed);
    if (HasFailure()) return;
    EXPECT_FALSE(record.watchdog_fired);
    EXPECT_EQ(record.trial_wait_status, std::optional<int>(1 << 8));
    const TrialOutcome outcome =
        ClassifyTrial(record, kSmallTableRows, /*expects_parent_check=*/false);
    ASSERT_EQ(outcome.workers.size(), static_cast<size_t>(kWorkers));
    for (const WorkerOutcome& worker : outcome.workers) {
      EXPECT_EQ(worker.kind, OutcomeKind::kError)
          << DescribeWorkerOutcome(worker);
      EXPECT_EQ(worker.status_code, 5)
          << DescribeWorkerOutcome(worker);  // NOT_FOUND
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Models, ProcessModelsTest,
                         ::testing::ValuesIn(SafeModelCases()),
                         [](const auto& info) { return info.param.test_name; });

}  // namespace
}  // namespace forkcheck
