#include "reports/compare/report_comparison.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"

namespace forkcheck {
namespace {

using nlohmann::json;

std::map<std::string, const json*> ScenariosById(const Report& report) {
  std::map<std::string, const json*> scenarios;
  if (!report.has_benchmarks()) return scenarios;
  for (const json& scenario : report.json()["benchmarks"]["scenarios"]) {
    scenarios[scenario["id"].get<std::string>()] = &scenario;
  }
  return scenarios;
}

std::vector<double> Samples(const json& metric) {
  return metric["samples"].get<std::vector<double>>();
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
  const json& old_json = old_report.json();
  const json& new_json = new_report.json();

  result.matrix = CompareMatrices(old_json["conformance"],
                                  new_json["conformance"], options.cell_alpha);
  result.overlap = MeasureOverlap(old_json, new_json, options.min_overlap);
  result.clients = DiffClients(old_json, new_json, &result.matrix);
  result.environment =
      DiffEnvironments(old_json["environment"], new_json["environment"]);
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
    const json& new_scenario = *found->second;
    for (const auto& [side, scenario] :
         {std::pair<const char*, const json*>{"old", old_scenario},
          {"new", &new_scenario}}) {
      if (scenario->contains("skipped")) {
        result.notes.push_back(
            absl::StrCat(id, ": skipped in ", side, " (",
                         (*scenario)["skipped"].get<std::string>(), ")"));
      }
    }
    const json& old_metrics = (*old_scenario)["metrics"];
    const json& new_metrics = new_scenario["metrics"];
    for (const auto& [name, old_metric] : old_metrics.items()) {
      if (!new_metrics.contains(name)) {
        result.notes.push_back(absl::StrCat(id, ": ", name, " only in old"));
        continue;
      }
      pairs.push_back({id, name, old_metric["unit"].get<std::string>(),
                       Samples(old_metric), Samples(new_metrics[name])});
    }
    for (const auto& [name, new_metric] : new_metrics.items()) {
      if (!old_metrics.contains(name)) {
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
