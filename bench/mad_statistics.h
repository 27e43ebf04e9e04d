// The median absolute deviation as a Google Benchmark aggregate, beside the
// built-in mean, median, stddev and cv: a spread that a single outlier
// repetition (a neighbour's burst on a shared machine) does not inflate.
#ifndef FORKCHECK_BENCH_MAD_STATISTICS_H_
#define FORKCHECK_BENCH_MAD_STATISTICS_H_

#include "benchmark/benchmark.h"
#include "stats/sample_summary.h"

namespace forkcheck {

// Adds the "mad" aggregate (of the time and of every counter).
inline benchmark::internal::Benchmark* AddMadStatistic(
    benchmark::internal::Benchmark* benchmark) {
  return benchmark->ComputeStatistics("mad", MedianAbsoluteDeviation);
}

}  // namespace forkcheck

#endif  // FORKCHECK_BENCH_MAD_STATISTICS_H_
