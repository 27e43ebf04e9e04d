#include "reports/compare/overlap.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace forkcheck {
namespace {

std::string Percent(double fraction) {
  return absl::StrFormat("%.3g%%", 100 * fraction);
}

template <typename T>
Coverage CoverageOf(const std::set<T>& old_items,
                    const std::set<T>& new_items) {
  Coverage coverage;
  coverage.old_total = static_cast<int>(old_items.size());
  coverage.new_total = static_cast<int>(new_items.size());
  for (const T& item : old_items) coverage.in_common += new_items.count(item);
  return coverage;
}

// Cell keys by client.
std::map<std::string, std::set<std::string>> CellsByClient(
    const ReportModel& report) {
  std::map<std::string, std::set<std::string>> cells;
  if (!report.conformance.has_value()) return cells;
  for (const ReportCell& cell : report.conformance->cells) {
    cells[cell.client].insert(cell.key);
  }
  return cells;
}

std::set<std::string> Scenarios(const ReportModel& report) {
  std::set<std::string> ids;
  if (!report.benchmarks.has_value()) return ids;
  for (const BenchmarkScenario& scenario : report.benchmarks->scenarios) {
    ids.insert(scenario.id);
  }
  return ids;
}

// (scenario id, metric name) of every metric.
std::set<std::pair<std::string, std::string>> Metrics(
    const ReportModel& report) {
  std::set<std::pair<std::string, std::string>> metrics;
  if (!report.benchmarks.has_value()) return metrics;
  for (const BenchmarkScenario& scenario : report.benchmarks->scenarios) {
    for (const auto& [name, metric] : scenario.metrics) {
      metrics.emplace(scenario.id, name);
    }
  }
  return metrics;
}

}  // namespace

double Coverage::Fraction() const {
  const int larger = std::max(old_total, new_total);
  return larger == 0 ? 1 : static_cast<double>(in_common) / larger;
}

std::string Coverage::Text() const {
  if (Missing()) return "none on either side";
  return absl::StrCat(in_common, " of ", old_total, " old, ", in_common, " of ",
                      new_total, " new (", Percent(Fraction()), ")");
}

bool Overlap::Enough() const { return Shortfall().empty(); }

std::string Overlap::Shortfall() const {
  std::vector<std::string> reasons;
  for (const auto& [name, coverage] :
       {std::pair<const char*, const Coverage*>{"cells", &cells},
        {"benchmark metrics", &metrics}}) {
    if (coverage->Fraction() < min_overlap) {
      reasons.push_back(absl::StrCat(name, " ", Percent(coverage->Fraction()),
                                     " < ", Percent(min_overlap)));
    }
  }
  if (cells.in_common + metrics.in_common == 0) {
    reasons.push_back("nothing compared");
  }
  return absl::StrJoin(reasons, "; ");
}

Overlap MeasureOverlap(const ReportModel& old_report,
                       const ReportModel& new_report, double min_overlap) {
  Overlap overlap;
  overlap.min_overlap = min_overlap;
  const auto old_cells = CellsByClient(old_report);
  const auto new_cells = CellsByClient(new_report);
  std::set<std::string> clients;
  std::set<std::string> all_old, all_new;
  for (const auto& [client, keys] : old_cells) {
    clients.insert(client);
    all_old.insert(keys.begin(), keys.end());
  }
  for (const auto& [client, keys] : new_cells) {
    clients.insert(client);
    all_new.insert(keys.begin(), keys.end());
  }
  overlap.cells = CoverageOf(all_old, all_new);
  static const std::set<std::string> kNone;
  for (const std::string& client : clients) {
    const auto old_found = old_cells.find(client);
    const auto new_found = new_cells.find(client);
    overlap.cells_by_client.push_back(
        {client,
         CoverageOf(old_found == old_cells.end() ? kNone : old_found->second,
                    new_found == new_cells.end() ? kNone : new_found->second)});
  }
  overlap.scenarios = CoverageOf(Scenarios(old_report), Scenarios(new_report));
  overlap.metrics = CoverageOf(Metrics(old_report), Metrics(new_report));
  return overlap;
}

}  // namespace forkcheck
