#include "matrix/verdict.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

OutcomeCounts Counts(std::initializer_list<std::pair<OutcomeKind, int>> list) {
  OutcomeCounts counts;
  for (const auto& [kind, count] : list) counts.counts[kind] = count;
  return counts;
}

const VerdictRule kRule;  // 95%, safe < 10%, unsafe < 50%

TEST(VerdictTest, IssueExampleIsFlakyWithItsInterval) {
  const OutcomeCounts counts =
      Counts({{OutcomeKind::kOk, 17}, {OutcomeKind::kCrash, 3}});
  const RateVerdict verdict = Judge(counts, kRule);
  EXPECT_EQ(verdict.verdict, SafetyVerdict::kFlaky);
  EXPECT_EQ(verdict.trials, 20);
  EXPECT_EQ(verdict.failures, 3);
  EXPECT_NEAR(verdict.failure_interval.low, 0.0320709372, 1e-9);
  EXPECT_NEAR(verdict.failure_interval.high, 0.3789268265, 1e-9);
  EXPECT_EQ(DescribeVerdict(counts, verdict),
            "ok 17/20, crash 3/20 → flaky, failure 15% [3.2%–38%]");
}

TEST(VerdictTest, SafeNeedsEnoughCleanTrials) {
  EXPECT_EQ(Judge(Counts({{OutcomeKind::kOk, 5}}), kRule).verdict,
            SafetyVerdict::kUndecided);
  EXPECT_EQ(Judge(Counts({{OutcomeKind::kOk, 35}}), kRule).verdict,
            SafetyVerdict::kUndecided);
  const RateVerdict safe = Judge(Counts({{OutcomeKind::kOk, 36}}), kRule);
  EXPECT_EQ(safe.verdict, SafetyVerdict::kSafe);
  EXPECT_EQ(FormatRate(safe), "0% [0%–9.7%]");
}

TEST(VerdictTest, RareFailureUnderTheThresholdIsStillSafeAndCounted) {
  const OutcomeCounts counts =
      Counts({{OutcomeKind::kOk, 99}, {OutcomeKind::kHang, 1}});
  const RateVerdict verdict = Judge(counts, kRule);
  EXPECT_EQ(verdict.verdict, SafetyVerdict::kSafe);
  EXPECT_EQ(DescribeVerdict(counts, verdict),
            "ok 99/100, hang 1/100 → safe, failure 1% [0.025%–5.4%]");
}

TEST(VerdictTest, UnsafeWhenTheOkRateIsBoundedBelowTheThreshold) {
  EXPECT_EQ(Judge(Counts({{OutcomeKind::kHang, 5}}), kRule).verdict,
            SafetyVerdict::kUndecided);  // ok rate's upper bound 52%
  EXPECT_EQ(Judge(Counts({{OutcomeKind::kHang, 6}}), kRule).verdict,
            SafetyVerdict::kUnsafe);
  EXPECT_EQ(Judge(Counts({{OutcomeKind::kHang, 20}, {OutcomeKind::kOk, 1}}),
                  kRule)
                .verdict,
            SafetyVerdict::kUnsafe);
}

TEST(VerdictTest, RetriesAreNeitherPlainlySafeNorFailed) {
  const RateVerdict all_retried =
      Judge(Counts({{OutcomeKind::kOkAfterRetry, 40}}), kRule);
  EXPECT_EQ(all_retried.verdict, SafetyVerdict::kNeedsRetry);
  EXPECT_EQ(all_retried.failures, 40);  // a client with no retry fails
  EXPECT_EQ(Judge(Counts({{OutcomeKind::kOkAfterRetry, 3}}), kRule).verdict,
            SafetyVerdict::kUndecided);
  EXPECT_EQ(Judge(Counts({{OutcomeKind::kOkAfterRetry, 3},
                          {OutcomeKind::kOk, 3}}),
                  kRule)
                .verdict,
            SafetyVerdict::kFlaky);
  // Not unsafe: every trial read every row.
  EXPECT_NE(Judge(Counts({{OutcomeKind::kOkAfterRetry, 10}}), kRule).verdict,
            SafetyVerdict::kUnsafe);
}

TEST(VerdictTest, WrongDataIsCountedOnItsOwn) {
  const OutcomeCounts counts =
      Counts({{OutcomeKind::kOk, 8}, {OutcomeKind::kWrongData, 2}});
  const RateVerdict verdict = Judge(counts, kRule);
  EXPECT_EQ(verdict.wrong_data, 2);
  EXPECT_EQ(verdict.failures, 2);
  EXPECT_EQ(verdict.verdict, SafetyVerdict::kFlaky);
}

TEST(VerdictTest, NoTrialsIsUndecided) {
  const RateVerdict verdict = Judge(OutcomeCounts{}, kRule);
  EXPECT_EQ(verdict.verdict, SafetyVerdict::kUndecided);
  EXPECT_EQ(DescribeVerdict(OutcomeCounts{}, verdict), "no trials");
}

TEST(VerdictTest, RuleOutsideTheUnitIntervalIsAnErrorNamingTheField) {
  EXPECT_TRUE(CheckVerdictRule(kRule).ok());
  for (double bad : {0.0, 1.0, -0.5, 1.5}) {
    VerdictRule rule;
    rule.confidence = bad;
    EXPECT_TRUE(absl::StrContains(CheckVerdictRule(rule).message(),
                                  "confidence"));
    rule = VerdictRule{};
    rule.safe_threshold = bad;
    EXPECT_TRUE(absl::StrContains(CheckVerdictRule(rule).message(),
                                  "safe threshold"));
    rule = VerdictRule{};
    rule.unsafe_threshold = bad;
    EXPECT_TRUE(absl::StrContains(CheckVerdictRule(rule).message(),
                                  "unsafe threshold"));
  }
  // Thresholds that would let one cell be both safe and unsafe.
  VerdictRule overlapping;
  overlapping.safe_threshold = 0.99;
  overlapping.unsafe_threshold = 0.5;
  EXPECT_TRUE(absl::StrContains(CheckVerdictRule(overlapping).message(),
                                "could be both safe and unsafe"));
  overlapping.safe_threshold = 0.5;
  EXPECT_TRUE(CheckVerdictRule(overlapping).ok());
}

TEST(VerdictTest, RuleIsDescribedWithItsNumbers) {
  EXPECT_EQ(DescribeRule(kRule),
            "95% Clopper-Pearson intervals; safe: failure rate's upper bound "
            "< 10%; unsafe: ok rate's upper bound < 50%");
}

}  // namespace
}  // namespace forkcheck
