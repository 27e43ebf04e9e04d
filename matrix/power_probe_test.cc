// The power probe's flag, which cells it takes, and the stall every server
// adds for it (server_pool.h).
#include "matrix/power_probe.h"

#include <vector>

#include "gtest/gtest.h"
#include "matrix/server_pool.h"
#include "dataset/busy_parent_project.h"
#include "nlohmann/json.hpp"

namespace forkcheck {
namespace {

Cell CellOf(const std::string& model, const std::string& table) {
  Cell cell;
  cell.model = model;
  cell.model_name = model;
  cell.axes.table = table;
  return cell;
}

TEST(PowerProbeTest, NoFlagIsNoProbe) {
  absl::StatusOr<PowerProbe> probe = ParsePowerProbe("");
  ASSERT_TRUE(probe.ok());
  EXPECT_FALSE(probe->active());
  EXPECT_FALSE(probe->Probes(CellOf("thread_shared", "small")));
}

TEST(PowerProbeTest, ProbesCellsOfSmallWhoseKeyHasTheText) {
  absl::StatusOr<PowerProbe> probe =
      ParsePowerProbe("thread_shared workers=2@0.2");
  ASSERT_TRUE(probe.ok()) << probe.status();
  EXPECT_DOUBLE_EQ(probe->probability, 0.2);
  EXPECT_EQ(probe->table_name,
            "projects/forkcheck/datasets/synthetic/tables/small_power_probe");
  EXPECT_TRUE(probe->Probes(CellOf("thread_shared", "small")));
  EXPECT_FALSE(probe->Probes(CellOf("thread_shared", "medium")));
  EXPECT_FALSE(probe->Probes(CellOf("spawn", "small")));
  // The text may itself contain '@': the last one separates the probability.
  absl::StatusOr<PowerProbe> at = ParsePowerProbe("a@b@1");
  ASSERT_TRUE(at.ok()) << at.status();
  EXPECT_EQ(at->cells, "a@b");
}

TEST(PowerProbeTest, TheRuleStallsEverySessionOfTheProbeTableWithTheChance) {
  const PowerProbe probe = *ParsePowerProbe("x@0.25");
  const std::vector<nlohmann::json> rules = HarnessStallRules(probe);
  ASSERT_EQ(rules.size(), 2u);  // the busy parent's stall, then the probe's
  EXPECT_EQ(rules[0]["target"], kBusyParentProject);
  EXPECT_FALSE(rules[0].contains("probability"));
  const nlohmann::json& rule = rules[1];
  EXPECT_EQ(rule["kind"], "stall");
  EXPECT_EQ(rule["target"], probe.table_name);
  EXPECT_EQ(rule["after_rows"], 0);
  EXPECT_EQ(rule["max_fires"], -1);
  EXPECT_DOUBLE_EQ(rule["probability"].get<double>(), 0.25);
  EXPECT_GE(rule["millis"].get<int64_t>(), 60 * 1000);
  EXPECT_EQ(HarnessStallRules(PowerProbe()).size(), 1u);
}

TEST(PowerProbeTest, BadFlagsNameWhatIsWrong) {
  for (const char* flag : {"thread_shared", "@0.2", "x@0", "x@1.5", "x@-1",
                           "x@often", "x@"}) {
    absl::StatusOr<PowerProbe> probe = ParsePowerProbe(flag);
    ASSERT_FALSE(probe.ok()) << flag;
    EXPECT_NE(probe.status().message().find("--power_probe"),
              std::string::npos)
        << probe.status();
  }
}

}  // namespace
}  // namespace forkcheck
