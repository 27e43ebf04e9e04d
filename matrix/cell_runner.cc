#include "matrix/cell_runner.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "dataset/catalogue.h"
#include "models/model_registry.h"

namespace forkcheck {
namespace {

// "ok" without its detail (the rows it read); other kinds with theirs.
std::string Describe(const WorkerOutcome& outcome) {
  return outcome.kind == OutcomeKind::kOk ? "ok"
                                          : DescribeWorkerOutcome(outcome);
}

std::string Millis(std::chrono::milliseconds duration) {
  return absl::StrCat(duration.count(), "ms");
}

// A trial ready to run, and what its classification needs to know.
struct Prepared {
  TrialCommand command;
  bool expects_parent_check = false;
};

absl::StatusOr<Prepared> PrepareCppTrial(const Cell& cell,
                                         const std::string& target,
                                         const std::string& table_name,
                                         int64_t rows,
                                         const CellRunOptions& options) {
  absl::StatusOr<std::unique_ptr<Model>> model =
      MakeModel(cell.model, cell.variant);
  if (!model.ok()) return model.status();
  return Prepared{TrialCommandFor(cell, target, table_name,
                                  WatchdogFor(rows, options), options),
                  (*model)->has_parent_check()};
}

absl::StatusOr<Prepared> PrepareTesteeTrial(const Cell& cell,
                                            const std::string& target,
                                            const std::string& table_name,
                                            int64_t rows,
                                            const CellRunOptions& options) {
  const auto testee = options.testees.find(cell.client);
  if (testee == options.testees.end()) {
    return absl::FailedPreconditionError(
        absl::StrCat("no testee for client ", cell.client));
  }
  const std::chrono::milliseconds watchdog =
      WatchdogFor(rows, options, cell.client);
  const v1::TrialRequest trial =
      TrialRequestFor(cell, target, table_name, watchdog, options);
  const v1::TesteeDescription& description = testee->second.description;
  if (absl::Status valid = CheckTrialRequest(description, trial); !valid.ok()) {
    return valid;
  }
  absl::StatusOr<TrialCommand> command = TesteeTrialCommand(
      testee->second.program, trial, GrpcEnvironment(cell.axes), watchdog);
  if (!command.ok()) return command.status();
  return Prepared{
      *std::move(command),
      ExpectsParentCheck(*FindModel(description, cell.model), trial)};
}

}  // namespace

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
  return std::chrono::milliseconds(
      static_cast<int64_t>(work.count() * options.watchdog_scale));
}

std::vector<std::string> GrpcEnvironment(const Axes& axes) {
  return {axes.fork_support == "unset"
              ? "GRPC_ENABLE_FORK_SUPPORT"
              : "GRPC_ENABLE_FORK_SUPPORT=" + axes.fork_support,
          axes.poll_strategy == "default"
              ? "GRPC_POLL_STRATEGY"
              : "GRPC_POLL_STRATEGY=" + axes.poll_strategy};
}

v1::TrialRequest TrialRequestFor(const Cell& cell, const std::string& target,
                                 const std::string& table_name,
                                 std::chrono::milliseconds watchdog,
                                 const CellRunOptions& options) {
  v1::TrialRequest trial;
  trial.set_model(cell.model);
  AddNamedValues(cell.variant, trial.mutable_variant());
  trial.set_target(target);
  trial.set_table(table_name);
  trial.set_workers(cell.axes.workers);
  trial.set_max_streams(2 * cell.axes.workers);  // as the C++ trials
  trial.set_stream_assignment(v1::STREAM_ASSIGNMENT_ROUND_ROBIN);
  trial.set_connect_timeout_ms(options.rpc_timeout.count());
  trial.set_create_session_timeout_ms(options.rpc_timeout.count());
  trial.set_parent_check_timeout_ms(options.parent_check_timeout.count());
  trial.set_worker_patience_ms((watchdog / 4).count());
  trial.set_watchdog_ms(watchdog.count());
  AddNamedValues(AxisValues(cell.axes), trial.mutable_axes());
  return trial;
}

