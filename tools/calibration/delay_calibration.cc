#include "tools/calibration/delay_calibration.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "stats/sample_summary.h"

namespace forkcheck {

absl::StatusOr<std::string> DelayFlag(const std::string& folder, int micros) {
  const std::string path =
      absl::StrCat(folder, "/delay_per_response_", micros, "us.json");
  const nlohmann::json script = {
      {"faults", {{{"kind", "delay_per_response"}, {"micros", micros}}}}};
  if (absl::Status written = WriteFileAtomically(path, script.dump());
      !written.ok()) {
    return written;
  }
  return absl::StrCat("--fake_faults=", path);
}

absl::StatusOr<double> MedianRowsPerSecond(
    const nlohmann::json& google_benchmark, const std::string& scenario_id) {
  std::vector<double> samples;
  const auto runs = google_benchmark.find("benchmarks");
  if (runs == google_benchmark.end() || !runs->is_array()) {
    return absl::InvalidArgumentError(
        "Google Benchmark's JSON has no \"benchmarks\" array");
  }
  for (const nlohmann::json& run : *runs) {
    const auto name = run.find("run_name");
    const auto type = run.find("run_type");
    const auto rate = run.find("rows_per_second");
    // A run that failed before it was timed has a null rate (NaN in
    // Google Benchmark's output): not a sample.
    if (name != run.end() && *name == scenario_id && type != run.end() &&
        *type == "iteration" && rate != run.end() && rate->is_number()) {
      samples.push_back(rate->get<double>());
    }
  }
  if (samples.empty()) {
    return absl::NotFoundError(
        absl::StrCat("no rows_per_second samples of ", scenario_id));
  }
  return Median(samples);
}

absl::StatusOr<std::vector<std::string>> WithDelay(
    std::vector<std::string> flags, const std::string& folder, int micros) {
  absl::StatusOr<std::string> flag = DelayFlag(folder, micros);
  if (!flag.ok()) return flag.status();
  flags.push_back(*std::move(flag));
  return flags;
}

absl::StatusOr<DelayCalibration> CalibrateDelay(
    InterleavedPlan plan, const std::string& scenario_id,
    const std::vector<std::string>& flags, int base_delay_us) {
  absl::StatusOr<std::vector<std::string>> base =
      WithDelay(flags, plan.scratch, base_delay_us);
  absl::StatusOr<std::vector<std::string>> doubled =
      WithDelay(flags, plan.scratch, 2 * base_delay_us);
  if (!base.ok()) return base.status();
  if (!doubled.ok()) return doubled.status();
  plan.configurations = {{"calibrate_base", *base},
                         {"calibrate_doubled", *doubled}};
  RunsByConfiguration runs;
  if (absl::Status ran = RunInterleaved(plan, &runs); !ran.ok()) return ran;
  if (runs.count("calibrate_base") == 0 ||
      runs.count("calibrate_doubled") == 0) {
    return absl::InvalidArgumentError("calibration: a plan with no rounds");
  }
  absl::StatusOr<double> base_rate =
      MedianRowsPerSecond(runs.at("calibrate_base"), scenario_id);
  absl::StatusOr<double> doubled_rate =
      MedianRowsPerSecond(runs.at("calibrate_doubled"), scenario_id);
  if (!base_rate.ok()) return base_rate.status();
  if (!doubled_rate.ok()) return doubled_rate.status();
  DelayCalibration calibration;
  calibration.base_delay_us = base_delay_us;
  calibration.base_seconds_per_row = 1 / *base_rate;
  calibration.seconds_per_row_per_delay_us =
      (1 / *doubled_rate - 1 / *base_rate) / base_delay_us;
  if (!(calibration.seconds_per_row_per_delay_us > 0)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "doubling the per-response delay to ", 2 * base_delay_us,
        " us did not slow ", scenario_id, " down (", *base_rate, " -> ",
        *doubled_rate, " rows/s): does the binary take ", base->back(), "?"));
  }
  return calibration;
}

int ExtraDelayForSlowdown(const DelayCalibration& calibration,
                          double fraction) {
  // Throughput falls by `fraction` when the time per row grows by
  // fraction / (1 - fraction) of itself.
  const double extra_seconds_per_row =
      calibration.base_seconds_per_row * fraction / (1 - fraction);
  return std::max(
      1,
      static_cast<int>(std::lround(extra_seconds_per_row /
                                   calibration.seconds_per_row_per_delay_us)));
}

double ExpectedChange(const DelayCalibration& calibration, int extra_delay_us) {
  const double base = calibration.base_seconds_per_row;
  return base / (base +
                 extra_delay_us * calibration.seconds_per_row_per_delay_us) -
         1;
}

}  // namespace forkcheck
