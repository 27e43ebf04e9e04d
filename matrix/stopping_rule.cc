#include "matrix/stopping_rule.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace forkcheck {
namespace {

bool Decided(const RateVerdict& verdict, const StoppingRule& rule) {
  // A mixed cell is judged once, at flaky_trials: deciding "safe" or
  // "unsafe" the moment a mixed tally's interval allowed it would look at
  // it after every trial and inflate the error of those claims.
  if (verdict.mixed()) return verdict.trials >= rule.flaky_trials;
  switch (verdict.verdict) {
    case SafetyVerdict::kSafe:
    case SafetyVerdict::kNeedsRetry:
    case SafetyVerdict::kUnsafe:
      return true;
    case SafetyVerdict::kFlaky:
      return verdict.trials >= rule.flaky_trials;
    case SafetyVerdict::kUndecided:
      return false;
  }
  return false;
}

// The kind most of `counts`' trials had (the milder on a tie); nullopt if
// none.
std::optional<OutcomeKind> CommonestKind(const OutcomeCounts& counts) {
  std::optional<OutcomeKind> commonest;
  for (const auto& [kind, count] : counts.counts) {
    if (count > 0 && (!commonest.has_value() ||
                      count > counts.Count(*commonest))) {
      commonest = kind;
    }
  }
  return commonest;
}

}  // namespace

StoppingRule StoppingRule::Departing() const {
  StoppingRule departing = *this;
  departing.flaky_trials = departing_trials;
  return departing;
}

int StoppingRule::DepartingLook() const {
  return std::min(departing_trials, max_trials);
}

bool AtFlakyLook(const RateVerdict& workers, const StoppingRule& rule) {
  return workers.mixed() && workers.trials >= rule.flaky_trials;
}

absl::Status CheckStoppingRule(const StoppingRule& rule) {
  if (rule.min_trials < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("the minimum trials per cell must be at least 1; got ",
                     rule.min_trials));
  }
  if (rule.max_trials < rule.min_trials) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the trial cap (", rule.max_trials,
        ") must be at least the minimum trials per cell (", rule.min_trials,
        ")"));
  }
  if (rule.flaky_trials < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the trials of a flaky cell must be at least 1; got ",
        rule.flaky_trials));
  }
  if (rule.departing_trials < rule.flaky_trials) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the trials of a flaky cell departing from its record (",
        rule.departing_trials, ") must be at least those of a flaky cell (",
        rule.flaky_trials, ")"));
  }
  return absl::OkStatus();
}

absl::string_view StopReasonName(StopReason reason) {
  switch (reason) {
    case StopReason::kDecided:
      return "decided";
    case StopReason::kTrialCap:
      return "trial cap";
    case StopReason::kTimeBudget:
      return "time budget";
    case StopReason::kHarnessError:
      return "harness error";
  }
  return "decided";
}

std::optional<StopReason> ShouldStop(const RateVerdict& workers,
                                     const std::optional<RateVerdict>& parent,
                                     const StoppingRule& rule) {
  if (workers.trials < rule.min_trials) return std::nullopt;
  if (Decided(workers, rule) &&
      (!parent.has_value() || Decided(*parent, rule))) {
    return StopReason::kDecided;
  }
  if (workers.trials >= rule.max_trials) return StopReason::kTrialCap;
  return std::nullopt;
}

bool OnlySharpening(const RateVerdict& workers,
                    const std::optional<RateVerdict>& parent,
                    const StoppingRule& rule) {
  if (workers.mixed()) return true;
  return Decided(workers, rule) && workers.verdict != SafetyVerdict::kSafe &&
         parent.has_value() && !Decided(*parent, rule);
}

int TrialsToDecision(const OutcomeCounts& workers, const OutcomeCounts& parent,
                     const VerdictRule& verdicts, const StoppingRule& rule) {
  OutcomeCounts projected_workers = workers;
  OutcomeCounts projected_parent = parent;
  const std::optional<OutcomeKind> next_worker = CommonestKind(workers);
  const std::optional<OutcomeKind> next_parent = CommonestKind(parent);
  const int most = std::max(0, rule.max_trials - workers.total());
  for (int more = 0; more < most; ++more) {
    const std::optional<RateVerdict> parent_verdict =
        JudgeIfTried(projected_parent, verdicts);
    if (ShouldStop(Judge(projected_workers, verdicts), parent_verdict, rule)
            .has_value()) {
      return more;
    }
    // A cell with no trials yet is on no path: assume it will be ok, the
    // longest path (the most trials a one-group cell needs).
    ++projected_workers.counts[next_worker.value_or(OutcomeKind::kOk)];
    if (next_parent.has_value()) ++projected_parent.counts[*next_parent];
  }
  return most;
}

}  // namespace forkcheck
