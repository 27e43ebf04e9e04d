// A small, schema-valid report for the page tests: every outcome kind, a
// flaky and a wrong_data cell, a model whose name is markup, a skipped
// benchmark and a metric some scenarios lack.
#ifndef FORKCHECK_REPORTS_HTML_TEST_REPORT_H_
#define FORKCHECK_REPORTS_HTML_TEST_REPORT_H_

#include <string>

#include "absl/status/statusor.h"
#include "reports/report.h"

namespace forkcheck::html {

// The model name that must come out escaped.
inline constexpr char kMarkupModel[] = "<script>alert('x')</script>&co";

// `rows_per_second_scale` multiplies every throughput (a later run, for the
// trend page); `start_time` is the environment's.
absl::StatusOr<Report> MakeTestReport(
    double rows_per_second_scale = 1,
    const std::string& start_time = "2026-11-30T10:00:00Z");

}  // namespace forkcheck::html

#endif  // FORKCHECK_REPORTS_HTML_TEST_REPORT_H_
