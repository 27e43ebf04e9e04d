// The `conformance` section of a report: the process-model matrix as it ran,
// every trial of every cell, and how it compared with the expectations file.
#ifndef FORKCHECK_REPORTS_CONFORMANCE_SECTION_H_
#define FORKCHECK_REPORTS_CONFORMANCE_SECTION_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "matrix/cell_result.h"
#include "matrix/expectations.h"
#include "matrix/stopping_rule.h"
#include "matrix/verdict.h"
#include "nlohmann/json.hpp"
#include "reports/report_model.h"

namespace forkcheck {

// ClientSection and ExpectationsOutcome, a client's facts and its
// expectations outcome, are in report_model.h: readers get them back as
// they were written.

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
// `policy.verdicts`.
nlohmann::json ConformanceSection(const std::vector<CellResult>& results,
                                  const Axes& defaults, const std::string& size,
                                  const TrialPolicy& policy,
                                  const std::string& cell_filter,
                                  const ExpectationsOutcome& expectations,
                                  const std::vector<ClientSection>& clients);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_CONFORMANCE_SECTION_H_
