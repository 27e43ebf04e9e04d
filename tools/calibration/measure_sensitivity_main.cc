// How small a slowdown the comparison reliably detects, measured on
// process_models_benchmark: for each slowdown (the fake's per-response
// delay, sized from its measured cost), runs a baseline and a slowed set
// interleaved, compares them as //reports:compare does, and counts how
// often the model's rows_per_second is called "regressed". Slowdown 0 is an
// A/A comparison: any regression there is a false alarm. Both corrections
// (Holm, none) are judged on the same runs. See measure_sensitivity.sh.
#include <stdlib.h>

#include <cstdio>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/file_util.h"
#include "common/interrupt_cleanup.h"
#include "common/runfiles.h"
#include "common/scoped_directory.h"
#include "reports/compare/report_comparison.h"
#include "stats/sample_summary.h"
#include "tools/calibration/delay_calibration.h"
#include "tools/calibration/interleaved_runs.h"

ABSL_FLAG(std::string, slowdowns, "0,1,2,3,5,10",
          "throughput slowdowns to inject, in percent (0: A/A)");
ABSL_FLAG(int, trials, 5, "comparisons per slowdown");
ABSL_FLAG(int, rounds, 1, "interleaved rounds per side and comparison");
ABSL_FLAG(int, repetitions_per_round, 5,
          "repetitions per round (the main job's default is 5 in one run)");
ABSL_FLAG(int, base_delay_us, 20000,
          "per-response delay on every side (latency-bound trials)");
ABSL_FLAG(std::string, size, "8KiB", "response size");
ABSL_FLAG(std::string, table, "small", "table");
ABSL_FLAG(std::string, out, "", "also write the Markdown table here");

