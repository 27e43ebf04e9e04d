#include "matrix/cell_runner.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/runfiles.h"
#include "dataset/catalogue.h"
#include "matrix/trial_spec.h"

namespace forkcheck {
namespace {

// "ok" without its detail (the rows it read); other kinds with theirs.
std::string Describe(const WorkerOutcome& outcome) {
  return outcome.kind == OutcomeKind::kOk ? "ok"
                                          : DescribeWorkerOutcome(outcome);
}

std::chrono::milliseconds Scaled(std::chrono::milliseconds duration,
                                 double scale) {
  return std::chrono::milliseconds(
      static_cast<int64_t>(duration.count() * scale));
}

}  // namespace

TrialBounds TrialBoundsFor(std::chrono::milliseconds watchdog,
                           const CellRunOptions& options) {
  TrialBounds bounds;
  // Scaled as the watchdog is: a machine slow enough to need a longer
  // watchdog connects and answers slowly too, and a trial the watchdog
  // now waits for must not fail its own deadlines instead.
  bounds.rpc_timeout = Scaled(options.rpc_timeout, options.watchdog_scale);
  bounds.parent_check_timeout =
      Scaled(options.parent_check_timeout, options.watchdog_scale);
  // A quarter of the watchdog: the parent's check ends before the watchdog
  // even when a worker hangs.
  bounds.worker_patience = watchdog / 4;
  bounds.watchdog = watchdog;
  return bounds;
}

absl::Status ResolveTable(const std::string& table, std::string* full_name,
                          int64_t* rows) {
  const TableSpec* spec = Catalogue::Default().Resolve(table);
  if (spec == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("table \"", table, "\" is not in the default catalogue"));
  }
  *full_name = spec->name;
  *rows = spec->row_count;
  return absl::OkStatus();
}

std::chrono::milliseconds WatchdogFor(int64_t table_rows,
                                      const CellRunOptions& options,
                                      const std::string& client) {
  const bool cpp = client == kCppClient;
  const auto work =
      (cpp ? options.watchdog_base : options.testee_watchdog_base) +
      (cpp ? options.watchdog_per_krow : options.testee_watchdog_per_krow) *
          ((table_rows + 999) / 1000);
  return Scaled(work, options.watchdog_scale);
}

TrialSample SampleFromTrial(const TrialRecord& record,
                            const TrialOutcome& outcome) {
  TrialSample sample;
  sample.watchdog_fired = record.watchdog_fired;
  sample.wall_micros = record.wall.count();
  sample.diagnosis_micros = record.diagnosis_wall.count();
  sample.starvation_allowance_micros = record.starvation_allowance.count();
  sample.killed_waiting_for_cpu = record.killed_waiting_for_cpu;
  sample.evidence = EvidenceFromTrial(record, outcome);
  OutcomeKind workers = OutcomeKind::kOk;
  for (size_t i = 0; i < outcome.workers.size(); ++i) {
    workers = WorseOf(workers, outcome.workers[i].kind);
    sample.worker_details.push_back(Describe(outcome.workers[i]));
    sample.worker_retries.push_back(outcome.workers[i].retries);
    sample.worker_first_failure.push_back(
        outcome.workers[i].first_retried_failure);
    const v1::WorkerResult* result =
        i < record.workers.size() ? WorkerResultOf(record.workers[i]) : nullptr;
    if (result != nullptr) sample.rows += result->rows_received();
    sample.first_row_micros.push_back(result != nullptr &&
                                              result->first_row_micros() > 0
                                          ? result->first_row_micros()
                                          : -1);
    sample.done_micros.push_back(result != nullptr && result->done_micros() > 0
                                     ? result->done_micros()
                                     : -1);
  }
  sample.workers = workers;
  if (const v1::ParentFacts* facts = ParentFactsOf(record)) {
    sample.tcp_connections = facts->tcp_connections();
  }
  if (outcome.parent_after.has_value()) {
    sample.parent_after = outcome.parent_after->kind;
    sample.parent_detail = Describe(*outcome.parent_after);
  }
  return sample;
}

absl::StatusOr<CellTrial> PrepareCellTrial(const Cell& cell,
                                           const std::string& target,
                                           const CellRunOptions& options) {
  std::string table_name;
  CellTrial trial;
  if (absl::Status resolved =
          ResolveTable(cell.axes.table, &table_name, &trial.table_rows);
      !resolved.ok()) {
    return resolved;
  }
  // The probe's table has the rows of `small`; only its name differs, and
  // the servers stall some of its sessions. (Probes() is false for a write
  // cell.)
  if (options.power_probe.Probes(cell)) {
    table_name = options.power_probe.table_name;
  }
  const bool writes = cell.axes.workload == kWriteWorkload;
  const auto testee = options.testees.find(cell.client);
  if (testee == options.testees.end()) {
    return absl::FailedPreconditionError(
        absl::StrCat("no testee for client ", cell.client));
  }
  const std::chrono::milliseconds watchdog =
      WatchdogFor(trial.table_rows, options, cell.client);
  const v1::TrialRequest request = TrialRequestFor(
      cell, target, table_name, TrialBoundsFor(watchdog, options));
  absl::StatusOr<PreparedTrial> prepared = PrepareTesteeTrial(
      testee->second, request, GrpcEnvironment(cell.axes), watchdog);
  if (!prepared.ok()) return prepared.status();
  if (writes) {
    absl::StatusOr<std::string> read_table =
        options.read_table_binary.empty()
            ? RunfileExecutable("client/read_table")
            : absl::StatusOr<std::string>(options.read_table_binary);
    if (!read_table.ok()) return read_table.status();
    trial.read_back = TableReadBackCommandFor(
        *read_table, target, request.table(), request.write_rows(),
        Scaled(options.read_back_timeout, options.watchdog_scale));
  }
  trial.prepared = *std::move(prepared);
  trial.prepared.command.explain_failures = options.explain_failures;
  // A debugger slows down as a trial does (load, sanitizers).
  trial.prepared.command.stack_capture_bound =
      Scaled(kStackCaptureBound, std::max(1.0, options.watchdog_scale));
  return trial;
}

TrialSample RunPreparedCellTrial(const CellTrial& trial) {
  absl::StatusOr<TrialRecord> record = RunTrial(trial.prepared.command);
  if (!record.ok()) {
    TrialSample failed;
    failed.harness_error = std::string(record.status().message());
    return failed;
  }
  std::optional<TableReadBack> table;
  if (trial.read_back.has_value()) table = RunTableReadBack(*trial.read_back);
  TrialSample sample = SampleFromTrial(
      *record, ClassifyTrial(*record, trial.table_rows,
                             trial.prepared.expects_parent_check, table));
  if (!record->cleanup_error.empty()) {
    sample.harness_error =
        absl::StrCat("trial left processes behind: ", record->cleanup_error);
  } else if (table.has_value() && !table->unreadable.empty()) {
    // Nothing is known of what the writers wrote: not counted.
    sample.harness_error =
        absl::StrCat("write trial's table read back: ", table->unreadable);
  }
  return sample;
}

}  // namespace forkcheck
