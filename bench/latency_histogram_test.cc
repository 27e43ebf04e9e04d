#include "bench/latency_histogram.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using ::testing::HasSubstr;

// The nearest-rank percentile of `sorted` (ascending, non-empty).
int64_t NearestRank(const std::vector<int64_t>& sorted, double p) {
  const double exact = p / 100.0 * sorted.size();
  size_t rank = static_cast<size_t>(std::ceil(exact - 1e-9));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

// Checks the documented contract against the exact percentiles of `values`.
void ExpectPercentilesWithinError(std::vector<int64_t> values,
                                  const LatencyHistogram& histogram) {
  std::sort(values.begin(), values.end());
  for (double p : {0.0, 1.0, 10.0, 50.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
    SCOPED_TRACE(p);
    const int64_t truth = NearestRank(values, p);
    const int64_t got = histogram.Percentile(p);
    EXPECT_GE(got, truth);
    EXPECT_LE(got, truth + truth * LatencyHistogram::kRelativeError);
  }
}

std::vector<int64_t> LogUniformNs(int n, uint32_t seed) {
  std::mt19937_64 random(seed);
  // 1 us to 100 s.
  std::uniform_real_distribution<double> exponent(3.0, 11.0);
  std::vector<int64_t> values;
  for (int i = 0; i < n; ++i) {
    values.push_back(static_cast<int64_t>(std::pow(10.0, exponent(random))));
  }
  return values;
}

TEST(LatencyHistogramTest, BucketsCoverEveryValueWithinTheRelativeError) {
  std::vector<int64_t> probes;
  for (int64_t v = 0; v < 5000; ++v) probes.push_back(v);
  for (int e = 12; e < 37; ++e) {
    const int64_t power = int64_t{1} << e;
    for (int64_t d : {-1, 0, 1, 12345}) probes.push_back(power + d);
  }
  for (int64_t v : probes) {
    SCOPED_TRACE(v);
    const int64_t lower = LatencyHistogram::BucketLowerBound(v);
    const int64_t upper = LatencyHistogram::BucketUpperBound(v);
    ASSERT_LE(lower, v);
    ASSERT_GE(upper, v);
    // Width <= 1/128 of the lower bound, or 1 ns below 256 ns.
    EXPECT_LE(
        upper - lower + 1,
        std::max<int64_t>(1, lower / LatencyHistogram::kSubBucketsPerOctave));
    // Adjacent buckets tile the line.
    EXPECT_EQ(LatencyHistogram::BucketLowerBound(upper + 1), upper + 1);
  }
  EXPECT_EQ(LatencyHistogram::BucketLowerBound(int64_t{200} << 30),
            LatencyHistogram::kOverflowNs);
}

TEST(LatencyHistogramTest, EmptyHistogramReportsZeros) {
  LatencyHistogram histogram;
  EXPECT_EQ(histogram.Count(), 0);
  EXPECT_EQ(histogram.Min(), 0);
  EXPECT_EQ(histogram.Max(), 0);
  EXPECT_EQ(histogram.Mean(), 0.0);
  EXPECT_EQ(histogram.Percentile(50), 0);
}

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  LatencyHistogram histogram;
  for (int64_t v = 1; v <= 100; ++v) histogram.Add(v);
  EXPECT_EQ(histogram.Count(), 100);
  EXPECT_EQ(histogram.Min(), 1);
  EXPECT_EQ(histogram.Max(), 100);
  EXPECT_DOUBLE_EQ(histogram.Mean(), 50.5);
  EXPECT_EQ(histogram.Percentile(0), 1);
  EXPECT_EQ(histogram.Percentile(50), 50);
  EXPECT_EQ(histogram.Percentile(90), 90);
  EXPECT_EQ(histogram.Percentile(99), 99);
  EXPECT_EQ(histogram.Percentile(99.9), 100);
  EXPECT_EQ(histogram.Percentile(100), 100);
}

TEST(LatencyHistogramTest, KnownMicrosecondInputs) {
  // 1, 2, ..., 1000 us: p50 is 500 us, p99.9 is 999 us, by nearest rank.
  LatencyHistogram histogram;
  std::vector<int64_t> values;
  for (int64_t us = 1; us <= 1000; ++us) {
    histogram.Add(us * 1000);
    values.push_back(us * 1000);
  }
  const double slack = 1 + LatencyHistogram::kRelativeError;
  EXPECT_GE(histogram.Percentile(50), 500000);
  EXPECT_LE(histogram.Percentile(50), 500000 * slack);
  EXPECT_GE(histogram.Percentile(99.9), 999000);
  EXPECT_LE(histogram.Percentile(99.9), 999000 * slack);
  // The top bucket is capped at the exact maximum.
  EXPECT_EQ(histogram.Percentile(100), 1000000);
  EXPECT_EQ(histogram.Min(), 1000);
  EXPECT_DOUBLE_EQ(histogram.Mean(), 500500.0);
  ExpectPercentilesWithinError(values, histogram);
}

TEST(LatencyHistogramTest, RandomInputsStayWithinTheStatedError) {
  const std::vector<int64_t> values = LogUniformNs(20000, 7);
  LatencyHistogram histogram;
  for (int64_t v : values) histogram.Add(v);
  ExpectPercentilesWithinError(values, histogram);
  EXPECT_EQ(histogram.Min(), *std::min_element(values.begin(), values.end()));
  EXPECT_EQ(histogram.Max(), *std::max_element(values.begin(), values.end()));
}

TEST(LatencyHistogramTest, NegativeValuesCountAsZeroAndPIsClamped) {
  LatencyHistogram histogram;
  histogram.Add(-5);
  histogram.Add(10);
  EXPECT_EQ(histogram.Min(), 0);
  EXPECT_EQ(histogram.Percentile(-1), 0);
  EXPECT_EQ(histogram.Percentile(1000), 10);
  EXPECT_EQ(histogram.Percentile(std::nan("")), 0);
}

TEST(LatencyHistogramTest, OverflowBucketReportsTheMaximum) {
  LatencyHistogram histogram;
  histogram.Add(1000);
  histogram.Add(int64_t{500} << 30);  // about 537 s
  EXPECT_EQ(histogram.Percentile(100), int64_t{500} << 30);
  // Below the overflow bucket: the upper bound of 1000's bucket.
  EXPECT_EQ(histogram.Percentile(50), LatencyHistogram::BucketUpperBound(1000));
  EXPECT_EQ(histogram.Percentile(50), 1003);
}

TEST(LatencyHistogramTest, MergeEqualsAddingEverything) {
  const std::vector<int64_t> values = LogUniformNs(5000, 11);
  LatencyHistogram all;
  LatencyHistogram parts[3];
  for (size_t i = 0; i < values.size(); ++i) {
    all.Add(values[i]);
    parts[i % 3].Add(values[i]);
  }
  LatencyHistogram merged;
  merged.Merge(LatencyHistogram());  // merging an empty one changes nothing
  for (const LatencyHistogram& part : parts) merged.Merge(part);
  merged.Merge(LatencyHistogram());
  EXPECT_EQ(merged.ToJson(), all.ToJson());
  EXPECT_EQ(merged.Count(), 5000);
  EXPECT_EQ(merged.Min(), all.Min());
  EXPECT_EQ(merged.Max(), all.Max());
  EXPECT_DOUBLE_EQ(merged.Mean(), all.Mean());
  for (double p : {50.0, 90.0, 99.0, 99.9}) {
    EXPECT_EQ(merged.Percentile(p), all.Percentile(p)) << p;
  }
}

TEST(LatencyHistogramTest, JsonRoundTrip) {
  LatencyHistogram histogram;
  for (int64_t v : LogUniformNs(3000, 3)) histogram.Add(v);
  histogram.Add(int64_t{1} << 40);  // overflow bucket
  const nlohmann::json json = histogram.ToJson();
  EXPECT_EQ(json["unit"], "ns");
  // Only non-empty buckets are written.
  for (const nlohmann::json& bucket : json["buckets"]) {
    EXPECT_GT(bucket[1].get<int64_t>(), 0);
  }
  // Through text, as a report stores it.
  absl::StatusOr<LatencyHistogram> read =
      LatencyHistogram::FromJson(nlohmann::json::parse(json.dump()));
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->ToJson(), json);
  EXPECT_EQ(read->Count(), histogram.Count());
  EXPECT_EQ(read->Percentile(99), histogram.Percentile(99));
  EXPECT_DOUBLE_EQ(read->Mean(), histogram.Mean());

  absl::StatusOr<LatencyHistogram> empty =
      LatencyHistogram::FromJson(LatencyHistogram().ToJson());
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->Count(), 0);
}

