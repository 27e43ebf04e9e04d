#include "reports/conformance_section.h"

#include <variant>

#include "matrix/cell.h"
#include "reports/verdict_json.h"

namespace forkcheck {
namespace {

using nlohmann::json;

json EvidenceJson(const std::vector<ProcessEvidence>& evidence) {
  json out = json::array();
  for (const ProcessEvidence& process : evidence) {
    out.push_back({{"process", process.process},
                   {"signature", process.signature},
                   {"stacks_source", process.stacks_source},
                   {"signal", process.signal},
                   {"fault_address", process.fault_address},
                   {"stacks", process.stacks},
                   {"stderr", process.stderr_tail},
                   {"capture_error", process.capture_error}});
  }
  return out;
}

json SignaturesJson(const CellResult& result) {
  json out = json::array();
  for (const auto& [signature, trials] : result.SignatureCounts()) {
    out.push_back({{"signature", signature}, {"trials", trials}});
  }
  return out;
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
          {"harness_error", sample.harness_error},
          {"diagnosis_micros", sample.diagnosis_micros},
          {"starvation_allowance_micros", sample.starvation_allowance_micros},
          {"killed_waiting_for_cpu", sample.killed_waiting_for_cpu},
          {"evidence", EvidenceJson(sample.evidence)}};
}

json AxesJson(const Axes& axes) {
  json out = json::object();
  // JSON keeps each axis's own type: a count, a flag, a text.
  for (const AxisDeclaration& axis : AxisDeclarations()) {
    std::visit([&](auto field) { out[axis.name] = axes.*field; }, axis.field);
  }
  return out;
}

json CellJson(const CellResult& result, const VerdictRule& rule) {
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
          {"workers", CellPartJson(result.WorkerCounts(), rule)},
          {"parent_after",
           parent.total() == 0 ? json(nullptr) : CellPartJson(parent, rule)},
          {"stop_reason", result.stop_reason},
          {"signatures", SignaturesJson(result)},
          {"trials", trials}};
}

json MismatchJson(const ExpectationMismatch& mismatch) {
  json result = {{"key", mismatch.key},
                 {"line", mismatch.line},
                 {"part", mismatch.part},
                 {"why", mismatch.why},
                 {"recorded", mismatch.recorded},
                 {"observed", mismatch.observed},
                 {"p_value", mismatch.p_value},
                 {"adjusted_p_value", mismatch.adjusted_p_value}};
  // Not a rate (wrong_data where none failed, a parent part come or gone):
  // no test made it.
  if (mismatch.p_value < 1) result["test"] = mismatch.test;
  if (mismatch.test == kQuasiBinomialTest) {
    result["dispersion"] = mismatch.dispersion;
    result["runs"] = mismatch.runs;
  }
  return result;
}

json ExpectationsJson(const ExpectationsOutcome& expectations) {
  json result = {{"file", expectations.file},
                 {"found", expectations.found},
                 {"passed", expectations.passed},
                 {"differences", expectations.differences},
                 {"alpha", nullptr},
                 {"tests", 0},
                 {"mismatches", json::array()}};
  if (expectations.check.has_value()) {
    result["alpha"] = expectations.check->rule.alpha;
    result["tests"] = expectations.check->tests;
    result["quasi_binomial_tests"] = expectations.check->quasi_binomial_tests;
    if (const std::optional<CheckSensitivity>& sensitivity =
            expectations.check->sensitivity;
        sensitivity.has_value()) {
      result["sensitivity"] = {{"tests", sensitivity->tests},
                               {"trials", sensitivity->trials},
                               {"shift", sensitivity->shift},
                               {"power", sensitivity->power}};
    }
    for (const ExpectationMismatch& mismatch : expectations.check->mismatches) {
      result["mismatches"].push_back(MismatchJson(mismatch));
    }
  }
  return result;
}

json PolicyJson(const TrialPolicy& policy) {
  return {{"stopping",
           {{"min_trials", policy.stopping.min_trials},
            {"max_trials", policy.stopping.max_trials},
            {"flaky_trials", policy.stopping.flaky_trials},
            {"departing_trials", policy.stopping.departing_trials},
            {"time_budget_seconds", policy.time_budget_seconds}}},
          {"verdicts", VerdictRuleJson(policy.verdicts)}};
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

ClientSection ClientSectionFor(const ClientRun& client,
                               const ExpectationsOutcome& expectations) {
  ClientSection section;
  section.client = client.client;
  section.skipped = client.skipped;
  section.expectations = expectations;
  if (client.description.has_value()) {
    const v1::TesteeDescription& d = *client.description;
    section.language = d.language();
    section.library = d.library();
    section.library_version = d.library_version();
    section.grpc_core_version = d.grpc_core_version();
    for (const v1::NamedValue& version : d.versions()) {
      section.versions.emplace_back(version.name(), version.value());
    }
  }
  return section;
}

json ConformanceSection(const std::vector<CellResult>& results,
                        const Axes& defaults, const std::string& size,
                        const TrialPolicy& policy,
                        const std::string& cell_filter,
                        const ExpectationsOutcome& expectations,
                        const std::vector<ClientSection>& clients,
                        const std::string& power_probe) {
  json cells = json::array();
  for (const CellResult& result : results) {
    cells.push_back(CellJson(result, policy.verdicts));
  }
  json client_list = json::array();
  for (const ClientSection& client : clients) {
    client_list.push_back(ClientJson(client));
  }
  json section = {{"size", size},
                  {"defaults", AxesJson(defaults)},
                  {"trial_policy", PolicyJson(policy)},
                  {"cell_filter", cell_filter},
                  {"cells", cells},
                  {"clients", client_list},
                  {"expectations", ExpectationsJson(expectations)}};
  // Only when a run made a known change on purpose: such counts are not
  // evidence about the build, and readers must be able to tell.
  if (!power_probe.empty()) section["power_probe"] = power_probe;
  return section;
}

}  // namespace forkcheck
