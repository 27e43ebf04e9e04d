// Aggregates of a metric's repetition samples, computed from the raw
// samples (which reports keep, because comparisons need them).
#ifndef FORKCHECK_COMMON_STATISTICS_H_
#define FORKCHECK_COMMON_STATISTICS_H_

#include <vector>

namespace forkcheck {

struct SampleSummary {
  double median = 0;
  double mean = 0;
  double stddev = 0;  // sample standard deviation (n - 1); 0 for one sample
  double cv = 0;      // stddev / |mean|; 0 when the mean is 0
  double mad = 0;     // median absolute deviation from the median, unscaled
  double min = 0;
  double max = 0;
};

// Requires at least one sample.
SampleSummary Summarize(std::vector<double> samples);

double Median(std::vector<double> samples);

}  // namespace forkcheck

#endif  // FORKCHECK_COMMON_STATISTICS_H_
