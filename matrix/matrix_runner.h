// Runs a matrix with adaptive trials: every cell gets trials until its
// verdict is decided, its trial cap is reached, or the run's time budget is
// spent (matrix/stopping_rule.h), trials side by side.
//
// A hang costs wall time, not CPU: a hung trial sleeps until its watchdog.
// So the first trial of every cell runs on `cpu_lanes` threads (about one
// per core), and further trials of a cell most of whose trials hung go to
// `hang_lanes` extra threads, which wait out watchdogs while the CPU lanes
// keep the cores busy with the trials that work. (A cell that hangs only
// now and then stays on the CPU lanes: its working trials need the CPU.) Hang
// lanes also take the first trials of cells whose model already hung in another
// cell. Among the cells still in doubt, a free lane takes them in
// lane_order.h's order, so trials saved on decided cells go to the undecided
// ones. Timings measured here are from a loaded machine and are indicative
// only; bench/ measures cost.
#ifndef FORKCHECK_MATRIX_MATRIX_RUNNER_H_
#define FORKCHECK_MATRIX_MATRIX_RUNNER_H_

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "matrix/cell.h"
#include "matrix/cell_result.h"
#include "matrix/cell_runner.h"
#include "matrix/server_pool.h"
#include "matrix/stopping_rule.h"
#include "matrix/verdict.h"

namespace forkcheck {

// How far a RunMatrix call has got, for a progress display.
struct MatrixProgress {
  int cells = 0;       // in the run
  int cells_done = 0;  // stopped, with every trial finished
  int trials_finished = 0;
  int trials_running = 0;
  int trials_hung = 0;  // finished trials whose watchdog fired
  // Until the time budget stops further trials; absent without a budget.
  std::optional<std::chrono::milliseconds> budget_left;
};

struct MatrixRunOptions {
  StoppingRule stopping;  // min_trials == max_trials: a fixed count
  VerdictRule verdicts;
  // After this long, no cell starts a trial beyond its min_trials; zero:
  // no budget.
  std::chrono::milliseconds time_budget{0};
  int cpu_lanes = 2;
  int hang_lanes = 8;
  // Keys of cells whose first trial should go to a hang lane, as those of
  // a model that hung in another cell do: e.g. cells recorded as hanging.
  // Only where a trial runs: the verdicts do not depend on it.
  std::set<std::string> likely_to_hang;
  // Each cell's recorded worker counts (its expectations line), by key. A
  // cell whose trials so far depart from them (DepartsFromRecord) is served
  // before the rest (lane_order.h), and a flaky one that departs at its
  // flaky look is judged at StoppingRule::departing_trials: the
  // expectations check needs its trials to tell a change from chance.
  std::map<std::string, OutcomeCounts> recorded;
  // Keys of the cells to decide first once every cell has its minimum
  // trials: the baseline cells (IsBaselineAxes), whose verdicts the
  // summary's table shows. A budget too short for every cell then leaves
  // the stress and fork-setting cells undecided, not the headline ones.
  std::set<std::string> headline;
  // Of a cell's hung trials, those whose stacks are captured, and of its
  // crashed ones, those whose cores are read: until this many of each gave
  // a signature (a capture that failed, e.g. for want of a free debugger,
  // leaves the next trial to try). Each costs seconds of gdb, one debugger
  // per core, on the CPUs the trials share.
  int stacks_per_cell = 2;
  CellRunOptions cell;
  // Runs one trial of a cell in place of the real one (PrepareCellTrial and
  // RunPreparedCellTrial against the server pool): for tests of the
  // schedule, which then need no server or trial program. Called from the
  // lanes' threads, one call per lane at a time.
  std::function<TrialSample(const Cell&)> run_trial;
  // Called (serialised, from a runner thread) as each cell completes.
  std::function<void(const CellResult&)> on_cell_done;
  // Called (serialised, from a runner thread, after on_cell_done if both
  // apply) as each trial starts and finishes.
  std::function<void(const MatrixProgress&)> on_progress;
};

// One result per cell, in the order of `cells`, each with its samples and
// stop reason. The options must pass CheckStoppingRule and
// CheckVerdictRule. An error, before any trial, when the system refuses a
// lane's thread.
absl::StatusOr<std::vector<CellResult>> RunMatrix(
    const std::vector<Cell>& cells, const ServerPool& servers,
    const MatrixRunOptions& options);

}  // namespace forkcheck

#endif  // FORKCHECK_MATRIX_MATRIX_RUNNER_H_
