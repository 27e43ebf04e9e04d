// Runs the write workload of every C++ process model that writes, under the
// supervisor against the fake server (its own process, started once),
// through the testee protocol as the matrix runs a cell, and reads each
// trial's table back with the reference reader. The models that must be safe on
// every gRPC version: every worker ok and the table holding exactly rows [0,
// 1000) of `small`, each once, as generated. The others (a child using what its
// parent used before the fork): only that the trial ends within its watchdog,
// is classified and leaves nothing behind; their outcomes depend on the gRPC
// version. A model that only reads refuses a write.

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/channel_factory.h"
#include "client/written_table_check.h"
#include "conformance/cpp_trials.h"
#include "dataset/catalogue.h"
#include "fakes/fake_server_process.h"
#include "gtest/gtest.h"
#include "supervisor/outcome_classifier.h"
#include "supervisor/testee.h"
#include "supervisor/testing/nothing_left_behind.h"
#include "supervisor/trial_runner.h"

namespace forkcheck {
namespace {

using std::chrono::milliseconds;

constexpr int kWorkers = 2;
constexpr int64_t kWriteRows = 1000;  // all of `small`
constexpr char kRowsOf[] = "projects/forkcheck/datasets/synthetic/tables/small";
// The parent's own writes before the fork: 2 appends of 100 rows
// (runtime/parent_client.h, probes/in_flight_write.h).
constexpr int64_t kParentRows = 200;
constexpr milliseconds kWatchdog(10000);
// Killing, reaping and draining after the watchdog; generous for a loaded
// 2-core machine and sanitizers.
constexpr milliseconds kMargin(2000);

using Variant = std::vector<std::pair<std::string, std::string>>;

// A write trial's tables: each trial its own project, so that no trial
// sees another's rows on the one server.
struct WriteTables {
  std::string table;
  std::string parent_table;
};

WriteTables NextTables() {
  static int trial = 0;
  ++trial;
  return {absl::StrCat("projects/wt", trial, "/datasets/writable/tables/small"),
          absl::StrCat("projects/wt", trial,
                       "-parent/datasets/writable/tables/small")};
}

class ProcessModelsWriteTest : public ::testing::TestWithParam<ModelCase> {
 protected:
  static void SetUpTestSuite() {
    StartServerAndCppTestee(kWatchdog, &server_, &cpp_);
  }
  static void TearDownTestSuite() { StopServerAndCppTestee(&server_, &cpp_); }

  // The write request of `model` for `tables`, as matrix/trial_spec.h's
  // TrialRequestFor builds a cell's at its default axes, with the write
  // settings. (Not through TrialRequestFor itself: matrix/cell.h's Cell and
  // dataset/row.h's are two types of one name, and a binary that has both
  // and decodes rows crashes, the row decoder's ~Cell being the matrix's.)
  static v1::TrialRequest WriteRequest(const std::string& model,
                                       const Variant& variant,
                                       const WriteTables& tables) {
    v1::TrialRequest trial;
    trial.set_model(model);
    AddNamedValues(variant, trial.mutable_variant());
    trial.set_target(server_->address());
    trial.set_table(tables.table);
    trial.set_workers(kWorkers);
    trial.set_max_streams(2 * kWorkers);
    trial.set_stream_assignment(v1::STREAM_ASSIGNMENT_ROUND_ROBIN);
    trial.set_connect_timeout_ms(5000);
    trial.set_create_session_timeout_ms(5000);
    trial.set_parent_check_timeout_ms(2000);
    trial.set_worker_patience_ms(1000);
    trial.set_watchdog_ms(kWatchdog.count());
    trial.set_workload("write");
    trial.set_write_rows(kWriteRows);
    trial.set_parent_write_table(tables.parent_table);
    return trial;
  }

  // Runs `trial` under the supervisor and checks that it ended within its
  // watchdog and left nothing behind. `*expects_parent_check` from the
  // description.
  static TrialRecord RunChecked(const v1::TrialRequest& trial,
                                milliseconds* elapsed,
                                bool* expects_parent_check) {
    TrialRecord empty;
    absl::StatusOr<PreparedTrial> prepared =
        PrepareTesteeTrial(*cpp_, trial, {}, kWatchdog);
    EXPECT_TRUE(prepared.ok()) << prepared.status();
    if (!prepared.ok()) return empty;
    // A hang is killed at the watchdog, its stacks not captured: the
    // outcome is what is tested here, not its explanation.
    prepared->command.explain_failures = false;
    *expects_parent_check = prepared->expects_parent_check;
    return RunTimedTrial(*prepared, kWatchdog + kMargin, elapsed);
  }

