// A report comparison as a console table, as Markdown and as JSON. All three
// put conformance outcome changes first (then the cells whose stack
// signatures changed, as news), then the environment differences, then the
// benchmark metrics scenario by scenario.
#ifndef FORKCHECK_REPORTS_COMPARE_COMPARISON_RENDER_H_
#define FORKCHECK_REPORTS_COMPARE_COMPARISON_RENDER_H_

#include <string>

#include "nlohmann/json.hpp"
#include "reports/compare/report_comparison.h"

namespace forkcheck {

std::string RenderComparisonText(const ReportComparison& comparison);
std::string RenderComparisonMarkdown(const ReportComparison& comparison);
nlohmann::json ComparisonToJson(const ReportComparison& comparison);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_COMPARE_COMPARISON_RENDER_H_
