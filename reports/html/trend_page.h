// A history folder of reports as one page: every *.json report in it,
// ordered by start time, with a line chart per key metric (median rows/s and
// time to first row per model, one chart per response size and
// concurrency; the matrix's cells by verdict), and the files that could not
// be read named at the top.
#ifndef FORKCHECK_REPORTS_HTML_TREND_PAGE_H_
#define FORKCHECK_REPORTS_HTML_TREND_PAGE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "reports/report.h"

namespace forkcheck::html {

struct History {
  struct Entry {
    std::string file;  // the file's name in the folder
    Report report;
  };
  std::vector<Entry> reports;  // oldest first
  struct Unreadable {
    std::string file;
    std::string why;  // Report::Load's error
  };
  std::vector<Unreadable> unreadable;  // by file name
};

// Loads every *.json file directly in `directory` (not its subfolders).
// NOT_FOUND / FAILED_PRECONDITION naming the folder if it cannot be listed;
// files that do not load are listed in `unreadable`, not errors.
absl::StatusOr<History> LoadHistory(const std::string& directory);

// `name` labels the page (the folder).
std::string RenderTrendPage(const History& history, const std::string& name);

}  // namespace forkcheck::html

#endif  // FORKCHECK_REPORTS_HTML_TREND_PAGE_H_
