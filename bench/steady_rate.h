// The steady rate of a read by several workers: the payload bytes they
// received over the time during which at least one of them was streaming
// rows (from its first row to its last), so that what it costs to start a
// worker (fork or spawn, client, connection, the first response) is left to
// the fixed cost (time to first row) and does not dilute the rate.
//
// Each worker's span opens at its first row, which arrived in its first
// response, yet that response's bytes count in the span: one response per
// worker too many. Trials and the bare loop are measured alike, so the
// ratio of their rates keeps no bias to speak of (bench/README.md gives the
// size of it).
#ifndef FORKCHECK_BENCH_STEADY_RATE_H_
#define FORKCHECK_BENCH_STEADY_RATE_H_

#include <cstdint>
#include <optional>
#include <vector>

namespace forkcheck {

// One worker's read, on a clock every worker shares (microseconds).
struct ReadSpan {
  int64_t first_row_micros = 0;
  int64_t last_row_micros = 0;  // its read's end: its last stream finished
  int64_t bytes = 0;            // payload bytes it received in all
};

struct SteadyRate {
  int64_t bytes = 0;   // of every span
  int64_t micros = 0;  // the length of the spans' union
  // bytes / (micros / 1e6); nullopt when no span has a length.
  std::optional<double> BytesPerSecond() const;
};

// Spans that overlap count their common time once; a gap between spans (no
// worker streaming, e.g. the next one still starting) counts not at all.
// A span whose end is before its start counts as empty.
SteadyRate SteadyRateOf(std::vector<ReadSpan> spans);

}  // namespace forkcheck

#endif  // FORKCHECK_BENCH_STEADY_RATE_H_
