// A whole matrix run, as the main job and the conformance test do it: load
// the design, expand one size (optionally only the cells whose key contains
// a filter), start the fake servers, run every cell, stop the servers.
#ifndef FORKCHECK_MATRIX_MATRIX_JOB_H_
#define FORKCHECK_MATRIX_MATRIX_JOB_H_

#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "matrix/cell_result.h"
#include "matrix/matrix_design.h"
#include "matrix/matrix_runner.h"

namespace forkcheck {

struct MatrixJobOptions {
  std::string design_path;    // matrix_design.json
  std::string server_binary;  // //fakes:fake_bigquery_storage_server
  MatrixSize size = MatrixSize::kQuick;
  // Run only cells whose key contains this; empty runs all.
  std::string cell_filter;
  MatrixRunOptions run;  // run.cell.trial_binary must be set
};

struct MatrixJobResult {
  MatrixDesign design;
  std::vector<CellResult> results;  // design order
  // Every cell key of the full size: what an expectations file may name.
  std::set<std::string> known_keys;
  // Set if a fake server did not stop cleanly after the run. The results
  // stand (every trial had ended), but the harness did not shut down as it
  // should, which the conformance test treats as a failure.
  std::string server_stop_error;
};

// Errors: a bad design (its message names the path), a filter that matches
// no cell, servers that would not start. Trials that misbehave are results,
// never errors; nor is a server that will not stop (server_stop_error).
absl::StatusOr<MatrixJobResult> RunMatrixJob(const MatrixJobOptions& options);

}  // namespace forkcheck

#endif  // FORKCHECK_MATRIX_MATRIX_JOB_H_
