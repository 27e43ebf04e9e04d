// Which cell a free lane of the matrix serves first (matrix_runner.cc's
// schedule), as a plain ordering that a test can check without trials.
#ifndef FORKCHECK_MATRIX_LANE_ORDER_H_
#define FORKCHECK_MATRIX_LANE_ORDER_H_

#include <cstdint>

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
  // Its further trials only sharpen a rate (stopping_rule.h's
  // OnlySharpening: mixed workers, or workers decided not safe and a
  // parent's part still undecided).
  bool only_sharpening = false;
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
// way to a verdict before one whose trials only sharpen a rate: a budget
// too short for both leaves the rates of mixed and unsafe cells rougher
// rather than safe-looking cells undecided (measured in matrix/README.md,
// "The design"); then the least lane time still needed (finishing the
// nearest cells first decides the most cells a budget allows); then the
// fewest started.
bool ServesBefore(const CellStanding& a, const CellStanding& b);

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
