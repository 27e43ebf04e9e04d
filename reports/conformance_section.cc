#include "reports/conformance_section.h"

namespace forkcheck {
namespace {

using nlohmann::json;

json CountsJson(const OutcomeCounts& counts) {
  json by_kind = json::object();
  for (const auto& [kind, count] : counts.counts) {
    if (count > 0) by_kind[std::string(OutcomeKindName(kind))] = count;
  }
  return {{"summary", counts.Summary()}, {"counts", by_kind}};
}

json TrialJson(const TrialSample& sample) {
  return {{"workers", std::string(OutcomeKindName(sample.workers))},
          {"parent_after",
           sample.parent_after.has_value()
               ? json(std::string(OutcomeKindName(*sample.parent_after)))
               : json(nullptr)},
          {"worker_details", sample.worker_details},
          {"worker_retries", sample.worker_retries},
          {"worker_first_failure", sample.worker_first_failure},
          {"parent_detail", sample.parent_detail},
          {"watchdog_fired", sample.watchdog_fired},
          {"wall_micros", sample.wall_micros},
          {"first_row_micros", sample.first_row_micros},
          {"done_micros", sample.done_micros},
          {"rows", sample.rows},
          {"tcp_connections", sample.tcp_connections},
          {"harness_error", sample.harness_error}};
}

json AxesJson(const Axes& axes) {
  return {{"workers", axes.workers},
          {"transport", axes.transport},
          {"table", axes.table},
          {"faults", axes.faults},
          {"fork_support", axes.fork_support},
          {"poll_strategy", axes.poll_strategy},
          {"fork_hooks", axes.fork_hooks},
          {"child_channel", axes.child_channel},
          {"busy_parent_thread", axes.busy_parent_thread}};
}

json CellJson(const CellResult& result) {
  json variant = json::object();
  for (const auto& [key, value] : result.cell.variant) variant[key] = value;
  json trials = json::array();
  for (const TrialSample& sample : result.samples) {
    trials.push_back(TrialJson(sample));
  }
  const OutcomeCounts parent = result.ParentCounts();
  return {{"key", result.key},
          {"client", result.cell.client},
          {"model", result.cell.model},
          {"model_name", result.cell.model_name},
          {"variant", variant},
          {"axes", AxesJson(result.cell.axes)},
          {"groups", result.cell.groups},
          {"workers", CountsJson(result.WorkerCounts())},
          {"parent_after",
           parent.total() == 0 ? json(nullptr) : CountsJson(parent)},
          {"trials", trials}};
}

json ExpectationsJson(const ExpectationsOutcome& expectations) {
  return {{"file", expectations.file},
          {"found", expectations.found},
          {"passed", expectations.passed},
          {"differences", expectations.differences}};
}

json ClientJson(const ClientSection& client) {
  json versions = json::object();
  for (const auto& [name, version] : client.versions) versions[name] = version;
  return {{"client", client.client},
          {"language", client.language},
          {"library", client.library},
          {"library_version", client.library_version},
          {"grpc_core_version", client.grpc_core_version},
          {"versions", versions},
          {"status", client.skipped.empty() ? "ran" : "skipped"},
          {"skipped_reason", client.skipped},
          {"expectations", client.skipped.empty()
                               ? ExpectationsJson(client.expectations)
                               : json(nullptr)}};
}

}  // namespace

json ConformanceSection(const std::vector<CellResult>& results,
                        const Axes& defaults, const std::string& size,
                        int repetitions, const std::string& cell_filter,
                        const ExpectationsOutcome& expectations,
                        const std::vector<ClientSection>& clients) {
  json cells = json::array();
  for (const CellResult& result : results) cells.push_back(CellJson(result));
  json client_list = json::array();
  for (const ClientSection& client : clients) {
    client_list.push_back(ClientJson(client));
  }
  return {{"size", size},
          {"defaults", AxesJson(defaults)},
          {"repetitions", repetitions},
          {"cell_filter", cell_filter},
          {"cells", cells},
          {"clients", client_list},
          {"expectations", ExpectationsJson(expectations)}};
}

}  // namespace forkcheck
