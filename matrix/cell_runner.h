// Runs one trial of a cell: its client's testee under the supervisor
// (supervisor/testee.h, trial_runner.h), with the cell's trial request
// (trial_spec.h) and environment, then classifies it into a TrialSample.
#ifndef FORKCHECK_MATRIX_CELL_RUNNER_H_
#define FORKCHECK_MATRIX_CELL_RUNNER_H_

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "matrix/cell.h"
#include "matrix/cell_result.h"
#include "matrix/power_probe.h"
#include "matrix/table_read_back.h"
#include "matrix/trial_spec.h"
#include "supervisor/testee.h"
#include "supervisor/trial_runner.h"

namespace forkcheck {

struct CellRunOptions {
  // The testee clients by client name (the C++ one among them).
  std::map<std::string, TesteeClient> testees;
  // The watchdog is sized to the work: `watchdog_base` plus
  // `watchdog_per_krow` for every 1,000 rows of the table, times
  // `watchdog_scale` (raise it for sanitizers or a loaded machine). A hang
  // costs the whole watchdog, so it is kept tight.
  std::chrono::milliseconds watchdog_base{4000};
  std::chrono::milliseconds watchdog_per_krow{5};
  // A testee client's base instead: an interpreter starts in every process
  // it spawns (a Python spawn worker imports grpcio: up to 4 s on a loaded
  // 2-core machine), and it checks rows more slowly.
  std::chrono::milliseconds testee_watchdog_base{10000};
  std::chrono::milliseconds testee_watchdog_per_krow{200};
  double watchdog_scale = 1.0;
  // Per-worker budget for connecting and for the session's creation; kept
  // below the watchdog so an unreachable server is an error, not a hang.
  // Times `watchdog_scale`, as the watchdog (TrialBoundsFor).
  std::chrono::milliseconds rpc_timeout{2500};
  // The parent's check of its own client: its deadline (times
  // `watchdog_scale`), and how long the parent waits for its workers before
  // it checks anyway (a quarter of the watchdog), so the check ends before
  // the watchdog even when a worker hangs.
  std::chrono::milliseconds parent_check_timeout{1500};
  // Cells it probes read its table instead of `small` (power_probe.h);
  // write cells never: the probe's table is read-only.
  PowerProbe power_probe;
  // //client:read_table, which reads a write trial's table back after it;
  // empty: found among a test's runfiles. Killed after
  // `read_back_timeout` (times `watchdog_scale`): a process start and a
  // read of the trial's table, of a few thousand rows.
  std::string read_table_binary;
  std::chrono::milliseconds read_back_timeout{5000};
  // Stacks of hung trials and cores of crashed ones
  // (TrialCommand::explain_failures): seconds of debugger time per failed
  // trial.
  bool explain_failures = true;
};

// The bounds a trial of `watchdog` keeps itself (trial_spec.h): the RPC
// and parent-check deadlines times `watchdog_scale`, the workers' patience
// a quarter of the watchdog.
TrialBounds TrialBoundsFor(std::chrono::milliseconds watchdog,
                           const CellRunOptions& options);

// The full table name and row count of axes.table; INVALID_ARGUMENT if the
// default catalogue has no such table.
absl::Status ResolveTable(const std::string& table, std::string* full_name,
                          int64_t* rows);

// For a cell of `client` (kCppClient or a testee's).
std::chrono::milliseconds WatchdogFor(int64_t table_rows,
                                      const CellRunOptions& options,
                                      const std::string& client = kCppClient);

// A cell's trial, ready for RunTrial: what the matrix runs, for a caller
// that also needs to see it (a reproduction writes its command down).
struct CellTrial {
  PreparedTrial prepared;  // the command, and what classifying it needs
  int64_t table_rows = 0;  // the rows every trial must read (or write)
  // A write trial's: how its table is read back after it.
  std::optional<TableReadBackCommand> read_back;
};

// The trial of `cell` against the server at `target`: its request
// (trial_spec.h; a write cell's writes to tables of its own, named afresh
// by each call), environment and watchdog, checked by its client's testee.
// An error says why it cannot run (a table not in the catalogue, no testee
// for the client, a request the testee's description rules out, no
// read_table to read a write trial's table back).
absl::StatusOr<CellTrial> PrepareCellTrial(const Cell& cell,
                                           const std::string& target,
                                           const CellRunOptions& options);

// Runs a prepared trial and classifies it, a write trial with its table as
// read back (ClassifyTrial's rules). Never fails: a trial the supervisor
// could not run, or whose table could not be read back, sets the sample's
// harness_error.
TrialSample RunPreparedCellTrial(const CellTrial& trial);

// Turns a classified trial into a sample (exposed for tests).
TrialSample SampleFromTrial(const TrialRecord& record,
                            const TrialOutcome& outcome);

}  // namespace forkcheck

#endif  // FORKCHECK_MATRIX_CELL_RUNNER_H_
