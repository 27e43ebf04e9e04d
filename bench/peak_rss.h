// The process's peak resident set size since a moment of our choosing, so
// that one benchmark run's peak is not hidden by an earlier run's.
//
// Linux keeps a high-water mark of the RSS (VmHWM in /proc/self/status,
// also getrusage's ru_maxrss); writing "5" to /proc/self/clear_refs resets
// it to the current RSS (Linux 4.0 and later).
#ifndef FORKCHECK_BENCH_PEAK_RSS_H_
#define FORKCHECK_BENCH_PEAK_RSS_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace forkcheck {

// Resets the high-water mark to the current RSS. An error names the file and
// errno when the kernel does not allow it.
absl::Status ResetPeakRss();

// The high-water mark (VmHWM) in KiB: the largest RSS since the process
// started or since the last ResetPeakRss.
absl::StatusOr<int64_t> PeakRssKib();

}  // namespace forkcheck

#endif  // FORKCHECK_BENCH_PEAK_RSS_H_
