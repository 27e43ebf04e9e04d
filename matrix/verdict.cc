#include "matrix/verdict.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace forkcheck {
namespace {

bool InUnitInterval(double value) { return value > 0 && value < 1; }

}  // namespace

std::string PercentText(double fraction) {
  const double percent = 100 * fraction;
  if (percent <= 0 || percent >= 100) return absl::StrCat(std::lround(percent), "%");
  // Near the ends keep the digits that tell 99.7% from 100%, 0.3% from 0.
  if (percent < 10) return absl::StrFormat("%.2g%%", percent);
  if (percent >= 99.5) return absl::StrFormat("%.3g%%", percent);
  return absl::StrFormat("%.0f%%", percent);
}

absl::Status CheckVerdictRule(const VerdictRule& rule) {
  const std::pair<const char*, double> fields[] = {
      {"confidence", rule.confidence},
      {"safe threshold", rule.safe_threshold},
      {"unsafe threshold", rule.unsafe_threshold}};
  for (const auto& [name, value] : fields) {
    if (!InUnitInterval(value)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the ", name, " must be in (0, 1), strictly; got ", value));
    }
  }
  // Safe needs a failure rate below s, unsafe an ok rate below u: with
  // s + u > 1 one cell could be both.
  if (rule.safe_threshold + rule.unsafe_threshold > 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the safe threshold (", rule.safe_threshold,
        ") and the unsafe threshold (", rule.unsafe_threshold,
        ") add up to more than 1: a cell could be both safe and unsafe"));
  }
  return absl::OkStatus();
}

std::string DescribeRule(const VerdictRule& rule) {
  return absl::StrCat(PercentText(rule.confidence),
                      " Clopper-Pearson intervals; safe: failure rate's "
                      "upper bound < ",
                      PercentText(rule.safe_threshold),
                      "; unsafe: ok rate's upper bound < ",
                      PercentText(rule.unsafe_threshold));
}

absl::string_view SafetyVerdictName(SafetyVerdict verdict) {
  switch (verdict) {
    case SafetyVerdict::kUndecided:
      return "undecided";
    case SafetyVerdict::kSafe:
      return "safe";
    case SafetyVerdict::kNeedsRetry:
      return "needs_retry";
    case SafetyVerdict::kFlaky:
      return "flaky";
    case SafetyVerdict::kUnsafe:
      return "unsafe";
  }
  return "undecided";
}

RateVerdict Judge(const OutcomeCounts& counts, const VerdictRule& rule) {
  RateVerdict result;
  result.trials = counts.total();
  result.ok = counts.Count(OutcomeKind::kOk);
  result.ok_after_retry = counts.Count(OutcomeKind::kOkAfterRetry);
  result.wrong_data = counts.Count(OutcomeKind::kWrongData);
  result.failures = result.trials - result.ok;
  const int n = result.trials;
  result.failure_interval =
      stats::ClopperPearson(result.failures, n, rule.confidence);
  if (n == 0) return result;
  const int plain_failures = result.failures - result.ok_after_retry;
  const int read_everything = result.ok + result.ok_after_retry;
  if (result.failure_interval.high < rule.safe_threshold) {
    result.verdict = SafetyVerdict::kSafe;
  } else if (result.ok_after_retry > 0 &&
             stats::ClopperPearson(plain_failures, n, rule.confidence).high <
                 rule.safe_threshold) {
    result.verdict = SafetyVerdict::kNeedsRetry;
  } else if (stats::ClopperPearson(read_everything, n, rule.confidence).high <
             rule.unsafe_threshold) {
    result.verdict = SafetyVerdict::kUnsafe;
  } else if (result.mixed()) {
    result.verdict = SafetyVerdict::kFlaky;
  }
  return result;
}

std::optional<RateVerdict> JudgeIfTried(const OutcomeCounts& counts,
                                        const VerdictRule& rule) {
  if (counts.total() == 0) return std::nullopt;
  return Judge(counts, rule);
}

std::string FormatRate(const RateVerdict& verdict) {
  return absl::StrCat(PercentText(verdict.failure_rate()), " [",
                      PercentText(verdict.failure_interval.low), "–",
                      PercentText(verdict.failure_interval.high), "]");
}

std::string DescribeVerdict(const OutcomeCounts& counts,
                            const RateVerdict& verdict) {
  if (verdict.trials == 0) return "no trials";
  std::vector<std::string> parts;
  std::vector<OutcomeKind> kinds = counts.Kinds();  // most severe first
  for (auto it = kinds.rbegin(); it != kinds.rend(); ++it) {
    parts.push_back(absl::StrCat(OutcomeKindName(*it), " ",
                                 counts.counts.at(*it), "/", verdict.trials));
  }
  return absl::StrCat(absl::StrJoin(parts, ", "), " → ",
                      SafetyVerdictName(verdict.verdict), ", failure ",
                      FormatRate(verdict));
}

}  // namespace forkcheck
