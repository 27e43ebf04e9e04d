#include "reports/compare/compare_args.h"

#include <sys/stat.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/runfiles.h"

namespace forkcheck {
namespace {

absl::Status Bad(const std::string& flag, const std::string& value,
                 const std::string& want) {
  return absl::InvalidArgumentError(
      absl::StrCat("--", flag, "=", value, ": ", want));
}

// "5%" or "5" -> 0.05; in (0, 100).
absl::StatusOr<double> ParsePercent(const std::string& flag,
                                    const std::string& value) {
  double percent = 0;
  if (!absl::SimpleAtod(absl::StripSuffix(value, "%"), &percent) ||
      !(percent > 0 && percent < 100)) {
    return Bad(flag, value, "want a percentage above 0 and below 100, e.g. 5%");
  }
  return percent / 100;
}

bool IsDirectory(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

}  // namespace

std::string CompareUsage() {
  return "usage: compare [flags] OLD.json NEW.json\n"
         "       compare [flags] BASELINE_DIR NEW.json\n"
         "       compare [flags] --baseline_dir=DIR NEW.json\n"
         "Compares two forkcheck reports: conformance outcome changes, "
         "environment\ndifferences, and every benchmark metric (Mann-Whitney "
         "U over the repetitions).\nA folder stands for its newest report "
         "(by environment.start_time).\n"
         "  --threshold=5%     smallest relative change that counts\n"
         "  --alpha=0.05       significance level\n"
         "  --min_samples=5    fewer repetitions on a side: inconclusive\n"
         "  --max_cv=25%       a noisier side (stddev/mean): inconclusive\n"
         "  --correction=none  or holm: Holm's correction over all the "
         "metrics' tests\n"
         "  --cell_alpha=0.01  family-wise level of the matrix cells' tests "
         "(Fisher's\n"
         "                     exact test per cell part, Holm over all of "
         "them)\n"
         "  --min_overlap=0.5  least share of each report's cells, and of "
         "its benchmark\n"
         "                     metrics, that must be in common to judge "
         "(0 to 1]\n"
         "  --format=console   or markdown, json, html (a self-contained "
         "page)\n"
         "  --out=PATH         write there (atomically), not to stdout\n"
         "Exit status: 0 nothing worse, and enough in common; 1 a metric "
         "regressed or a\nmatrix cell got worse (even with too little in "
         "common); 2 bad usage or bad\ninput; 3 not enough in common to "
         "judge (below --min_overlap), nothing worse\nin what was.\n";
}

absl::StatusOr<CompareArgs> ParseCompareArgs(
    const std::vector<std::string>& args) {
  CompareArgs parsed;
  std::vector<std::string> operands;
  for (const std::string& arg : args) {
    if (arg == "--help" || arg == "-h") {
      parsed.help = true;
      return parsed;
    }
    if (!absl::StartsWith(arg, "--")) {
      operands.push_back(arg);
      continue;
    }
    const size_t equals = arg.find('=');
    if (equals == std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(arg, ": flags take a value, e.g. --threshold=5%"));
    }
    const std::string flag = arg.substr(2, equals - 2);
    const std::string value = arg.substr(equals + 1);
    CompareOptions& options = parsed.options;
    if (flag == "threshold" || flag == "max_cv") {
      absl::StatusOr<double> fraction = ParsePercent(flag, value);
      if (!fraction.ok()) return fraction.status();
      (flag == "threshold" ? options.threshold : options.max_cv) = *fraction;
    } else if (flag == "alpha") {
      if (!absl::SimpleAtod(value, &options.alpha) ||
          !(options.alpha > 0 && options.alpha < 1)) {
        return Bad(flag, value,
                   "want a probability between 0 and 1, e.g. 0.05");
      }
    } else if (flag == "cell_alpha") {
      if (!absl::SimpleAtod(value, &options.cell_alpha) ||
          !(options.cell_alpha > 0 && options.cell_alpha < 1)) {
        return Bad(flag, value,
                   "want a probability between 0 and 1 (exclusive), e.g. "
                   "0.01");
      }
    } else if (flag == "min_overlap") {
      if (!absl::SimpleAtod(value, &options.min_overlap) ||
          !(options.min_overlap > 0 && options.min_overlap <= 1)) {
        return Bad(flag, value,
                   "want a fraction above 0 and at most 1, e.g. 0.5");
      }
    } else if (flag == "min_samples") {
      if (!absl::SimpleAtoi(value, &options.min_samples) ||
          options.min_samples < 2) {
        return Bad(flag, value, "want a whole number of at least 2");
      }
    } else if (flag == "correction") {
      if (value != "holm" && value != "none") {
        return Bad(flag, value, "want holm or none");
      }
      options.holm = value == "holm";
    } else if (flag == "format") {
      if (value == "console") {
        parsed.format = OutputFormat::kConsole;
      } else if (value == "markdown") {
        parsed.format = OutputFormat::kMarkdown;
      } else if (value == "json") {
        parsed.format = OutputFormat::kJson;
      } else if (value == "html") {
        parsed.format = OutputFormat::kHtml;
      } else {
        return Bad(flag, value, "want console, markdown, json or html");
      }
    } else if (flag == "out") {
      if (value.empty()) return Bad(flag, value, "want a path");
      parsed.out = value;
    } else if (flag == "baseline_dir") {
      if (value.empty()) return Bad(flag, value, "want a folder");
      parsed.baseline_dir = value;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag --", flag, " (see --help)"));
    }
  }
  const size_t wanted = parsed.baseline_dir.empty() ? 2 : 1;
  if (operands.size() != wanted) {
    return absl::InvalidArgumentError(absl::StrCat(
        "want ",
        wanted == 2 ? "OLD and NEW (reports, or a folder and a report)"
                    : "one report, NEW, with --baseline_dir",
        "; got ", operands.size(), " operand(s)"));
  }
  parsed.new_path = operands.back();
  if (wanted == 2) {
    // Under `bazel run` a relative folder is the user's, not this process's.
    if (IsDirectory(PathFromUsersDirectory(operands[0]))) {
      parsed.baseline_dir = operands[0];
    } else {
      parsed.old_path = operands[0];
    }
  }
  return parsed;
}

}  // namespace forkcheck
