#include "stats/sample_summary.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

namespace forkcheck {

double Median(std::vector<double> samples) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  const size_t mid = samples.size() / 2;
  return samples.size() % 2 == 1 ? samples[mid]
                                 : (samples[mid - 1] + samples[mid]) / 2;
}

double MedianAbsoluteDeviation(const std::vector<double>& samples) {
  const double median = Median(samples);
  std::vector<double> deviations;
  deviations.reserve(samples.size());
  for (double x : samples) deviations.push_back(std::fabs(x - median));
  return Median(std::move(deviations));
}

SampleSummary Summarize(std::vector<double> samples) {
  SampleSummary summary;
  if (samples.empty()) return summary;
  const double n = static_cast<double>(samples.size());
  summary.mean = std::accumulate(samples.begin(), samples.end(), 0.0) / n;
  double squares = 0;
  for (double x : samples) squares += (x - summary.mean) * (x - summary.mean);
  summary.stddev = samples.size() > 1 ? std::sqrt(squares / (n - 1)) : 0;
  summary.cv = summary.mean != 0 ? summary.stddev / std::fabs(summary.mean) : 0;
  summary.median = Median(samples);
  summary.mad = MedianAbsoluteDeviation(samples);
  const auto [low, high] = std::minmax_element(samples.begin(), samples.end());
  summary.min = *low;
  summary.max = *high;
  return summary;
}

}  // namespace forkcheck
