// The median absolute deviation as a Google Benchmark aggregate, beside the
// built-in mean, median, stddev and cv: a spread that a single outlier
// repetition (a neighbour's burst on a shared machine) does not inflate.
#ifndef FORKCHECK_BENCH_MAD_STATISTICS_H_
#define FORKCHECK_BENCH_MAD_STATISTICS_H_

#include <algorithm>
#include <cmath>
#include <vector>

#include "benchmark/benchmark.h"

namespace forkcheck {

// The median of `values` (for an even count, the mean of the middle two);
// 0 for none.
inline double MedianOf(std::vector<double> values) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  const size_t middle = values.size() / 2;
  return values.size() % 2 == 1 ? values[middle]
                                : (values[middle - 1] + values[middle]) / 2;
}

// median(|x - median(x)|), unscaled (no 1.4826 normal-consistency factor),
// in the unit of the values.
inline double MedianAbsoluteDeviation(const std::vector<double>& values) {
  const double median = MedianOf(values);
  std::vector<double> deviations;
  deviations.reserve(values.size());
  for (double value : values) deviations.push_back(std::fabs(value - median));
  return MedianOf(std::move(deviations));
}

// Adds the "mad" aggregate (of the time and of every counter).
inline benchmark::internal::Benchmark* AddMadStatistic(
    benchmark::internal::Benchmark* benchmark) {
  return benchmark->ComputeStatistics("mad", MedianAbsoluteDeviation);
}

}  // namespace forkcheck

#endif  // FORKCHECK_BENCH_MAD_STATISTICS_H_
