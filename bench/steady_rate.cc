#include "bench/steady_rate.h"

#include <algorithm>

namespace forkcheck {

std::optional<double> SteadyRate::BytesPerSecond() const {
  if (micros <= 0) return std::nullopt;
  return static_cast<double>(bytes) / (static_cast<double>(micros) / 1e6);
}

SteadyRate SteadyRateOf(std::vector<ReadSpan> spans) {
  SteadyRate rate;
  for (const ReadSpan& span : spans) rate.bytes += span.bytes;
  std::sort(spans.begin(), spans.end(),
            [](const ReadSpan& a, const ReadSpan& b) {
              return a.first_row_micros < b.first_row_micros;
            });
  // Sweep in start order, extending the current run of overlapping spans.
  bool open = false;
  int64_t begin = 0, end = 0;
  for (const ReadSpan& span : spans) {
    if (span.last_row_micros <= span.first_row_micros) continue;
    if (open && span.first_row_micros <= end) {
      end = std::max(end, span.last_row_micros);
      continue;
    }
    if (open) rate.micros += end - begin;
    open = true;
    begin = span.first_row_micros;
    end = span.last_row_micros;
  }
  if (open) rate.micros += end - begin;
  return rate;
}

}  // namespace forkcheck
