// The matrix as a table for people: one row per cell, showing the axes that
// differ from the design's defaults (listed once above the table), the
// outcome distributions and median timings.
#ifndef FORKCHECK_MATRIX_MATRIX_TABLE_H_
#define FORKCHECK_MATRIX_MATRIX_TABLE_H_

#include <string>
#include <vector>

#include "matrix/cell.h"
#include "matrix/cell_result.h"

namespace forkcheck {

std::string RenderMatrixTable(const std::vector<CellResult>& results,
                              const Axes& defaults);

// Median over a cell's samples of the workers' median time to first row,
// in milliseconds; -1 if no worker got a row.
double MedianFirstRowMillis(const CellResult& result);
// Median wall time of a cell's trials, in milliseconds.
double MedianWallMillis(const CellResult& result);

}  // namespace forkcheck

#endif  // FORKCHECK_MATRIX_MATRIX_TABLE_H_
