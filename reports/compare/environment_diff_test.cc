#include "reports/compare/environment_diff.h"

#include <map>
#include <set>
#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "environment/environment.h"
#include "reports/compare/testing/synthetic_report.h"
#include "reports/environment_json.h"

namespace forkcheck {
namespace {

Environment EnvironmentOf(const SyntheticReport& spec) {
  return BuildSyntheticReport(spec).model().environment;
}

// The report's environment block walked to its leaves (arrays are leaves),
// as text: what the comparison used to walk, and must still see whole.
void Leaves(const nlohmann::json& value, const std::string& prefix,
            std::map<std::string, std::string>* out) {
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      Leaves(child, prefix.empty() ? key : prefix + "." + key, out);
    }
    return;
  }
  (*out)[prefix] = value.is_string() ? value.get<std::string>() : value.dump();
}

TEST(EnvironmentDiffTest, ComparesEveryFactTheReportWrites) {
  Environment environment = EnvironmentOf({});
  environment.grpc_env["GRPC_TRACE"] = "api";
  environment.build.sanitizers = {"address", "undefined"};
  environment.machine.cpus_online.reset();
  std::map<std::string, std::string> leaves;
  Leaves(EnvironmentToJson(environment), "", &leaves);
  // What differs between any two runs is left out on purpose.
  for (const char* ignored :
       {"start_time", "end_time", "machine.load_average_at_start", "notes"}) {
    EXPECT_EQ(leaves.erase(ignored), 1u) << ignored;
  }
  EXPECT_EQ(ComparedFacts(environment), leaves);
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
  Environment new_environment = EnvironmentOf(other);
  new_environment.grpc_env["GRPC_ENABLE_FORK_SUPPORT"] = "true";
  new_environment.harness.git_tree = "dirty";
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

TEST(EnvironmentDiffTest, ListsAndUnknownNumbersReadAsTheReportWritesThem) {
  Environment old_environment = EnvironmentOf({});
  Environment new_environment = old_environment;
  new_environment.build.sanitizers = {"address"};
  new_environment.machine.memory_total_bytes.reset();
  const EnvironmentDiff diff =
      DiffEnvironments(old_environment, new_environment);
  ASSERT_EQ(diff.differences.size(), 2u);
  EXPECT_EQ(diff.differences[0].field, "build.sanitizers");
  EXPECT_EQ(diff.differences[0].old_value, "[]");
  EXPECT_EQ(diff.differences[0].new_value, "[\"address\"]");
  EXPECT_TRUE(diff.differences[0].affects_outcomes);
  EXPECT_EQ(diff.differences[1].field, "machine.memory_total_bytes");
  EXPECT_EQ(diff.differences[1].old_value, "1073741824");
  EXPECT_EQ(diff.differences[1].new_value, "unknown");
  EXPECT_TRUE(diff.different_machines);
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
