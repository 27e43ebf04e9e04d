// What running one cell's trials gave: raw samples, mergeable, with the
// distributions computed from them (never the other way round).
#ifndef FORKCHECK_MATRIX_CELL_RESULT_H_
#define FORKCHECK_MATRIX_CELL_RESULT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "matrix/cell.h"
#include "supervisor/outcome_classifier.h"

namespace forkcheck {

// One trial of a cell.
struct TrialSample {
  // The worst of the workers' outcomes (the parent's own client apart).
  OutcomeKind workers = OutcomeKind::kOk;
  std::optional<OutcomeKind> parent_after;  // if the model checks it
  // Per worker, "ok" or e.g. "hang in connect", "error (UNAVAILABLE: ...)".
  std::vector<std::string> worker_details;
  // Per worker, same order: the retries it needed (those after a fault the
  // fake injected on purpose apart: supervisor/outcome_classifier.h) and
  // the first failure one of them recovered from, e.g. "UNAVAILABLE: Socket
  // operation on non-socket" ("" if none), whatever the worker's outcome.
  std::vector<int> worker_retries;
  std::vector<std::string> worker_first_failure;
  std::string parent_detail;
  bool watchdog_fired = false;
  int64_t wall_micros = 0;  // exec of the trial program to its end
  // Per worker that got so far, since the worker's start; -1 if it did not.
  std::vector<int64_t> first_row_micros;
  std::vector<int64_t> done_micros;
  int64_t rows = 0;  // rows the workers verified, summed
  // TCP connections the trial's process held to the server after its
  // threads read (thread models); -1 if not reported.
  int tcp_connections = -1;
  // Set if the supervisor itself could not run the trial (not an outcome).
  std::string harness_error;
};

// How often each outcome happened over a cell's trials.
struct OutcomeCounts {
  std::map<OutcomeKind, int> counts;
  int total() const;
  int Count(OutcomeKind kind) const;  // 0 if never seen
  // "always ok" if one kind, else "mixed hang 2, ok 3" (most severe first).
  std::string Summary() const;
  std::vector<OutcomeKind> Kinds() const;  // most severe first
};

struct CellResult {
  Cell cell;
  std::string key;  // CellKey(cell)
  // In the order the trials ended (trials run side by side).
  std::vector<TrialSample> samples;
  // Why the cell got no more trials: "decided", "trial cap", "time budget"
  // or "harness error" (matrix/stopping_rule.h); "" if not recorded.
  std::string stop_reason;

  OutcomeCounts WorkerCounts() const;
  // Empty counts if the model has no parent check.
  OutcomeCounts ParentCounts() const;
};

}  // namespace forkcheck

#endif  // FORKCHECK_MATRIX_CELL_RESULT_H_
