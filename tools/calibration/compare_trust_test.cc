// Trust in the comparison, on the real benchmark binary at a tiny size:
//  - A/A: two sets of runs of the same build and configuration are not
//    reported as a regression;
//  - a known injected slowdown (the fake's per-response delay, sized from
//    its measured cost to lower throughput by 10%) is reported as a
//    regression of about that size, and the ceiling, which reads the same
//    fake, slows too.
//
// Stable on a loaded 2-core machine because (see delay_calibration.h and
// interleaved_runs.h): the trials are latency-bound (a base per-response
// delay on every side), the three sets run interleaved in five short rounds
// each (five more, up to twice, while the slowdown is inconclusive), and
// the test runs alone (tags = ["exclusive"]), not beside the rest of the
// suite. The comparison runs with its defaults, as a nightly job would.
#include <algorithm>
#include <cstdio>
#include <iterator>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/runfiles.h"
#include "gtest/gtest.h"
#include "reports/compare/comparison_render.h"
#include "reports/compare/report_comparison.h"
#include "tools/calibration/delay_calibration.h"
#include "tools/calibration/interleaved_runs.h"

namespace forkcheck {
namespace {

constexpr char kScenario[] =
    "BM_ProcessModel/thread_shared/workers:1/response:8KiB/iterations:1/"
    "manual_time";
constexpr char kCeilingScenario[] =
    "BM_BareReadLoop/workers:1/response:8KiB/iterations:1/manual_time";
// The small table at 8 KiB is about 12 responses a trial: 240 ms of waiting
// and a few ms of work. Measured under a load average of 4 on 2 cores: CV of
// the trial time 1% (8 ms of waiting: 6%, since every wake-up waits for a
// CPU and fewer, longer waits add less of that jitter).
constexpr int kBaseDelayUs = 20000;
constexpr double kSlowdown = 0.10;
constexpr int kMaxAttempts = 3;

struct Outcome {
  DelayCalibration calibration;
  int extra_delay_us = 0;
  double expected_change = 0;
  std::unique_ptr<ReportComparison> aa;
  std::unique_ptr<ReportComparison> slowdown;
};

class CompareTrustTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<Outcome> outcome = Measure();
    if (!outcome.ok()) {
      error_ = new std::string(outcome.status().ToString());
      return;
    }
    outcome_ = new Outcome(*std::move(outcome));
  }

  void SetUp() override {
    ASSERT_EQ(error_, nullptr) << *error_;
    ASSERT_NE(outcome_, nullptr);
  }

  static absl::StatusOr<Outcome> Measure() {
    absl::StatusOr<std::string> binary =
        RunfileExecutable("bench/process_models_benchmark");
    if (!binary.ok()) return binary.status();
    const std::vector<std::string> flags = {
        "--models=thread_shared", "--workers=1", "--sizes=8KiB",
        "--table=small", "--trial_watchdog_ms=10000",
        // Not the CreateReadSession latency family: not compared here.
        "--session_calls_per_trial=0"};
    InterleavedPlan plan;
    plan.binary_name = "process_models_benchmark";
    plan.binary = *binary;
    plan.scratch = std::getenv("TEST_TMPDIR");
    plan.rounds = 1;
    plan.repetitions_per_round = 3;

    Outcome outcome;
    absl::StatusOr<DelayCalibration> calibration =
        CalibrateDelay(plan, kScenario, flags, kBaseDelayUs);
    if (!calibration.ok()) return calibration.status();
    outcome.calibration = *calibration;
    outcome.extra_delay_us = ExtraDelayForSlowdown(*calibration, kSlowdown);
    outcome.expected_change =
        ExpectedChange(*calibration, outcome.extra_delay_us);
    std::printf(
        "calibration: %.3g us per row at %d us per response; +1 us per "
        "response adds %.3g us per row; %d us more should change "
        "throughput by %+.1f%%\n",
        1e6 * calibration->base_seconds_per_row, kBaseDelayUs,
        1e6 * calibration->seconds_per_row_per_delay_us, outcome.extra_delay_us,
        100 * outcome.expected_change);

    absl::StatusOr<std::vector<std::string>> base =
        WithDelay(flags, plan.scratch, kBaseDelayUs);
    absl::StatusOr<std::vector<std::string>> slow =
        WithDelay(flags, plan.scratch, kBaseDelayUs + outcome.extra_delay_us);
    if (!base.ok()) return base.status();
    if (!slow.ok()) return slow.status();
    plan.configurations = {{"a1", *base}, {"a2", *base}, {"slow", *slow}};
    // Many short rounds: repetitions in one run of the binary share its
    // fake server and its placement on the CPUs, and differ from another
    // run's as a group (seen: time_to_first_row_ms +20% between two A runs
    // of 5 repetitions each). Ten samples from five runs a side let the
    // test see that spread as noise.
    plan.rounds = 5;
    plan.repetitions_per_round = 2;
    // As a user told "inconclusive: more repetitions would tell" would: up
    // to twice, five more rounds for every set. A noise burst on a shared
    // machine can hit several runs of one set; more rounds dilute it. Only
    // an inconclusive slowdown asks for more; a verdict is final.
    RunsByConfiguration runs;
    for (int attempt = 1; attempt <= kMaxAttempts; ++attempt) {
      if (absl::Status ran = RunInterleaved(plan, &runs); !ran.ok()) {
        return ran;
      }
      absl::Status compared = CompareSets(plan.binary_name, runs, &outcome);
      if (!compared.ok()) return compared;
      const MetricComparison* rows = Find(*outcome.slowdown, "rows_per_second");
      if (rows == nullptr || rows->verdict != Verdict::kInconclusive) break;
      std::printf(
          "attempt %d: the slowdown is inconclusive (%s); 5 more "
          "rounds\n",
          attempt, rows->reason.c_str());
    }
    return outcome;
  }

