// A cell's verdict from its trials: counts, the failure rate with its
// confidence interval, and what that interval lets us say.
//
// A trial's worker outcome falls in one of three groups: ok; ok after a
// retry (every row verified, but only because the client retried a failed
// call); failed (error, wrong_data, hang, crash). The failure rate counts
// both of the last two: a client with no retry fails where ours retried.
// With n trials, the rate's interval is Clopper-Pearson at the rule's
// confidence (stats/binomial_interval.h says why), and the verdict is, in
// this order:
//   safe         the upper bound of the failure rate < safe_threshold;
//   needs_retry  some trials needed a retry, and counting those as ok the
//                upper bound would be < safe_threshold: safe only for a
//                client that retries, neither plainly safe nor failed;
//   unsafe       the upper bound of the rate of reading every row (ok or
//                ok after retry) < unsafe_threshold;
//   flaky        two or more of the groups were seen (the interval then
//                excludes both 0 and 1), and none of the above;
//   undecided    too few trials to say any of the above.
// wrong_data is counted on its own wherever a verdict is shown: silently
// wrong rows matter whatever the verdict.
#ifndef FORKCHECK_MATRIX_VERDICT_H_
#define FORKCHECK_MATRIX_VERDICT_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "matrix/cell_result.h"
#include "stats/binomial_interval.h"

namespace forkcheck {

// A rate as every view words it: "3.2%", "15%", "0.05%", "99.7%" (two
// significant digits, three near 100%; 0 and 1 exactly "0%", "100%").
std::string PercentText(double fraction);

struct VerdictRule {
  double confidence = 0.95;       // of every interval
  double safe_threshold = 0.10;   // on the failure rate's upper bound
  double unsafe_threshold = 0.5;  // on the ok rate's upper bound
};

// INVALID_ARGUMENT naming the field unless each is in (0, 1), and unless
// safe_threshold + unsafe_threshold <= 1 (else a cell could be both).
absl::Status CheckVerdictRule(const VerdictRule& rule);

// "95% Clopper-Pearson intervals; safe: failure rate's upper bound < 10%;
// unsafe: ok rate's upper bound < 50%".
std::string DescribeRule(const VerdictRule& rule);

// A cell's safety verdict (reports/compare has a metric's Verdict of its
// own).
enum class SafetyVerdict { kUndecided, kSafe, kNeedsRetry, kFlaky, kUnsafe };

// "undecided", "safe", "needs_retry", "flaky", "unsafe".
absl::string_view SafetyVerdictName(SafetyVerdict verdict);

struct RateVerdict {
  int trials = 0;
  int ok = 0;
  int ok_after_retry = 0;
  int failures = 0;  // trials not ok, ok_after_retry included
  int wrong_data = 0;
  stats::RateInterval failure_interval;  // of failures / trials
  SafetyVerdict verdict = SafetyVerdict::kUndecided;

  double failure_rate() const {
    return trials == 0 ? 0 : static_cast<double>(failures) / trials;
  }
  // Kinds of two or more of the groups seen (ok, ok after retry, failed).
  bool mixed() const {
    const int plain_failures = failures - ok_after_retry;
    return (ok > 0) + (ok_after_retry > 0) + (plain_failures > 0) >= 2;
  }
};

RateVerdict Judge(const OutcomeCounts& counts, const VerdictRule& rule);

// Judge, for a part that may have no trials (the parent's client of a
// model that checks none): nullopt then.
std::optional<RateVerdict> JudgeIfTried(const OutcomeCounts& counts,
                                        const VerdictRule& rule);

// "ok 17/20, crash 3/20 → flaky, failure 15% [3.2%–38%]" (kinds most
// severe last, as people read a tally; wrong_data is among the kinds when
// seen). "no trials" when there were none.
std::string DescribeVerdict(const OutcomeCounts& counts,
                            const RateVerdict& verdict);

// "15% [3.2%–38%]".
std::string FormatRate(const RateVerdict& verdict);

}  // namespace forkcheck

#endif  // FORKCHECK_MATRIX_VERDICT_H_
