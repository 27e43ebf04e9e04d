// A cell made into the trial request (protos/forkcheck/testee.proto) that
// describes its trial: the one description of a trial for every client,
// used by the matrix and the benchmarks alike.
#ifndef FORKCHECK_MATRIX_TRIAL_SPEC_H_
#define FORKCHECK_MATRIX_TRIAL_SPEC_H_

#include <chrono>
#include <string>
#include <vector>

#include "forkcheck/testee.pb.h"
#include "matrix/cell.h"

namespace forkcheck {

// The bounds a trial keeps itself, below the supervisor's watchdog.
struct TrialBounds {
  // Per worker: connecting, and each session's creation.
  std::chrono::milliseconds rpc_timeout{2500};
  // The deadline of the parent's check of its own client.
  std::chrono::milliseconds parent_check_timeout{1500};
  // How long the parent waits for its workers before it checks anyway.
  std::chrono::milliseconds worker_patience{1000};
  // The supervisor's; sent so the testee can size its own waits below it.
  std::chrono::milliseconds watchdog{10000};
  // Timed CreateReadSession calls per worker after its read.
  int session_calls = 0;
};

// The request of `cell`'s trial against the server at `target`, reading
// `table_name` (the full name: the cell's table, or a stand-in for it).
// Every axis is in it: those the testee carries out, and the others for its
// information. The session has two streams per worker, assigned round
// robin.
//
// A write cell's request (workload "write") writes instead every row of
// the catalogue table {t} that `table_name` ends in (write_rows: its row
// count) to the trial's own empty table,
// projects/{trial_id}/datasets/writable/tables/{t}, and the parent's own
// writes go to projects/{trial_id}-parent/datasets/writable/tables/{t}.
// `trial_id` must be unique among the trials that share the server; empty:
// NewTrialId().
v1::TrialRequest TrialRequestFor(const Cell& cell, const std::string& target,
                                 const std::string& table_name,
                                 const TrialBounds& bounds,
                                 const std::string& trial_id = "");

// A name no other trial of this process has had, and a valid project id
// of the fake's: "trial-<pid>-<n>".
std::string NewTrialId();

// The environment axes as the supervisor sets them for the trial: each
// variable set to the axis's value, or removed for its first choice
// ("unset", "default") whatever this process's environment holds.
std::vector<std::string> GrpcEnvironment(const Axes& axes);

}  // namespace forkcheck

#endif  // FORKCHECK_MATRIX_TRIAL_SPEC_H_
