// Choosing the baseline report from a folder of reports (a nightly job's
// history): the newest by environment.start_time.
#ifndef FORKCHECK_REPORTS_COMPARE_BASELINE_H_
#define FORKCHECK_REPORTS_COMPARE_BASELINE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "reports/report.h"

namespace forkcheck {

struct Baseline {
  std::string path;
  Report report;
  // "path: why" for each *.json in the folder that is not a valid report;
  // skipped, so one broken file does not stop a nightly comparison.
  std::vector<std::string> skipped;
};

// The newest valid report among `folder`'s *.json files (not its
// subfolders), leaving out `exclude` (the new report, if it sits there).
// Newest by environment.start_time (RFC 3339 UTC sorts as text; "unknown"
// is oldest), then by file name. NOT_FOUND naming the folder if it has no
// valid report; INVALID_ARGUMENT if it cannot be listed.
absl::StatusOr<Baseline> NewestReportIn(const std::string& folder,
                                        const std::string& exclude);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_COMPARE_BASELINE_H_