namespace forkcheck {
namespace {

struct Tally {
  int extra_delay_us = 0;
  double expected_change = 0;
  std::vector<double> changes;
  int detected_holm = 0;
  int detected_alone = 0;
  int false_alarms_holm = 0;  // another metric or scenario regressed
  int false_alarms_alone = 0;
  std::vector<std::string> false_alarm_metrics;  // with Holm's correction
};

bool IsTarget(const MetricComparison& m, const std::string& scenario) {
  return m.scenario == scenario && m.metric == "rows_per_second";
}

// Whether the target regressed, and whether anything else did (a false
// alarm; in a slowed comparison the slowed scenario's other metrics may
// regress too). False alarms are described into `alarms`.
void Judge(const ReportComparison& c, const std::string& scenario, bool slowed,
           int* detected, int* false_alarms, std::vector<std::string>* alarms) {
  bool target = false;
  bool other = false;
  for (const MetricComparison& m : c.metrics) {
    if (m.verdict != Verdict::kRegressed) continue;
    if (slowed && m.scenario == scenario) {
      target = target || IsTarget(m, scenario);
      continue;
    }
    other = true;
    if (alarms != nullptr) {
      alarms->push_back(absl::StrFormat("%s %s: %+.1f%%, p %.2g", m.scenario,
                                        m.metric, 100 * m.change.value_or(0),
                                        m.adjusted_p_value.value_or(1)));
    }
  }
  if (target) ++*detected;
  if (other) ++*false_alarms;
}

int Run(const std::string& argv0) {
  std::vector<int> percents;
  for (absl::string_view word :
       absl::StrSplit(absl::GetFlag(FLAGS_slowdowns), ',')) {
    int percent = 0;
    if (!absl::SimpleAtoi(word, &percent) || percent < 0 || percent >= 90) {
      std::fprintf(stderr, "--slowdowns: bad percentage \"%s\"\n",
                   std::string(word).c_str());
      return 2;
    }
    percents.push_back(percent);
  }
  absl::StatusOr<std::string> binary =
      RunfileExecutable("bench/process_models_benchmark", argv0);
  absl::StatusOr<std::vector<std::string>> env = RunfilesEnvironment(argv0);
  if (!binary.ok() || !env.ok()) {
    std::fprintf(
        stderr, "%s\n",
        (binary.ok() ? env.status() : binary.status()).ToString().c_str());
    return 1;
  }
  // Its fault scripts and the runs' JSON and logs are read here and
  // nowhere else: gone on every way out, Ctrl-C included.
  absl::StatusOr<ScopedDirectory> made =
      ScopedDirectory::Make("forkcheck-sensitivity-");
  if (!made.ok()) {
    std::fprintf(stderr, "%s\n", made.status().ToString().c_str());
    return 1;
  }
  const std::string& scratch = made->path();
  const std::string size = absl::GetFlag(FLAGS_size);
  const std::string scenario =
      absl::StrCat("BM_ProcessModel/thread_shared/workers:1/response:", size,
                   "/iterations:1/manual_time");
  const std::vector<std::string> flags = {
      "--models=thread_shared", "--workers=1", "--sizes=" + size,
      "--table=" + absl::GetFlag(FLAGS_table), "--session_calls_per_trial=0"};
  const int base_delay = absl::GetFlag(FLAGS_base_delay_us);

  InterleavedPlan plan;
  plan.binary_name = "process_models_benchmark";
  plan.binary = *binary;
  plan.env = *env;
  plan.scratch = scratch;
  plan.rounds = 1;
  plan.repetitions_per_round = 5;
  absl::StatusOr<DelayCalibration> calibration =
      CalibrateDelay(plan, scenario, flags, base_delay);
  if (!calibration.ok()) {
    std::fprintf(stderr, "calibration: %s\n",
                 calibration.status().ToString().c_str());
    return 1;
  }
  plan.rounds = absl::GetFlag(FLAGS_rounds);
  plan.repetitions_per_round = absl::GetFlag(FLAGS_repetitions_per_round);
  CompareOptions holm;
  holm.holm = true;
  CompareOptions alone;
  alone.holm = false;

  std::map<int, Tally> tallies;
  for (int trial = 0; trial < absl::GetFlag(FLAGS_trials); ++trial) {
    for (int percent : percents) {
      Tally& tally = tallies[percent];
      tally.extra_delay_us =
          percent == 0 ? 0
                       : ExtraDelayForSlowdown(*calibration, percent / 100.0);
      tally.expected_change =
          ExpectedChange(*calibration, tally.extra_delay_us);
      absl::StatusOr<std::vector<std::string>> base =
          WithDelay(flags, scratch, base_delay);
      absl::StatusOr<std::vector<std::string>> slow =
          WithDelay(flags, scratch, base_delay + tally.extra_delay_us);
      if (!base.ok() || !slow.ok()) {
        std::fprintf(
            stderr, "%s\n",
            (base.ok() ? slow.status() : base.status()).ToString().c_str());
        return 1;
      }
      plan.configurations = {{"base", *base}, {"slow", *slow}};
      RunsByConfiguration runs;
      if (absl::Status ran = RunInterleaved(plan, &runs); !ran.ok()) {
        std::fprintf(stderr, "%s\n", ran.ToString().c_str());
        return 1;
      }
      absl::StatusOr<Report> old_report =
          ReportFromGoogleBenchmark(plan.binary_name, runs.at("base"));
      absl::StatusOr<Report> new_report =
          ReportFromGoogleBenchmark(plan.binary_name, runs.at("slow"));
      if (!old_report.ok() || !new_report.ok()) {
        std::fprintf(
            stderr, "%s\n",
            (old_report.ok() ? new_report.status() : old_report.status())
                .ToString()
                .c_str());
        return 1;
      }
      for (const auto& [options, detected, false_alarms] :
           {std::tuple<const CompareOptions*, int*, int*>{
                &holm, &tally.detected_holm, &tally.false_alarms_holm},
            {&alone, &tally.detected_alone, &tally.false_alarms_alone}}) {
        absl::StatusOr<ReportComparison> c =
            CompareReports(*old_report, "base", *new_report, "slow", *options);
        if (!c.ok()) {
          std::fprintf(stderr, "%s\n", c.status().ToString().c_str());
          return 1;
        }
        Judge(*c, scenario, percent > 0, detected, false_alarms,
              options == &holm ? &tally.false_alarm_metrics : nullptr);
        if (options == &holm) {
          for (const MetricComparison& m : c->metrics) {
            if (IsTarget(m, scenario) && m.change.has_value()) {
              tally.changes.push_back(*m.change);
            }
          }
        }
      }
      std::fprintf(stderr, "trial %d, slowdown %d%%: done\n", trial + 1,
                   percent);
    }
  }

  const int n = plan.rounds * plan.repetitions_per_round;
  std::string table = absl::StrFormat(
      "Sensitivity: %d repetitions a side (%d round(s) of %d), %d trials per "
      "slowdown, threshold 5%%, alpha 0.05;\nthread_shared, 1 worker, %s "
      "responses, table %s, base delay %d us per response (%.0f us per "
      "row).\n\n"
      "| slowdown | extra delay | expected change | median measured change | "
      "detected (Holm) | detected (no correction) | false alarms (Holm) | "
      "false alarms (no correction) |\n|---|---|---|---|---|---|---|---|\n",
      n, plan.rounds, plan.repetitions_per_round, absl::GetFlag(FLAGS_trials),
      size, absl::GetFlag(FLAGS_table), base_delay,
      1e6 * calibration->base_seconds_per_row);
  const int trials = absl::GetFlag(FLAGS_trials);
  for (int percent : percents) {
    const Tally& t = tallies[percent];
    absl::StrAppendFormat(
        &table,
        "| %d%% | %d us | %+.1f%% | %+.1f%% | %s | %s | %d/%d | %d/%d |\n",
        percent, t.extra_delay_us, 100 * t.expected_change,
        t.changes.empty() ? 0.0 : 100 * Median(t.changes),
        percent == 0 ? "-" : absl::StrCat(t.detected_holm, "/", trials),
        percent == 0 ? "-" : absl::StrCat(t.detected_alone, "/", trials),
        t.false_alarms_holm, trials, t.false_alarms_alone, trials);
  }
  for (int percent : percents) {
    for (const std::string& alarm : tallies[percent].false_alarm_metrics) {
      absl::StrAppend(&table, "\nFalse alarm (Holm) at ", percent,
                      "%: ", alarm);
    }
  }
  std::printf("\n%s\n", table.c_str());
  if (const std::string out = absl::GetFlag(FLAGS_out); !out.empty()) {
    const absl::Status written = WriteFileAtomically(out, table);
    if (!written.ok()) {
      std::fprintf(stderr, "%s\n", written.ToString().c_str());
      return 1;
    }
  }
  return 0;
}

}  // namespace
}  // namespace forkcheck

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  for (const auto& [name, value] :
       {std::pair<const char*, int>{"trials", absl::GetFlag(FLAGS_trials)},
        {"rounds", absl::GetFlag(FLAGS_rounds)},
        {"repetitions_per_round",
         absl::GetFlag(FLAGS_repetitions_per_round)}}) {
    if (value < 1) {
      std::fprintf(stderr, "measure_sensitivity: --%s=%d; expected 1 or more\n",
                   name, value);
      return 2;
    }
  }
  forkcheck::InstallInterruptCleanup();
  return forkcheck::Run(argv[0]);
}
