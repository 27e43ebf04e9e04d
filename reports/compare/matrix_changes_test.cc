#include "reports/compare/matrix_changes.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "reports/compare/testing/synthetic_report.h"

namespace forkcheck {
namespace {

using Outcomes = std::vector<std::string>;

nlohmann::json Conformance(const std::vector<SyntheticCell>& cells) {
  SyntheticReport spec;
  spec.cells = cells;
  return BuildSyntheticReport(spec).json()["conformance"];
}

// The direction of the one change between a cell's old and new outcomes;
// "none" when the cell did not change.
std::string ChangeOf(const Outcomes& old_workers, const Outcomes& new_workers,
                     const Outcomes& old_parent = {},
                     const Outcomes& new_parent = {}) {
  const MatrixChanges changes =
      CompareMatrices(Conformance({{"m", "unset", old_workers, old_parent}}),
                      Conformance({{"m", "unset", new_workers, new_parent}}));
  EXPECT_EQ(changes.cells_in_common, 1);
  if (changes.changes.empty()) return "none";
  EXPECT_EQ(changes.changes.size(), 1u);
  return ChangeDirectionName(changes.changes[0].direction);
}

TEST(MatrixChangesTest, WhatIsWorseWhatIsBetter) {
  // ok -> anything is worse; anything -> ok better.
  EXPECT_EQ(ChangeOf({"ok", "ok"}, {"ok", "hang"}), "worse");
  EXPECT_EQ(ChangeOf({"ok", "ok"}, {"error", "error"}), "worse");
  EXPECT_EQ(ChangeOf({"hang", "hang"}, {"ok", "ok"}), "better");
  // Gaining wrong_data is always worse, even from a hang.
  EXPECT_EQ(ChangeOf({"hang", "hang"}, {"wrong_data", "wrong_data"}), "worse");
  EXPECT_EQ(ChangeOf({"error", "error"}, {"error", "wrong_data"}), "worse");
  // More severe failures are worse: error -> hang or crash.
  EXPECT_EQ(ChangeOf({"error", "error"}, {"hang", "hang"}), "worse");
  EXPECT_EQ(ChangeOf({"error", "error"}, {"crash", "error"}), "worse");
  EXPECT_EQ(ChangeOf({"crash", "crash"}, {"error", "error"}), "better");
  // Losing the last ok is worse, even at the same worst kind.
  EXPECT_EQ(ChangeOf({"ok", "hang"}, {"hang", "hang"}), "worse");
  EXPECT_EQ(ChangeOf({"hang", "hang"}, {"ok", "hang"}), "better");
  // Other kinds of failure at a lower severity, no ok either way.
  EXPECT_EQ(ChangeOf({"hang", "error"}, {"crash", "crash"}), "worse");
  // The same kinds in other proportions: noise, not a change.
  EXPECT_EQ(ChangeOf({"ok", "ok", "hang"}, {"ok", "hang", "hang"}), "none");
}

TEST(MatrixChangesTest, TheParentCheckCountsToo) {
  EXPECT_EQ(ChangeOf({"ok"}, {"ok"}, {"ok"}, {"hang"}), "worse");
  EXPECT_EQ(ChangeOf({"ok"}, {"ok"}, {"crash"}, {"ok"}), "better");
  // Workers better, parent worse: worse wins.
  EXPECT_EQ(ChangeOf({"hang"}, {"ok"}, {"ok"}, {"hang"}), "worse");
}

TEST(MatrixChangesTest, WorseChangesComeFirstAndUnmatchedCellsAreListed) {
  const MatrixChanges changes =
      CompareMatrices(Conformance({{"a_better", "unset", {"hang"}},
                                   {"b_same", "unset", {"ok"}},
                                   {"c_worse", "true", {"ok"}},
                                   {"d_gone", "unset", {"ok"}}}),
                      Conformance({{"a_better", "unset", {"ok"}},
                                   {"b_same", "unset", {"ok"}},
                                   {"c_worse", "true", {"hang"}},
                                   {"e_new", "unset", {"ok"}}}));
  EXPECT_EQ(changes.cells_in_common, 3);
  ASSERT_EQ(changes.changes.size(), 2u);
  const CellChange& worse = changes.changes[0];
  EXPECT_EQ(worse.direction, ChangeDirection::kWorse);
  EXPECT_EQ(worse.model_name, "c_worse");
  EXPECT_EQ(worse.key, "c_worse workers=2 fork_support=true");
  EXPECT_EQ(worse.fork_support, "true");
  EXPECT_EQ(worse.old_workers, "always ok");
  EXPECT_EQ(worse.new_workers, "always hang");
  EXPECT_EQ(worse.old_parent_after, "-");
  EXPECT_EQ(changes.changes[1].direction, ChangeDirection::kBetter);
  EXPECT_EQ(changes.only_in_old,
            std::vector<std::string>{"d_gone workers=2 fork_support=unset"});
  EXPECT_EQ(changes.only_in_new,
            std::vector<std::string>{"e_new workers=2 fork_support=unset"});
}

TEST(MatrixChangesTest, AReportWithoutAMatrixHasNothingInCommon) {
  const MatrixChanges changes =
      CompareMatrices(nullptr, Conformance({{"m", "unset", {"ok"}}}));
  EXPECT_EQ(changes.cells_in_common, 0);
  EXPECT_TRUE(changes.changes.empty());
  EXPECT_EQ(changes.only_in_new.size(), 1u);
}

}  // namespace
}  // namespace forkcheck