  // Compares a1 with a2 (A/A) and with slow, into `outcome`.
  static absl::Status CompareSets(const std::string& binary_name,
                                  const RunsByConfiguration& runs,
                                  Outcome* outcome) {
    std::map<std::string, Report> reports;
    for (const auto& [name, json] : runs) {
      absl::StatusOr<Report> report =
          ReportFromGoogleBenchmark(binary_name, json);
      if (!report.ok()) return report.status();
      reports.emplace(name, *std::move(report));
    }
    for (const auto& [name, target] :
         {std::pair<const char*, std::unique_ptr<ReportComparison>*>{
              "a2", &outcome->aa},
          {"slow", &outcome->slowdown}}) {
      absl::StatusOr<ReportComparison> comparison = CompareReports(
          reports.at("a1"), "a1", reports.at(name), name, CompareOptions());
      if (!comparison.ok()) return comparison.status();
      std::printf("%s\n", RenderComparisonText(*comparison).c_str());
      *target = std::make_unique<ReportComparison>(*std::move(comparison));
    }
    return absl::OkStatus();
  }

  static const MetricComparison* Find(const ReportComparison& comparison,
                                      const std::string& metric) {
    for (const MetricComparison& m : comparison.metrics) {
      if (m.scenario == kScenario && m.metric == metric) return &m;
    }
    return nullptr;
  }

  static Outcome* outcome_;
  static std::string* error_;
};

Outcome* CompareTrustTest::outcome_ = nullptr;
std::string* CompareTrustTest::error_ = nullptr;

// The throughput and latency metrics the trust claim is about. Each gated
// metric is tested on its own at alpha 0.05, with no correction over the
// metrics of a scenario, so with a dozen counters (context switches, CPU
// split) an A/A run flags one now and then: involuntary_switches, p 0.04,
// in a loaded CI run. That correction is issue 12's to make.
constexpr const char* kTrustedMetrics[] = {
    "rows_per_second", "bytes_per_second", "steady_bytes_per_second",
    "real_time", "time_to_first_row_ms"};

TEST_F(CompareTrustTest, AnAAComparisonReportsNoRegression) {
  const ReportComparison& aa = *outcome_->aa;
  EXPECT_GE(aa.scenarios_in_common, 2);  // the model and the bare loop
  for (const MetricComparison& m : aa.metrics) {
    if (std::find(std::begin(kTrustedMetrics), std::end(kTrustedMetrics),
                  m.metric) == std::end(kTrustedMetrics)) {
      continue;
    }
    EXPECT_NE(m.verdict, Verdict::kRegressed)
        << m.scenario << " " << m.metric << ": " << m.reason;
  }
  // The throughput was actually tested, not waved through as inconclusive.
  const MetricComparison* rows = Find(aa, "rows_per_second");
  ASSERT_NE(rows, nullptr);
  EXPECT_TRUE(rows->p_value.has_value()) << rows->reason;
}

TEST_F(CompareTrustTest, AnInjectedSlowdownIsARegressionOfItsSize) {
  const ReportComparison& slowdown = *outcome_->slowdown;
  const MetricComparison* rows = Find(slowdown, "rows_per_second");
  ASSERT_NE(rows, nullptr);
  EXPECT_EQ(rows->verdict, Verdict::kRegressed) << rows->reason;
  ASSERT_TRUE(rows->change.has_value());
  // "About that size": within half the expected change either way.
  const double expected = outcome_->expected_change;
  EXPECT_LT(*rows->change, 0.5 * expected);
  EXPECT_GT(*rows->change, 1.5 * expected);
  // The ceiling reads a trial's streams from the same fake
  // (bench/bare_loop_plan.h), so the delay slows it too, and × ceiling
  // stays put: the comparison must say so.
  bool ceiling_seen = false;
  for (const MetricComparison& m : slowdown.metrics) {
    if (m.scenario != kCeilingScenario || m.metric != "bytes_per_second") {
      continue;
    }
    ceiling_seen = true;
    EXPECT_EQ(m.verdict, Verdict::kRegressed) << m.reason;
  }
  EXPECT_TRUE(ceiling_seen);
}

}  // namespace
}  // namespace forkcheck
