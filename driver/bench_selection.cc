#include "driver/bench_selection.h"

#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "bench/process_model_scenarios.h"

namespace forkcheck {

absl::Status CheckBenchSelection(const BenchSelectionFlags& flags) {
  struct Passed {
    const char* main_flag;
    const char* bench_flag;
    const std::string* value;
  };
  const Passed passed[] = {
      {"bench_models", "models", &flags.models},
      {"bench_workers", "workers", &flags.workers},
      {"bench_sizes", "sizes", &flags.sizes},
      {"bench_fake_faults", "fake_faults", &flags.fake_faults},
      {"clients", "clients", &flags.clients},
  };
  for (const Passed& flag : passed) {
    if (flag.value->empty()) continue;
    if (absl::Status valid = CheckSelectionFlag(flag.bench_flag, *flag.value);
        !valid.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--", flag.main_flag, "=", *flag.value, ": ", valid.message()));
    }
  }
  if (flags.models.empty() || flags.clients.empty()) return absl::OkStatus();
  const std::vector<std::string> clients = absl::StrSplit(flags.clients, ',');
  const std::set<std::string> chosen(clients.begin(), clients.end());
  for (absl::string_view label : absl::StrSplit(flags.models, ',')) {
    for (const ModelScenario& model : BenchmarkedModels()) {
      if (model.label != label || chosen.count(model.client) != 0) continue;
      return absl::InvalidArgumentError(
          absl::StrCat("--bench_models=", flags.models, ": \"", label,
                       "\" is a model of client ", model.client,
                       ", which --clients=", flags.clients, " leaves out"));
    }
  }
  return absl::OkStatus();
}

std::string LatencyThreadsFilter(const std::vector<std::string>& workers) {
  return absl::StrCat("--benchmark_filter=threads:(",
                      absl::StrJoin(workers, "|"), ")$");
}

}  // namespace forkcheck
