#include "reports/compare/baseline.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <system_error>

#include "absl/strings/str_cat.h"

namespace forkcheck {
namespace {

namespace fs = std::filesystem;

bool SameFile(const fs::path& a, const std::string& b) {
  std::error_code error;
  return !b.empty() && fs::equivalent(a, b, error);
}

// Sorts before every real time.
std::string StartTime(const Report& report) {
  const std::string time =
      report.json()["environment"]["start_time"].get<std::string>();
  return time == "unknown" ? "" : time;
}

}  // namespace

absl::StatusOr<Baseline> NewestReportIn(const std::string& folder,
                                        const std::string& exclude) {
  std::error_code error;
  fs::directory_iterator entries(folder, error);
  if (error) {
    return absl::InvalidArgumentError(absl::StrCat(
        "baseline folder ", folder, ": cannot list it: ", error.message()));
  }
  std::vector<fs::path> paths;
  for (const fs::directory_entry& entry : entries) {
    if (entry.is_regular_file(error) && entry.path().extension() == ".json" &&
        !SameFile(entry.path(), exclude)) {
      paths.push_back(entry.path());
    }
  }
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> skipped;
  std::optional<Baseline> newest;
  std::string newest_time;
  for (const fs::path& path : paths) {
    absl::StatusOr<Report> report = Report::Load(path.string());
    if (!report.ok()) {
      skipped.push_back(std::string(report.status().message()));
      continue;
    }
    const std::string time = StartTime(*report);
    // >=: at equal times the later file name wins.
    if (!newest.has_value() || time >= newest_time) {
      newest_time = time;
      newest.emplace(Baseline{path.string(), *std::move(report), {}});
    }
  }
  if (!newest.has_value()) {
    return absl::NotFoundError(absl::StrCat(
        "baseline folder ", folder, ": no valid report among its ",
        paths.size(), " *.json file(s)",
        skipped.empty() ? "" : absl::StrCat(" (first: ", skipped[0], ")")));
  }
  newest->skipped = std::move(skipped);
  return *std::move(newest);
}

}  // namespace forkcheck
