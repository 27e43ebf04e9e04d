// How likely the expectations check (expectations.h) is to see a real
// change of one cell part, given the part's record. The check compares a
// run's failure share with the recorded one by Fisher's exact test, so its
// power depends on the record's length as much as on the run's: against 8
// clean recorded trials, 50 new ones must fail 40 times to be flagged;
// against 1,000, 4 times.
#ifndef FORKCHECK_MATRIX_CHECK_POWER_H_
#define FORKCHECK_MATRIX_CHECK_POWER_H_

#include "matrix/part_change.h"

namespace forkcheck {

// The change the expectations check reports its sensitivity to (a safe
// part failing in one trial of five, an unsafe one working in one of five),
// and the power at which a test counts as able to see it.
inline constexpr double kSensitivityShift = 0.2;
inline constexpr double kSensitivityPower = 0.95;

struct PowerQuestion {
  // New trials the part is judged on: a cell departing from its record gets
  // --departing_trials (50). The stopping rule can end a changed cell
  // sooner (one whose first 6 trials all fail is unsafe there), so this is
  // the power given those trials, an upper bound where they may not come.
  int trials = 50;
  // How far the failure share moves, in (0, 1): away from the nearer of 0
  // and 1, so a recorded-safe part starts failing and a recorded-unsafe one
  // starts working.
  double shift = kSensitivityShift;
  // The p-value a lone changed part must reach: Holm's first step, alpha
  // over the run's tests (a check where every other part is unchanged).
  double threshold = 0.01;
};

// The failure share the part moves to: its recorded share plus `shift` if
// that share is at most 1/2, else minus it; within [0, 1].
double ShiftedShare(const PartTally& record, double shift);

struct PowerAnswer {
  double shifted_share = 0;
  // In the shift's direction, the new failures the check first flags:
  // for a rise, the fewest above the recorded share; for a fall, the most
  // below it. -1 if no count that far is flagged.
  int needed_failures = -1;
  // The chance, over the binomial outcomes of `trials` new trials failing
  // with the shifted share, that NotOkShareP(record, new) <= threshold.
  double power = 0;
};

// Exact. A record without trials gives power 0 (NotOkShareP is then 1).
PowerAnswer CheckPower(const PartTally& record, const PowerQuestion& question);

}  // namespace forkcheck

#endif  // FORKCHECK_MATRIX_CHECK_POWER_H_
