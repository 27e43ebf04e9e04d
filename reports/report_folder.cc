#include "reports/report_folder.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"

namespace forkcheck {

absl::StatusOr<int> ForEachReportIn(
    const std::string& folder, const std::string& exclude,
    const std::function<void(const std::string& path,
                             absl::StatusOr<Report> report)>& visit) {
  namespace fs = std::filesystem;
  std::error_code error;
  std::vector<fs::path> paths;
  for (fs::directory_iterator it(folder, error), end; !error && it != end;
       it.increment(error)) {
    std::error_code ignored;
    if (it->path().extension() != ".json" || !it->is_regular_file(ignored)) {
      continue;
    }
    if (!exclude.empty() && fs::equivalent(it->path(), exclude, ignored)) {
      continue;
    }
    paths.push_back(it->path());
  }
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat(folder, ": cannot list it: ", error.message()));
  }
  std::sort(paths.begin(), paths.end());
  for (const fs::path& path : paths) {
    visit(path.string(), Report::Load(path.string()));
  }
  return static_cast<int>(paths.size());
}

}  // namespace forkcheck