  // `table` read back: its rows [0, rows) of `small`, each once?
  static absl::StatusOr<ReadAccount> ReadBack(const std::string& table,
                                              int64_t rows) {
    return ReadBackWrittenTable(NewChannel(server_->address()), table,
                                *Catalogue::Default().Find(kRowsOf), rows);
  }

  // Runs `c`'s write trial; the outcome and the tables it wrote.
  static std::optional<TrialOutcome> RunWriteTrial(const ModelCase& c,
                                                   WriteTables* tables,
                                                   TrialRecord* record) {
    if (server_ == nullptr || cpp_ == nullptr) {
      ADD_FAILURE() << "no server or testee";
      return std::nullopt;
    }
    *tables = NextTables();
    milliseconds elapsed{0};
    bool expects_parent_check = false;
    *record = RunChecked(WriteRequest(c.model, c.variant, *tables), &elapsed,
                         &expects_parent_check);
    if (::testing::Test::HasFailure()) return std::nullopt;
    TrialOutcome outcome =
        ClassifyTrial(*record, kWriteRows, expects_parent_check);
    EXPECT_EQ(outcome.workers.size(), static_cast<size_t>(kWorkers));
    EXPECT_EQ(outcome.parent_after.has_value(), expects_parent_check);
    std::printf("%s, write: %s (%lld ms%s)\n", c.test_name.c_str(),
                DescribeTrialOutcome(outcome).c_str(),
                static_cast<long long>(elapsed.count()),
                record->watchdog_fired ? ", watchdog fired" : "");
    return outcome;
  }

