// The clients of a report's matrix as a panel: one row per client (library
// and version, language, gRPC core, other versions), whether it ran or why
// it was skipped (marked so it shows), and its expectations outcome, with
// the differences below. An older report shows its one C++ client.
#ifndef FORKCHECK_REPORTS_HTML_CLIENTS_PANEL_H_
#define FORKCHECK_REPORTS_HTML_CLIENTS_PANEL_H_

#include <string>
#include <vector>

#include "reports/report_model.h"

namespace forkcheck::html {

// `clients`: a report's (ReportConformance::clients).
std::string RenderClientsPanel(const std::vector<ReportClient>& clients);

// The panel's style sheet, for pages that show one.
const char* ClientsPanelCss();

}  // namespace forkcheck::html

#endif  // FORKCHECK_REPORTS_HTML_CLIENTS_PANEL_H_
