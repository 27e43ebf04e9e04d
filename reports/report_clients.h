// The client dimension as every view of a report reads it (summaries, the
// HTML pages, compare): the clients a report lists, and whose client a
// matrix cell or a benchmark is. A report from before the dimension reads as
// one C++ client that ran, with the top-level expectations.
#ifndef FORKCHECK_REPORTS_REPORT_CLIENTS_H_
#define FORKCHECK_REPORTS_REPORT_CLIENTS_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "matrix/cell.h"
#include "matrix/expectations.h"
#include "nlohmann/json.hpp"
#include "reports/report_model.h"

namespace forkcheck {

// The clients of a report's `conformance` section (schema-valid; null gives
// none). Without a `clients` list (or an empty one): one C++ client from
// `environment` (the report's, may be null) and the top-level expectations.
std::vector<ReportClient> ConformanceClients(const nlohmann::json& conformance,
                                             const nlohmann::json& environment);

// The whole report's: ConformanceClients of its sections.
std::vector<ReportClient> ReportClients(const nlohmann::json& report);

// A report's clients (ReportConformance::clients); none without a matrix.
const std::vector<ReportClient>& ReportClients(const ReportModel& report);

// A cell's client ("cpp" when the cell does not say: an older report).
std::string CellClient(const nlohmann::json& cell);

// The client a model name or benchmark label names before ':'
// ("python-grpcio:threads"); "cpp" if it names none.
std::string ModelClient(const std::string& model_name);

// The model name without its client prefix ("threads"); C++ names as they
// are.
std::string ModelWithoutClient(const std::string& model_name);

// "grpcio 1.60.0 (Python, gRPC core 1.60.0)"; "skipped: <why>" if it did
// not run.
std::string DescribeReportClient(const ReportClient& client);

// The expectations outcome in a sentence's end: "every cell as recorded.",
// "none recorded for this version.", "differences." (the text is separate).
std::string ExpectationsVerdict(const ExpectationsOutcome& expectations);

// How the check was made: "Fisher's exact test per cell part, Holm-corrected
// over 120 tests, family-wise alpha 0.01: 2 mismatches"; "" if no
// statistical check was made.
std::string DescribeExpectationsStatistics(
    const ExpectationsStatistics& statistics);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_REPORT_CLIENTS_H_