  static FakeServerProcess* server_;
  static TesteeClient* cpp_;
};

FakeServerProcess* ProcessModelsWriteTest::server_ = nullptr;
TesteeClient* ProcessModelsWriteTest::cpp_ = nullptr;

class SafeWriteTest : public ProcessModelsWriteTest {};
class ClassifiedWriteTest : public ProcessModelsWriteTest {};

TEST_P(SafeWriteTest, EveryWorkerWritesItsShareAndTheTableHoldsEachRowOnce) {
  const ModelCase& c = GetParam();
  WriteTables tables;
  TrialRecord record;
  const std::optional<TrialOutcome> outcome =
      RunWriteTrial(c, &tables, &record);
  ASSERT_TRUE(outcome.has_value());
  EXPECT_FALSE(record.watchdog_fired);
  EXPECT_EQ(record.trial_wait_status, std::optional<int>(0));
  for (const WorkerOutcome& worker : outcome->workers) {
    EXPECT_EQ(worker.kind, OutcomeKind::kOk) << DescribeWorkerOutcome(worker);
  }
  EXPECT_EQ(outcome->overall, OutcomeKind::kOk)
      << DescribeTrialOutcome(*outcome);
  EXPECT_EQ(outcome->missing_rows, 0);
  EXPECT_EQ(outcome->duplicate_rows, 0);
  // Each worker's share, acknowledged through a stream of its own.
  for (int i = 0; i < kWorkers; ++i) {
    for (const v1::WorkerMessage& message : record.workers[i].messages) {
      if (!message.has_result()) continue;
      const v1::WorkerResult& result = message.result();
      EXPECT_EQ(result.rows_received(), kWriteRows / kWorkers) << i;
      ASSERT_EQ(result.seen_size(), 1) << i;
      EXPECT_EQ(result.seen(0).begin(), i * kWriteRows / kWorkers);
      EXPECT_EQ(result.seen(0).end(), (i + 1) * kWriteRows / kWorkers);
      EXPECT_GT(result.bytes(), 0) << i;
      ASSERT_EQ(result.streams_size(), 1) << i;
      EXPECT_NE(result.streams(0).stream().find(tables.table + "/streams/"),
                std::string::npos)
          << result.streams(0).stream();
      EXPECT_GE(result.first_row_micros(), result.connected_micros()) << i;
    }
  }

  absl::StatusOr<ReadAccount> written = ReadBack(tables.table, kWriteRows);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_TRUE(written->exactly_once())
      << written->unique_rows << " unique of " << written->rows_received << "; "
      << written->first_error;
  EXPECT_EQ(written->unique_rows, kWriteRows);

  // A parent that used its client before starting its workers wrote its
  // own rows elsewhere, and its check of its client (a write stream of its
  // table) passed.
  if (outcome->parent_after.has_value()) {
    EXPECT_EQ(outcome->parent_after->kind, OutcomeKind::kOk)
        << DescribeWorkerOutcome(*outcome->parent_after);
    absl::StatusOr<ReadAccount> parents =
        ReadBack(tables.parent_table, kParentRows);
    ASSERT_TRUE(parents.ok()) << parents.status();
    EXPECT_TRUE(parents->exactly_once())
        << parents->unique_rows << " unique of " << parents->rows_received
        << ", missing " << parents->missing_rows << "; "
        << parents->first_error;
  }
}

TEST_P(ClassifiedWriteTest, EndsWithinItsWatchdogAndIsClassified) {
  const ModelCase& c = GetParam();
  WriteTables tables;
  TrialRecord record;
  const std::optional<TrialOutcome> outcome =
      RunWriteTrial(c, &tables, &record);
  ASSERT_TRUE(outcome.has_value());
  EXPECT_TRUE(record.watchdog_fired || record.trial_wait_status.has_value());
  // Whatever the gRPC version made of it, the workers' table never holds a
  // row the parent wrote: it holds at most each row once when they all
  // succeeded.
  if (outcome->overall == OutcomeKind::kOk) {
    absl::StatusOr<ReadAccount> written = ReadBack(tables.table, kWriteRows);
    ASSERT_TRUE(written.ok()) << written.status();
    EXPECT_TRUE(written->exactly_once());
  }
}

INSTANTIATE_TEST_SUITE_P(Models, SafeWriteTest,
                         ::testing::ValuesIn(SafeModelCases()),
                         [](const auto& info) { return info.param.test_name; });

INSTANTIATE_TEST_SUITE_P(
    Models, ClassifiedWriteTest,
    ::testing::Values(
        ModelCase{"ForkAfterCreateIdle",
                  "fork_after_create",
                  {{"parent_channel", "idle"}}},
        ModelCase{"ForkAfterCreateUsed",
                  "fork_after_create",
                  {{"parent_channel", "used"}}},
        ModelCase{"ForkAfterCreateInFlight",
                  "fork_after_create",
                  {{"parent_channel", "in_flight"}}},
        ModelCase{"ParentUsedAliveUsed",
                  "fork_then_create_parent_used",
                  {{"parent_client", "alive"}, {"parent_channel", "used"}}},
        ModelCase{"ParentUsedAliveIdle",
                  "fork_then_create_parent_used",
                  {{"parent_client", "alive"}, {"parent_channel", "idle"}}},
        ModelCase{"ParentUsedDestroyedUsed",
                  "fork_then_create_parent_used",
                  {{"parent_client", "destroyed"}, {"parent_channel", "used"}}},
        ModelCase{
            "ParentUsedDestroyedIdle",
            "fork_then_create_parent_used",
            {{"parent_client", "destroyed"}, {"parent_channel", "idle"}}}),
    [](const auto& info) { return info.param.test_name; });

// gRPC's own fork tests' counterparts only read: the testee refuses a
// write, naming the model, before any worker starts (or, once the
// supervisor checks workloads itself, the request never leaves it).
TEST_F(ProcessModelsWriteTest, AModelThatOnlyReadsRefusesAWrite) {
  ASSERT_NE(server_, nullptr);
  ASSERT_NE(cpp_, nullptr);
  const v1::TrialRequest trial = WriteRequest(
      "grpc_fork_suite", {{"suite_case", "connectivity_watch"}}, NextTables());
  absl::StatusOr<PreparedTrial> prepared =
      PrepareTesteeTrial(*cpp_, trial, {}, kWatchdog);
  if (!prepared.ok()) {
    EXPECT_NE(prepared.status().message().find("write"), std::string::npos)
        << prepared.status();
    return;
  }
  absl::StatusOr<TrialRecord> record = RunTrial(prepared->command);
  ASSERT_TRUE(record.ok()) << record.status();
  ExpectNothingLeftBehind(*record);
  EXPECT_FALSE(record->watchdog_fired);
  EXPECT_EQ(record->trial_wait_status, std::optional<int>(2 << 8));
  std::string reason;
  for (const v1::WorkerMessage& message : record->parent.messages) {
    if (message.has_refused()) reason = message.refused().reason();
  }
  EXPECT_EQ(reason,
            "workload=write: grpc_fork_suite(suite_case=connectivity_watch) "
            "runs only the read workload");
  for (const TrialRecord::ProcessReport& worker : record->workers) {
    EXPECT_TRUE(worker.messages.empty());
  }
}

}  // namespace
}  // namespace forkcheck
