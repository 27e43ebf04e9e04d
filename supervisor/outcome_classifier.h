// Judges a TrialRecord: what happened to each worker, and to the parent's
// own client afterwards. Pure: no I/O, the same record gives the same result.
#ifndef FORKCHECK_SUPERVISOR_OUTCOME_CLASSIFIER_H_
#define FORKCHECK_SUPERVISOR_OUTCOME_CLASSIFIER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "forkcheck/worker.pb.h"
#include "supervisor/trial_runner.h"

namespace forkcheck {

// kOkAfterRetry: every row verified, but only after the client retried a
// failed call; a client without that retry would have failed.
enum class OutcomeKind {
  kOk,
  kOkAfterRetry,
  kWrongData,
  kError,
  kHang,
  kCrash
};

// Every kind, in the order above (least severe first).
inline constexpr OutcomeKind kOutcomeKinds[] = {
    OutcomeKind::kOk,    OutcomeKind::kOkAfterRetry, OutcomeKind::kWrongData,
    OutcomeKind::kError, OutcomeKind::kHang,         OutcomeKind::kCrash};

// "ok", "ok_after_retry", "wrong_data", "error", "hang", "crash".
absl::string_view OutcomeKindName(OutcomeKind kind);

// The kind OutcomeKindName names `name`; nullopt for any other text.
std::optional<OutcomeKind> OutcomeKindNamed(absl::string_view name);

// Whether every row was verified, with or without retries: ok and
// ok_after_retry. Any other kind failed.
bool Delivered(OutcomeKind kind);

// The more severe of two outcomes:
// crash > hang > wrong_data > error > ok_after_retry > ok.
// Wrong data ranks above an error: a client that silently returns wrong rows
// is worse than one that fails visibly.
OutcomeKind WorseOf(OutcomeKind a, OutcomeKind b);

struct WorkerOutcome {
  OutcomeKind kind = OutcomeKind::kOk;
  // Why, for a report: "SIGSEGV", "UNAVAILABLE: connection refused",
  // "hang in connect", "3 corrupted rows".
  std::string detail;
  // kHang: the last phase the worker reported (PHASE_UNSPECIFIED: none).
  v1::Phase hang_phase = v1::PHASE_UNSPECIFIED;
  int signal = 0;       // kCrash: the signal number
  int status_code = 0;  // kError from a gRPC status: its code
  // From the worker's result, if it sent one (any kind): the retries it
  // needed (injected faults' apart: ClassifyTrial) and the first failure one
  // of them recovered from, "UNAVAILABLE: Socket operation on non-socket"
  // ("" if none was reported). At most INT_MAX, whatever a worker claims.
  int retries = 0;
  std::string first_retried_failure;
};

// "hang (hang in connect)", "ok": the kind, then its detail if it has one.
std::string DescribeWorkerOutcome(const WorkerOutcome& outcome);

struct TrialOutcome {
  std::vector<WorkerOutcome> workers;
  // Present if the parent checked its client, or was expected to.
  std::optional<WorkerOutcome> parent_after;
  OutcomeKind overall = OutcomeKind::kOk;  // the worst of all the above
  // Rows of [0, expected_rows) no worker saw; 0 if expected_rows is unknown.
  // A write trial's read back table's instead, when it was read.
  int64_t missing_rows = 0;
  // Reported duplicates plus rows seen by more than one worker; the table's,
  // likewise.
  int64_t duplicate_rows = 0;
};

// What the harness found reading a write trial's table back after it
// (matrix/cell_runner.cc fills it from //client:read_table's account). Plain
// data, so that the supervisor stays free of gRPC.
struct TableReadBack {
  // Why the table could not be read (the fake gone, the read timed out);
  // empty if it was. An unread table judges nothing: the trial is then the
  // harness's error, which the caller records.
  std::string unreadable;
  int64_t rows_read = 0;     // duplicates and strays included
  int64_t missing_rows = 0;  // of [0, expected rows)
  int64_t duplicate_rows = 0;
  int64_t out_of_range_rows = 0;  // row_id outside [0, expected rows)
  int64_t corrupted_rows = 0;     // values other than the generator's
  // Responses whose rows did not decode or verify (their rows are among the
  // corrupted or the missing).
  int64_t corrupt_responses = 0;

