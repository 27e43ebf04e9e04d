// Which cell a free lane of the matrix serves first (matrix_runner.cc's
// schedule), as a plain ordering that a test can check without trials.
#ifndef FORKCHECK_MATRIX_LANE_ORDER_H_
#define FORKCHECK_MATRIX_LANE_ORDER_H_

#include <cstdint>
#include <optional>

#include "matrix/cell_result.h"
#include "matrix/verdict.h"

namespace forkcheck {

// Where a cell that wants another trial stands.
struct CellStanding {
  bool below_minimum = false;  // fewer trials started than --min_trials
  // Its trials in flight may decide it already (it needs no more started).
  bool decided_if_in_flight_agree = false;
  // Its failure share so far lies outside its recorded rate's interval
  // (DepartsFromRecord).
  bool departs_from_record = false;
  bool headline = false;  // a baseline cell (MatrixRunOptions::headline)
  // It has a verdict that no further trial can make safe, and its further
  // trials only sharpen a rate: kinds of two or more groups seen
  // (stopping_rule.h's Mixed, of its workers or its parent's client: flaky
  // now, judged at its flaky look whatever they show), or its workers are
  // unsafe (or needs_retry) and only its parent's client's part is still
  // undecided.
  bool settled = false;
  // The lane time its still-needed trials should take at its mean so far.
  int64_t remaining_micros = 0;
  int started = 0;
};

// Whether a lane should serve `a` before `b`: a cell short of its minimum
// trials first (every cell gets them, budget or not: run them early, not
// after the budget); then one that needs more trials before one whose
// trials in flight may decide it; then a cell departing from its record,
// so that the expectations check gets the trials to tell a change from
// chance (a cell recorded safe in 1,000 trials that hung once in its first
// two is otherwise far from a verdict in lane time, and the budget ends
// before it gets more); then a headline cell, so that a budget
// too short for every cell leaves stress and fork-setting cells undecided
// rather than the verdicts the summary's table shows; then a cell on its
// way to a verdict before a settled one: 36 clean trials make a cell safe,
// while a settled cell's trials only sharpen a rate behind a verdict it
// has. On 2 cores a default run's baseline mixed cells took 90 to 130
// CPU-lane seconds, and a Python cell whose workers failed in 6 of 6
// trials while its parent's client worked (that part 30 trials from its
// verdict) 50 more, while in 4 of 15 runs before this order Python's
// safe-looking cells fell 16 to 146 lane-seconds short of theirs. Then
// the least lane time still needed (finishing the nearest cells first
// decides the most cells a budget allows); then the fewest started.
bool ServesBefore(const CellStanding& a, const CellStanding& b);

// CellStanding::settled, from a cell's verdicts now: its workers', and its
// parent's client's if the model checks it and it ran.
bool Settled(const RateVerdict& workers,
             const std::optional<RateVerdict>& parent);

// Whether the recorded failure rate (`recorded`'s share) lies outside the
// interval that `now` gives the failure rate under `rule` (its
// confidence): trials so far that the recorded rate makes unlikely,
// judged with their own uncertainty (a long record's interval is narrow,
// and a few trials' share would stray from it by chance). False while
// either has no trials.
bool DepartsFromRecord(const OutcomeCounts& recorded, const OutcomeCounts& now,
                       const VerdictRule& rule);

}  // namespace forkcheck

#endif  // FORKCHECK_MATRIX_LANE_ORDER_H_
