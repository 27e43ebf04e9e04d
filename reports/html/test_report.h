// Test support for the page tests: a small, schema-valid report (every
// outcome kind, ok_after_retry included; every verdict: 17 safe cells, one
// needs_retry, 3 unsafe, 2 flaky (one with wrong data) and one undecided;
// cells stopped by the time budget; a model whose name is markup, a skipped
// benchmark; the C++ client and the Python grpcio testee, which ran or was
// skipped; two cells' failure evidence) and counting in rendered pages.
#ifndef FORKCHECK_REPORTS_HTML_TEST_REPORT_H_
#define FORKCHECK_REPORTS_HTML_TEST_REPORT_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "reports/report.h"

namespace forkcheck::html {

// Failure evidence (issue 13): the unsafe fork_after_create cells that
// crash and hang carry stack signatures in every failed trial, stacks and
// stderr (markup, and a control character) in their first kTestTextTrials.
inline constexpr char kTestHangSignature[] =
    "grpc_pollset_work ← grpc::CompletionQueue::Pluck ← "
    "grpc::ClientReader::Read";
inline constexpr char kTestCrashSignature[] =
    "grpc_core::ExecCtx::Flush ← grpc_channel_destroy";
inline constexpr size_t kTestTextTrials = 3;

// The model name that must come out escaped.
inline constexpr char kMarkupModel[] = "<script>alert('x')</script>&co";

inline constexpr char kTestPythonClient[] = "python-grpcio";
inline constexpr char kTestPythonSkippedReason[] =
    "python3-grpcio is not installed";

// kRan: the Python client's cells (6: 5 safe, 1 undecided after 3 hangs,
// in the groups "python_models" and "python_safe_models") and its threads
// benchmark beside the C++ ones. kSkipped: the client is listed, skipped, with
// kTestPythonSkippedReason; no cells, no benchmark.
enum class TestPythonClient { kRan, kSkipped };

// `rows_per_second_scale` multiplies every throughput (a later run, for the
// trend page); `start_time` is the environment's.
absl::StatusOr<Report> MakeTestReport(
    double rows_per_second_scale = 1,
    const std::string& start_time = "2026-11-30T10:00:00Z",
    TestPythonClient python = TestPythonClient::kRan);

// How often `what` occurs in `text` (overlaps counted), for counting
// elements in rendered pages.
int CountOccurrences(const std::string& text, const std::string& what);

}  // namespace forkcheck::html

#endif  // FORKCHECK_REPORTS_HTML_TEST_REPORT_H_
