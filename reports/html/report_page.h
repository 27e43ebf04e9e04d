// One report as a self-contained HTML page: the environment, every model's
// safety and cost side by side, the process-model matrix as coloured grids,
// throughput and time to first row per model and concurrency as charts.
#ifndef FORKCHECK_REPORTS_HTML_REPORT_PAGE_H_
#define FORKCHECK_REPORTS_HTML_REPORT_PAGE_H_

#include <string>
#include <vector>

#include "reports/html/model_benchmarks.h"
#include "reports/html/svg_chart.h"
#include "reports/report.h"

namespace forkcheck::html {

// `name` labels the page (e.g. the report's file name).
std::string RenderReportPage(const Report& report, const std::string& name);

// The environment facts of a report as a two-column table (for pages that
// show several reports, too).
std::string EnvironmentTable(const Report& report);

// A grouped bar chart of `metric` for one response size: one group per
// concurrency, one bar per model (the median, whiskers min to max).
ChartSpec ModelMetricChart(const std::vector<ModelBenchmark>& benchmarks,
                           const std::string& response,
                           const std::string& metric, const std::string& title,
                           const std::string& y_label, bool with_ceiling);

}  // namespace forkcheck::html

#endif  // FORKCHECK_REPORTS_HTML_REPORT_PAGE_H_
