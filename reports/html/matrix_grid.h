// The process-model matrix of a report as coloured grids, one per design
// group (its heading names the group's client): rows are models (with their variant), columns the group's axis
// values, one header row per axis (values spanning the columns they share).
// Each cell is coloured by its workers' outcome counts, as stacked stripes
// in proportion (so "mixed" shows how mixed), says its outcome in short,
// and has a tooltip with its key and exact counts.
#ifndef FORKCHECK_REPORTS_HTML_MATRIX_GRID_H_
#define FORKCHECK_REPORTS_HTML_MATRIX_GRID_H_

#include <string>

#include "nlohmann/json.hpp"

namespace forkcheck::html {

// How a cell reads at a glance, from its workers' outcome counts:
// "ok" (every trial), "wrong_data" (any trial: never noise), "flaky" (ok
// and something else), "error", "hang", "crash" (every trial), "failing"
// (several failure kinds, never ok). Also the cell's CSS class, v-<verdict>.
std::string CellVerdict(const nlohmann::json& outcome_counts);

// The colour a verdict (or an outcome kind) is drawn in, everywhere.
const char* VerdictColour(const std::string& verdict);

// One cell of a grid: a <td> (inside a <table class="grid">) coloured by
// its workers' outcomes, with the parent's check below and a tooltip with
// the key and exact counts. `cell` is one of a conformance section's cells.
std::string MatrixCellHtml(const nlohmann::json& cell);

// The grids and a legend, for a report's `conformance` section
// (schema-valid). Each client's expectations outcome is the clients panel's
// (clients_panel.h).
std::string RenderMatrixGrid(const nlohmann::json& conformance);

// The grid's style sheet, for pages that show one.
const char* MatrixGridCss();

}  // namespace forkcheck::html

#endif  // FORKCHECK_REPORTS_HTML_MATRIX_GRID_H_
