#include "bench/trial_metrics.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "stats/sample_summary.h"

namespace forkcheck {

absl::StatusOr<TrialMetrics> MetricsFromTrial(const TrialRecord& record) {
  TrialMetrics metrics;
  int64_t started = 0;
  if (const v1::ParentFacts* facts = ParentFactsOf(record)) {
    started = facts->workers_started_monotonic_micros();
    metrics.tcp_connections = facts->tcp_connections();
    if (facts->has_usage()) {
      metrics.parent_peak_rss_kib = facts->usage().max_rss_kib();
    }
  }
  if (started <= 0) {
    return absl::FailedPreconditionError(
        "the parent sent no ParentFacts with its workers' start");
  }
  if (!record.trial_usage.has_value()) {
    return absl::FailedPreconditionError(
        "the trial process was not reaped: no rusage");
  }

  int64_t last_done = started;
  int64_t appends = 0;
  bool appends_known = true;
  std::vector<double> first_rows;
  std::vector<ReadSpan> spans;
  for (size_t i = 0; i < record.workers.size(); ++i) {
    const v1::WorkerResult* result = WorkerResultOf(record.workers[i]);
    if (result == nullptr || result->monotonic_start_micros() <= 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "worker ", i, " sent no result with its monotonic start"));
    }
    const int64_t start = result->monotonic_start_micros();
    for (const int64_t ns : result->create_session_latency_ns()) {
      metrics.create_session_latency.Add(ns);
    }
    if (result->has_appends()) {
      appends += result->appends();
    } else {
      appends_known = false;
    }
    for (const int64_t ns : result->append_latency_ns()) {
      metrics.append_latency.Add(ns);
    }
    if (result->rows_received() > 0 && result->append_latency_ns().empty()) {
      metrics.append_latency_known = false;
    }
    metrics.rows += result->rows_received();
    metrics.bytes += result->bytes();
    last_done = std::max(last_done, start + result->done_micros());
    if (result->rows_received() > 0) {
      first_rows.push_back(
          static_cast<double>(start + result->first_row_micros() - started));
      spans.push_back({start + result->first_row_micros(),
                       start + result->done_micros(), result->bytes()});
    }
    metrics.worker_peak_rss_kib =
        std::max(metrics.worker_peak_rss_kib, result->usage().max_rss_kib());
  }
  if (appends_known) metrics.appends = appends;
  metrics.read_micros = last_done - started;
  metrics.time_to_first_row_micros = Median(std::move(first_rows));
  metrics.steady = SteadyRateOf(std::move(spans));

  const v1::ResourceUsage& usage = *record.trial_usage;
  metrics.user_micros = usage.user_micros();
  metrics.system_micros = usage.system_micros();
  metrics.voluntary_switches = usage.voluntary_switches();
  metrics.involuntary_switches = usage.involuntary_switches();
  metrics.peak_rss_kib =
      std::max(usage.max_rss_kib(), metrics.worker_peak_rss_kib);
  metrics.wall_micros = record.wall.count();
  return metrics;
}

}  // namespace forkcheck
