#include "bench/latency_histogram.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/json_fields.h"

namespace forkcheck {
namespace {

constexpr int kSubBucketBits = 7;  // log2(kSubBucketsPerOctave)
static_assert(LatencyHistogram::kSubBucketsPerOctave == 1 << kSubBucketBits);
// Values below this have a bucket each (width 1 ns).
constexpr int64_t kLinearLimit = 2 * LatencyHistogram::kSubBucketsPerOctave;
constexpr int kFirstLogExponent = 8;  // kLinearLimit == 2^8
constexpr int kOverflowExponent = 37;
static_assert(LatencyHistogram::kOverflowNs == int64_t{1} << kOverflowExponent);
constexpr int kOverflowIndex =
    kLinearLimit + (kOverflowExponent - kFirstLogExponent) *
                       LatencyHistogram::kSubBucketsPerOctave;
constexpr int kBucketCount = kOverflowIndex + 1;

}  // namespace

int LatencyHistogram::BucketIndex(int64_t ns) {
  if (ns < kLinearLimit) return static_cast<int>(std::max<int64_t>(ns, 0));
  if (ns >= kOverflowNs) return kOverflowIndex;
  const int exponent = 63 - __builtin_clzll(static_cast<uint64_t>(ns));
  const int sub = static_cast<int>(ns >> (exponent - kSubBucketBits)) -
                  kSubBucketsPerOctave;
  return kLinearLimit + (exponent - kFirstLogExponent) * kSubBucketsPerOctave +
         sub;
}

int64_t LatencyHistogram::LowerBoundOfIndex(int index) {
  if (index < kLinearLimit) return index;
  if (index >= kOverflowIndex) return kOverflowNs;
  const int offset = index - kLinearLimit;
  const int exponent = kFirstLogExponent + offset / kSubBucketsPerOctave;
  const int64_t sub = offset % kSubBucketsPerOctave;
  return (kSubBucketsPerOctave + sub) << (exponent - kSubBucketBits);
}

int64_t LatencyHistogram::BucketLowerBound(int64_t ns) {
  return LowerBoundOfIndex(BucketIndex(ns));
}

int64_t LatencyHistogram::BucketUpperBound(int64_t ns) {
  const int index = BucketIndex(ns);
  if (index == kOverflowIndex) return std::numeric_limits<int64_t>::max();
  return LowerBoundOfIndex(index + 1) - 1;
}

void LatencyHistogram::Add(int64_t ns) {
  ns = std::max<int64_t>(ns, 0);
  if (counts_.empty()) counts_.assign(kBucketCount, 0);
  ++counts_[BucketIndex(ns)];
  if (count_ == 0 || ns < min_) min_ = ns;
  if (count_ == 0 || ns > max_) max_ = ns;
  ++count_;
  sum_ += ns;
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  if (counts_.empty()) counts_.assign(kBucketCount, 0);
  for (int i = 0; i < kBucketCount; ++i) counts_[i] += other.counts_[i];
  min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = count_ == 0 ? other.max_ : std::max(max_, other.max_);
  count_ += other.count_;
  sum_ += other.sum_;
}

double LatencyHistogram::Mean() const {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_) / count_;
}

int64_t LatencyHistogram::Percentile(double p) const {
  if (count_ == 0) return 0;
  if (!(p >= 0)) p = 0;  // also NaN
  p = std::min(p, 100.0);
  // Nearest rank, ceil(p/100 * count), without letting a rounding error in
  // p/100 (99.9/100 is not exact) push an exact rank up by one.
  const double exact = p / 100.0 * static_cast<double>(count_);
  const double nearest = std::round(exact);
  int64_t rank = static_cast<int64_t>(std::fabs(exact - nearest) <=
                                              1e-9 * std::max(1.0, exact)
                                          ? nearest
                                          : std::ceil(exact));
  rank = std::clamp<int64_t>(rank, 1, count_);
  int64_t seen = 0;
  for (int i = 0; i < kBucketCount; ++i) {
    seen += counts_[i];
    if (seen < rank) continue;
    if (i == kOverflowIndex) return max_;
    return std::min(LowerBoundOfIndex(i + 1) - 1, max_);
  }
  return max_;  // unreachable: the counts sum to count_
}

nlohmann::json LatencyHistogram::ToJson() const {
  nlohmann::json buckets = nlohmann::json::array();
  for (int i = 0; i < static_cast<int>(counts_.size()); ++i) {
    if (counts_[i] != 0) {
      buckets.push_back(
          nlohmann::json::array({LowerBoundOfIndex(i), counts_[i]}));
    }
  }
  return nlohmann::json{{"unit", "ns"},
                        {"sub_buckets_per_octave", kSubBucketsPerOctave},
                        {"count", count_},
                        {"min", Min()},
                        {"max", Max()},
                        {"sum", sum_},
                        {"buckets", std::move(buckets)}};
}

