// The process-model matrix of a report as coloured grids, one per design
// group (its heading names the group's client): rows are models (with their
// variant), columns the group's axis values, one header row per axis (values
// spanning the columns they share). Each cell is coloured by its workers'
// verdict (safe, needs_retry, flaky, unsafe, undecided), says it with its
// failures and trials, has a bar of its trials' outcomes in proportion
// (ok_after_retry its own kind), a black frame if any trial returned wrong
// data, and a tooltip with its key, counts, verdict, interval and stack
// signatures. The verdict rule is stated once, above; why cells failed
// (their stacks and stderr) below, a click on a cell away.
#ifndef FORKCHECK_REPORTS_HTML_MATRIX_GRID_H_
#define FORKCHECK_REPORTS_HTML_MATRIX_GRID_H_

#include <cstddef>
#include <string>

#include "reports/report_model.h"

namespace forkcheck::html {

// The colour a verdict or an outcome kind ("ok", "ok_after_retry",
// "wrong_data", "error", "hang", "crash") is drawn in, everywhere.
const char* VerdictColour(const std::string& verdict);

// One cell of a grid: a <td> (inside a <table class="grid">) coloured by
// its workers' verdict, with the parent's below and a tooltip with the key,
// each part's text (counts, verdict, interval), wrong data on its own, why
// the cell stopped if undecided and its top 3 stack signatures with their
// trials. Its CSS class is v-<verdict>. With an `evidence_id`, its content
// links to the element of that id on the page (failure_evidence.h).
// With an `anchor_id`, the cell is the element of that id (CellAnchorId),
// so that other sections can link to it.
std::string MatrixCellHtml(const ReportCell& cell,
                           const std::string& evidence_id = "",
                           const std::string& anchor_id = "");

// The id of the grid cell of the matrix's cell `index` (its place in
// ReportConformance::cells): "cell-<index>". A cell in several design
// groups' grids carries it in the first only (ids are unique on a page).
std::string CellAnchorId(size_t index);

// The verdict rule, a legend, the grids, and why cells failed
// (failure_evidence.h; each such cell links to its section), for a report's
// matrix. Each client's expectations outcome is the clients panel's
// (clients_panel.h).
std::string RenderMatrixGrid(const ReportConformance& conformance);

// The grid's style sheet, for pages that show one.
const char* MatrixGridCss();

}  // namespace forkcheck::html

#endif  // FORKCHECK_REPORTS_HTML_MATRIX_GRID_H_
