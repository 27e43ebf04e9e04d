// The verdict on one metric of one scenario between two reports: old and
// new medians, the change, a two-sided Mann-Whitney U p-value over the
// repetitions, and improved / regressed / unchanged / inconclusive.
//
// A regression (or an improvement) needs both: p < alpha and a change
// beyond the threshold, in the metric's direction. Inconclusive: too few
// repetitions, sizes that cannot reach alpha, or a side noisier than
// max_cv, unless the samples do not overlap at all and the change is beyond
// the threshold (a noisy baseline must not hide a large, consistent
// slowdown).
//
// A comparison tests many metrics at once (about ten distinct tests per
// pair of reports). CompareOptions::holm judges significance after Holm's
// correction over the distinct tests instead (metrics of a scenario whose
// samples rank alike, as rows_per_second, bytes_per_second and real_time
// do, are one test): no false regression in an A/A comparison beyond
// alpha, but at 5 repetitions a side (best p 0.0079) and more than 6
// tests nothing can reach "regressed". Off by default, so that the main
// job's 5 repetitions can gate; worth it from 10 (see reports/README.md).
#ifndef FORKCHECK_REPORTS_COMPARE_METRIC_COMPARISON_H_
#define FORKCHECK_REPORTS_COMPARE_METRIC_COMPARISON_H_

#include <optional>
#include <string>
#include <vector>

#include "reports/compare/metric_direction.h"

namespace forkcheck {

struct CompareOptions {
  double threshold = 0.05;  // smallest relative change that counts (5%)
  double alpha = 0.05;      // significance level, after correction
  int min_samples = 5;      // fewer repetitions on either side: inconclusive
  double max_cv = 0.25;     // a noisier side (stddev / mean): inconclusive
  bool holm = false;        // Holm's correction over the distinct tests
  // Not the metrics' but the whole comparison's, kept here so that every
  // caller passes one set of options: the family-wise level of the matrix
  // cells' tests (matrix_changes.h), and the least share of each kind of
  // item in common below which the reports are not comparable (overlap.h).
  double cell_alpha = 0.01;
  double min_overlap = 0.5;
};

enum class Verdict {
  kImproved,
  kRegressed,
  kUnchanged,
  kInconclusive,   // too few samples, too noisy, or not significant enough
  kInformational,  // direction unknown: listed, never gated on
};

// "improved", "regressed", "unchanged", "inconclusive", "informational".
const char* VerdictName(Verdict verdict);

// What CompareMetrics reads: one metric of one scenario on both sides.
struct MetricSamples {
  std::string scenario;  // the scenario's id
  std::string metric;    // e.g. "rows_per_second"
  std::string unit;
  std::vector<double> old_samples;
  std::vector<double> new_samples;
};

struct MetricComparison {
  std::string scenario;
  std::string metric;
  std::string unit;
  Direction direction = Direction::kUnknown;
  int old_n = 0;
  int new_n = 0;
  double old_median = 0;
  double new_median = 0;
  double old_cv = 0;
  double new_cv = 0;
  // (new - old) / |old| of the medians; nullopt when the old median is 0.
  std::optional<double> change;
  // Set when the metric was tested (direction known, enough samples, not
  // too noisy): the raw p-value and after Holm's correction.
  std::optional<double> p_value;
  std::optional<double> adjusted_p_value;
  bool exact = false;  // the p-value is from the exact distribution
  // Every new sample above every old one, or below: no overlap.
  bool separated = false;
  Verdict verdict = Verdict::kUnchanged;
  std::string reason;  // why this verdict, in a few words
};

// Compares each metric and judges them together (Holm's correction spans
// every distinct test). The order of `metrics` is kept.
std::vector<MetricComparison> CompareMetrics(
    const std::vector<MetricSamples>& metrics, const CompareOptions& options);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_COMPARE_METRIC_COMPARISON_H_
