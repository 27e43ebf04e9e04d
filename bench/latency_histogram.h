// A log-linear histogram of durations in nanoseconds, for latency
// percentiles that can be merged across threads, runs and processes.
//
// Percentiles do not merge (the p99 of two runs is not a function of their
// p99s), so reports keep the histogram itself and compute percentiles from
// the merged histogram, as gRPC's qps driver does with its buckets.
//
// Buckets (HdrHistogram's layout, our own code): values below 256 ns each
// have a bucket of their own; above that every power of two [2^e, 2^(e+1))
// is split into 128 equal buckets of width 2^(e-7). A bucket is therefore
// never wider than 1/128 (0.78%) of its lower bound. Values from
// kOverflowNs (2^37 ns, about 137 s) up share one overflow bucket.
#ifndef FORKCHECK_BENCH_LATENCY_HISTOGRAM_H_
#define FORKCHECK_BENCH_LATENCY_HISTOGRAM_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace forkcheck {

class LatencyHistogram {
 public:
  // Sub-buckets per power of two; a bucket's width is at most
  // kRelativeError times its lower bound.
  static constexpr int kSubBucketsPerOctave = 128;
  static constexpr double kRelativeError = 1.0 / kSubBucketsPerOctave;
  // The lower bound of the overflow bucket (2^37 ns, about 137 s).
  static constexpr int64_t kOverflowNs = int64_t{1} << 37;

  // Records one duration of `ns` nanoseconds; negative values count as 0.
  void Add(int64_t ns);
  // Adds every value of `other`: the result equals adding them one by one.
  void Merge(const LatencyHistogram& other);

  int64_t Count() const { return count_; }
  // Exact smallest and largest values added; 0 if empty.
  int64_t Min() const { return count_ == 0 ? 0 : min_; }
  int64_t Max() const { return count_ == 0 ? 0 : max_; }
  // Exact arithmetic mean in ns; 0 if empty.
  double Mean() const;

  // The p-th percentile (p in [0, 100], clamped) by nearest rank: with v the
  // ceil(p/100 * Count())-th smallest value added (the smallest for p = 0),
  // returns the upper bound (inclusive) of v's bucket, capped at Max(). So
  //   v <= Percentile(p) <= v * (1 + kRelativeError),
  // except in the overflow bucket, where it returns Max(). 0 if empty.
  int64_t Percentile(double p) const;

  // The non-empty buckets and the summary, for reports:
  //   {"unit": "ns", "sub_buckets_per_octave": 128, "count": N,
  //    "min": ns, "max": ns, "sum": ns,
  //    "buckets": [[lower_bound_ns, count], ...]}   (ascending)
  nlohmann::json ToJson() const;
  // Reads what ToJson writes, strictly: unknown keys, a different bucket
  // layout, bounds that are not bucket boundaries, unsorted buckets, and
  // summaries that contradict the buckets are errors naming their JSON path
  // (`path` names `json` itself; "" at the document root).
  static absl::StatusOr<LatencyHistogram> FromJson(const nlohmann::json& json,
                                                   absl::string_view path = "");

  // Bucket geometry: the inclusive bounds of the bucket holding `ns` (>= 0).
  // The overflow bucket's upper bound is INT64_MAX.
  static int64_t BucketLowerBound(int64_t ns);
  static int64_t BucketUpperBound(int64_t ns);

 private:
  static int BucketIndex(int64_t ns);
  static int64_t LowerBoundOfIndex(int index);

  // Indexed by BucketIndex; empty until the first value (so that empty
  // histograms, one per thread, cost nothing).
  std::vector<int64_t> counts_;
  int64_t count_ = 0;
  int64_t min_ = 0;
  int64_t max_ = 0;
  int64_t sum_ = 0;  // ns; overflows only past 292 years of summed latency
};

}  // namespace forkcheck

#endif  // FORKCHECK_BENCH_LATENCY_HISTOGRAM_H_
