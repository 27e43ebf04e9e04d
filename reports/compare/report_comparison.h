// Two forkcheck reports compared: conformance outcome changes (first: they
// matter most), environment differences, and every benchmark metric of
// every scenario the two share, each with a verdict.
#ifndef FORKCHECK_REPORTS_COMPARE_REPORT_COMPARISON_H_
#define FORKCHECK_REPORTS_COMPARE_REPORT_COMPARISON_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "reports/compare/client_diff.h"
#include "reports/compare/environment_diff.h"
#include "reports/compare/matrix_changes.h"
#include "reports/compare/metric_comparison.h"
#include "reports/report.h"

namespace forkcheck {

struct ReportComparison {
  std::string old_name;  // how to name the reports, e.g. their paths
  std::string new_name;
  CompareOptions options;
  // Cells a client has in one report only (it ran there only) are in its
  // ClientDifference, not in matrix.only_in_old/only_in_new.
  MatrixChanges matrix;
  std::vector<ClientDifference> clients;  // by client name
  // The environment differences that could explain an outcome change
  // (grpc.*, grpc_env.*, the kernel...), shown with the matrix changes.
  std::vector<EnvironmentDifference> outcome_context;
  EnvironmentDiff environment;
  std::vector<MetricComparison> metrics;  // by scenario, then metric name
  int scenarios_in_common = 0;
  std::vector<std::string> scenarios_only_in_old;
  std::vector<std::string> scenarios_only_in_new;
  // "BM_X/...: skipped in new (not safe here: hang)" and the like.
  std::vector<std::string> notes;

  bool HasRegression() const;
  // Some client ran in one report only: its cells appear or disappear.
  bool ClientsRanDifferently() const;
  bool HasWorseOutcome() const;
};

// INVALID_ARGUMENT when the reports have nothing in common: no benchmark
// scenario and no conformance cell.
absl::StatusOr<ReportComparison> CompareReports(const Report& old_report,
                                                const std::string& old_name,
                                                const Report& new_report,
                                                const std::string& new_name,
                                                const CompareOptions& options);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_COMPARE_REPORT_COMPARISON_H_
