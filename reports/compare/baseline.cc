#include "reports/compare/baseline.h"

#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "environment/environment.h"
#include "reports/report_folder.h"

namespace forkcheck {
namespace {

// Sorts before every real time.
std::string StartTime(const Report& report) {
  const std::string& time = report.model().environment.start_time;
  return time == kUnknown ? "" : time;
}

}  // namespace

absl::StatusOr<Baseline> NewestReportIn(const std::string& folder,
                                        const std::string& exclude) {
  std::vector<std::string> skipped;
  std::optional<Baseline> newest;
  std::string newest_time;
  const absl::StatusOr<int> files = ForEachReportIn(
      folder, exclude,
      [&](const std::string& path, absl::StatusOr<Report> report) {
        if (!report.ok()) {
          skipped.push_back(std::string(report.status().message()));
          return;
        }
        const std::string time = StartTime(*report);
        // >=: at equal times the later file name wins.
        if (!newest.has_value() || time >= newest_time) {
          newest_time = time;
          newest.emplace(Baseline{path, *std::move(report), {}});
        }
      });
  if (!files.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("baseline folder ", files.status().message()));
  }
  if (!newest.has_value()) {
    return absl::NotFoundError(absl::StrCat(
        "baseline folder ", folder, ": no valid report among its ", *files,
        " *.json file(s)",
        skipped.empty() ? "" : absl::StrCat(" (first: ", skipped[0], ")")));
  }
  newest->skipped = std::move(skipped);
  return *std::move(newest);
}

}  // namespace forkcheck
