#include "matrix/trial_spec.h"

#include <unistd.h>

#include <atomic>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "dataset/catalogue.h"
#include "supervisor/testee.h"

namespace forkcheck {
namespace {

// projects/{project}/datasets/writable/tables/{table}: the fake's writable
// copy of catalogue table {table} (fakes/README.md, "Writable tables").
std::string WritableTable(const std::string& project,
                          const std::string& table) {
  return absl::StrCat("projects/", project, "/datasets/writable/tables/",
                      table);
}

}  // namespace

std::string NewTrialId() {
  // Written rows live as long as the server, and the matrix's server pool
  // gives one server to many trials of many cells, side by side: each
  // trial needs tables of its own. A server serves one process's trials
  // (the pool's, a test's, a reproduction's), so a counter of this
  // process makes them unique; the pid keeps two processes apart should
  // they ever share a server, and says in the server's tables whose trial
  // wrote them. (The trial's token is made later, by RunTrial, after the
  // request is framed.)
  static std::atomic<int64_t> trials{0};
  return absl::StrCat("trial-", getpid(), "-", trials.fetch_add(1) + 1);
}

v1::TrialRequest TrialRequestFor(const Cell& cell, const std::string& target,
                                 const std::string& table_name,
                                 const TrialBounds& bounds,
                                 const std::string& trial_id) {
  v1::TrialRequest trial;
  trial.set_model(cell.model);
  AddNamedValues(cell.variant, trial.mutable_variant());
  trial.set_target(target);
  trial.set_table(table_name);
  if (cell.axes.workload == kWriteWorkload) {
    const std::string id = trial_id.empty() ? NewTrialId() : trial_id;
    const std::string table = table_name.substr(table_name.rfind('/') + 1);
    const TableSpec* spec = Catalogue::Default().Resolve(table);
    trial.set_workload(kWriteWorkload);
    trial.set_table(WritableTable(id, table));
    trial.set_parent_write_table(WritableTable(id + "-parent", table));
    // 0 for a table not in the catalogue: CheckTrialRequest refuses it.
    trial.set_write_rows(spec != nullptr ? spec->row_count : 0);
  }
  trial.set_workers(cell.axes.workers);
  trial.set_max_streams(2 * cell.axes.workers);
  trial.set_stream_assignment(v1::STREAM_ASSIGNMENT_ROUND_ROBIN);
  trial.set_connect_timeout_ms(bounds.rpc_timeout.count());
  trial.set_create_session_timeout_ms(bounds.rpc_timeout.count());
  trial.set_parent_check_timeout_ms(bounds.parent_check_timeout.count());
  trial.set_worker_patience_ms(bounds.worker_patience.count());
  trial.set_watchdog_ms(bounds.watchdog.count());
  trial.set_session_calls(bounds.session_calls);
  AddNamedValues(AxisValues(cell.axes), trial.mutable_axes());
  return trial;
}

std::vector<std::string> GrpcEnvironment(const Axes& axes) {
  std::vector<std::string> env;
  for (const AxisDeclaration& axis : AxisDeclarations()) {
    if (axis.carrier != AxisDeclaration::Carrier::kEnvironment) continue;
    const std::string& value = axes.*std::get<std::string Axes::*>(axis.field);
    env.push_back(value == axis.choices.front()
                      ? axis.environment_variable
                      : axis.environment_variable + "=" + value);
  }
  return env;
}

}  // namespace forkcheck
