// Two forkcheck reports compared: conformance cell changes (first: they
// matter most), environment differences, and every benchmark metric of
// every scenario the two share, each with a verdict; and how much the two
// had in common, without which no verdict means much.
#ifndef FORKCHECK_REPORTS_COMPARE_REPORT_COMPARISON_H_
#define FORKCHECK_REPORTS_COMPARE_REPORT_COMPARISON_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "reports/compare/client_diff.h"
#include "reports/compare/environment_diff.h"
#include "reports/compare/matrix_changes.h"
#include "reports/compare/metric_comparison.h"
#include "reports/compare/overlap.h"
#include "reports/compare/signature_changes.h"
#include "reports/report.h"

namespace forkcheck {

// What a comparison comes to, and compare's exit status: a regression (a
// metric regressed or a cell worse) outranks too little in common, since
// what was compared did get worse; too little in common is never a pass.
// Changed stack signatures are news, not regressions: they never count.
enum class Gate { kPass, kRegression, kNotComparable };

struct ReportComparison {
  std::string old_name;  // how to name the reports, e.g. their paths
  std::string new_name;
  CompareOptions options;
  // Cells a client has in one report only (it ran there only) are in its
  // ClientDifference, not in matrix.only_in_old/only_in_new.
  MatrixChanges matrix;
  // Cells whose stack signatures differ: news, never part of Judge().
  SignatureChanges signatures;
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
  Overlap overlap;

  bool HasRegression() const;
  // Some client ran in one report only: its cells appear or disappear.
  bool ClientsRanDifferently() const;
  bool HasWorseOutcome() const;
  Gate Judge() const;
};

// Reports with nothing in common compare too: the overlap says so and
// Judge() is kNotComparable (it used to be an error, hence the StatusOr;
// always OK now).
absl::StatusOr<ReportComparison> CompareReports(const Report& old_report,
                                                const std::string& old_name,
                                                const Report& new_report,
                                                const std::string& new_name,
                                                const CompareOptions& options);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_COMPARE_REPORT_COMPARISON_H_
