#include "tools/calibration/interleaved_runs.h"

#include "absl/strings/str_cat.h"
#include "bench/bench_runs.h"
#include "environment/environment.h"
#include "reports/benchmark_section.h"

namespace forkcheck {

absl::Status RunInterleaved(const InterleavedPlan& plan,
                            RunsByConfiguration* runs) {
  const size_t n = plan.configurations.size();
  for (int round = 0; round < plan.rounds; ++round) {
    for (size_t i = 0; i < n; ++i) {
      const BenchConfiguration& configuration =
          plan.configurations[(i + round) % n];
      BenchRun run;
      run.name = absl::StrCat(plan.binary_name, "-", configuration.name);
      run.binary = plan.binary;
      run.env = plan.env;
      run.flags = configuration.flags;
      run.flags.push_back(
          absl::StrCat("--benchmark_repetitions=", plan.repetitions_per_round));
      absl::StatusOr<nlohmann::json> json =
          RunBenchmark(run, plan.scratch, plan.timeout_per_run);
      if (!json.ok()) {
        return absl::Status(
            json.status().code(),
            absl::StrCat(configuration.name, ", round ", round + 1, ": ",
                         json.status().message()));
      }
      auto [it, first] = runs->emplace(configuration.name, *json);
      if (!first) {
        for (const nlohmann::json& benchmark : (*json)["benchmarks"]) {
          it->second["benchmarks"].push_back(benchmark);
        }
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Report> ReportFromGoogleBenchmark(
    const std::string& binary_name, const nlohmann::json& google_benchmark) {
  absl::StatusOr<nlohmann::json> section =
      BenchmarkSection({{binary_name, google_benchmark}});
  if (!section.ok()) return section.status();
  ReportParts parts;
  parts.command = {binary_name};
  EnvironmentOptions options;
  options.start = CaptureRunStart();
  parts.environment = CollectEnvironment(options);
  parts.benchmarks = *std::move(section);
  return Report::Build(parts);
}

}  // namespace forkcheck
