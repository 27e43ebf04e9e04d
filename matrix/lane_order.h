// Which cell a free lane of the matrix serves first (matrix_runner.cc's
// schedule), as a plain ordering that a test can check without trials.
#ifndef FORKCHECK_MATRIX_LANE_ORDER_H_
#define FORKCHECK_MATRIX_LANE_ORDER_H_

#include <cstdint>

namespace forkcheck {

// Where a cell that wants another trial stands.
struct CellStanding {
  bool below_minimum = false;  // fewer trials started than --min_trials
  // Its trials in flight may decide it already (it needs no more started).
  bool decided_if_in_flight_agree = false;
  bool headline = false;  // a baseline cell (MatrixRunOptions::headline)
  // The lane time its still-needed trials should take at its mean so far.
  int64_t remaining_micros = 0;
  int started = 0;
};

// Whether a lane should serve `a` before `b`: a cell short of its minimum
// trials first (every cell gets them, budget or not: run them early, not
// after the budget); then one that needs more trials before one whose
// trials in flight may decide it; then a headline cell, so that a budget
// too short for every cell leaves stress and fork-setting cells undecided
// rather than the verdicts the summary's table shows; then the least lane
// time still needed (finishing the nearest cells first decides the most
// cells a budget allows); then the fewest started.
bool ServesBefore(const CellStanding& a, const CellStanding& b);

}  // namespace forkcheck

#endif  // FORKCHECK_MATRIX_LANE_ORDER_H_
