#include "matrix/matrix_table.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

CellResult Result(const std::string& model_name, int trials, OutcomeKind kind,
                  std::optional<OutcomeKind> parent) {
  CellResult result;
  result.cell.model = model_name;
  result.cell.model_name = model_name;
  result.key = CellKey(result.cell);
  result.stop_reason = "decided";
  TrialSample sample;
  sample.workers = kind;
  sample.parent_after = parent;
  sample.wall_micros = 180'000;
  sample.first_row_micros = {12'000, 14'000};
  sample.tcp_connections = 1;
  result.samples.assign(trials, sample);
  return result;
}

TEST(MatrixTableTest, EveryCellWithCountsVerdictAndInterval) {
  CellResult spawn = Result("spawn", 36, OutcomeKind::kOk, OutcomeKind::kOk);
  spawn.cell.axes.workers = 4;
  CellResult capped = Result("fork_after_create(parent_channel=used)", 60,
                             OutcomeKind::kOk, std::nullopt);
  capped.cell.axes.fork_support = "true";
  capped.stop_reason = "trial cap";
  for (int i = 0; i < 3; ++i) capped.samples[i].workers = OutcomeKind::kHang;
  capped.samples[3].workers = OutcomeKind::kWrongData;
  capped.samples[4].workers = OutcomeKind::kOkAfterRetry;
  capped.samples[5].harness_error = "could not fork";
  const std::string table =
      RenderMatrixTable({spawn, capped}, Axes(), VerdictRule());

  // The rule once, at the top.
  EXPECT_EQ(table.find("Verdicts: 95% Clopper-Pearson intervals; safe: "
                       "failure rate's upper bound < 10%; unsafe: ok rate's "
                       "upper bound < 50%.\n"),
            0u);
  // A row per cell: the model and its axes, connections, first row, wall.
  EXPECT_THAT(table, HasSubstr("\ncell    "));
  EXPECT_THAT(table, HasSubstr("\nspawn workers=4         "));
  EXPECT_THAT(table, HasSubstr("  1          13 ms      180 ms\n"));
  EXPECT_THAT(table, HasSubstr("\n    workers: ok 36/36 → safe, failure 0% "
                               "[0%–9.7%]\n    parent after: ok 36/36 → "
                               "safe, failure 0% [0%–9.7%]\n"));
  // A cell stopped short of a decision says why; wrong data on its own;
  // ok_after_retry its own kind; trials the harness could not run.
  EXPECT_THAT(table, HasSubstr("\nfork_after_create(parent_channel=used) "
                               "fork_support=true "));
  EXPECT_THAT(table,
              HasSubstr("\n    workers: ok 54/59, ok_after_retry 1/59, "
                        "wrong_data 1/59, hang 3/59 → flaky, failure 8.5% "
                        "[2.8%–19%] · wrong_data 1/59 trials\n    stopped: "
                        "trial cap; 1 trial not run (harness error)\n"));
  EXPECT_THAT(table, Not(HasSubstr("always")));
  EXPECT_THAT(table, Not(HasSubstr("stopped: decided")));
}

}  // namespace
}  // namespace forkcheck
