// Reading reports written before the current schema_version. A version 1
// report (outcome counts without verdicts, before issue 12) is validated
// against the schema it was written to (report_v1.schema.json, compiled in)
// and then upgraded in memory to version 2, so that every view reads one
// shape and nothing is guessed: each cell part's trials, failures,
// interval, verdict and text are derived from its counts under the default
// VerdictRule, exactly as a new report's are written.
#ifndef FORKCHECK_REPORTS_REPORT_UPGRADE_H_
#define FORKCHECK_REPORTS_REPORT_UPGRADE_H_

#include <string_view>

#include "absl/status/status.h"
#include "nlohmann/json.hpp"

namespace forkcheck {

// The text of reports/report_v1.schema.json.
std::string_view ReportSchemaV1Json();

// Validates `document` (schema_version 1) against the version 1 schema,
// then upgrades it in place to version 2 (UpgradeV1Conformance for its
// matrix). INVALID_ARGUMENT with the JSON pointer of the first violation of
// the version 1 schema; the document is unchanged then.
absl::Status UpgradeV1Report(nlohmann::json* document);

// Upgrades a version 1 `conformance` section in place: each cell part gains
// trials, failures, ok_after_retry, wrong_data, failure_rate, interval,
// verdict and text from its counts (its summary is kept as written); each
// cell stop_reason "" (not recorded); `repetitions` N becomes trial_policy
// {stopping: min_trials = max_trials = flaky_trials = N, no time budget;
// verdicts: the default rule; derived_from_v1: true}; every expectations
// outcome gains alpha null, tests 0 and mismatches [] (version 1 kept no
// statistics). Null stays null. INVALID_ARGUMENT naming the JSON pointer if
// the section does not have version 1's shape (nothing is changed then).
absl::Status UpgradeV1Conformance(nlohmann::json* conformance);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_REPORT_UPGRADE_H_