absl::StatusOr<LatencyHistogram> LatencyHistogram::FromJson(
    const nlohmann::json& value, absl::string_view path) {
  constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
  if (absl::Status s =
          json::CheckObject(value, path,
                            {"unit", "sub_buckets_per_octave", "count", "min",
                             "max", "sum", "buckets"});
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::string> unit = json::RequiredString(value, path, "unit");
  if (!unit.ok()) return unit.status();
  if (*unit != "ns") {
    return json::PathError(
        json::MemberPath(path, "unit"),
        absl::StrCat("expected \"ns\", got ", json::Quote(*unit)));
  }
  absl::StatusOr<int64_t> layout =
      json::RequiredInt64(value, path, "sub_buckets_per_octave", 0, kInt64Max);
  if (!layout.ok()) return layout.status();
  if (*layout != kSubBucketsPerOctave) {
    return json::PathError(
        json::MemberPath(path, "sub_buckets_per_octave"),
        absl::StrCat("this reader's buckets have ", kSubBucketsPerOctave,
                     " sub-buckets per power of two, not ", *layout));
  }
  LatencyHistogram histogram;
  absl::StatusOr<int64_t> count =
      json::RequiredInt64(value, path, "count", 0, kInt64Max);
  if (!count.ok()) return count.status();
  absl::StatusOr<int64_t> min =
      json::RequiredInt64(value, path, "min", 0, kInt64Max);
  if (!min.ok()) return min.status();
  absl::StatusOr<int64_t> max =
      json::RequiredInt64(value, path, "max", 0, kInt64Max);
  if (!max.ok()) return max.status();
  absl::StatusOr<int64_t> sum =
      json::RequiredInt64(value, path, "sum", 0, kInt64Max);
  if (!sum.ok()) return sum.status();

  const nlohmann::json* buckets = nullptr;
  const std::string buckets_path = json::MemberPath(path, "buckets");
  if (absl::Status s = json::GetRequired(value, path, "buckets", &buckets);
      !s.ok()) {
    return s;
  }
  if (!buckets->is_array()) {
    return json::PathError(buckets_path, "expected an array");
  }
  int first_index = -1;
  int last_index = -1;
  int64_t total = 0;
  for (size_t i = 0; i < buckets->size(); ++i) {
    const std::string bucket_path = json::ElementPath(buckets_path, i);
    const nlohmann::json& bucket = (*buckets)[i];
    if (!bucket.is_array() || bucket.size() != 2) {
      return json::PathError(bucket_path, "expected [lower_bound_ns, count]");
    }
    absl::StatusOr<int64_t> lower = json::ToInt64(
        bucket[0], json::ElementPath(bucket_path, 0), 0, kOverflowNs);
    if (!lower.ok()) return lower.status();
    absl::StatusOr<int64_t> bucket_count = json::ToInt64(
        bucket[1], json::ElementPath(bucket_path, 1), 1, kInt64Max);
    if (!bucket_count.ok()) return bucket_count.status();
    const int index = BucketIndex(*lower);
    if (LowerBoundOfIndex(index) != *lower) {
      return json::PathError(
          json::ElementPath(bucket_path, 0),
          absl::StrCat(*lower,
                       " is not a bucket's lower bound (its bucket "
                       "starts at ",
                       LowerBoundOfIndex(index), ")"));
    }
    if (index <= last_index) {
      return json::PathError(
          json::ElementPath(bucket_path, 0),
          absl::StrCat("buckets must ascend, but ", *lower, " follows ",
                       LowerBoundOfIndex(last_index)));
    }
    if (*bucket_count > kInt64Max - total) {
      return json::PathError(json::ElementPath(bucket_path, 1),
                             "the bucket counts overflow int64");
    }
    total += *bucket_count;
    if (first_index < 0) first_index = index;
    last_index = index;
    if (histogram.counts_.empty()) histogram.counts_.assign(kBucketCount, 0);
    histogram.counts_[index] = *bucket_count;
  }

  if (total != *count) {
    return json::PathError(json::MemberPath(path, "count"),
                           absl::StrCat("is ", *count, " but the buckets hold ",
                                        total, " values"));
  }
  if (*count == 0) {
    if (*min != 0 || *max != 0 || *sum != 0) {
      return json::PathError(path,
                             "an empty histogram must have min, max and sum 0");
    }
    return histogram;
  }
  if (BucketIndex(*min) != first_index) {
    return json::PathError(
        json::MemberPath(path, "min"),
        absl::StrCat(*min, " is not in the first bucket (from ",
                     LowerBoundOfIndex(first_index), ")"));
  }
  if (BucketIndex(*max) != last_index) {
    return json::PathError(
        json::MemberPath(path, "max"),
        absl::StrCat(*max, " is not in the last bucket (from ",
                     LowerBoundOfIndex(last_index), ")"));
  }
  if (*min > *max) {
    return json::PathError(json::MemberPath(path, "min"),
                           absl::StrCat(*min, " exceeds max ", *max));
  }
  // Every value lies in [min, max], so their sum lies in [count*min,
  // count*max] (in 128 bits: the products may exceed int64).
  const __int128 wide_sum = *sum;
  if (wide_sum < static_cast<__int128>(*count) * *min ||
      wide_sum > static_cast<__int128>(*count) * *max) {
    return json::PathError(
        json::MemberPath(path, "sum"),
        absl::StrCat(*sum, " is outside count*min..count*max"));
  }
  histogram.count_ = *count;
  histogram.min_ = *min;
  histogram.max_ = *max;
  histogram.sum_ = *sum;
  return histogram;
}

}  // namespace forkcheck
