// A slowdown of a chosen size, made with the fake server's per-response
// delay (process_models_benchmark --fake_faults with a delay_per_response
// rule), sized from
// what one microsecond of delay is measured to cost, not from a guess at how
// many responses a trial waits for.
//
// The trust tests and the sensitivity measurement run a latency-bound
// configuration: a base delay on every side (A and B alike) makes a trial
// mostly waiting, so a loaded machine's CPU contention moves it little,
// and the added delay is a known share of it.
#ifndef FORKCHECK_TOOLS_CALIBRATION_DELAY_CALIBRATION_H_
#define FORKCHECK_TOOLS_CALIBRATION_DELAY_CALIBRATION_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "tools/calibration/interleaved_runs.h"

namespace forkcheck {

// The flag that gives every fake a per-response delay of `micros`: writes
// the fault script into `folder` and returns "--fake_faults=<script>".
absl::StatusOr<std::string> DelayFlag(const std::string& folder, int micros);

// `flags` and DelayFlag(folder, micros).
absl::StatusOr<std::vector<std::string>> WithDelay(
    std::vector<std::string> flags, const std::string& folder, int micros);

struct DelayCalibration {
  int base_delay_us = 0;
  double base_seconds_per_row = 0;  // 1 / median rows_per_second at the base
  // Seconds per row added by each microsecond of per-response delay.
  double seconds_per_row_per_delay_us = 0;
};

// The median rows_per_second of scenario `scenario_id` in Google Benchmark
// JSON; NOT_FOUND if it is not there or has no samples.
absl::StatusOr<double> MedianRowsPerSecond(
    const nlohmann::json& google_benchmark, const std::string& scenario_id);

// Runs `plan` (its configurations replaced) at the base delay and at twice
// it, interleaved, and measures the cost of the delay in `scenario_id`.
// Delay scripts go to plan.scratch.
absl::StatusOr<DelayCalibration> CalibrateDelay(
    InterleavedPlan plan, const std::string& scenario_id,
    const std::vector<std::string>& flags, int base_delay_us);

// The extra delay that should lower throughput by `fraction` (0.1: 10%).
int ExtraDelayForSlowdown(const DelayCalibration& calibration, double fraction);

// The throughput change `extra_delay_us` should make (negative: slower).
double ExpectedChange(const DelayCalibration& calibration, int extra_delay_us);

}  // namespace forkcheck

#endif  // FORKCHECK_TOOLS_CALIBRATION_DELAY_CALIBRATION_H_
