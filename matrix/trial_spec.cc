#include "matrix/trial_spec.h"

#include "supervisor/testee.h"

namespace forkcheck {

v1::TrialRequest TrialRequestFor(const Cell& cell, const std::string& target,
                                 const std::string& table_name,
                                 const TrialBounds& bounds) {
  v1::TrialRequest trial;
  trial.set_model(cell.model);
  AddNamedValues(cell.variant, trial.mutable_variant());
  trial.set_target(target);
  trial.set_table(table_name);
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
