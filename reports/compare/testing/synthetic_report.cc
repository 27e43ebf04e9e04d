#include "reports/compare/testing/synthetic_report.h"

#include <algorithm>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "environment/environment.h"
#include "gtest/gtest.h"
#include "reports/benchmark_section.h"
#include "reports/report_upgrade.h"

namespace forkcheck {
namespace {

using nlohmann::json;

Environment FixedEnvironment(const SyntheticReport& spec) {
  Environment env;
  env.grpc = {spec.grpc_version, "29.0.0", "/usr/lib/libgrpc.so",
              "does_not_register", "test"};
  env.protobuf = {"3.21.12", "/usr/lib/libprotobuf.so.32"};
  env.build = {"GCC 12.2.0", "opt", {"-O2"}, {}, "test", "unknown"};
  env.machine.hostname = spec.hostname;
  env.machine.os = "Debian GNU/Linux 12";
  env.machine.kernel_release = spec.kernel_release;
  env.machine.kernel_version = "#1 SMP";
  env.machine.architecture = "x86_64";
  env.machine.libc_version = "2.36";
  env.machine.cpu_model = "Test CPU";
  env.machine.hardware_concurrency = 2;
  env.machine.cpus_online = 2;
  env.machine.cpus_allowed = 2;
  env.machine.memory_total_bytes = 1 << 30;
  env.machine.scaling_governor = "unknown";
  env.machine.load_average_at_start = LoadAverage{0.5, 0.5, 0.5};
  env.harness = {"/src", "0123456789abcdef", "clean"};
  env.start_time = spec.start_time;
  env.end_time = spec.start_time;
  return env;
}

json Counts(const std::vector<std::string>& outcomes) {
  std::map<std::string, int> counts;
  for (const std::string& outcome : outcomes) ++counts[outcome];
  std::string summary;
  if (counts.size() == 1) {
    summary = absl::StrCat("always ", counts.begin()->first);
  } else {
    summary = "mixed";
    for (const auto& [kind, count] : counts) {
      absl::StrAppend(&summary, summary == "mixed" ? " " : ", ", kind, " ",
                      count);
    }
  }
  return {{"summary", summary}, {"counts", counts}};
}

json Axes(const std::string& fork_support) {
  return {{"workers", 2},
          {"transport", "tcp"},
          {"table", "small"},
          {"faults", "none"},
          {"fork_support", fork_support},
          {"poll_strategy", "default"},
          {"fork_hooks", "none"},
          {"child_channel", "default"},
          {"busy_parent_thread", false},
          {"workload", "read"}};
}

json CellJson(const SyntheticCell& cell) {
  json trials = json::array();
  for (size_t i = 0; i < cell.workers.size(); ++i) {
    trials.push_back({{"workers", cell.workers[i]},
                      {"parent_after", cell.parent_after.empty()
                                           ? json(nullptr)
                                           : json(cell.parent_after.at(i))},
                      {"worker_details", json::array()},
                      {"parent_detail", ""},
                      {"watchdog_fired", false},
                      {"wall_micros", 1000},
                      {"first_row_micros", {10, 10}},
                      {"done_micros", {900, 900}},
                      {"rows", 1000},
                      {"tcp_connections", 1},
                      {"harness_error", ""}});
  }
  json out = {
      {"key", absl::StrCat(cell.model_name,
                           " workers=2 fork_support=", cell.fork_support)},
      {"model", cell.model_name},
      {"model_name", cell.model_name},
      {"variant", json::object()},
      {"axes", Axes(cell.fork_support)},
      {"groups", {"test"}},
      {"workers", Counts(cell.workers)},
      {"parent_after",
       cell.parent_after.empty() ? json(nullptr) : Counts(cell.parent_after)},
      {"trials", trials}};
  if (!cell.client.empty()) out["client"] = cell.client;
  if (!cell.signatures.empty()) {
    out["signatures"] = json::array();
    for (const auto& [signature, trials] : cell.signatures) {
      out["signatures"].push_back(
          {{"signature", signature}, {"trials", trials}});
    }
  }
  return out;
}

json ClientJson(const SyntheticClient& client) {
  const bool ran = client.skipped.empty();
  return {{"client", client.client},
          {"language", "test"},
          {"library", client.library},
          {"library_version", client.library_version},
          {"grpc_core_version", client.grpc_core_version},
          {"versions", client.versions},
          {"status", ran ? "ran" : "skipped"},
          {"skipped_reason", client.skipped},
          {"expectations", ran ? json{{"file", "expectations.txt"},
                                      {"found", true},
                                      {"passed", true},
                                      {"differences", ""}}
                               : json(nullptr)}};
}

json Conformance(const std::vector<SyntheticCell>& cells,
                 const std::vector<SyntheticClient>& clients) {
  json out = {{"size", "quick"},
              {"defaults", Axes("unset")},
              {"repetitions", 5},
              {"cell_filter", ""},
              {"cells", json::array()},
              {"expectations",
               {{"file", "expectations.txt"},
                {"found", true},
                {"passed", true},
                {"differences", ""}}}};
  for (const SyntheticCell& cell : cells) {
    out["cells"].push_back(CellJson(cell));
  }
  if (!clients.empty()) {
    out["clients"] = json::array();
    for (const SyntheticClient& client : clients) {
      out["clients"].push_back(ClientJson(client));
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> Trials(
    const std::vector<std::pair<std::string, int>>& counts) {
  std::vector<std::string> trials;
  for (const auto& [kind, n] : counts) trials.insert(trials.end(), n, kind);
  return trials;
}

json SyntheticGoogleBenchmark(const std::vector<SyntheticScenario>& scenarios) {
  json runs = json::array();
  for (const SyntheticScenario& scenario : scenarios) {
    size_t repetitions = 1;
    for (const auto& [name, samples] : scenario.metrics) {
      repetitions = std::max(repetitions, samples.size());
    }
    for (size_t i = 0; i < repetitions; ++i) {
      json run = {{"name", scenario.id},     {"run_name", scenario.id},
                  {"run_type", "iteration"}, {"repetitions", repetitions},
                  {"repetition_index", i},   {"iterations", 1},
                  {"time_unit", "ms"}};
      if (!scenario.skipped.empty()) {
        run["error_occurred"] = true;
        run["error_message"] = scenario.skipped;
      }
      for (const auto& [name, samples] : scenario.metrics) {
        run[name] = samples.at(i);
      }
      runs.push_back(run);
    }
    runs.push_back({{"name", scenario.id + "_median"},
                    {"run_name", scenario.id},
                    {"run_type", "aggregate"},
                    {"aggregate_name", "median"},
                    {"real_time", 1.0},
                    {"time_unit", "ms"}});
  }
  return {{"context", {{"num_cpus", 2}}}, {"benchmarks", runs}};
}

Report BuildSyntheticReport(const SyntheticReport& spec) {
  ReportParts parts;
  parts.command = {"forkcheck_run", "--test"};
  parts.environment = FixedEnvironment(spec);
  if (!spec.cells.empty()) {
    parts.conformance = Conformance(spec.cells, spec.clients);
    // Written in schema version 1's shape; upgraded as such a report is
    // read, which derives each cell's verdict from its counts.
    const absl::Status upgraded = UpgradeV1Conformance(&*parts.conformance);
    EXPECT_TRUE(upgraded.ok()) << upgraded;
  }
  if (!spec.scenarios.empty()) {
    absl::StatusOr<json> section =
        BenchmarkSection({{"process_models_benchmark",
                           SyntheticGoogleBenchmark(spec.scenarios)}});
    EXPECT_TRUE(section.ok()) << section.status();
    if (section.ok()) parts.benchmarks = *section;
  }
  absl::StatusOr<Report> report = Report::Build(parts);
  EXPECT_TRUE(report.ok()) << report.status();
  if (report.ok()) return *std::move(report);
  return *Report::Build(ReportParts{{"x"}, FixedEnvironment(spec), {}, {}});
}

SyntheticReport WithPythonClient(SyntheticReport spec,
                                 const std::string& python_version,
                                 const std::string& skipped) {
  for (SyntheticCell& cell : spec.cells) cell.client = "cpp";
  spec.clients = {
      {"cpp", "grpc++", spec.grpc_version, "29.0.0", {}, ""},
      {"python-grpcio", "grpcio", python_version, "29.0.0", {}, skipped}};
  if (skipped.empty()) {
    for (const char* support : {"unset", "true"}) {
      spec.cells.push_back({"python-grpcio:threads",
                            support,
                            {"ok", "ok"},
                            {},
                            "python-grpcio"});
    }
  }
  return spec;
}

std::vector<double> Scaled(const std::vector<double>& samples, double factor) {
  std::vector<double> out;
  for (double x : samples) out.push_back(x * factor);
  return out;
}

}  // namespace forkcheck
