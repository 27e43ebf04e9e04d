#include "reports/compare/matrix_changes.h"

#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "reports/compare/testing/synthetic_report.h"

namespace forkcheck {
namespace {

using Outcomes = std::vector<std::string>;

std::optional<ReportConformance> Conformance(
    const std::vector<SyntheticCell>& cells) {
  SyntheticReport spec;
  spec.cells = cells;
  return BuildSyntheticReport(spec).model().conformance;
}

// The comparison of one cell "m" between its old and new outcomes.
MatrixChanges CompareOne(const Outcomes& old_workers,
                         const Outcomes& new_workers,
                         const Outcomes& old_parent = {},
                         const Outcomes& new_parent = {}) {
  return CompareMatrices(
      Conformance({{"m", "unset", old_workers, old_parent}}),
      Conformance({{"m", "unset", new_workers, new_parent}}));
}

// The direction of the one change; "none" when the cell is not listed.
std::string ChangeOf(const Outcomes& old_workers, const Outcomes& new_workers,
                     const Outcomes& old_parent = {},
                     const Outcomes& new_parent = {}) {
  const MatrixChanges changes =
      CompareOne(old_workers, new_workers, old_parent, new_parent);
  EXPECT_EQ(changes.cells_in_common, 1);
  if (changes.changes.empty()) return "none";
  EXPECT_EQ(changes.changes.size(), 1u);
  return ChangeDirectionName(changes.changes[0].direction);
}

TEST(MatrixChangesTest, CountsReadAsTrialsAndFailuresBySeverity) {
  CellPart part;
  part.counts = {{"crash", 2}, {"ok", 15}, {"ok_after_retry", 3}};
  const PartCounts counts = PartCountsOf(part);
  EXPECT_EQ(counts.trials, 20);
  // ok_after_retry is a failure: a client without our retry fails there.
  EXPECT_EQ(counts.Failures(), 5);
  EXPECT_EQ(counts.Text(), "ok 15/20, ok_after_retry 3/20, crash 2/20");
  EXPECT_EQ(PartCountsOf(std::nullopt).Text(), "-");
}

TEST(MatrixChangesTest, SameRatesWithOtherKindsAreNotWorse) {
  // A/A-like: the failure kinds moved, the rate did not (or hardly).
  const MatrixChanges changes = CompareOne(Trials({{"ok", 18}, {"crash", 2}}),
                                           Trials({{"ok", 17}, {"hang", 3}}));
  ASSERT_EQ(changes.changes.size(), 1u);
  const CellChange& change = changes.changes[0];
  EXPECT_EQ(change.direction, ChangeDirection::kNotSignificant);
  EXPECT_STREQ(ChangeDirectionLabel(change.direction),
               "changed, not significant");
  EXPECT_EQ(change.workers.old_counts.Text(), "ok 18/20, crash 2/20");
  EXPECT_EQ(change.workers.new_counts.Text(), "ok 17/20, hang 3/20");
  ASSERT_TRUE(change.workers.Tested());
  EXPECT_NEAR(*change.workers.p_value, 1.0, 1e-9);
  EXPECT_EQ(change.workers.Why(), "failure rate 10% -> 15%");
  // Losing a rare kind, or gaining one, at five-ish trials: noise.
  EXPECT_EQ(ChangeOf(Trials({{"ok", 4}, {"hang", 1}}), Trials({{"ok", 5}})),
            "not_significant");
  EXPECT_EQ(ChangeOf({"ok", "ok"}, {"ok", "hang"}), "not_significant");
  EXPECT_EQ(ChangeOf({"error", "error"}, {"crash", "crash"}),
            "not_significant");
  // The same kinds in other proportions, not significant: not listed.
  EXPECT_EQ(ChangeOf({"ok", "ok", "hang"}, {"ok", "hang", "hang"}), "none");
}

TEST(MatrixChangesTest, ASafeCellFailingOneTrialInFiveIsWorse) {
  const MatrixChanges changes =
      CompareOne(Trials({{"ok", 200}}), Trials({{"ok", 24}, {"hang", 6}}));
  EXPECT_EQ(changes.tests, 1);
  ASSERT_EQ(changes.changes.size(), 1u);
  const CellChange& change = changes.changes[0];
  EXPECT_EQ(change.direction, ChangeDirection::kWorse);
  EXPECT_EQ(change.workers.old_counts.Text(), "ok 200/200");
  EXPECT_EQ(change.workers.new_counts.Text(), "ok 24/30, hang 6/30");
  // scipy.stats.fisher_exact([[0, 200], [6, 24]]): 3.0842e-06.
  EXPECT_NEAR(*change.workers.p_value, 3.0841779e-06, 1e-12);
  EXPECT_NEAR(*change.workers.adjusted_p_value, 3.0841779e-06, 1e-12);
  EXPECT_EQ(change.workers.Why(), "failure rate 0% -> 20%");
  // And back: better.
  EXPECT_EQ(ChangeOf(Trials({{"ok", 24}, {"hang", 6}}), Trials({{"ok", 200}})),
            "better");
}

TEST(MatrixChangesTest, HolmMakesAMarginalChangeAmongManyCellsNotSignificant) {
  // 0 of 20 failures -> 8 of 20: p 0.0033, significant alone at 0.01...
  const Outcomes before = Trials({{"ok", 20}});
  const Outcomes after = Trials({{"ok", 12}, {"crash", 8}});
  EXPECT_EQ(ChangeOf(before, after), "worse");
  // ... but not among ten more cells that did not move (x11: 0.036).
  std::vector<SyntheticCell> old_cells = {{"marginal", "unset", before}};
  std::vector<SyntheticCell> new_cells = {{"marginal", "unset", after}};
  for (int i = 0; i < 10; ++i) {
    const std::string model = "steady" + std::to_string(i);
    old_cells.push_back({model, "unset", before});
    new_cells.push_back({model, "unset", before});
  }
  const MatrixChanges changes =
      CompareMatrices(Conformance(old_cells), Conformance(new_cells));
  EXPECT_EQ(changes.tests, 11);
  ASSERT_EQ(changes.changes.size(), 1u);  // listed: it gained crash
  const PartChange& part = changes.changes[0].workers;
  EXPECT_EQ(changes.changes[0].direction, ChangeDirection::kNotSignificant);
  EXPECT_NEAR(*part.p_value, 0.003276, 1e-6);
  EXPECT_NEAR(*part.adjusted_p_value, 11 * 0.003276003276, 1e-9);
  // A looser family-wise alpha lets it through again.
  EXPECT_EQ(
      CompareMatrices(Conformance(old_cells), Conformance(new_cells), 0.05)
          .Count(ChangeDirection::kWorse),
      1);
}

TEST(MatrixChangesTest, NewWrongDataIsWorseWhateverThePValue) {
  const MatrixChanges changes = CompareOne(
      Trials({{"ok", 200}, {"ok_after_retry", 10}}),
      Trials({{"ok", 199}, {"ok_after_retry", 10}, {"wrong_data", 1}}));
  ASSERT_EQ(changes.changes.size(), 1u);
  const PartChange& part = changes.changes[0].workers;
  EXPECT_EQ(changes.changes[0].direction, ChangeDirection::kWorse);
  EXPECT_TRUE(part.new_wrong_data);
  EXPECT_GT(*part.adjusted_p_value, 0.5);
  EXPECT_EQ(part.Why(),
            "wrong_data 1/210, every old trial ok: worse whatever the p-value "
            "(never noise)");
  // Where old trials failed, wrong_data is one more failure for the test,
  // as in the expectations check: an A/A pair of one build saw this.
  EXPECT_EQ(ChangeOf(Trials({{"hang", 6}}),
                     Trials({{"hang", 10}, {"wrong_data", 1}})),
            "not_significant");
  EXPECT_EQ(ChangeOf(Trials({{"ok", 200}, {"error", 10}}),
                     Trials({{"ok", 199}, {"error", 10}, {"wrong_data", 1}})),
            "not_significant");
  // wrong_data the old side had too is judged by its rate like the rest.
  EXPECT_EQ(ChangeOf(Trials({{"ok", 99}, {"wrong_data", 1}}),
                     Trials({{"ok", 98}, {"wrong_data", 2}})),
            "none");
}

TEST(MatrixChangesTest, OkAfterRetryCountsAsAFailure) {
  // Schema 2's kind; built by hand (the synthetic reports are schema 1).
  std::optional<ReportConformance> old_conformance =
      Conformance({{"m", "unset", {"ok"}}});
  std::optional<ReportConformance> new_conformance = old_conformance;
  old_conformance->cells[0].workers.counts = {{"ok", 100}};
  new_conformance->cells[0].workers.counts = {{"ok", 20},
                                              {"ok_after_retry", 10}};
  const MatrixChanges changes =
      CompareMatrices(old_conformance, new_conformance);
  ASSERT_EQ(changes.changes.size(), 1u);
  EXPECT_EQ(changes.changes[0].direction, ChangeDirection::kWorse);
  EXPECT_EQ(changes.changes[0].workers.new_counts.Text(),
            "ok 20/30, ok_after_retry 10/30");
}

TEST(MatrixChangesTest, TheParentCheckCountsToo) {
  const Outcomes ok = Trials({{"ok", 30}});
  const Outcomes hang = Trials({{"hang", 30}});
  EXPECT_EQ(ChangeOf(ok, ok, ok, hang), "worse");
  EXPECT_EQ(ChangeOf(ok, ok, hang, ok), "better");
  // Workers better, parent worse: worse wins.
  EXPECT_EQ(ChangeOf(hang, ok, ok, hang), "worse");
  // Both parts are tests of the one correction.
  EXPECT_EQ(CompareOne(ok, ok, ok, ok).tests, 2);
  // A parent check on one side only is not a test, just a change.
  const MatrixChanges one_sided = CompareOne(ok, ok, {}, ok);
  EXPECT_EQ(one_sided.tests, 1);
  ASSERT_EQ(one_sided.changes.size(), 1u);
  EXPECT_EQ(one_sided.changes[0].direction, ChangeDirection::kNotSignificant);
  EXPECT_EQ(one_sided.changes[0].parent_after.Why(), "only in new, not tested");
}

TEST(MatrixChangesTest, WorseChangesComeFirstAndUnmatchedCellsAreListed) {
  const Outcomes ok = Trials({{"ok", 30}});
  const Outcomes hang = Trials({{"hang", 30}});
  const MatrixChanges changes =
      CompareMatrices(Conformance({{"a_better", "unset", hang},
                                   {"b_same", "unset", ok},
                                   {"c_worse", "true", ok},
                                   {"d_gone", "unset", ok}}),
                      Conformance({{"a_better", "unset", ok},
                                   {"b_same", "unset", ok},
                                   {"c_worse", "true", hang},
                                   {"e_new", "unset", ok}}));
  EXPECT_EQ(changes.cells_in_common, 3);
  EXPECT_EQ(changes.old_cells, 4);
  EXPECT_EQ(changes.new_cells, 4);
  EXPECT_EQ(changes.tests, 3);
  EXPECT_EQ(changes.alpha, 0.01);
  ASSERT_EQ(changes.changes.size(), 2u);
  const CellChange& worse = changes.changes[0];
  EXPECT_EQ(worse.direction, ChangeDirection::kWorse);
  EXPECT_EQ(worse.model_name, "c_worse");
  EXPECT_EQ(worse.key, "c_worse workers=2 fork_support=true");
  EXPECT_EQ(worse.fork_support, "true");
  EXPECT_EQ(worse.workers.old_counts.Text(), "ok 30/30");
  EXPECT_EQ(worse.workers.new_counts.Text(), "hang 30/30");
  EXPECT_EQ(worse.parent_after.old_counts.Text(), "-");
  EXPECT_EQ(changes.changes[1].direction, ChangeDirection::kBetter);
  EXPECT_EQ(changes.only_in_old,
            std::vector<std::string>{"d_gone workers=2 fork_support=unset"});
  EXPECT_EQ(changes.only_in_new,
            std::vector<std::string>{"e_new workers=2 fork_support=unset"});
}

TEST(MatrixChangesTest, AReportWithoutAMatrixHasNothingInCommon) {
  const MatrixChanges changes =
      CompareMatrices(std::nullopt, Conformance({{"m", "unset", {"ok"}}}));
  EXPECT_EQ(changes.cells_in_common, 0);
  EXPECT_EQ(changes.tests, 0);
  EXPECT_EQ(changes.new_cells, 1);
  EXPECT_TRUE(changes.changes.empty());
  EXPECT_EQ(changes.only_in_new.size(), 1u);
}

}  // namespace
}  // namespace forkcheck
