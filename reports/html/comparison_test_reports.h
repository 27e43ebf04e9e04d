// Test support for the comparison page: two small reports whose comparison
// has everything the page shows (a worse and a better cell, a regressed
// metric, informational metrics, names that are markup, another machine).
#ifndef FORKCHECK_REPORTS_HTML_COMPARISON_TEST_REPORTS_H_
#define FORKCHECK_REPORTS_HTML_COMPARISON_TEST_REPORTS_H_

#include "reports/compare/testing/synthetic_report.h"

namespace forkcheck::html {

// A scenario id and a model name that must come out escaped.
inline constexpr char kMarkupScenario[] = "BM_Other/<img src=x>&more";
inline constexpr char kMarkupCell[] = "<b>bold</b>&model";
inline constexpr char kComparedModel[] =
    "BM_ProcessModel/spawn/workers:1/response:64KiB";

// The stack signatures of the hanging and the crashing cell.
inline constexpr char kComparedHang[] =
    "worker: grpc_pollset_work ← grpc::CompletionQueue::Pluck";
inline constexpr char kComparedCrash[] =
    "worker: grpc_core::ExecCtx::Flush ← <b>grpc_channel_destroy</b>";

// A process-model scenario whose throughput is `rows_factor` times the
// base (7 repetitions: enough for a verdict), the markup scenario, and three
// cells of 30 trials: "aaa_gets_better" (hangs in kComparedHang), the
// markup model and "zzz_gets_worse".
SyntheticReport ComparisonSpec(double rows_factor);

// `spec` with "aaa_gets_better" ok, "zzz_gets_worse" crashing in a third
// of its trials in kComparedCrash (both significant changes, and both
// signature changes),
// and another gRPC version (an environment difference that can change
// outcomes).
SyntheticReport WithChangedOutcomes(SyntheticReport spec);

}  // namespace forkcheck::html

#endif  // FORKCHECK_REPORTS_HTML_COMPARISON_TEST_REPORTS_H_
