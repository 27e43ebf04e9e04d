// The client dimension as every view of a report reads it (summaries, the
// HTML pages, compare): the clients a report lists (parsed into its model,
// where a report from before the dimension reads as one C++ client that
// ran), whose client a model name or benchmark label is, and how a client
// and its expectations outcome are put in words.
#ifndef FORKCHECK_REPORTS_REPORT_CLIENTS_H_
#define FORKCHECK_REPORTS_REPORT_CLIENTS_H_

#include <string>
#include <vector>

#include "matrix/cell.h"
#include "reports/report_model.h"

namespace forkcheck {

// A report's clients (ReportConformance::clients: an older report's one
// C++ client is inferred as it is parsed); none without a matrix.
const std::vector<ReportClient>& ReportClients(const ReportModel& report);

// The client a model name or benchmark label names before ':'
// ("python-grpcio:threads"); "cpp" if it names none.
std::string ModelClient(const std::string& model_name);

// The model name without its client prefix ("threads"); C++ names as they
// are.
std::string ModelWithoutClient(const std::string& model_name);

// The model without its client prefix or variant: "fork_after_create" from
// "python-grpcio:fork_after_create(parent_channel=used)".
std::string ModelWithoutVariant(const std::string& model_name);

// "grpcio 1.60.0 (Python, gRPC core 1.60.0)"; "skipped: <why>" if it did
// not run.
std::string DescribeReportClient(const ReportClient& client);

// The expectations outcome in a sentence's end: "every cell as recorded.",
// "none recorded for this version.", "differences." (the text is separate).
std::string ExpectationsVerdict(const ExpectationsOutcome& expectations);

// How the check was made: "Fisher's exact test, Holm-corrected over 120
// tests, family-wise alpha 0.01: 2 mismatches; 9 of 120 had the power
// (95%) to see a 20-point change in 50 trials" (the last clause where the
// report counted it); "" if no statistical check was made.
std::string DescribeExpectationsStatistics(
    const ExpectationsStatistics& statistics);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_REPORT_CLIENTS_H_
