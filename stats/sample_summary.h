// Aggregates of a metric's repetition samples, computed from the raw
// samples (which reports keep, because comparisons need them).
#ifndef FORKCHECK_STATS_SAMPLE_SUMMARY_H_
#define FORKCHECK_STATS_SAMPLE_SUMMARY_H_

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

// The median (for an even count, the mean of the middle two); 0 for none.
double Median(std::vector<double> samples);

// median(|x - median(x)|), unscaled (no 1.4826 normal-consistency factor),
// in the unit of the samples; 0 for none.
double MedianAbsoluteDeviation(const std::vector<double>& samples);

}  // namespace forkcheck

#endif  // FORKCHECK_STATS_SAMPLE_SUMMARY_H_
