#include "reports/compare/report_comparison.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "reports/report_model.h"

namespace forkcheck {
namespace {

std::map<std::string, const BenchmarkScenario*> ScenariosById(
    const Report& report) {
  std::map<std::string, const BenchmarkScenario*> scenarios;
  if (!report.has_benchmarks()) return scenarios;
  for (const BenchmarkScenario& scenario :
       report.model().benchmarks->scenarios) {
    scenarios[scenario.id] = &scenario;
  }
  return scenarios;
}

}  // namespace

bool ReportComparison::HasRegression() const {
  return std::any_of(metrics.begin(), metrics.end(),
                     [](const MetricComparison& m) {
                       return m.verdict == Verdict::kRegressed;
                     });
}

bool ReportComparison::ClientsRanDifferently() const {
  return std::any_of(
      clients.begin(), clients.end(),
      [](const ClientDifference& client) { return client.RanInOneOnly(); });
}

bool ReportComparison::HasWorseOutcome() const {
  return matrix.Count(ChangeDirection::kWorse) > 0;
}

Gate ReportComparison::Judge() const {
  if (HasRegression() || HasWorseOutcome()) return Gate::kRegression;
  return overlap.Enough() ? Gate::kPass : Gate::kNotComparable;
}

absl::StatusOr<ReportComparison> CompareReports(const Report& old_report,
                                                const std::string& old_name,
                                                const Report& new_report,
                                                const std::string& new_name,
                                                const CompareOptions& options) {
  ReportComparison result;
  result.old_name = old_name;
  result.new_name = new_name;
  result.options = options;
  const ReportModel& old_model = old_report.model();
  const ReportModel& new_model = new_report.model();

  result.matrix = CompareMatrices(old_model.conformance, new_model.conformance,
                                  options.cell_alpha);
  result.signatures =
      CompareSignatures(old_model.conformance, new_model.conformance);
  result.overlap = MeasureOverlap(old_model, new_model, options.min_overlap);
  result.clients = DiffClients(old_model, new_model, &result.matrix);
  result.environment =
      DiffEnvironments(old_model.environment, new_model.environment);
  for (const EnvironmentDifference& difference :
       result.environment.differences) {
    if (difference.affects_outcomes) {
      result.outcome_context.push_back(difference);
    }
  }

  const auto old_scenarios = ScenariosById(old_report);
  const auto new_scenarios = ScenariosById(new_report);
  std::vector<MetricSamples> pairs;
  for (const auto& [id, old_scenario] : old_scenarios) {
    const auto found = new_scenarios.find(id);
    if (found == new_scenarios.end()) {
      result.scenarios_only_in_old.push_back(id);
      continue;
    }
    ++result.scenarios_in_common;
    const BenchmarkScenario& new_scenario = *found->second;
    for (const auto& [side, scenario] :
         {std::pair<const char*, const BenchmarkScenario*>{"old", old_scenario},
          {"new", &new_scenario}}) {
      if (scenario->skipped.has_value()) {
        result.notes.push_back(absl::StrCat(id, ": skipped in ", side, " (",
                                            *scenario->skipped, ")"));
      }
    }
    const std::map<std::string, ScenarioMetric>& old_metrics =
        old_scenario->metrics;
    const std::map<std::string, ScenarioMetric>& new_metrics =
        new_scenario.metrics;
    for (const auto& [name, old_metric] : old_metrics) {
      const auto new_metric = new_metrics.find(name);
      if (new_metric == new_metrics.end()) {
        result.notes.push_back(absl::StrCat(id, ": ", name, " only in old"));
        continue;
      }
      pairs.push_back({id, name, old_metric.unit, old_metric.samples,
                       new_metric->second.samples});
    }
    for (const auto& [name, new_metric] : new_metrics) {
      if (old_metrics.count(name) == 0) {
        result.notes.push_back(absl::StrCat(id, ": ", name, " only in new"));
      }
    }
  }
  for (const auto& [id, scenario] : new_scenarios) {
    if (old_scenarios.count(id) == 0)
      result.scenarios_only_in_new.push_back(id);
  }
  result.metrics = CompareMetrics(pairs, options);
  return result;
}

}  // namespace forkcheck
