// A write cell's trial end to end, short of a testee that writes: the
// misbehaving testee's "ok" model claims every row written and writes
// none, against a real fake server, and //client:read_table reads the
// trial's table back.
#include "matrix/cell_runner.h"

#include <chrono>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "common/runfiles.h"
#include "common/subprocess.h"
#include "fakes/fake_server_process.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kClient[] = "misbehaving";

// --watchdog_scale stretches a trial's own deadlines with its watchdog: a
// machine that needs a longer watchdog connects and answers slowly too.
TEST(TrialBoundsTest, TheWatchdogScaleStretchesTheTrialsOwnDeadlines) {
  using std::chrono::milliseconds;
  CellRunOptions options;
  const TrialBounds normal = TrialBoundsFor(milliseconds(4000), options);
  EXPECT_EQ(normal.rpc_timeout, milliseconds(2500));
  EXPECT_EQ(normal.parent_check_timeout, milliseconds(1500));
  EXPECT_EQ(normal.worker_patience, milliseconds(1000));
  EXPECT_EQ(normal.watchdog, milliseconds(4000));
  options.watchdog_scale = 3;
  const milliseconds watchdog = WatchdogFor(1000, options, kCppClient);
  EXPECT_EQ(watchdog, milliseconds(3 * 4005));
  const TrialBounds scaled = TrialBoundsFor(watchdog, options);
  EXPECT_EQ(scaled.rpc_timeout, milliseconds(7500));
  EXPECT_EQ(scaled.parent_check_timeout, milliseconds(4500));
  EXPECT_EQ(scaled.worker_patience, watchdog / 4);
  // Still within the watchdog: patience, then the parent's check.
  EXPECT_LT(scaled.worker_patience + scaled.parent_check_timeout, watchdog);
}

class WriteCellTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> binary = FakeServerBinaryPath();
    ASSERT_TRUE(binary.ok()) << binary.status();
    absl::StatusOr<std::unique_ptr<FakeServerProcess>> server =
        FakeServerProcess::Start(
            FakeServerProcess::Options{*binary, {"--listen=127.0.0.1:0"}});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);

    TesteeProgram program;
    absl::StatusOr<std::string> path =
        RunfileExecutable("supervisor/testing/misbehaving_testee");
    ASSERT_TRUE(path.ok()) << path.status();
    program.argv = {*path};
    absl::StatusOr<TesteeClient> testee =
        ReadyTestee({{kClient, program}}, kClient, std::chrono::seconds(30));
    ASSERT_TRUE(testee.ok()) << testee.status();
    options_.testees[kClient] = *std::move(testee);
    options_.explain_failures = false;

    cell_.client = kClient;
    cell_.model = "ok";
    cell_.variant = {{"rows", "100"}};
    cell_.axes.workload = "write";
  }

  void TearDown() override {
    if (server_ != nullptr) {
      EXPECT_TRUE(server_->Stop().ok());
    }
  }

  CellTrial Prepare() {
    absl::StatusOr<CellTrial> trial =
        PrepareCellTrial(cell_, server_->address(), options_);
    EXPECT_TRUE(trial.ok()) << trial.status();
    return trial.ok() ? *std::move(trial) : CellTrial();
  }

  std::unique_ptr<FakeServerProcess> server_;
  CellRunOptions options_;
  Cell cell_;
};

TEST_F(WriteCellTest, EachTrialWritesATableOfItsOwn) {
  const CellTrial first = Prepare();
  const CellTrial second = Prepare();
  ASSERT_TRUE(first.read_back.has_value());
  ASSERT_TRUE(second.read_back.has_value());
  EXPECT_THAT(first.read_back->table, StartsWith("projects/trial-"));
  EXPECT_NE(first.read_back->table, second.read_back->table);
  EXPECT_EQ(first.table_rows, 1000);
  // The request on the testee's stdin names the same table.
  EXPECT_TRUE(absl::StrContains(first.prepared.command.stdin_bytes,
                                first.read_back->table));
}

TEST_F(WriteCellTest, RowsClaimedButNeverWrittenAreWrongData) {
  const TrialSample sample = RunPreparedCellTrial(Prepare());
  EXPECT_EQ(sample.harness_error, "");
  EXPECT_EQ(sample.workers, OutcomeKind::kWrongData);
  ASSERT_EQ(sample.worker_details.size(), 2u);
  EXPECT_EQ(sample.worker_details[0],
            "wrong_data (table read back: 1000 rows missing)");
}

TEST_F(WriteCellTest, ATableHoldingExactlyTheRowsLeavesWritersOk) {
  const CellTrial trial = Prepare();
  ASSERT_TRUE(trial.read_back.has_value());
  // Written here, as the testee's workers would have.
  absl::StatusOr<std::string> writer =
      RunfileExecutable("matrix/testing/write_catalogue_rows");
  ASSERT_TRUE(writer.ok()) << writer.status();
  absl::StatusOr<std::unique_ptr<Subprocess>> writing = Subprocess::Start(
      {*writer, server_->address(), trial.read_back->table, "small", "1000"});
  ASSERT_TRUE(writing.ok()) << writing.status();
  EXPECT_EQ((*writing)->Wait(std::chrono::seconds(30)), 0);
  const TrialSample sample = RunPreparedCellTrial(trial);
  EXPECT_EQ(sample.harness_error, "");
  EXPECT_EQ(sample.workers, OutcomeKind::kOk)
      << ::testing::PrintToString(sample.worker_details);
}

TEST_F(WriteCellTest, ATableThatCannotBeReadBackIsAHarnessError) {
  const CellTrial trial = Prepare();
  ASSERT_TRUE(server_->Stop().ok());
  server_ = nullptr;
  const auto start = std::chrono::steady_clock::now();
  const TrialSample sample = RunPreparedCellTrial(trial);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  EXPECT_THAT(sample.harness_error,
              HasSubstr("write trial's table read back: read_table"));
}

TEST_F(WriteCellTest, AReadCellReadsNothingBack) {
  cell_.axes.workload = "read";
  EXPECT_FALSE(Prepare().read_back.has_value());
}

}  // namespace
}  // namespace forkcheck
