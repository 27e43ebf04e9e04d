// A report comparison (reports/compare) as a self-contained HTML page, in
// the order a reader needs it: the verdict, the conformance cells whose
// outcome changed (worse first, coloured as the matrix grid), the
// environment differences (a banner when the machines differ), then per
// scenario the metrics with their verdicts, and old-versus-new charts of
// the process models' throughput and time to first row.
#ifndef FORKCHECK_REPORTS_HTML_COMPARISON_PAGE_H_
#define FORKCHECK_REPORTS_HTML_COMPARISON_PAGE_H_

#include <string>

#include "reports/compare/report_comparison.h"
#include "reports/report.h"

namespace forkcheck::html {

// `old_report` and `new_report` are the reports `comparison` was made from:
// the changed cells' outcome counts and the charts' whiskers (min to max)
// come from them, the verdicts from `comparison`.
std::string RenderComparisonPage(const ReportComparison& comparison,
                                 const Report& old_report,
                                 const Report& new_report);

}  // namespace forkcheck::html

#endif  // FORKCHECK_REPORTS_HTML_COMPARISON_PAGE_H_