// Sets `pointer` (a JSON pointer) in a valid histogram to `value` and returns
// the reader's error, read at path "h".
std::string ErrorAfterSetting(const std::string& pointer,
                              const nlohmann::json& value) {
  LatencyHistogram histogram;
  for (int64_t v : {1000, 2000, 3000}) histogram.Add(v);
  nlohmann::json json = histogram.ToJson();
  json[nlohmann::json::json_pointer(pointer)] = value;
  absl::StatusOr<LatencyHistogram> read = LatencyHistogram::FromJson(json, "h");
  return read.ok() ? "accepted" : std::string(read.status().message());
}

TEST(LatencyHistogramTest, BadJsonIsNamedByPath) {
  EXPECT_THAT(ErrorAfterSetting("/bogus", 1),
              HasSubstr("h.bogus: unknown key"));
  EXPECT_THAT(ErrorAfterSetting("/unit", "us"), HasSubstr("h.unit:"));
  EXPECT_THAT(ErrorAfterSetting("/sub_buckets_per_octave", 64),
              HasSubstr("h.sub_buckets_per_octave:"));
  EXPECT_THAT(ErrorAfterSetting("/count", "3"), HasSubstr("h.count:"));
  EXPECT_THAT(ErrorAfterSetting("/count", 4),
              HasSubstr("h.count: is 4 but the buckets hold 3"));
  EXPECT_THAT(ErrorAfterSetting("/buckets", 1), HasSubstr("h.buckets:"));
  EXPECT_THAT(ErrorAfterSetting("/buckets/1", 7), HasSubstr("h.buckets[1]:"));
  EXPECT_THAT(ErrorAfterSetting("/buckets/1/0", 1.5),
              HasSubstr("h.buckets[1][0]:"));
  EXPECT_THAT(ErrorAfterSetting("/buckets/1/0", 1001),
              HasSubstr("h.buckets[1][0]: 1001 is not a bucket's lower bound"));
  EXPECT_THAT(ErrorAfterSetting("/buckets/1/0", 992),  // the first bucket's
              HasSubstr("h.buckets[1][0]: buckets must ascend"));
  EXPECT_THAT(ErrorAfterSetting("/buckets/2/1", 0),
              HasSubstr("h.buckets[2][1]:"));
  EXPECT_THAT(ErrorAfterSetting("/min", 500), HasSubstr("h.min:"));
  EXPECT_THAT(ErrorAfterSetting("/max", 9000), HasSubstr("h.max:"));
  EXPECT_THAT(ErrorAfterSetting("/sum", 1), HasSubstr("h.sum:"));
  EXPECT_THAT(ErrorAfterSetting("/sum", -1), HasSubstr("h.sum:"));

  absl::StatusOr<LatencyHistogram> not_object =
      LatencyHistogram::FromJson(nlohmann::json::array());
  ASSERT_FALSE(not_object.ok());
  EXPECT_THAT(not_object.status().message(), HasSubstr("(root)"));
}

}  // namespace
}  // namespace forkcheck