  // Read, and holding exactly the expected rows, each once, as generated.
  bool HoldsExactly() const;
};

// "12 rows missing, 3 duplicated", "" if the table holds exactly its rows.
std::string DescribeTableFaults(const TableReadBack& table);

// What a table that does not hold exactly its rows makes its writers
// (ClassifyTrial's wrong_data detail): "table read back: 12 rows missing, 3
// duplicated"; "" if it holds them or was not read. A repro bundle's run.sh
// words a table with it too (matrix/judge_table_read_back_main.cc).
std::string DescribeWrongTable(const TableReadBack& table);

// The work a process was doing when it stopped, after `last_reached`:
// "start", "create", "connect", "first row", "mid-stream", "exit".
absl::string_view HangPhaseName(v1::Phase last_reached);

// Rules, per worker, in order:
// 1. its WorkerExit says a signal killed it: crash, unless the watchdog
//    fired and the signal is SIGKILL (the watchdog's): then rule 3;
// 1a. it has no WorkerExit and the trial process was killed by a signal
//    (same exception): crash, "trial process: SIGSEGV". A worker of a
//    thread model lived in that process; a worker process was not reported
//    because its parent died first. Either way the user's program crashed;
// 2. its pipe broke the protocol or carried a message a worker does not
//    send: error;
// 2a. no result and the testee refused the trial (TrialRefused on the
//    parent's pipe): error, with the testee's reason;
// 3. no result and the watchdog fired: hang in the phase after the last
//    PhaseReached;
// 4. no result otherwise: error (exited without a result);
// 5. a result with a non-OK status: error, with the code's name;
// 6. duplicated, out-of-range or corrupted rows, or corrupt responses:
//    wrong_data;
// 7. an exit status other than 0 after an OK result: error;
// 8. every row verified after retries it needed: ok_after_retry, "ok after
//    1 retry (first: UNAVAILABLE: Socket operation on non-socket)";
// 9. ok.
// Retries it needed: WorkerResult.retries minus injected_fault_retries,
// the retries after a failure the fake server injected on purpose (its
// fault scripts, e.g. the matrix's rst_stream, which resets every stream
// once). A server that resets a stream is something every real client
// must handle, and resuming it is the reader working as designed: those
// leave a worker ok. Any other failed call the reader had to retry
// (UNAVAILABLE on a child's first call, a stream reset nobody injected,
// its own deadline running out) is one a client without that retry would
// have failed on, which is what a user needs to know of the process model:
// ok_after_retry. (A stall fault that outlasts the reader's call deadline
// therefore counts: a user's call with that deadline would fail too. A
// refetched corrupt response makes the worker wrong_data by rule 6.)
// Rows missing or seen twice once all workers' `seen` ranges are merged
// against `expected_rows` (-1: unknown) cannot be pinned on one worker when
// workers share streams: they set missing_rows/duplicate_rows and make
// every worker that would be ok or ok_after_retry wrong_data — but only
// when all workers delivered OK results, since a worker that failed
// explains its rows.
// A write trial's table (`table`, read back by the harness; nullopt for a
// read trial, or unread: `unreadable` set) that does not hold exactly rows
// [0, expected_rows) as generated likewise makes every worker that would be
// ok or ok_after_retry wrong_data, "table read back: 12 rows missing, 3
// duplicated", when all workers delivered OK results (a worker that failed
// explains the rows it did not write); the trial's missing_rows and
// duplicate_rows are then the table's.
// parent_after: from the ParentCheck; if `expects_parent_check` and there
// is none, the testee's refusal if it refused, hang if the watchdog fired,
// crash if the trial process was killed by a signal, else error.
TrialOutcome ClassifyTrial(
    const TrialRecord& record, int64_t expected_rows, bool expects_parent_check,
    const std::optional<TableReadBack>& table = std::nullopt);

}  // namespace forkcheck

#endif  // FORKCHECK_SUPERVISOR_OUTCOME_CLASSIFIER_H_
