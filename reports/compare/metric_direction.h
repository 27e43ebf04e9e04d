// Which way is better for a benchmark metric, by its name. Explicit so that
// a new counter is never gated on by accident: a name the table does not
// know is kUnknown, listed in comparisons but never a regression.
#ifndef FORKCHECK_REPORTS_COMPARE_METRIC_DIRECTION_H_
#define FORKCHECK_REPORTS_COMPARE_METRIC_DIRECTION_H_

#include <string>

namespace forkcheck {

enum class Direction { kHigherIsBetter, kLowerIsBetter, kUnknown };

// Higher is better: throughputs (*_per_second, items/bytes_per_second) and
// ratios against a ceiling (*_over_bare). Lower is better: times
// (real_time, cpu_time, *_ms, *_us, *_ns, *_seconds, *_seconds_per_*),
// memory (*_kib, *_bytes) and context switches (*_switches). Anything else,
// e.g. "connections", is kUnknown.
Direction MetricDirection(const std::string& name);

// "higher is better", "lower is better", "unknown".
const char* DirectionName(Direction direction);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_COMPARE_METRIC_DIRECTION_H_
