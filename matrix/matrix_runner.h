// Runs a matrix: every cell `repetitions` times, trials side by side.
//
// A hang costs wall time, not CPU: a hung trial sleeps until its watchdog.
// So the first trial of every cell runs on `cpu_lanes` threads (about one
// per core), and the remaining repetitions of a cell whose first trial hung
// go to `hang_lanes` extra threads, which wait out watchdogs while the CPU
// lanes keep the cores busy with the trials that work. Hang lanes also take
// the first trials of cells whose model already hung in another cell. Timings
// measured here are from a loaded machine and are indicative only; bench/
// measures cost.
#ifndef FORKCHECK_MATRIX_MATRIX_RUNNER_H_
#define FORKCHECK_MATRIX_MATRIX_RUNNER_H_

#include <functional>
#include <vector>

#include "matrix/cell.h"
#include "matrix/cell_result.h"
#include "matrix/cell_runner.h"
#include "matrix/server_pool.h"

namespace forkcheck {

struct MatrixRunOptions {
  int repetitions = 5;
  int cpu_lanes = 2;
  int hang_lanes = 8;
  CellRunOptions cell;
  // Called (serialised, from a runner thread) as each cell completes.
  std::function<void(const CellResult&)> on_cell_done;
};

// One result per cell, in the order of `cells`, each with `repetitions`
// samples in the order they were run.
std::vector<CellResult> RunMatrix(const std::vector<Cell>& cells,
                                  const ServerPool& servers,
                                  const MatrixRunOptions& options);

}  // namespace forkcheck

#endif  // FORKCHECK_MATRIX_MATRIX_RUNNER_H_
