// A whole matrix run, as the main job and the conformance test do it: load
// the design, expand one size (optionally only the cells whose key contains
// a filter), start the fake servers, run every cell, stop the servers.
#ifndef FORKCHECK_MATRIX_MATRIX_JOB_H_
#define FORKCHECK_MATRIX_MATRIX_JOB_H_

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "matrix/cell_result.h"
#include "matrix/matrix_design.h"
#include "matrix/matrix_runner.h"
#include "matrix/shard_plan.h"
#include "supervisor/testee.h"

namespace forkcheck {

// A client of the design, and whether this job ran its cells.
struct ClientRun {
  std::string client;
  // How the client described itself; absent if it was skipped before it
  // could say.
  std::optional<v1::TesteeDescription> description;
  // Why its cells did not run (not installed, not selected, a testee that
  // could not describe itself); empty if they ran.
  std::string skipped;
};

struct MatrixJobOptions {
  std::string design_path;    // matrix_design.json
  std::string server_binary;  // //fakes:fake_bigquery_storage_server
  MatrixSize size = MatrixSize::kQuick;
  // Run only cells whose key contains this; empty runs all.
  std::string cell_filter;
  MatrixRunOptions run;  // run.cell.testees is filled by the job
  // The testee program of each client the design names, the C++ one's
  // (//models:trial_program) among them; a client without one is skipped
  // (and says so in `clients`).
  std::map<std::string, TesteeProgram> testee_programs;
  // Run only these clients' cells; empty runs every client of the design.
  std::set<std::string> clients;
  // How long a testee may take to describe itself (an interpreter's start).
  std::chrono::milliseconds describe_watchdog{30000};
  // Of a client that is ready to run, its recorded worker counts by cell
  // key (RecordedWorkerCounts), for run.recorded, and the cells recorded as
  // hanging in most trials, for run.likely_to_hang; none if unset. An error
  // (a record that cannot be read) ends the job before its first trial.
  std::function<absl::StatusOr<std::map<std::string, OutcomeCounts>>(
      const ClientRun&)>
      recorded_counts;
  // Run only this shard's cells (matrix/shard_plan.h): the cells chosen
  // (size, clients that can run, filter) are planned into `shard->count`
  // shards by their estimated costs, those recorded as hanging
  // (recorded_counts) on the hang lanes. None: every cell chosen.
  std::optional<ShardSpec> shard;
};

struct MatrixJobResult {
  MatrixDesign design;
  std::vector<ClientRun> clients;   // every client of the design, C++ first
  std::vector<CellResult> results;  // design order
  // Every cell key of the full size of the clients that ran: what an
  // expectations file may name.
  std::set<std::string> known_keys;
  // Set if a fake server did not stop cleanly after the run. The results
  // stand (every trial had ended), but the harness did not shut down as it
  // should, which the conformance test treats as a failure.
  std::string server_stop_error;
  // With options.shard: which shard ran, of which plan; `results` are its
  // cells only (none if the shard is empty: more shards than cells).
  std::optional<ShardAssignment> shard;
};

// A client that cannot run is skipped, not an error: its ClientRun says why.
// Errors: a bad design (its message names the path), a filter that matches
// no cell, servers that would not start, a shard out of range. Trials that
// misbehave are results, never errors; nor is a server that will not stop
// (server_stop_error).
absl::StatusOr<MatrixJobResult> RunMatrixJob(const MatrixJobOptions& options);

}  // namespace forkcheck

#endif  // FORKCHECK_MATRIX_MATRIX_JOB_H_
