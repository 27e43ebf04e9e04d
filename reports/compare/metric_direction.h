// Which way is better for a benchmark metric, by its name. Explicit so that
// a new counter is never gated on by accident: a name the table does not
// know is kUnknown, listed in comparisons but never a regression.
#ifndef FORKCHECK_REPORTS_COMPARE_METRIC_DIRECTION_H_
#define FORKCHECK_REPORTS_COMPARE_METRIC_DIRECTION_H_

#include <string>

namespace forkcheck {

enum class Direction { kHigherIsBetter, kLowerIsBetter, kUnknown };

// Higher is better: throughputs (*_per_second, items/bytes_per_second,
// steady_bytes_per_second) and ratios against a ceiling (*_over_bare).
// Lower is better: times (real_time, cpu_time, *_ms, *_us, *_ns,
// *_seconds, *_seconds_per_*; time_to_first_row_ms, the fixed cost),
// memory (*_kib, *_bytes) and context switches (*_switches). Anything
// else, e.g. "connections", is kUnknown.
Direction MetricDirection(const std::string& name);

// As above, for `name` in the scenario whose id is `scenario`, except that
// `cpu_time` is kUnknown (listed, never gated) where Google Benchmark's CPU
// clock does not measure the work: in manual-time scenarios (the time is set
// by hand; the CPU clock still runs on the thread that waited for the work)
// and in BM_CreateSessionLatency (the calls run in trial processes). There
// it is the harness thread's CPU, noise that alarmed in A/A comparisons;
// the clients' CPU is the cpu_seconds counters.
Direction MetricDirection(const std::string& scenario, const std::string& name);

// "higher is better", "lower is better", "unknown".
const char* DirectionName(Direction direction);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_COMPARE_METRIC_DIRECTION_H_
