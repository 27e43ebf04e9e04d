#include "matrix/stopping_rule.h"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <random>
#include <vector>

#include "gtest/gtest.h"
#include "matrix/lane_order.h"

namespace forkcheck {
namespace {

const VerdictRule kVerdicts;
const StoppingRule kStopping;

// What a rule ends with when each trial fails independently with
// probability `p` (two outcome groups, ok and crash).
struct Ending {
  double safe = 0;
  double unsafe = 0;
  double expected_trials = 0;
};

// `trials` trials, `failures` of them crashes and the rest ok.
OutcomeCounts CrashTally(int failures, int trials) {
  OutcomeCounts counts;
  if (trials - failures > 0)
    counts.counts[OutcomeKind::kOk] = trials - failures;
  if (failures > 0) counts.counts[OutcomeKind::kCrash] = failures;
  return counts;
}

RateVerdict JudgeTally(int failures, int trials, const VerdictRule& rule) {
  // Memoised: the simulation asks for the same tallies many times.
  static std::map<std::pair<int, int>, RateVerdict>* const memo =
      new std::map<std::pair<int, int>, RateVerdict>;
  if (&rule == &kVerdicts) {
    const auto found = memo->find({failures, trials});
    if (found != memo->end()) return found->second;
  }
  const RateVerdict verdict = Judge(CrashTally(failures, trials), rule);
  if (&rule == &kVerdicts) (*memo)[{failures, trials}] = verdict;
  return verdict;
}

// Exact, by walking every path: probability mass at (trials, failures),
// for a cell with `recorded` counts: at its flaky look a mixed cell whose
// counts depart from them (DepartsFromRecord) is judged under
// stopping.Departing() from then on, as the matrix runner does.
Ending ExactEndingWithRecord(double p, const OutcomeCounts& recorded,
                             const VerdictRule& verdicts,
                             const StoppingRule& stopping) {
  const StoppingRule departing = stopping.Departing();
  Ending ending;
  // (failures, judged as departing) -> probability
  std::map<std::pair<int, bool>, double> mass = {{{0, false}, 1.0}};
  for (int n = 0; !mass.empty(); ++n) {
    std::map<std::pair<int, bool>, double> next;
    for (auto [state, probability] : mass) {
      auto [failures, judged_departing] = state;
      const RateVerdict verdict = JudgeTally(failures, n, verdicts);
      if (n > 0 && !judged_departing && AtFlakyLook(verdict, stopping)) {
        judged_departing =
            DepartsFromRecord(recorded, CrashTally(failures, n), verdicts);
      }
      const StoppingRule& rule = judged_departing ? departing : stopping;
      if (n > 0 && ShouldStop(verdict, std::nullopt, rule).has_value()) {
        if (verdict.verdict == SafetyVerdict::kSafe) ending.safe += probability;
        if (verdict.verdict == SafetyVerdict::kUnsafe)
          ending.unsafe += probability;
        ending.expected_trials += probability * n;
        continue;
      }
      next[{failures, judged_departing}] += probability * (1 - p);
      next[{failures + 1, judged_departing}] += probability * p;
    }
    mass = std::move(next);
  }
  return ending;
}

// As ExactEndingWithRecord for a cell without a record: nothing departs.
Ending ExactEnding(double p, const VerdictRule& verdicts,
                   const StoppingRule& stopping) {
  return ExactEndingWithRecord(p, OutcomeCounts{}, verdicts, stopping);
}

// A record of `trials` trials failing at `rate`.
OutcomeCounts Record(double rate, int trials) {
  return CrashTally(static_cast<int>(std::lround(rate * trials)), trials);
}

Ending SimulatedEnding(double p, const VerdictRule& verdicts,
                       const StoppingRule& stopping, int runs) {
  std::mt19937_64 random(12345);
  std::bernoulli_distribution fails(p);
  Ending ending;
  for (int run = 0; run < runs; ++run) {
    int failures = 0;
    for (int n = 1;; ++n) {
      failures += fails(random) ? 1 : 0;
      const RateVerdict verdict = JudgeTally(failures, n, verdicts);
      if (ShouldStop(verdict, std::nullopt, stopping).has_value()) {
        ending.safe += verdict.verdict == SafetyVerdict::kSafe;
        ending.unsafe += verdict.verdict == SafetyVerdict::kUnsafe;
        ending.expected_trials += n;
        break;
      }
    }
  }
  ending.safe /= runs;
  ending.unsafe /= runs;
  ending.expected_trials /= runs;
  return ending;
}

// The claim the rule must not overstate: "safe" when the failure rate is
// at the safe threshold, "unsafe" when the ok rate is at the unsafe one,
// each at most 1 - confidence (see stopping_rule.h), despite looking after
// every trial.
TEST(StoppingRuleTest, LookingAfterEveryTrialKeepsTheErrorRates) {
  const double tail = 1 - kVerdicts.confidence;
  const double safe_error =
      ExactEnding(kVerdicts.safe_threshold, kVerdicts, kStopping).safe;
  const double unsafe_error =
      ExactEnding(1 - kVerdicts.unsafe_threshold, kVerdicts, kStopping).unsafe;
  std::cout << "exact error of \"safe\" at the safe threshold: " << safe_error
            << "; of \"unsafe\" at the unsafe threshold: " << unsafe_error
            << "\n";
  EXPECT_LE(safe_error, tail);
  EXPECT_LE(unsafe_error, tail);
  // Beyond the thresholds the errors only shrink.
  EXPECT_LE(ExactEnding(0.2, kVerdicts, kStopping).safe, tail);
  EXPECT_LE(ExactEnding(0.3, kVerdicts, kStopping).unsafe, tail);
}

// Judging a departing cell later is a second look, chosen at the first:
// the claims must still err at most 1 - confidence, whatever the record.
// Every recorded rate from 0 to 1 in steps of 0.5% (1,000 trials each) is
// tried, at the rates where each claim is most likely wrong.
TEST(StoppingRuleTest, JudgingDepartingCellsLaterKeepsTheErrorRates) {
  const double tail = 1 - kVerdicts.confidence;
  double worst_safe = 0;
  double worst_unsafe = 0;
  for (int step = 0; step <= 200; ++step) {
    const OutcomeCounts recorded = Record(step / 200.0, 1000);
    worst_safe = std::max(
        worst_safe, ExactEndingWithRecord(kVerdicts.safe_threshold, recorded,
                                          kVerdicts, kStopping)
                        .safe);
    worst_unsafe = std::max(
        worst_unsafe, ExactEndingWithRecord(1 - kVerdicts.unsafe_threshold,
                                            recorded, kVerdicts, kStopping)
                          .unsafe);
  }
  std::cout << "worst exact error over records, judging departing cells at "
            << kStopping.departing_trials << ": \"safe\" " << worst_safe
            << ", \"unsafe\" " << worst_unsafe << "\n";
  EXPECT_LE(worst_safe, tail);
  EXPECT_LE(worst_unsafe, tail);
}

TEST(StoppingRuleTest, ADepartingFlakyCellRunsToDepartingTrials) {
  // A cell recorded ok in 1,000 trials that now fails a fifth of the time
  // departs at its flaky look (any failure does) and is judged at
  // departing_trials; one recorded failing at that rate is judged at
  // flaky_trials.
  EXPECT_NEAR(ExactEndingWithRecord(0.2, Record(0, 1000), kVerdicts, kStopping)
                  .expected_trials,
              kStopping.departing_trials, 0.5);
  const double as_recorded =
      ExactEndingWithRecord(0.2, Record(0.2, 1000), kVerdicts, kStopping)
          .expected_trials;
  EXPECT_LT(as_recorded, kStopping.flaky_trials + 2);
  EXPECT_LT(kStopping.flaky_trials, kStopping.departing_trials);
  EXPECT_EQ(kStopping.DepartingLook(), kStopping.departing_trials);
  // Within the cap.
  StoppingRule capped = kStopping;
  capped.max_trials = 40;
  EXPECT_EQ(capped.DepartingLook(), 40);
}

TEST(StoppingRuleTest, DecidesClearCellsAndSpendsTrialsOnlyOnDoubtfulOnes) {
  const Ending never_fails = ExactEnding(0, kVerdicts, kStopping);
  EXPECT_DOUBLE_EQ(never_fails.safe, 1);
  EXPECT_DOUBLE_EQ(never_fails.expected_trials, 36);
  const Ending always_fails = ExactEnding(1, kVerdicts, kStopping);
  EXPECT_DOUBLE_EQ(always_fails.unsafe, 1);
  EXPECT_DOUBLE_EQ(always_fails.expected_trials, 6);
  // A cell failing a fifth of the time is flaky, measured over
  // flaky_trials trials.
  const Ending flaky = ExactEnding(0.2, kVerdicts, kStopping);
  EXPECT_LT(flaky.safe + flaky.unsafe, 0.01);
  EXPECT_NEAR(flaky.expected_trials, kStopping.flaky_trials, 0.5);
}

TEST(StoppingRuleTest, SimulationAgreesWithTheExactWalk) {
  for (double p : {0.02, 0.1, 0.5}) {
    const Ending exact = ExactEnding(p, kVerdicts, kStopping);
    const Ending simulated = SimulatedEnding(p, kVerdicts, kStopping, 20000);
    // Four standard errors of a proportion estimated from 20000 runs.
    const double slack = 4 * 0.5 / std::sqrt(20000.0);
    EXPECT_NEAR(simulated.safe, exact.safe, slack) << p;
    EXPECT_NEAR(simulated.unsafe, exact.unsafe, slack) << p;
    EXPECT_NEAR(simulated.expected_trials, exact.expected_trials, 0.5) << p;
  }
}

TEST(StoppingRuleTest, CapAndMinimum) {
  StoppingRule stopping;
  stopping.min_trials = 3;
  stopping.max_trials = 10;
  // Undecided at the cap.
  EXPECT_EQ(ShouldStop(JudgeTally(0, 10, kVerdicts), std::nullopt, stopping),
            StopReason::kTrialCap);
  EXPECT_EQ(ShouldStop(JudgeTally(0, 9, kVerdicts), std::nullopt, stopping),
            std::nullopt);
  // Unsafe is decided at 6, but not before the minimum.
  stopping.min_trials = 8;
  EXPECT_EQ(ShouldStop(JudgeTally(7, 7, kVerdicts), std::nullopt, stopping),
            std::nullopt);
  EXPECT_EQ(ShouldStop(JudgeTally(8, 8, kVerdicts), std::nullopt, stopping),
            StopReason::kDecided);
}

TEST(StoppingRuleTest, ParentMustBeDecidedToo) {
  const RateVerdict safe_workers = JudgeTally(0, 40, kVerdicts);
  // A mixed parent is judged at flaky_trials.
  const int flaky = kStopping.flaky_trials;
  EXPECT_EQ(ShouldStop(safe_workers, JudgeTally(flaky / 2, flaky, kVerdicts),
                       kStopping),
            StopReason::kDecided);
  EXPECT_EQ(ShouldStop(safe_workers,
                       JudgeTally(flaky / 2, flaky - 1, kVerdicts), kStopping),
            std::nullopt);
  EXPECT_EQ(ShouldStop(safe_workers, JudgeTally(0, 4, kVerdicts), kStopping),
            std::nullopt);
}

OutcomeCounts Tally(std::map<OutcomeKind, int> counts) {
  OutcomeCounts tally;
  tally.counts = std::move(counts);
  return tally;
}

// The fewest trials, from 1 up, after which a cell whose every trial is
// `kind` stops: found by asking ShouldStop, not from the formula.
int OneKindTrialsToStop(OutcomeKind kind) {
  for (int n = 1;; ++n) {
    if (ShouldStop(Judge(Tally({{kind, n}}), kVerdicts), std::nullopt,
                   kStopping)
            .has_value()) {
      return n;
    }
  }
}

RateVerdict JudgeKinds(std::map<OutcomeKind, int> counts) {
  return Judge(Tally(std::move(counts)), kVerdicts);
}

TEST(StoppingRuleTest, MixedMeansTwoOrMoreGroups) {
  EXPECT_TRUE(JudgeTally(1, 5, kVerdicts).mixed());   // ok and crash
  EXPECT_FALSE(JudgeTally(0, 5, kVerdicts).mixed());  // ok only
  EXPECT_FALSE(JudgeTally(5, 5, kVerdicts).mixed());  // crash only
  // One group, failed, however many kinds.
  EXPECT_FALSE(
      JudgeKinds({{OutcomeKind::kCrash, 2}, {OutcomeKind::kHang, 3}}).mixed());
  // Retries alone are one group; with ok, or with a failure, two.
  EXPECT_FALSE(JudgeKinds({{OutcomeKind::kOkAfterRetry, 5}}).mixed());
  EXPECT_TRUE(
      JudgeKinds({{OutcomeKind::kOk, 4}, {OutcomeKind::kOkAfterRetry, 1}})
          .mixed());
  EXPECT_TRUE(
      JudgeKinds({{OutcomeKind::kOkAfterRetry, 4}, {OutcomeKind::kHang, 1}})
          .mixed());
}

TEST(StoppingRuleTest, MixedWorkersOnlySharpenARate) {
  EXPECT_TRUE(
      OnlySharpening(JudgeTally(1, 4, kVerdicts), std::nullopt, kStopping));
  // None of the rule's looks lets a mixed cell end safe: one failure in
  // flaky_trials or departing_trials keeps the upper bound above 10%.
  EXPECT_NE(JudgeTally(1, kStopping.flaky_trials, kVerdicts).verdict,
            SafetyVerdict::kSafe);
  EXPECT_NE(JudgeTally(1, kStopping.DepartingLook(), kVerdicts).verdict,
            SafetyVerdict::kSafe);
}

TEST(StoppingRuleTest, CleanWorkersAreOnTheirWayWhateverTheParent) {
  EXPECT_FALSE(
      OnlySharpening(JudgeTally(0, 4, kVerdicts), std::nullopt, kStopping));
  EXPECT_FALSE(OnlySharpening(JudgeTally(0, 4, kVerdicts),
                              JudgeTally(0, 4, kVerdicts), kStopping));
  // A mixed parent does not hold back workers 26 trials from safe.
  EXPECT_FALSE(OnlySharpening(JudgeTally(0, 10, kVerdicts),
                              JudgeTally(2, 10, kVerdicts), kStopping));
  // Workers on their way to unsafe (3 of 3 failed; unsafe takes 6).
  EXPECT_FALSE(OnlySharpening(JudgeTally(3, 3, kVerdicts),
                              JudgeTally(0, 3, kVerdicts), kStopping));
}

TEST(StoppingRuleTest, UnsafeWorkersWaitingForTheirParentOnlySharpen) {
  // Workers failed 6 of 6 (unsafe, decided); the parent's client worked 6
  // of 6, 30 trials from its own verdict, or is mixed before its look.
  ASSERT_EQ(JudgeTally(6, 6, kVerdicts).verdict, SafetyVerdict::kUnsafe);
  EXPECT_TRUE(OnlySharpening(JudgeTally(6, 6, kVerdicts),
                             JudgeTally(0, 6, kVerdicts), kStopping));
  EXPECT_TRUE(OnlySharpening(JudgeTally(6, 6, kVerdicts),
                             JudgeTally(2, 6, kVerdicts), kStopping));
  // Workers that needed a retry in 36 of 36 (needs_retry), while a mixed
  // parent departing from its record runs on to its departing look.
  const RateVerdict retried = JudgeKinds({{OutcomeKind::kOkAfterRetry, 36}});
  ASSERT_EQ(retried.verdict, SafetyVerdict::kNeedsRetry);
  EXPECT_TRUE(OnlySharpening(retried, JudgeTally(2, 36, kVerdicts),
                             kStopping.Departing()));
  // Under the rule of a cell that does not depart, that parent is decided
  // at 30: the cell stops, and nothing is left to sharpen.
  EXPECT_FALSE(
      OnlySharpening(retried, JudgeTally(2, 36, kVerdicts), kStopping));
  // A model with no parent check stops with its workers: nothing to wait
  // for.
  EXPECT_FALSE(
      OnlySharpening(JudgeTally(6, 6, kVerdicts), std::nullopt, kStopping));
}

TEST(TrialsToDecisionTest, OneKindCellsFollowTheirPath) {
  const int safe_at = OneKindTrialsToStop(OutcomeKind::kOk);
  const int unsafe_at = OneKindTrialsToStop(OutcomeKind::kCrash);
  ASSERT_GT(safe_at, unsafe_at);  // a safe claim needs more trials
  const OutcomeCounts none;
  EXPECT_EQ(TrialsToDecision(Tally({{OutcomeKind::kOk, 2}}), none, kVerdicts,
                             kStopping),
            safe_at - 2);
  EXPECT_EQ(TrialsToDecision(Tally({{OutcomeKind::kCrash, 2}}), none,
                             kVerdicts, kStopping),
            unsafe_at - 2);
  EXPECT_EQ(TrialsToDecision(Tally({{OutcomeKind::kOk, safe_at}}), none,
                             kVerdicts, kStopping),
            0);
  // No trials yet: the longest one-kind path, ok's.
  EXPECT_EQ(TrialsToDecision(none, none, kVerdicts, kStopping), safe_at);
}

TEST(TrialsToDecisionTest, MixedCellsRunToFlakyTrials) {
  // Mostly ok with a crash: judged at flaky_trials whatever comes next.
  EXPECT_EQ(TrialsToDecision(
                Tally({{OutcomeKind::kOk, 5}, {OutcomeKind::kCrash, 1}}),
                OutcomeCounts{}, kVerdicts, kStopping),
            kStopping.flaky_trials - 6);
}

TEST(TrialsToDecisionTest, TheSlowerOfWorkersAndParentAndTheCap) {
  const int safe_at = OneKindTrialsToStop(OutcomeKind::kOk);
  // The parent's crashes alone would stop it sooner; the workers' ok
  // trials still need their safe claim.
  EXPECT_EQ(TrialsToDecision(Tally({{OutcomeKind::kOk, 3}}),
                             Tally({{OutcomeKind::kCrash, 3}}), kVerdicts,
                             kStopping),
            safe_at - 3);
  StoppingRule capped = kStopping;
  capped.max_trials = 10;
  EXPECT_EQ(TrialsToDecision(Tally({{OutcomeKind::kOk, 3}}), OutcomeCounts{},
                             kVerdicts, capped),
            7);
}

TEST(StoppingRuleTest, BadRulesAreErrorsNamingTheField) {
  EXPECT_TRUE(CheckStoppingRule(kStopping).ok());
  StoppingRule rule;
  rule.min_trials = 0;
  EXPECT_FALSE(CheckStoppingRule(rule).ok());
  rule = StoppingRule{};
  rule.min_trials = 3;
  rule.max_trials = 2;
  EXPECT_FALSE(CheckStoppingRule(rule).ok());
  rule = StoppingRule{};
  rule.flaky_trials = 0;
  EXPECT_FALSE(CheckStoppingRule(rule).ok());
  rule = StoppingRule{};
  rule.departing_trials = rule.flaky_trials - 1;
  const absl::Status departing = CheckStoppingRule(rule);
  EXPECT_FALSE(departing.ok());
  EXPECT_NE(departing.message().find("departing from its record"),
            absl::string_view::npos)
      << departing;
}

}  // namespace
}  // namespace forkcheck
