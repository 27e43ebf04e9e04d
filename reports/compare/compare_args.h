// The command line of //reports:compare:
//
//   compare [flags] OLD.json NEW.json
//   compare [flags] BASELINE_DIR NEW.json
//   compare [flags] --baseline_dir=DIR NEW.json
//
//   --threshold=5%      smallest change that counts ("5%" or "5": percent)
//   --alpha=0.05        significance level
//   --min_samples=5     fewer repetitions on a side: inconclusive
//   --max_cv=25%        a noisier side: inconclusive
//   --correction=none   or "holm": Holm's correction over all the tests
//   --cell_alpha=0.01   family-wise level of the matrix cells' tests
//   --min_overlap=0.5   less in common than this share: not comparable
//   --format=console    or "markdown", "json", "html" (a self-contained page)
//   --out=PATH          write there (atomically) instead of standard output
//
// Parsed by hand, not with absl flags, so that every usage error exits with
// status 2 (absl's parser exits with 1, the status of a regression). The
// exit statuses are in CompareUsage().
#ifndef FORKCHECK_REPORTS_COMPARE_COMPARE_ARGS_H_
#define FORKCHECK_REPORTS_COMPARE_COMPARE_ARGS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "reports/compare/metric_comparison.h"

namespace forkcheck {

enum class OutputFormat { kConsole, kMarkdown, kJson, kHtml };

struct CompareArgs {
  std::string old_path;      // a report, or "" with baseline_dir
  std::string baseline_dir;  // a folder of reports, or ""
  std::string new_path;
  CompareOptions options;
  OutputFormat format = OutputFormat::kConsole;
  std::string out;  // "" for standard output
  bool help = false;
};

// The usage text above.
std::string CompareUsage();

// `args` without the program name. INVALID_ARGUMENT naming the flag or the
// missing operand. OLD may be a folder: see baseline_dir. Flags are read in
// order up to --help, which then needs no operands: `compare FLAGS --help`
// checks FLAGS (driver/nightly.sh does, before its main job).
absl::StatusOr<CompareArgs> ParseCompareArgs(
    const std::vector<std::string>& args);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_COMPARE_COMPARE_ARGS_H_
