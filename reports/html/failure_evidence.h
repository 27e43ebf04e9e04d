// Why a report's cells failed, on the report page (issue 13): under the
// grids, a folded section per cell that has failure evidence, whose line
// names the cell, its failed trials and its most frequent stack signature;
// open, every signature with its trials, then per failed trial kept with
// text (the report keeps stacks and stderr for a cell's first failed trials
// and the first trial of each new signature) each process's signature, how
// its stacks were had (and why not), its stacks and its stderr, preformatted
// and escaped. A grid cell links to its section (no script: a fragment link,
// which opens the folded section in browsers that reveal a link's target).
// Reports from before failures were explained have no such section.
#ifndef FORKCHECK_REPORTS_HTML_FAILURE_EVIDENCE_H_
#define FORKCHECK_REPORTS_HTML_FAILURE_EVIDENCE_H_

#include <cstddef>
#include <string>

#include "reports/report_model.h"

namespace forkcheck::html {

// Whether the cell gets a section: it has signatures, or some trial of it
// has evidence (a capture error at least).
bool HasFailureEvidence(const ReportCell& cell);

// The id a grid cell links to for the cell at `index` of the matrix's cells:
// "why-<index>".
std::string FailureEvidenceId(size_t index);

// The heading, a note and a section per cell with evidence, in the
// report's order; "" if no cell has any.
std::string RenderFailureEvidence(const ReportConformance& conformance);

// Its style sheet (the report page adds it to the grid's).
const char* FailureEvidenceCss();

}  // namespace forkcheck::html

#endif  // FORKCHECK_REPORTS_HTML_FAILURE_EVIDENCE_H_
