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
#include "supervisor/trial_evidence.h"

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
  // For a trial whose workers or parent check failed: per process that
  // left stacks or wrote on stderr, in process order. The text of trials
  // past a cell's first examples is dropped (TrimEvidenceText).
  std::vector<ProcessEvidence> evidence;
  // The capture's own time on top of wall_micros (0 if nothing was
  // captured).
  int64_t diagnosis_micros = 0;
  // What the watchdog allowed beyond its time because the trial's threads
  // waited for a CPU (TrialRecord::starvation_allowance); in wall_micros.
  int64_t starvation_allowance_micros = 0;
  // The watchdog fired at that allowance's bound with the trial still
  // waiting for a CPU (TrialRecord::killed_waiting_for_cpu).
  bool killed_waiting_for_cpu = false;
  // Whether the stacks of this trial were to be captured had it hung, and
  // its cores read had it crashed (the matrix does so for a cell's first
  // failed trials only); not in the report.
  bool stacks_captured = false;
  bool cores_read = false;
};

// The most trials of one outcome a record or a report may claim. Larger
// counts are a typo or a forged file, not a run (a trial takes a good part
// of a second), and the exact tests' work grows with them.
inline constexpr int kMaxOutcomeCount = 10'000'000;

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
  // In how many trials each "process: signature" was seen, with the
  // process's index dropped ("worker: grpc_pollset_work ← ...").
  std::map<std::string, int> SignatureCounts() const;
};

// A cell's report keeps the stacks and stderr text of its first
// kEvidenceExamples failed trials and of the first trial of each signature
// not seen before in the cell; other trials keep their signatures (counts
// need no text). Drops the text of `sample` unless it is one of those.
inline constexpr int kEvidenceExamples = 3;
void TrimEvidenceText(const CellResult& so_far, TrialSample* sample);

}  // namespace forkcheck

#endif  // FORKCHECK_MATRIX_CELL_RESULT_H_
