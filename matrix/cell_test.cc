#include "matrix/cell.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace forkcheck {
namespace {

TEST(CellTest, TheReferenceClientsModelsCarryNoClientPrefix) {
  EXPECT_EQ(CellModelName(kCppClient, "thread_shared", {}), "thread_shared");
  EXPECT_EQ(
      CellModelName(kCppClient, "fork_then_create_parent_used",
                    {{"parent_client", "alive"}, {"parent_channel", "idle"}}),
      "fork_then_create_parent_used(parent_client=alive,"
      "parent_channel=idle)");
  EXPECT_EQ(CellModelName("python-grpcio", "multiprocessing",
                          {{"start_method", "fork"}}),
            "python-grpcio:multiprocessing(start_method=fork)");
  EXPECT_EQ(CellModelName("python-grpcio", "threads", {}),
            "python-grpcio:threads");
}

TEST(CellTest, AKeyNamesEveryAxisInDeclarationOrder) {
  Cell cell;
  cell.model_name = "spawn";
  cell.axes.busy_parent_thread = true;
  EXPECT_EQ(CellKey(cell),
            "spawn workers=2 transport=tcp table=small faults=none "
            "fork_support=unset poll_strategy=default fork_hooks=none "
            "child_channel=default busy_parent_thread=yes workload=read");
}

TEST(CellTest, AxesAwayFromDefaultNamesOnlyTheChangedOnes) {
  EXPECT_TRUE(AxesAwayFromDefault(Axes()).empty());
  Axes axes;
  axes.workers = 4;
  axes.fork_hooks = "application";
  axes.busy_parent_thread = true;
  std::vector<std::string> names;
  for (const AxisDeclaration* axis : AxesAwayFromDefault(axes)) {
    names.push_back(axis->name);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"workers", "fork_hooks",
                                             "busy_parent_thread"}));
}

TEST(CellTest, EnvironmentAxesNameTheirVariableAndUnsetWithTheFirstChoice) {
  int environment_axes = 0;
  for (const AxisDeclaration& axis : AxisDeclarations()) {
    if (axis.carrier != AxisDeclaration::Carrier::kEnvironment) {
      EXPECT_TRUE(axis.environment_variable.empty()) << axis.name;
      continue;
    }
    ++environment_axes;
    EXPECT_FALSE(axis.environment_variable.empty()) << axis.name;
    EXPECT_FALSE(axis.choices.empty()) << axis.name;
  }
  EXPECT_EQ(environment_axes, 2);
}

}  // namespace
}  // namespace forkcheck
