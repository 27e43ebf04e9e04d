#include "supervisor/outcome_classifier.h"

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/subprocess.h"

namespace forkcheck {
namespace {

int Severity(OutcomeKind kind) {
  switch (kind) {
    case OutcomeKind::kOk:
      return 0;
    case OutcomeKind::kOkAfterRetry:
      return 1;
    case OutcomeKind::kError:
      return 2;
    case OutcomeKind::kWrongData:
      return 3;
    case OutcomeKind::kHang:
      return 4;
    case OutcomeKind::kCrash:
      return 5;
  }
  return 5;
}

// "UNAVAILABLE" for 14; gRPC and absl share the codes.
std::string StatusCodeName(int code) {
  std::string name =
      absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
  return name.empty() ? absl::StrCat("code ", code) : name;
}

WorkerOutcome Outcome(OutcomeKind kind, std::string detail) {
  WorkerOutcome outcome;
  outcome.kind = kind;
  outcome.detail = std::move(detail);
  return outcome;
}

WorkerOutcome Hang(v1::Phase last_reached) {
  WorkerOutcome outcome =
      Outcome(OutcomeKind::kHang,
              absl::StrCat("hang in ", HangPhaseName(last_reached)));
  outcome.hang_phase = last_reached;
  return outcome;
}

WorkerOutcome Crash(int signal, absl::string_view who) {
  WorkerOutcome outcome =
      Outcome(OutcomeKind::kCrash, absl::StrCat(who, SignalName(signal)));
  outcome.signal = signal;
  return outcome;
}

WorkerOutcome StatusError(int code, absl::string_view message) {
  WorkerOutcome outcome = Outcome(
      OutcomeKind::kError, absl::StrCat(StatusCodeName(code), ": ", message));
  outcome.status_code = code;
  return outcome;
}

// What one worker's pipe said, and what the parent said about its exit.
struct WorkerFacts {
  const v1::WorkerResult* result = nullptr;
  v1::Phase last_phase = v1::PHASE_UNSPECIFIED;
  std::optional<int> exit_status;
  std::string misuse;  // messages a worker must not send
};

WorkerFacts Gather(const TrialRecord::ProcessReport& report) {
  WorkerFacts facts;
  int results = 0;
  for (const v1::WorkerMessage& message : report.messages) {
    switch (message.body_case()) {
      case v1::WorkerMessage::kPhase:
        facts.last_phase = std::max(facts.last_phase, message.phase().phase());
        break;
      case v1::WorkerMessage::kResult:
        ++results;
        break;
      case v1::WorkerMessage::kWorkerExit:
        facts.misuse = "a worker pipe carried a worker_exit message";
        break;
      case v1::WorkerMessage::kParentCheck:
        facts.misuse = "a worker pipe carried a parent_check message";
        break;
      case v1::WorkerMessage::kParentFacts:
        facts.misuse = "a worker pipe carried a parent_facts message";
        break;
      case v1::WorkerMessage::kTestee:
        facts.misuse = "a worker pipe carried a testee description";
        break;
      case v1::WorkerMessage::kRefused:
        facts.misuse = "a worker pipe carried a trial refusal";
        break;
      case v1::WorkerMessage::BODY_NOT_SET:
        facts.misuse = "a message without a body";
        break;
    }
  }
  facts.result = WorkerResultOf(report);
  if (results > 1 && facts.misuse.empty()) {
    facts.misuse = absl::StrCat(results, " results from one worker");
  }
  return facts;
}

std::string DescribeTrialProcess(const TrialRecord& record) {
  return record.trial_wait_status.has_value()
             ? absl::StrCat("the trial process ",
                            DescribeWaitStatus(*record.trial_wait_status))
             : std::string("the trial process was not reaped");
}

// Why a testee refused the trial (its parent pipe's TrialRefused), or
// nullopt if it did not.
std::optional<std::string> Refusal(const TrialRecord& record) {
  for (const v1::WorkerMessage& message : record.parent.messages) {
    if (message.has_refused()) {
      return absl::StrCat("testee refused the trial: ",
                          message.refused().reason());
    }
  }
  return std::nullopt;
}

// The signal that killed `wait_status`, unless it is none or the watchdog's
// SIGKILL (a hang, not a crash).
std::optional<int> CrashSignal(const TrialRecord& record, int wait_status) {
  if (!WIFSIGNALED(wait_status)) return std::nullopt;
  const int signal = WTERMSIG(wait_status);
  if (record.watchdog_fired && signal == SIGKILL) return std::nullopt;
  return signal;
}

// Retries the worker needed (see ClassifyTrial's rules), from its untrusted
// result: never negative, never more than it made, at most INT_MAX.
int NeededRetries(const v1::WorkerResult& result) {
  const int64_t retries = std::max<int64_t>(0, result.retries());
  const int64_t injected =
      std::clamp<int64_t>(result.injected_fault_retries(), 0, retries);
  return static_cast<int>(
      std::min<int64_t>(retries - injected, std::numeric_limits<int>::max()));
}

// "UNAVAILABLE: Socket operation on non-socket", or "" if none was reported.
std::string FirstRetriedFailure(const v1::WorkerResult& result) {
  if (result.first_retried_status_code() == 0) return "";
  return absl::StrCat(StatusCodeName(result.first_retried_status_code()), ": ",
                      result.first_retried_status_message());
}

WorkerOutcome OkAfterRetry(int retries, const std::string& first) {
  std::string detail =
      absl::StrCat("ok after ", retries, retries == 1 ? " retry" : " retries");
  if (!first.empty()) absl::StrAppend(&detail, " (first: ", first, ")");
  return Outcome(OutcomeKind::kOkAfterRetry, std::move(detail));
}

WorkerOutcome ClassifyWorker(const TrialRecord& record,
                             const TrialRecord::ProcessReport& report,
                             const WorkerFacts& facts,
                             const std::optional<std::string>& refusal) {
  if (facts.exit_status.has_value()) {
    if (std::optional<int> signal = CrashSignal(record, *facts.exit_status)) {
      return Crash(*signal, "");
    }
  } else if (record.trial_wait_status.has_value()) {
    // No exit report: a thread of the trial process, or a process whose
    // parent (the trial process) died before it could report it. Either
    // way the trial process's death is what ended the worker's report.
    if (std::optional<int> signal =
            CrashSignal(record, *record.trial_wait_status)) {
      return Crash(*signal, "trial process: ");
    }
  }
  if (!report.protocol_error.empty()) {
    return Outcome(OutcomeKind::kError,
                   absl::StrCat("protocol error: ", report.protocol_error));
  }
  if (!facts.misuse.empty()) {
    return Outcome(OutcomeKind::kError,
                   absl::StrCat("protocol error: ", facts.misuse));
  }
  if (facts.result == nullptr) {
    if (refusal.has_value()) return Outcome(OutcomeKind::kError, *refusal);
    if (record.watchdog_fired) return Hang(facts.last_phase);
    if (facts.exit_status.has_value()) {
      return Outcome(OutcomeKind::kError,
                     absl::StrCat(DescribeWaitStatus(*facts.exit_status),
                                  " without a result, after phase ",
                                  HangPhaseName(facts.last_phase)));
    }
    return Outcome(OutcomeKind::kError,
                   absl::StrCat("no result and no exit report; ",
                                DescribeTrialProcess(record)));
  }
  const v1::WorkerResult& result = *facts.result;
  if (result.status_code() != 0) {
    return StatusError(result.status_code(), result.status_message());
  }
  std::vector<std::string> wrong;
  if (result.duplicate_rows() > 0) {
    wrong.push_back(absl::StrCat(result.duplicate_rows(), " duplicate rows"));
  }
  if (result.out_of_range_rows() > 0) {
    wrong.push_back(
        absl::StrCat(result.out_of_range_rows(), " out-of-range rows"));
  }
  if (result.corrupted_rows() > 0) {
    wrong.push_back(absl::StrCat(result.corrupted_rows(), " corrupted rows"));
  }
  if (result.corrupt_responses() > 0) {
    // What the reader found wrong, so that a finding can be examined from
    // the report alone.
    std::string what;
    for (const v1::StreamOutcome& stream : result.streams()) {
      if (stream.last_corruption().empty()) continue;
      what = absl::StrCat(" (last on ", stream.stream(), ": ",
                          stream.last_corruption(), ")");
      break;
    }
    wrong.push_back(
        absl::StrCat(result.corrupt_responses(), " corrupt responses", what));
  }
  if (!wrong.empty()) {
    return Outcome(OutcomeKind::kWrongData, absl::StrJoin(wrong, ", "));
  }
  if (facts.exit_status.has_value() && *facts.exit_status != 0) {
    return Outcome(OutcomeKind::kError,
                   absl::StrCat(DescribeWaitStatus(*facts.exit_status),
                                " after an OK result"));
  }
  if (const int retries = NeededRetries(result); retries > 0) {
    return OkAfterRetry(retries, FirstRetriedFailure(result));
  }
  return Outcome(OutcomeKind::kOk, "");
}

// Rows of [0, expected) covered by no range, and rows covered more than
// once (within [0, expected) if known).
std::pair<int64_t, int64_t> MissingAndOverlap(
    std::vector<std::pair<int64_t, int64_t>> ranges, int64_t expected) {
  if (expected >= 0) {
    for (auto& [begin, end] : ranges) {
      begin = std::clamp<int64_t>(begin, 0, expected);
      end = std::clamp<int64_t>(end, 0, expected);
    }
  }
  std::sort(ranges.begin(), ranges.end());
  int64_t covered = 0;
  int64_t overlap = 0;
  int64_t reach = INT64_MIN;  // end of the union so far
  for (const auto& [begin, end] : ranges) {
    if (end <= begin) continue;
    if (begin < reach) overlap += std::min(end, reach) - begin;
    if (end > reach) {
      covered += end - std::max(begin, reach);
      reach = end;
    }
  }
  const int64_t missing = expected >= 0 ? expected - covered : 0;
  return {missing, overlap};
}

std::optional<WorkerOutcome> ClassifyParent(
    const TrialRecord& record, bool expects_parent_check,
    const std::optional<std::string>& refusal) {
  const v1::ParentCheck* check = nullptr;
  for (const v1::WorkerMessage& message : record.parent.messages) {
    if (message.has_parent_check()) check = &message.parent_check();
  }
  if (!record.parent.protocol_error.empty() && expects_parent_check) {
    return Outcome(
        OutcomeKind::kError,
        absl::StrCat("parent protocol error: ", record.parent.protocol_error));
  }
  if (check != nullptr) {
    if (check->status_code() == 0) return Outcome(OutcomeKind::kOk, "");
    return StatusError(check->status_code(), check->status_message());
  }
  if (!expects_parent_check) return std::nullopt;
  if (refusal.has_value()) {
    return Outcome(OutcomeKind::kError, *refusal);
  }
  if (record.watchdog_fired) {
    return Outcome(OutcomeKind::kHang, "parent hang before its check");
  }
  if (record.trial_wait_status.has_value() &&
      WIFSIGNALED(*record.trial_wait_status)) {
    return Crash(WTERMSIG(*record.trial_wait_status), "parent: ");
  }
  return Outcome(
      OutcomeKind::kError,
      absl::StrCat("no parent check; ", DescribeTrialProcess(record)));
}

}  // namespace

absl::string_view OutcomeKindName(OutcomeKind kind) {
  switch (kind) {
    case OutcomeKind::kOk:
      return "ok";
    case OutcomeKind::kOkAfterRetry:
      return "ok_after_retry";
    case OutcomeKind::kWrongData:
      return "wrong_data";
    case OutcomeKind::kError:
      return "error";
    case OutcomeKind::kHang:
      return "hang";
    case OutcomeKind::kCrash:
      return "crash";
  }
  return "unknown";
}

std::optional<OutcomeKind> OutcomeKindNamed(absl::string_view name) {
  for (const OutcomeKind kind : kOutcomeKinds) {
    if (OutcomeKindName(kind) == name) return kind;
  }
  return std::nullopt;
}

OutcomeKind WorseOf(OutcomeKind a, OutcomeKind b) {
  return Severity(a) >= Severity(b) ? a : b;
}

std::string DescribeWorkerOutcome(const WorkerOutcome& outcome) {
  std::string text(OutcomeKindName(outcome.kind));
  if (!outcome.detail.empty()) {
    absl::StrAppend(&text, " (", outcome.detail, ")");
  }
  return text;
}

absl::string_view HangPhaseName(v1::Phase last_reached) {
  switch (last_reached) {
    case v1::PHASE_STARTED:
      return "create";
    case v1::PHASE_CLIENT_CREATED:
      return "connect";
    case v1::PHASE_CONNECTED:
      return "first row";
    case v1::PHASE_FIRST_ROW:
      return "mid-stream";
    case v1::PHASE_DONE:
      return "exit";
    default:
      return "start";
  }
}

bool TableReadBack::HoldsExactly() const {
  return unreadable.empty() && missing_rows == 0 && duplicate_rows == 0 &&
         out_of_range_rows == 0 && corrupted_rows == 0 &&
         corrupt_responses == 0;
}

std::string DescribeTableFaults(const TableReadBack& table) {
  std::vector<std::string> faults;
  if (table.missing_rows > 0) {
    faults.push_back(absl::StrCat(table.missing_rows, " rows missing"));
  }
  if (table.duplicate_rows > 0) {
    faults.push_back(absl::StrCat(table.duplicate_rows, " duplicated"));
  }
  if (table.out_of_range_rows > 0) {
    faults.push_back(absl::StrCat(table.out_of_range_rows, " out of range"));
  }
  if (table.corrupted_rows > 0) {
    faults.push_back(absl::StrCat(table.corrupted_rows, " corrupted"));
  }
  if (table.corrupt_responses > 0) {
    faults.push_back(
        absl::StrCat(table.corrupt_responses, " corrupt responses"));
  }
  return absl::StrJoin(faults, ", ");
}

std::string DescribeWrongTable(const TableReadBack& table) {
  if (!table.unreadable.empty() || table.HoldsExactly()) return "";
  return absl::StrCat("table read back: ", DescribeTableFaults(table));
}

TrialOutcome ClassifyTrial(const TrialRecord& record, int64_t expected_rows,
                           bool expects_parent_check,
                           const std::optional<TableReadBack>& table) {
  std::vector<WorkerFacts> facts;
  for (const TrialRecord::ProcessReport& report : record.workers) {
    facts.push_back(Gather(report));
  }
  for (const v1::WorkerMessage& message : record.parent.messages) {
    if (!message.has_worker_exit()) continue;
    const int worker = message.worker_exit().worker();
    if (worker >= 0 && worker < static_cast<int>(facts.size())) {
      facts[worker].exit_status = message.worker_exit().wait_status();
    }
  }

  const std::optional<std::string> refusal = Refusal(record);
  TrialOutcome outcome;
  std::vector<std::pair<int64_t, int64_t>> ranges;
  bool all_delivered = true;
  for (size_t i = 0; i < facts.size(); ++i) {
    outcome.workers.push_back(
        ClassifyWorker(record, record.workers[i], facts[i], refusal));
    WorkerOutcome& worker = outcome.workers.back();
    all_delivered = all_delivered && (Delivered(worker.kind) ||
                                      worker.kind == OutcomeKind::kWrongData);
    if (facts[i].result == nullptr) continue;
    worker.retries = NeededRetries(*facts[i].result);
    worker.first_retried_failure = FirstRetriedFailure(*facts[i].result);
    outcome.duplicate_rows += facts[i].result->duplicate_rows();
    for (const v1::RowIdRange& range : facts[i].result->seen()) {
      ranges.emplace_back(range.begin(), range.end());
    }
  }
  const auto [missing, overlap] = MissingAndOverlap(ranges, expected_rows);
  outcome.missing_rows = missing;
  outcome.duplicate_rows += overlap;
  std::vector<std::string> wrong;
  if (missing > 0) {
    wrong.push_back(absl::StrCat(missing, " of ", expected_rows,
                                 " rows missing across workers"));
  }
  if (overlap > 0) {
    wrong.push_back(
        absl::StrCat(overlap, " rows seen by more than one worker"));
  }
  // A written table is the truth of what the workers wrote: its rows, not
  // their claims, are the trial's.
  if (table.has_value() && table->unreadable.empty()) {
    outcome.missing_rows = table->missing_rows;
    outcome.duplicate_rows = table->duplicate_rows;
    if (std::string detail = DescribeWrongTable(*table); !detail.empty()) {
      wrong.push_back(std::move(detail));
    }
  }
  if (all_delivered && !wrong.empty()) {
    for (WorkerOutcome& worker : outcome.workers) {
      if (Delivered(worker.kind)) {
        worker.kind = OutcomeKind::kWrongData;
        worker.detail = absl::StrJoin(wrong, ", ");
      }
    }
  }

  outcome.parent_after = ClassifyParent(record, expects_parent_check, refusal);
  for (const WorkerOutcome& worker : outcome.workers) {
    outcome.overall = WorseOf(outcome.overall, worker.kind);
  }
  if (outcome.parent_after.has_value()) {
    outcome.overall = WorseOf(outcome.overall, outcome.parent_after->kind);
  }
  return outcome;
}

bool Delivered(OutcomeKind kind) {
  return kind == OutcomeKind::kOk || kind == OutcomeKind::kOkAfterRetry;
}

}  // namespace forkcheck
