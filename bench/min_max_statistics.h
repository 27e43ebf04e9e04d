// Min and max aggregates for benchmarks run with repetitions, beside the
// built-in mean, median, stddev and cv: the spread the README quotes.
#ifndef FORKCHECK_BENCH_MIN_MAX_STATISTICS_H_
#define FORKCHECK_BENCH_MIN_MAX_STATISTICS_H_

#include <algorithm>
#include <vector>

#include "benchmark/benchmark.h"

namespace forkcheck {

inline double MinOf(const std::vector<double>& values) {
  return values.empty() ? 0.0 : *std::min_element(values.begin(), values.end());
}

inline double MaxOf(const std::vector<double>& values) {
  return values.empty() ? 0.0 : *std::max_element(values.begin(), values.end());
}

// Adds "min" and "max" aggregates (of the time and of every counter).
inline benchmark::internal::Benchmark* AddMinMaxStatistics(
    benchmark::internal::Benchmark* benchmark) {
  return benchmark->ComputeStatistics("min", MinOf)
      ->ComputeStatistics("max", MaxOf);
}

}  // namespace forkcheck

#endif  // FORKCHECK_BENCH_MIN_MAX_STATISTICS_H_
