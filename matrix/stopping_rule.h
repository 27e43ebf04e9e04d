// When a cell has had enough trials (adaptive trials): run each cell until
// its verdict is decided, its trial cap is reached, or the run's time
// budget is spent, and spend the trials saved on cells still undecided.
//
// Decided means: a cell whose trials all fell in one group (ok, ok after
// retry, failed) is decided as soon as its verdict is safe, needs_retry or
// unsafe (matrix/verdict.h); a cell with two or more groups seen is judged
// once, when it has had `flaky_trials` trials (its rate needs tens of
// trials before a later run can tell it changed), or, if at that look its
// counts depart from its recorded rate (matrix/lane_order.h's
// DepartsFromRecord), once at `departing_trials`: the expectations check
// then has the trials to tell a change from chance.
//
// Looking after every trial inflates an error rate only where a claim can
// be made at many looks. Here a one-group cell can be called safe (or
// unsafe) at one look only, the first n whose interval clears the
// threshold, with an error of the interval's one-sided tail; a mixed cell
// at one of two looks, chosen at the first. stopping_rule_test computes
// the errors of the whole rule exactly (and by simulation), for the worst
// record: at the thresholds, "safe" 2.3% and "unsafe" 4.3% at 95%, within
// the 5% such a claim allows.
#ifndef FORKCHECK_MATRIX_STOPPING_RULE_H_
#define FORKCHECK_MATRIX_STOPPING_RULE_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "matrix/cell_result.h"
#include "matrix/verdict.h"

namespace forkcheck {

struct StoppingRule {
  // Every cell, whatever its first trial showed. One: a second trial
  // decides no cell (safe takes 36 at the default 10%, unsafe 6), and on
  // 2 cores second trials of every cell took about a quarter of the
  // default run's 5-minute budget (matrix/README.md).
  int min_trials = 1;
  int max_trials = 60;    // the cap
  int flaky_trials = 30;  // a flaky cell runs on to measure its rate
  // A flaky cell departing from its record runs on further: against a
  // cell recorded ok in 1,000 trials that now fails a fifth of them, the
  // expectations check's computed power is 99.4% at 50 trials, 95.6% at 30
  // (matrix/README.md, "Power"); a flaky cell failing as recorded costs no
  // more (judging every flaky cell at 50 cost a default run 2 to 5 of its
  // C++ safe verdicts).
  int departing_trials = 50;

  // This rule for a cell departing from its record: mixed cells judged at
  // departing_trials.
  StoppingRule Departing() const;
  // The trials such a cell gets at most: departing_trials, within the cap.
  int DepartingLook() const;
};

// INVALID_ARGUMENT naming the field unless 1 <= min_trials <= max_trials,
// flaky_trials >= 1 and departing_trials >= flaky_trials.
absl::Status CheckStoppingRule(const StoppingRule& rule);

// kHarnessError: the harness could not run min_trials of the cell's trials
// (not an outcome: the cell has too few observations to judge).
enum class StopReason { kDecided, kTrialCap, kTimeBudget, kHarnessError };

// "decided", "trial cap", "time budget", "harness error".
absl::string_view StopReasonName(StopReason reason);

// Whether `workers` is where a mixed cell is judged under `rule`: two or
// more groups seen, in flaky_trials trials or more. Where the matrix asks
// whether a cell departs from its record, and judges it under
// rule.Departing() if it does.
bool AtFlakyLook(const RateVerdict& workers, const StoppingRule& rule);

// Whether a cell with these verdicts (the workers', and the parent's own
// client's if the model checks it) needs no more trials, and why. nullopt:
// run another.
std::optional<StopReason> ShouldStop(const RateVerdict& workers,
                                     const std::optional<RateVerdict>& parent,
                                     const StoppingRule& rule);

// Whether a cell's further trials only sharpen a rate rather than bring it
// nearer a verdict that could be safe: its workers are mixed (judged at
// their flaky look whatever the trials before show; at the default looks,
// 30 and 50 trials, one failure keeps the failure rate's upper bound above
// 10%), or their verdict is decided and not safe while the parent's
// client's part (`parent`, empty if the model checks none) is not decided.
// The matrix serves cells on their way first (lane_order.h).
bool OnlySharpening(const RateVerdict& workers,
                    const std::optional<RateVerdict>& parent,
                    const StoppingRule& rule);

// How many more trials a cell needs before ShouldStop stops it, if each
// further trial falls as the commonest kind of its trials so far did (the
// path a cell whose trials all fell in one group is on); at most
// max_trials - trials. 0: it would stop now. `parent` is empty if the model
// has no parent check. The scheduler runs first the cells nearest their
// end, so that a time budget leaves as few cells undecided as it can
// (shortest remaining work first); the verdicts do not depend on it.
int TrialsToDecision(const OutcomeCounts& workers, const OutcomeCounts& parent,
                     const VerdictRule& verdicts, const StoppingRule& rule);

}  // namespace forkcheck

#endif  // FORKCHECK_MATRIX_STOPPING_RULE_H_
