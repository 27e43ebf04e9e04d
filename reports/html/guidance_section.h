// "What to do on this build" on the report page: the statements
// reports/guidance.h derives, client by client and rule by rule, each with
// its evidence folded beneath it: every cited cell linked to its place in
// the matrix grid (matrix_grid.h's CellAnchorId), every cited benchmark
// scenario with its median, and the statements it builds on, linked too.
#ifndef FORKCHECK_REPORTS_HTML_GUIDANCE_SECTION_H_
#define FORKCHECK_REPORTS_HTML_GUIDANCE_SECTION_H_

#include <string>

#include "reports/report_model.h"

namespace forkcheck::html {

// The section's content (the page gives it its heading); "" without a
// matrix.
std::string RenderGuidanceSection(const ReportModel& report);

// The id of a statement's element: "guidance-" and its id.
std::string GuidanceAnchorId(const std::string& statement_id);

// The section's style sheet.
const char* GuidanceSectionCss();

}  // namespace forkcheck::html

#endif  // FORKCHECK_REPORTS_HTML_GUIDANCE_SECTION_H_
