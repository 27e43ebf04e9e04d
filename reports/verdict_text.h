// How every view of a report (the text and Markdown summaries, the HTML
// pages) words the matrix's verdicts, so that they all say the same: a cell
// part's counts, verdict and interval with its wrong data on its own, why a
// cell stopped short of a decision, and the rule and trial policy the
// verdicts came from. Arguments are parts of a report's model.
#ifndef FORKCHECK_REPORTS_VERDICT_TEXT_H_
#define FORKCHECK_REPORTS_VERDICT_TEXT_H_

#include <optional>
#include <string>

#include "reports/report_model.h"

namespace forkcheck {

// "wrong_data 1/20 trials", or "" if no trial returned wrong rows.
std::string WrongDataText(const CellPart& part);

// A cell part (`workers`, `parent_after`): its text, "ok 17/20, crash 3/20
// → flaky, failure 15% [3.2%–38%]", followed by " · " and WrongDataText
// when a trial returned wrong rows (silently wrong rows must never hide in
// a tally); "-" for none (the model has no parent check).
std::string PartText(const CellPart& part);
std::string PartText(const std::optional<CellPart>& part);

// "stopped: trial cap" if a cell stopped before its verdict was decided
// (trial cap, time budget, harness error); "" if it was decided or the
// report does not say (an upgraded version 1 report).
std::string StopNote(const ReportCell& cell);

// The conformance section's verdict rule: "95% Clopper-Pearson intervals;
// safe: failure rate's upper bound < 10%; unsafe: ok rate's upper bound <
// 50%", and " (derived from a schema_version 1 report's counts)" if so.
std::string VerdictRuleText(const ReportConformance& conformance);

// Its trial policy: "5 trials a cell" when every cell got as many, else "2
// to 60 trials a cell, mixed outcomes judged at 30", then ", time budget
// 600 s" if the run had one.
std::string TrialPolicyText(const ReportConformance& conformance);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_VERDICT_TEXT_H_
