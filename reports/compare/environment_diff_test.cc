#include "reports/compare/environment_diff.h"

#include "gtest/gtest.h"
#include "reports/compare/testing/synthetic_report.h"

namespace forkcheck {
namespace {

nlohmann::json EnvironmentOf(const SyntheticReport& spec) {
  return BuildSyntheticReport(spec).json()["environment"];
}

TEST(EnvironmentDiffTest, SameMachineAndBuildOtherTimesIsNoDifference) {
  SyntheticReport later;
  later.start_time = "2026-12-02T00:00:00.000Z";
  const EnvironmentDiff diff =
      DiffEnvironments(EnvironmentOf({}), EnvironmentOf(later));
  EXPECT_TRUE(diff.differences.empty());
  EXPECT_FALSE(diff.different_machines);
}

TEST(EnvironmentDiffTest, ListsWhatDiffersAndWhatCouldChangeOutcomes) {
  SyntheticReport other;
  other.grpc_version = "1.60.0";
  other.kernel_release = "6.5.0";
  nlohmann::json new_environment = EnvironmentOf(other);
  new_environment["grpc_env"]["GRPC_ENABLE_FORK_SUPPORT"] = "true";
  new_environment["harness"]["git_tree"] = "dirty";
  const EnvironmentDiff diff =
      DiffEnvironments(EnvironmentOf({}), new_environment);
  ASSERT_EQ(diff.differences.size(), 4u);
  // By field name.
  EXPECT_EQ(diff.differences[0].field, "grpc.cpp_version");
  EXPECT_EQ(diff.differences[0].old_value, "1.51.1");
  EXPECT_EQ(diff.differences[0].new_value, "1.60.0");
  EXPECT_TRUE(diff.differences[0].affects_outcomes);
  EXPECT_EQ(diff.differences[1].field, "grpc_env.GRPC_ENABLE_FORK_SUPPORT");
  EXPECT_EQ(diff.differences[1].old_value, "(absent)");
  EXPECT_TRUE(diff.differences[1].affects_outcomes);
  EXPECT_EQ(diff.differences[2].field, "harness.git_tree");
  EXPECT_FALSE(diff.differences[2].affects_outcomes);
  EXPECT_EQ(diff.differences[3].field, "machine.kernel_release");
  EXPECT_TRUE(diff.differences[3].affects_outcomes);
  EXPECT_FALSE(diff.different_machines);
}

TEST(EnvironmentDiffTest, AnotherHostIsAnotherMachine) {
  SyntheticReport other;
  other.hostname = "elsewhere";
  const EnvironmentDiff diff =
      DiffEnvironments(EnvironmentOf({}), EnvironmentOf(other));
  EXPECT_TRUE(diff.different_machines);
  ASSERT_EQ(diff.differences.size(), 1u);
  EXPECT_EQ(diff.differences[0].field, "machine.hostname");
}

}  // namespace
}  // namespace forkcheck
