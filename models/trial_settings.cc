#include "models/trial_settings.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "dataset/catalogue.h"
#include "probes/fork_hooks.h"

namespace forkcheck {
namespace {

constexpr char kTablePrefix[] = "projects/forkcheck/datasets/synthetic/tables/";
constexpr char kWritableDataset[] = "/datasets/writable/tables/";

// The catalogue table whose rows `setting`="`table`" is written with: the
// one its last part names, if it is a writable table of the fake's
// (fakes/README.md, "Writable tables").
absl::StatusOr<const TableSpec*> WrittenRowsOf(const std::string& setting,
                                               const std::string& table) {
  const size_t dataset = table.find(kWritableDataset);
  const TableSpec* spec = dataset == std::string::npos
                              ? nullptr
                              : Catalogue::Default().Resolve(table.substr(
                                    dataset + sizeof(kWritableDataset) - 1));
  if (!absl::StartsWith(table, "projects/") || spec == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        setting, "=\"", table,
        "\"; a write needs a writable table, "
        "projects/P/datasets/writable/tables/T with T a catalogue table"));
  }
  return spec;
}

// The write workload's settings, checked; `model` runs it.
absl::Status PrepareWrite(const Model& model, ModelContext& context) {
  if (!model.supports_write()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "workload=write: ", model.name(), " runs only the read workload"));
  }
  if (context.busy_parent_thread) {
    return absl::InvalidArgumentError(
        "busy_parent_thread with workload=write: the busy thread is a read; "
        "the write workload has no busy parent thread");
  }
  if (context.write_rows < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("write_rows=", context.write_rows, "; must be >= 0"));
  }
  absl::StatusOr<const TableSpec*> rows = WrittenRowsOf("table", context.table);
  if (!rows.ok()) return rows.status();
  // The rows are the catalogue table's, as its generator makes them.
  if (context.write_rows > (*rows)->row_count) {
    return absl::InvalidArgumentError(
        absl::StrCat("write_rows=", context.write_rows, "; ", (*rows)->name,
                     " has ", (*rows)->row_count, " rows"));
  }
  context.write_rows_of = (*rows)->name;
  absl::StatusOr<const TableSpec*> parent_rows =
      WrittenRowsOf("parent_write_table", context.parent_write_table);
  if (!parent_rows.ok()) return parent_rows.status();
  if (context.parent_write_table == context.table) {
    return absl::InvalidArgumentError(absl::StrCat(
        "parent_write_table=\"", context.parent_write_table,
        "\" is the workers' table; the parent's writes go elsewhere"));
  }
  context.parent_write_rows_of = (*parent_rows)->name;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Model>> PrepareTrial(TrialSettings* settings) {
  absl::StatusOr<std::unique_ptr<Model>> model =
      MakeModel(settings->model, settings->variant);
  if (!model.ok()) return model.status();
  ModelContext& context = settings->context;
  if (settings->workload == "write") {
    context.workload = Workload::kWrite;
    if (absl::Status write = PrepareWrite(**model, context); !write.ok()) {
      return write;
    }
  } else if (settings->workload == "read" || settings->workload.empty()) {
    context.workload = Workload::kRead;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "workload=\"", settings->workload, "\"; expected read or write"));
  }
  // As read_table and the main job read a table name. A name the catalogue
  // does not know still goes to the server (in full form), so that a trial
  // of an unknown table shows the server's NOT_FOUND, as a real client would.
  if (context.workload == Workload::kWrite) {
    // Checked above: a writable table's full name.
  } else if (const TableSpec* spec =
                 Catalogue::Default().Resolve(context.table)) {
    context.table = spec->name;
  } else if (context.table.find('/') == std::string::npos) {
    context.table = absl::StrCat(kTablePrefix, context.table);
  }
  // Each call's duration travels in the worker's result frame (1 MiB).
  if (context.session_calls < 0 || context.session_calls > 100000) {
    return absl::InvalidArgumentError(absl::StrCat(
        "session_calls=", context.session_calls, "; must be 0 to 100000"));
  }
  if (std::optional<ForkHooks> parsed = ParseForkHooks(settings->fork_hooks)) {
    context.fork_hooks = *parsed;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("fork_hooks=\"", settings->fork_hooks,
                     "\"; expected none or application"));
  }
  if (settings->child_channel != "default" &&
      settings->child_channel != "local_pool") {
    return absl::InvalidArgumentError(
        absl::StrCat("child_channel=\"", settings->child_channel,
                     "\"; expected default or local_pool"));
  }
  context.child_local_subchannel_pool = settings->child_channel == "local_pool";
  if (context.busy_parent_thread && !(*model)->supports_busy_parent_thread()) {
    return absl::InvalidArgumentError(
        absl::StrCat("busy_parent_thread: ", (*model)->name(),
                     " holds no used channel in the parent at the fork"));
  }
  if (context.target.empty()) {
    return absl::InvalidArgumentError("a target is required");
  }
  if (context.workers < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("workers=", context.workers, "; must be >= 1"));
  }
  if (context.streams < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("streams=", context.streams, "; must be >= 1"));
  }
  return model;
}

}  // namespace forkcheck
