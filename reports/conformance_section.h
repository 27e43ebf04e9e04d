// The `conformance` section of a report: the process-model matrix as it ran,
// every trial of every cell, and how it compared with the expectations file.
#ifndef FORKCHECK_REPORTS_CONFORMANCE_SECTION_H_
#define FORKCHECK_REPORTS_CONFORMANCE_SECTION_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "matrix/cell_result.h"
#include "matrix/client_expectations.h"
#include "matrix/expectations.h"
#include "matrix/matrix_job.h"
#include "matrix/stopping_rule.h"
#include "matrix/verdict.h"
#include "nlohmann/json.hpp"
#include "reports/report_model.h"

namespace forkcheck {

// ClientSection, a client's facts with its expectations outcome, is in
// report_model.h: readers get it back as it was written.

// The report's account of a client that ran or was skipped.
ClientSection ClientSectionFor(const ClientRun& client,
                               const ExpectationsOutcome& expectations);

// How the matrix decided how many trials each cell got, and judged them.
struct TrialPolicy {
  StoppingRule stopping;
  VerdictRule verdicts;
  double time_budget_seconds = 0;  // 0: none
};

// `defaults`: the design's default axes (what a summary calls a model's
// baseline cell). `expectations`: the C++ client's (also in `clients`, kept
// at the top for readers of reports that had only one client). Every cell
// part carries its counts, failure rate, interval and verdict under
// `policy.verdicts`. `power_probe`: DescribePowerProbe's text if the run made
// a known change on purpose (matrix/power_probe.h), else empty.
nlohmann::json ConformanceSection(const std::vector<CellResult>& results,
                                  const Axes& defaults, const std::string& size,
                                  const TrialPolicy& policy,
                                  const std::string& cell_filter,
                                  const ExpectationsOutcome& expectations,
                                  const std::vector<ClientSection>& clients,
                                  const std::string& power_probe = "");

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_CONFORMANCE_SECTION_H_
