// Whether one cell part's outcomes (its workers', or its parent's client
// after them) changed between two sets of trials: the one rule that the
// expectations check (recorded counts against a run's) and compare (an old
// report's against a new one's) both apply, on counts alone.
#ifndef FORKCHECK_MATRIX_PART_CHANGE_H_
#define FORKCHECK_MATRIX_PART_CHANGE_H_

namespace forkcheck {

// A part's trials by what the rule needs of them.
struct PartTally {
  int trials = 0;
  int ok = 0;
  int ok_after_retry = 0;
  int wrong_data = 0;
};

// The share of trials not plainly ok; 0 without trials.
double NotOkShare(const PartTally& tally);

// Fisher's exact test, two-sided, of the share of trials not plainly ok
// (ok_after_retry included: a retry the first call needed is what the
// verdicts report) in `old` against `now`: exact at any size, and the
// sides are often hundreds of trials against tens, with none failed on
// one of them. 1 when either side has no trials.
double NotOkShareP(const PartTally& old, const PartTally& now);

// wrong_data in `now` where every `old` trial was ok or ok after a retry:
// a change whatever the p-value, since wrong rows from a part known to
// work are never noise. Where old trials failed, wrong_data is one more
// failure for NotOkShareP: A/A runs on one build saw it now and then among
// the hangs of unsafe cells (matrix/README.md).
bool WrongDataWhereNoneFailed(const PartTally& old, const PartTally& now);

}  // namespace forkcheck

#endif  // FORKCHECK_MATRIX_PART_CHANGE_H_
