// How every view of a report (the text and Markdown summaries, the HTML
// pages) words the matrix's verdicts, so that they all say the same: a cell
// part's counts, verdict and interval with its wrong data on its own, why a
// cell stopped short of a decision, and the rule and trial policy the
// verdicts came from. Arguments are parts of a report's model.
#ifndef FORKCHECK_REPORTS_VERDICT_TEXT_H_
#define FORKCHECK_REPORTS_VERDICT_TEXT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

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

// Its trial policy: "5 trials a cell" when every cell got as many, else "1
// to 60 trials a cell, mixed at 30 (50 off record)" (a mixed cell departing
// from its expectations line judged at 50; "mixed outcomes judged at 30"
// for a report without that look), then ", time budget 600 s" if the run
// had one.
std::string TrialPolicyText(const ReportConformance& conformance);

// Why cells failed (issue 13). A failed trial is one the supervisor
// explains: a part's outcome other than ok and ok_after_retry (a retried
// call read every row; it leaves no stacks).

// A part's failed trials by kind, most telling first (wrong_data, crash,
// hang, error, then kinds this forkcheck does not know): "crash 6/30, hang
// 24/30"; "" if none failed.
std::string FailedCountsText(const CellPart& part);

// The cell's failed trials, the workers' then the parent's: "hang 30/30",
// "crash 2/36; parent after: hang 1/36"; "" if neither part failed.
std::string CellFailuresText(const ReportCell& cell);

// The cell's stack signatures: the workers' first (what the client was
// doing), then other processes', then the parent's (mostly waiting for its
// workers); each group most trials first, ties in the report's order.
// Empty in reports from before failures were explained.
std::vector<std::pair<std::string, int64_t>> SignaturesByTrials(
    const ReportCell& cell);

// "worker: grpc_pollset_work ← grpc::CompletionQueue::Pluck ← ... (30)".
std::string SignatureText(const std::pair<std::string, int64_t>& signature);

// Whether any cell of the matrix carries failure evidence (signatures, or a
// trial's evidence): reports from before failures were explained carry
// none, so their cells' empty lists say nothing. (Neither does a run in
// which no trial failed.)
bool RecordsFailureEvidence(const ReportConformance& conformance);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_VERDICT_TEXT_H_