TrialCommand TrialCommandFor(const Cell& cell, const std::string& target,
                             const std::string& table_name,
                             std::chrono::milliseconds watchdog,
                             const CellRunOptions& options) {
  const Axes& axes = cell.axes;
  TrialCommand command;
  command.argv = {
      options.trial_binary,
      "--model=" + cell.model,
      "--target=" + target,
      "--table=" + table_name,
      absl::StrCat("--workers=", axes.workers),
      absl::StrCat("--streams=", 2 * axes.workers),
      "--fork_hooks=" + axes.fork_hooks,
      "--child_channel=" + axes.child_channel,
      absl::StrCat("--busy_parent_thread=",
                   axes.busy_parent_thread ? "true" : "false"),
      "--connect_timeout=" + Millis(options.rpc_timeout),
      "--create_session_timeout=" + Millis(options.rpc_timeout),
      "--parent_check_timeout=" + Millis(options.parent_check_timeout),
      "--worker_patience=" + Millis(watchdog / 4)};
  for (const auto& [key, value] : cell.variant) {
    command.argv.push_back(absl::StrCat("--", key, "=", value));
  }
  command.env = GrpcEnvironment(axes);
  command.workers = axes.workers;
  command.watchdog = watchdog;
  return command;
}

TrialSample SampleFromTrial(const TrialRecord& record,
                            const TrialOutcome& outcome) {
  TrialSample sample;
  sample.watchdog_fired = record.watchdog_fired;
  sample.wall_micros = record.wall.count();
  OutcomeKind workers = OutcomeKind::kOk;
  for (size_t i = 0; i < outcome.workers.size(); ++i) {
    workers = WorseOf(workers, outcome.workers[i].kind);
    sample.worker_details.push_back(Describe(outcome.workers[i]));
    sample.worker_retries.push_back(outcome.workers[i].retries);
    sample.worker_first_failure.push_back(
        outcome.workers[i].first_retried_failure);
    int64_t first_row = -1;
    int64_t done = -1;
    if (i < record.workers.size()) {
      for (const v1::WorkerMessage& message : record.workers[i].messages) {
        if (!message.has_result()) continue;
        const v1::WorkerResult& result = message.result();
        sample.rows += result.rows_received();
        if (result.first_row_micros() > 0)
          first_row = result.first_row_micros();
        if (result.done_micros() > 0) done = result.done_micros();
      }
    }
    sample.first_row_micros.push_back(first_row);
    sample.done_micros.push_back(done);
  }
  sample.workers = workers;
  for (const v1::WorkerMessage& message : record.parent.messages) {
    if (message.has_parent_facts()) {
      sample.tcp_connections = message.parent_facts().tcp_connections();
    }
  }
  if (outcome.parent_after.has_value()) {
    sample.parent_after = outcome.parent_after->kind;
    sample.parent_detail = Describe(*outcome.parent_after);
  }
  return sample;
}

TrialSample RunCellTrial(const Cell& cell, const std::string& target,
                         const CellRunOptions& options) {
  TrialSample failed;
  std::string table_name;
  int64_t rows = 0;
  if (absl::Status resolved = ResolveTable(cell.axes.table, &table_name, &rows);
      !resolved.ok()) {
    failed.harness_error = std::string(resolved.message());
    return failed;
  }
  // The probe's table has the rows of `small`; only its name differs, and
  // the servers stall some of its sessions.
  if (options.power_probe.Probes(cell)) {
    table_name = options.power_probe.table_name;
  }
  absl::StatusOr<Prepared> prepared =
      cell.client == kCppClient
          ? PrepareCppTrial(cell, target, table_name, rows, options)
          : PrepareTesteeTrial(cell, target, table_name, rows, options);
  if (!prepared.ok()) {
    failed.harness_error = std::string(prepared.status().message());
    return failed;
  }
  absl::StatusOr<TrialRecord> record = RunTrial(prepared->command);
  if (!record.ok()) {
    failed.harness_error = std::string(record.status().message());
    return failed;
  }
  TrialSample sample = SampleFromTrial(
      *record, ClassifyTrial(*record, rows, prepared->expects_parent_check));
  if (!record->cleanup_error.empty()) {
    sample.harness_error =
        absl::StrCat("trial left processes behind: ", record->cleanup_error);
  }
  return sample;
}

}  // namespace forkcheck
