// The reports in a folder (a nightly job's history): what compare's baseline
// folder and the trend page both read.
#ifndef FORKCHECK_REPORTS_REPORT_FOLDER_H_
#define FORKCHECK_REPORTS_REPORT_FOLDER_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "reports/report.h"

namespace forkcheck {

// Calls `visit` for each regular *.json file directly in `folder` (not its
// subfolders; links are followed, so a FIFO is never opened), in file-name
// order, with its path and what Report::Load made of it. `exclude`, a path
// (e.g. the new report, if it sits in the folder), is left out; "" leaves
// out nothing. One report at a time, so a long history is never all in
// memory unless the caller keeps it. Returns how many files were visited;
// FAILED_PRECONDITION "<folder>: cannot list it: <why>" if the folder cannot
// be listed.
absl::StatusOr<int> ForEachReportIn(
    const std::string& folder, const std::string& exclude,
    const std::function<void(const std::string& path,
                             absl::StatusOr<Report> report)>& visit);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_REPORT_FOLDER_H_
