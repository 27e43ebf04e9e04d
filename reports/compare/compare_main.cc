// bazel run //reports:compare -- OLD.json NEW.json (see compare_args.h):
// compares two forkcheck reports. Exit status 0: no benchmark regression,
// no matrix cell worse, and enough in common; 1: a regression or a worse
// cell (whatever the overlap); 2: bad usage or bad input (not a report,
// another schema version); 3: too little in common to judge (overlap.h).
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/runfiles.h"
#include "reports/compare/baseline.h"
#include "reports/compare/compare_args.h"
#include "reports/compare/comparison_render.h"
#include "reports/compare/report_comparison.h"
#include "reports/html/comparison_page.h"
#include "reports/report.h"

namespace forkcheck {
namespace {

constexpr int kNoRegression = 0;
constexpr int kRegression = 1;
constexpr int kBadInput = 2;
constexpr int kNotComparable = 3;

int Fail(const std::string& message) {
  std::fprintf(stderr, "compare: %s\n", message.c_str());
  return kBadInput;
}

int Run(const std::vector<std::string>& args) {
  absl::StatusOr<CompareArgs> parsed = ParseCompareArgs(args);
  if (!parsed.ok()) {
    return Fail(absl::StrCat(parsed.status().message(), "\n", CompareUsage()));
  }
  if (parsed->help) {
    std::fputs(CompareUsage().c_str(), stdout);
    return kNoRegression;
  }
  const std::string new_path = PathFromUsersDirectory(parsed->new_path);
  absl::StatusOr<Report> new_report = Report::Load(new_path);
  if (!new_report.ok()) return Fail(std::string(new_report.status().message()));

  std::string old_path = PathFromUsersDirectory(parsed->old_path);
  std::optional<Report> old_report;
  if (!parsed->baseline_dir.empty()) {
    absl::StatusOr<Baseline> baseline =
        NewestReportIn(PathFromUsersDirectory(parsed->baseline_dir), new_path);
    if (!baseline.ok()) return Fail(std::string(baseline.status().message()));
    for (const std::string& skipped : baseline->skipped) {
      std::fprintf(stderr, "compare: skipped %s\n", skipped.c_str());
    }
    std::fprintf(stderr, "compare: baseline %s\n", baseline->path.c_str());
    old_path = baseline->path;
    old_report = std::move(baseline->report);
  } else {
    absl::StatusOr<Report> loaded = Report::Load(old_path);
    if (!loaded.ok()) return Fail(std::string(loaded.status().message()));
    old_report = *std::move(loaded);
  }

  // Before the comparison: its text must not replace a report it read.
  const std::string out_path = PathFromUsersDirectory(parsed->out);
  for (const std::string& input : {old_path, new_path}) {
    if (!out_path.empty() && SameFile(out_path, input)) {
      return Fail(absl::StrCat("--out=", parsed->out, " is the report ", input,
                               " it compares; write the comparison elsewhere"));
    }
  }

  absl::StatusOr<ReportComparison> comparison = CompareReports(
      *old_report, old_path, *new_report, new_path, parsed->options);
  if (!comparison.ok()) return Fail(std::string(comparison.status().message()));

  std::string text;
  switch (parsed->format) {
    case OutputFormat::kConsole:
      text = RenderComparisonText(*comparison);
      break;
    case OutputFormat::kMarkdown:
      text = RenderComparisonMarkdown(*comparison);
      break;
    case OutputFormat::kJson:
      text = ComparisonToJson(*comparison).dump(2) + "\n";
      break;
    case OutputFormat::kHtml:
      text = html::RenderComparisonPage(*comparison, *old_report, *new_report);
      break;
  }
  if (parsed->out.empty()) {
    std::fputs(text.c_str(), stdout);
  } else {
    const absl::Status written = WriteFileAtomically(out_path, text);
    if (!written.ok()) return Fail(std::string(written.message()));
  }
  switch (comparison->Judge()) {
    case Gate::kRegression:
      return kRegression;
    case Gate::kNotComparable:
      return kNotComparable;
    case Gate::kPass:
      break;
  }
  return kNoRegression;
}

}  // namespace
}  // namespace forkcheck

int main(int argc, char** argv) {
  return forkcheck::Run(std::vector<std::string>(argv + 1, argv + argc));
}
