// What a process-model benchmark reads off one trial (supervisor/
// trial_runner.h): throughput end to end and steady, time to first row
// counted from before the workers started (the read's fixed cost), and the
// resources of every process of the trial.
#ifndef FORKCHECK_BENCH_TRIAL_METRICS_H_
#define FORKCHECK_BENCH_TRIAL_METRICS_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "bench/latency_histogram.h"
#include "bench/steady_rate.h"
#include "supervisor/trial_runner.h"

namespace forkcheck {

struct TrialMetrics {
  int64_t rows = 0;   // sum of the workers' rows_received
  int64_t bytes = 0;  // sum of the workers' (Avro payload) bytes
  // From the parent's ParentFacts.workers_started_monotonic_micros to the
  // last worker's done: the time the workers took, client creation and
  // connection included, session creation and process start-up excluded.
  int64_t read_micros = 0;
  // Median over the workers of (start + first_row_micros) - the parent's
  // stamp (for an even count, the mean of the middle two). Workers that got
  // no row do not count. This is the read's fixed cost per worker: fork or
  // spawn, client creation, connection and the first response; not the
  // session's creation, which the parent did once before its stamp.
  double time_to_first_row_micros = 0;
  // Every worker's bytes over the union of the workers' spans from their
  // first row to their done (bench/steady_rate.h): the rate once reading,
  // with start-up left out. Workers that got no row do not count.
  SteadyRate steady;
  // wait4 of the trial process (TrialRecord::trial_usage): every process of
  // the trial that was reaped inside it.
  int64_t user_micros = 0;
  int64_t system_micros = 0;
  int64_t voluntary_switches = 0;
  int64_t involuntary_switches = 0;
  // The largest peak RSS of any process of the trial: wait4's, or a
  // worker's own report if larger (KiB).
  int64_t peak_rss_kib = 0;
  // The largest of the workers' own reports (KiB). Thread workers report
  // RUSAGE_THREAD, for which Linux gives the whole process's peak.
  int64_t worker_peak_rss_kib = 0;
  // The parent's own peak, from its ParentFacts (KiB); -1 if not reported.
  int64_t parent_peak_rss_kib = -1;
  // ParentFacts.tcp_connections: -1 if unknown (process models).
  int tcp_connections = -1;
  int64_t wall_micros = 0;  // the supervisor's: exec to exit
  // Every worker's timed CreateReadSession calls (the trial program's
  // --session_calls), merged; empty without them.
  LatencyHistogram create_session_latency;
  // Writers (workload "write"): the AppendRows requests every worker sent
  // (WorkerResult.appends), nullopt if a worker did not report them (a
  // testee that leaves the field out): unknown, not 0.
  std::optional<int64_t> appends;
  // Every worker's acknowledged appends' latencies, merged; `append_latency`
  // is unknown (false) if a worker that acknowledged rows reported none.
  LatencyHistogram append_latency;
  bool append_latency_known = true;
};

// FAILED_PRECONDITION naming what is missing if the record lacks what the
// metrics need: a ParentFacts with the workers' start, a result with
// monotonic_start_micros from every worker, the trial's rusage. Call only
// for a trial that ClassifyTrial found ok.
absl::StatusOr<TrialMetrics> MetricsFromTrial(const TrialRecord& record);

}  // namespace forkcheck

#endif  // FORKCHECK_BENCH_TRIAL_METRICS_H_
