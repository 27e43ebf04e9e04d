// The matrix as a table for people: the verdict rule and the design's
// defaults once above it, then per cell a row with its model, the axes
// that differ from the defaults and its median timings, and below it the
// verdict of its workers (and of the parent's own client afterwards) with
// counts and interval, e.g. "ok 36/36 → safe, failure 0% [0%–9.7%]",
// wrong data on its own, and why the cell stopped if its verdict was not
// decided.
#ifndef FORKCHECK_MATRIX_MATRIX_TABLE_H_
#define FORKCHECK_MATRIX_MATRIX_TABLE_H_

#include <string>
#include <vector>

#include "matrix/cell.h"
#include "matrix/cell_result.h"
#include "matrix/verdict.h"

namespace forkcheck {

// `rule`: the one the run judged its cells by.
std::string RenderMatrixTable(const std::vector<CellResult>& results,
                              const Axes& defaults, const VerdictRule& rule);

// One part's counts as the table words them: "ok 36/36 → safe, failure 0%
// [0%–9.7%]", with trials that got wrong rows named on their own.
std::string DescribeCellPart(const OutcomeCounts& counts,
                             const VerdictRule& rule);

// Median over a cell's samples of the workers' median time to first row,
// in milliseconds; -1 if no worker got a row.
double MedianFirstRowMillis(const CellResult& result);
// Median wall time of a cell's trials, in milliseconds.
double MedianWallMillis(const CellResult& result);

}  // namespace forkcheck

#endif  // FORKCHECK_MATRIX_MATRIX_TABLE_H_
