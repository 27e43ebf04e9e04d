#include "matrix/trial_spec.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using ::testing::ElementsAre;
using ::testing::StartsWith;

std::vector<std::string> Pairs(
    const google::protobuf::RepeatedPtrField<v1::NamedValue>& values) {
  std::vector<std::string> pairs;
  for (const v1::NamedValue& value : values) {
    pairs.push_back(value.name() + "=" + value.value());
  }
  return pairs;
}

TEST(TrialSpecTest, TheRequestCarriesTheCellAndItsBounds) {
  Cell cell;
  cell.model = "fork_after_create";
  cell.variant = {{"parent_channel", "idle"}};
  cell.axes.workers = 3;
  cell.axes.fork_hooks = "application";
  cell.axes.busy_parent_thread = true;
  TrialBounds bounds;
  bounds.rpc_timeout = std::chrono::milliseconds(700);
  bounds.parent_check_timeout = std::chrono::milliseconds(800);
  bounds.worker_patience = std::chrono::milliseconds(900);
  bounds.watchdog = std::chrono::milliseconds(4000);
  bounds.session_calls = 7;
  const v1::TrialRequest trial = TrialRequestFor(
      cell, "unix:/tmp/s", "projects/p/datasets/d/tables/t", bounds);
  EXPECT_EQ(trial.model(), "fork_after_create");
  EXPECT_THAT(Pairs(trial.variant()), ElementsAre("parent_channel=idle"));
  EXPECT_EQ(trial.target(), "unix:/tmp/s");
  EXPECT_EQ(trial.table(), "projects/p/datasets/d/tables/t");
  EXPECT_EQ(trial.workers(), 3);
  EXPECT_EQ(trial.max_streams(), 6);
  EXPECT_EQ(trial.stream_assignment(), v1::STREAM_ASSIGNMENT_ROUND_ROBIN);
  EXPECT_EQ(trial.connect_timeout_ms(), 700);
  EXPECT_EQ(trial.create_session_timeout_ms(), 700);
  EXPECT_EQ(trial.parent_check_timeout_ms(), 800);
  EXPECT_EQ(trial.worker_patience_ms(), 900);
  EXPECT_EQ(trial.watchdog_ms(), 4000);
  EXPECT_EQ(trial.session_calls(), 7);
  EXPECT_THAT(
      Pairs(trial.axes()),
      ElementsAre("workers=3", "transport=tcp", "table=small", "faults=none",
                  "fork_support=unset", "poll_strategy=default",
                  "fork_hooks=application", "child_channel=default",
                  "busy_parent_thread=yes", "workload=read"));
}

TEST(TrialSpecTest, AWriteCellWritesTablesOfItsTrialsOwn) {
  Cell cell;
  cell.model = "thread_shared";
  cell.axes.workload = "write";
  const v1::TrialRequest trial = TrialRequestFor(
      cell, "unix:/tmp/s", "projects/forkcheck/datasets/synthetic/tables/small",
      TrialBounds(), "t7");
  EXPECT_EQ(trial.workload(), "write");
  EXPECT_EQ(trial.table(), "projects/t7/datasets/writable/tables/small");
  EXPECT_EQ(trial.parent_write_table(),
            "projects/t7-parent/datasets/writable/tables/small");
  EXPECT_EQ(trial.write_rows(), 1000);  // small's rows

  // Without an id, every request names tables no other has.
  const v1::TrialRequest first =
      TrialRequestFor(cell, "unix:/tmp/s", "small", TrialBounds());
  const v1::TrialRequest second =
      TrialRequestFor(cell, "unix:/tmp/s", "small", TrialBounds());
  EXPECT_THAT(first.table(), StartsWith("projects/trial-"));
  EXPECT_NE(first.table(), second.table());
  EXPECT_NE(first.parent_write_table(), second.parent_write_table());
  EXPECT_NE(NewTrialId(), NewTrialId());

  // A table the catalogue lacks: nothing to write, which the testee check
  // refuses.
  EXPECT_EQ(
      TrialRequestFor(cell, "unix:/tmp/s", "nope", TrialBounds()).write_rows(),
      0);
}

TEST(TrialSpecTest, AReadCellNamesNoWritableTable) {
  Cell cell;
  cell.model = "thread_shared";
  const v1::TrialRequest trial =
      TrialRequestFor(cell, "unix:/tmp/s", "small", TrialBounds(), "t7");
  EXPECT_EQ(trial.workload(), "");
  EXPECT_EQ(trial.table(), "small");
  EXPECT_EQ(trial.parent_write_table(), "");
  EXPECT_EQ(trial.write_rows(), 0);
}

TEST(TrialSpecTest, EnvironmentAxesAreSetOrRemoved) {
  Axes axes;
  EXPECT_THAT(GrpcEnvironment(axes),
              ElementsAre("GRPC_ENABLE_FORK_SUPPORT", "GRPC_POLL_STRATEGY"));
  axes.fork_support = "true";
  axes.poll_strategy = "epoll1";
  EXPECT_THAT(GrpcEnvironment(axes),
              ElementsAre("GRPC_ENABLE_FORK_SUPPORT=true",
                          "GRPC_POLL_STRATEGY=epoll1"));
}

}  // namespace
}  // namespace forkcheck
