#include "reports/compare/metric_comparison.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <utility>

#include "absl/strings/str_format.h"
#include "stats/sample_summary.h"
#include "stats/mann_whitney.h"
#include "stats/multiple_testing.h"

namespace forkcheck {
namespace {

std::string Percent(double fraction) {
  return absl::StrFormat("%.1f%%", 100 * fraction);
}

// Fills in everything but the verdict of a tested metric; judges the ones
// that cannot be tested (and returns false for them).
bool Describe(const MetricSamples& in, const CompareOptions& options,
              MetricComparison* out) {
  out->scenario = in.scenario;
  out->metric = in.metric;
  out->unit = in.unit;
  out->direction = MetricDirection(in.scenario, in.metric);
  out->old_n = static_cast<int>(in.old_samples.size());
  out->new_n = static_cast<int>(in.new_samples.size());
  const SampleSummary old_summary = Summarize(in.old_samples);
  const SampleSummary new_summary = Summarize(in.new_samples);
  out->old_median = old_summary.median;
  out->new_median = new_summary.median;
  out->old_cv = old_summary.cv;
  out->new_cv = new_summary.cv;
  if (out->old_median != 0) {
    out->change =
        (out->new_median - out->old_median) / std::fabs(out->old_median);
  } else if (out->new_median == 0) {
    out->change = 0;
  }

  if (out->direction == Direction::kUnknown) {
    out->verdict = Verdict::kInformational;
    out->reason = "direction unknown; not gated";
    return false;
  }
  out->verdict = Verdict::kInconclusive;
  if (std::min(out->old_n, out->new_n) < options.min_samples) {
    out->reason = absl::StrFormat("too few repetitions: %d and %d (need %d)",
                                  out->old_n, out->new_n, options.min_samples);
    return false;
  }
  const double min_p = MinimumTwoSidedPValue(out->old_n, out->new_n);
  if (min_p >= options.alpha) {
    out->reason = absl::StrFormat(
        "%d and %d repetitions cannot reach p < %g (at best p = %.3g)",
        out->old_n, out->new_n, options.alpha, min_p);
    return false;
  }
  if (!out->change.has_value()) {
    out->reason = "old median is 0: no relative change";
    return false;
  }
  const MannWhitneyResult test = MannWhitneyU(in.old_samples, in.new_samples);
  out->p_value = test.p_value;
  out->exact = test.exact;
  const auto [old_min, old_max] =
      std::minmax_element(in.old_samples.begin(), in.old_samples.end());
  const auto [new_min, new_max] =
      std::minmax_element(in.new_samples.begin(), in.new_samples.end());
  out->separated = *new_min > *old_max || *new_max < *old_min;
  return true;
}

void Judge(const CompareOptions& options, int tested, MetricComparison* m) {
  const double change = *m->change;
  const bool large = std::fabs(change) > options.threshold;
  const bool better =
      (change > 0) == (m->direction == Direction::kHigherIsBetter);
  const bool significant = *m->adjusted_p_value < options.alpha;
  // Noise that could explain the change: a noisy side makes the verdict
  // inconclusive, unless no sample of one side reaches the other's.
  const double cv = std::max(m->old_cv, m->new_cv);
  if (cv > options.max_cv && !(large && m->separated)) {
    m->verdict = Verdict::kInconclusive;
    m->reason = absl::StrFormat("too noisy: CV %s > %s%s", Percent(cv),
                                Percent(options.max_cv),
                                large ? " and the samples overlap" : "");
    return;
  }
  if (significant && large) {
    m->verdict = better ? Verdict::kImproved : Verdict::kRegressed;
    m->reason =
        absl::StrFormat("p %.2g < %g and |change| > %s", *m->adjusted_p_value,
                        options.alpha, Percent(options.threshold));
  } else if (large && *m->p_value < options.alpha) {
    // Significant alone, not as one of many: more repetitions would tell.
    m->verdict = Verdict::kInconclusive;
    m->reason = absl::StrFormat(
        "p %.2g alone, %.2g corrected over %d tests; more repetitions "
        "would tell",
        *m->p_value, *m->adjusted_p_value, tested);
  } else {
    m->verdict = Verdict::kUnchanged;
    m->reason =
        large
            ? absl::StrFormat("not significant (p %.2g)", *m->adjusted_p_value)
            : absl::StrFormat("|change| <= %s", Percent(options.threshold));
  }
}

}  // namespace

const char* VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kImproved:
      return "improved";
    case Verdict::kRegressed:
      return "regressed";
    case Verdict::kUnchanged:
      return "unchanged";
    case Verdict::kInconclusive:
      return "inconclusive";
    case Verdict::kInformational:
      break;
  }
  return "informational";
}

std::vector<MetricComparison> CompareMetrics(
    const std::vector<MetricSamples>& metrics, const CompareOptions& options) {
  std::vector<MetricComparison> out(metrics.size());
  // Tested metrics grouped into distinct tests: within a scenario, metrics
  // whose samples rank alike (rows_per_second, bytes_per_second and, reversed,
  // real_time are one measurement) are one test, counted once by Holm.
  std::map<std::pair<std::string, std::vector<double>>, size_t> test_of;
  std::vector<std::vector<size_t>> tests;  // metric indexes per test
  for (size_t i = 0; i < metrics.size(); ++i) {
    if (!Describe(metrics[i], options, &out[i])) continue;
    std::vector<double> ranks =
        PooledRanks(metrics[i].old_samples, metrics[i].new_samples);
    std::vector<double> reversed;
    for (double rank : ranks) reversed.push_back(ranks.size() + 1 - rank);
    auto key = std::make_pair(metrics[i].scenario, std::min(ranks, reversed));
    auto [it, added] = test_of.emplace(std::move(key), tests.size());
    if (added) tests.emplace_back();
    tests[it->second].push_back(i);
  }
  std::vector<double> raw;
  for (const std::vector<size_t>& members : tests) {
    raw.push_back(*out[members[0]].p_value);
  }
  const std::vector<double> adjusted = options.holm ? stats::HolmAdjusted(raw) : raw;
  for (size_t t = 0; t < tests.size(); ++t) {
    for (size_t i : tests[t]) {
      out[i].adjusted_p_value = adjusted[t];
      Judge(options, static_cast<int>(tests.size()), &out[i]);
    }
  }
  return out;
}

}  // namespace forkcheck
