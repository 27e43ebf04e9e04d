// A cell part's verdict and the verdict rule as a report (schema version 2)
// writes them. The writer (conformance_section.cc) and the upgrade of
// version 1 reports (report_upgrade.cc) both use these, so an upgraded
// report's cells read exactly like a new one's.
#ifndef FORKCHECK_REPORTS_VERDICT_JSON_H_
#define FORKCHECK_REPORTS_VERDICT_JSON_H_

#include "absl/status/statusor.h"
#include "matrix/cell_result.h"
#include "matrix/verdict.h"
#include "nlohmann/json.hpp"

namespace forkcheck {

// {"summary", "counts", "trials", "failures", "ok_after_retry",
// "wrong_data", "failure_rate", "interval": {"low", "high"}, "verdict",
// "text"}, judged by `rule` (matrix/verdict.h).
nlohmann::json CellPartJson(const OutcomeCounts& counts,
                            const VerdictRule& rule);

// {"method": "clopper-pearson", "confidence", "safe_threshold",
// "unsafe_threshold", "text"}.
nlohmann::json VerdictRuleJson(const VerdictRule& rule);

// A report's `counts` object ({"hang": 3, "ok": 2}) as counts.
// INVALID_ARGUMENT naming the kind if one is not an outcome kind or its
// count is not a positive integer.
absl::StatusOr<OutcomeCounts> OutcomeCountsFromJson(
    const nlohmann::json& counts);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_VERDICT_JSON_H_
